// See runtime_model.h.
#include "runtime_model.h"

#include "bind_now.h"
#include "morestack/abi.h"

#include <dlfcn.h>
#include <stdlib.h>

// unwind_elsewhere.S's pointers to libgcc's functions (libgcc_s may not be
// loaded in stackneeds-c: then nothing calls them).
#define MS_REAL_DECL(name) extern "C" void *ms_real_##name;
MORESTACK_UNWINDER_ENTRIES(MS_REAL_DECL)
#undef MS_REAL_DECL

void ms_model_runtime() {
  if (!getenv("STACKNEEDS_LAZY_LIBRARIES")) morestack::bind_loaded_modules(false);
#define MS_RESOLVE(name) ms_real_##name = dlsym(RTLD_NEXT, #name);
  MORESTACK_UNWINDER_ENTRIES(MS_RESOLVE)
#undef MS_RESOLVE
}

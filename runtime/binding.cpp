// runtime/binding.cpp: see binding.h.
#include "binding.h"

#include "bind_now.h"
#include "fatal.h"
#include "thread_state.h"
#include "unwinder.h"

#include <elf.h>
#include <link.h>
#include <stdlib.h>

namespace morestack {
namespace {

struct Query {
  uintptr_t addr;
  bool found, bound;
  const char *name;
};

bool binds_now(const ElfW(Dyn) *d) {
  for (; d->d_tag != DT_NULL; ++d) {
    if (d->d_tag == DT_BIND_NOW) return true;
    if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_BIND_NOW)) return true;
    if (d->d_tag == DT_FLAGS_1 && (d->d_un.d_val & DF_1_NOW)) return true;
  }
  return false;
}

int visit(struct dl_phdr_info *info, size_t, void *p) {
  Query &q = *(Query *)p;
  bool contains = false;
  const ElfW(Dyn) *dyn = nullptr;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && q.addr >= lo && q.addr < lo + ph.p_memsz) contains = true;
    if (ph.p_type == PT_DYNAMIC) dyn = (const ElfW(Dyn) *)(info->dlpi_addr + ph.p_vaddr);
  }
  if (!contains) return 0;
  q.found = true;
  q.bound = !dyn || binds_now(dyn);  // no dynamic section: a static link, nothing lazy
  q.name = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "the program";
  return 1;
}

} // namespace

void check_bound_at_load(uintptr_t addr, const char *what) {
  const char *env = getenv("LD_BIND_NOW");
  if (env && *env) return;
  Query q = {addr, false, false, nullptr};
  dl_iterate_phdr(visit, &q);
  if (!q.found || q.bound) return;
  fatal("%s (%s) is bound lazily: the first call through each of its PLT slots runs the dynamic "
        "linker's resolver on the caller's stack, which the stack checks of code built with the "
        "plugin do not count; link it with -Wl,-z,now (morestack-clang and morestack_enable do), "
        "or run with LD_BIND_NOW=1", q.name, what);
}

void bind_libraries() {
  on_system_stack(
      [](void *) -> void * {
        const char *env = getenv("LD_BIND_NOW");
        if (!env || !*env) bind_loaded_modules(/*verify=*/false);
        check_unwinder_interposed();
        return nullptr;
      },
      nullptr);
}

} // namespace morestack

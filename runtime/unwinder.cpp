// runtime/unwinder.cpp: C++ throws unwind on the system stack.
//
// libgcc's unwinder needs 1.8 KiB of stack for a warm throw and about
// 5 KiB for a program's first (it reads and sorts unwind tables), more than
// a 2 KiB fiber has. Every throw goes through three entry points that
// libstdc++ and compiled landing pads call through the PLT:
// MORESTACK_UNWINDER_ENTRIES (include/morestack/abi.h). The runtime defines
// them (morestack.S, UNWINDER_ENTRY): each jumps to
// __morestack_call_on_system, which runs the trampoline below on the
// thread's system stack when the caller is on a managed stack (directly
// otherwise); the trampoline calls libgcc's function of the same name.
//
// Invariants:
// - Nothing else lives on the system stack while ordinary code runs, so the
//   unwinder may use it: a throw never starts there from a function the
//   plugin runs on the system stack (those call nothing back), and signal
//   handlers run on their own stacks.
// - The unwinder walks from the system stack back to the thrower through
//   __morestack_call_on_system's CFI (its CFA is the caller's %rsp), and
//   installs a handler by setting %rsp to the handler frame's CFA: the
//   system stack is left behind, nothing on it is needed after.
// - Personality routines run on the system stack with the thrower's guard:
//   libstdc++'s and libgcc's have no checks. Landing pads run on the
//   thrower's stack, in frames that checked their stack.
// - The interposition holds only if the executable exports the entries
//   (a library that references them does that at link time; the wrappers
//   also pass --export-dynamic-symbol): check_unwinder_interposed() stops a
//   program where another definition would win, since code built with the
//   plugin reserves only the thrower's part of a throw
//   (plugin/CallSiteReserve.cpp).
#include "fatal.h"
#include "unwinder.h"

#include "morestack/abi.h"

#include <dlfcn.h>
#include <stdint.h>

namespace morestack {
namespace {

using UnwindFn = uintptr_t (*)(void *);

enum Entry : unsigned {
#define MORESTACK_ENTRY_ENUM(name) k##name,
  MORESTACK_UNWINDER_ENTRIES(MORESTACK_ENTRY_ENUM)
#undef MORESTACK_ENTRY_ENUM
  kEntries
};

const char *const kNames[] = {
#define MORESTACK_ENTRY_NAME(name) #name,
    MORESTACK_UNWINDER_ENTRIES(MORESTACK_ENTRY_NAME)
#undef MORESTACK_ENTRY_NAME
};

UnwindFn real_fns[kEntries];

// libgcc's definition (the next one after the executable's), found on
// first use: the trampolines run on the system stack, where dlsym fits.
UnwindFn real(Entry e) {
  UnwindFn f = __atomic_load_n(&real_fns[e], __ATOMIC_ACQUIRE);
  if (f) return f;
  f = (UnwindFn)dlsym(RTLD_NEXT, kNames[e]);
  if (!f) fatal("a C++ exception is in flight but no unwinder defines %s: %s", kNames[e], dlerror());
  __atomic_store_n(&real_fns[e], f, __ATOMIC_RELEASE);
  return f;
}

} // namespace

void check_unwinder_interposed() {
  // Without a C++ runtime loaded (in any scope: a dlopen'd library's
  // libstdc++ is not in the global one) nothing throws: C code compiled
  // with -fexceptions only resumes the cleanups of a thread's cancellation.
  static const char *const kCxxRuntimes[] = {"libstdc++.so.6", "libc++abi.so.1"};
  bool cxx = false;
  for (const char *lib : kCxxRuntimes)
    if (void *h = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD)) {
      cxx = true;
      dlclose(h);
    }
  if (!cxx) return;
  static const void *const ours[] = {
#define MORESTACK_ENTRY_ADDRESS(name) (const void *)&name,
      MORESTACK_UNWINDER_ENTRIES(MORESTACK_ENTRY_ADDRESS)
#undef MORESTACK_ENTRY_ADDRESS
  };
  for (unsigned e = 0; e < kEntries; ++e) {
    // What libstdc++'s references bind to: the global scope comes first in
    // every module's lookup.
    const void *found = dlsym(RTLD_DEFAULT, kNames[e]);
    if (found && found != ours[e])
      fatal("%s resolves to the unwinder's own definition, not the runtime's: throws would run "
            "the unwinder on the thrower's small stack; export the runtime's (link with "
            "morestack-clang++ or morestack_enable, or add -Wl,--export-dynamic-symbol=_Unwind_R*)",
            kNames[e]);
  }
}

} // namespace morestack

using namespace morestack;

// The trampolines __morestack_call_on_system calls (morestack.S).
#define MORESTACK_TRAMPOLINE(name)                                                            \
  extern "C" __attribute__((visibility("hidden"))) uintptr_t __morestack_unwinder_##name(void *a) { \
    return real(k##name)(a);                                                                  \
  }
MORESTACK_UNWINDER_ENTRIES(MORESTACK_TRAMPOLINE)
#undef MORESTACK_TRAMPOLINE

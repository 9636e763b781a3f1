// runtime/faults.cpp: see faults.h.
#include "faults.h"

#include "fatal.h"
#include "quarantine.h"
#include "thread_state.h"

namespace morestack {
namespace {
constexpr uintptr_t kPage = 4096;
}

void explain_fault(int sig, siginfo_t *info, ucontext_t *uc) {
  (void)sig;
  const uintptr_t addr = (uintptr_t)info->si_addr;
  explain_stale_access(addr, uc);
  // Large stack blocks have an inaccessible page below them (stack_pool.h).
  const Stack *s = thread_state().current;
  if (s && s->kind != StackKind::Signal && addr < s->lo && addr >= s->lo - kPage) {
    char name[64];
    print_fault_backtrace(uc);
    fatal("stack overflow below the %zu-byte stack of %s (address %#lx): code built without the "
          "plugin used more stack than was reserved for it (a C library or other uninstrumented "
          "function, or deep recursion in it)", s->size(), describe(*s, name, sizeof name), addr);
  }
}

} // namespace morestack

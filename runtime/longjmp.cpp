// runtime/longjmp.cpp: longjmp never lands on a stack that has moved.
//
// A jmp_buf kept on the stack moves with it: the relocation scan rewrites
// its mangled stack and frame pointers (relocate.h). A jmp_buf kept in the
// heap or a global does not, and after a growth its saved stack pointer
// names a freed block. longjmp, _longjmp, siglongjmp and __longjmp_chk are
// interposed: while the thread runs on a managed stack, the target stack
// pointer must lie inside that stack, otherwise the program stops with a
// message instead of jumping into freed memory.
#include "fatal.h"
#include "quarantine.h"
#include "relocate.h"
#include "signals.h"
#include "thread_state.h"

#include <dlfcn.h>
#include <setjmp.h>

namespace morestack {
namespace {

constexpr int kJmpBufSp = 6;  // glibc x86-64 __jmp_buf: rbx rbp r12 r13 r14 r15 rsp pc

void check_target(const char *fn, const struct __jmp_buf_tag *env) {
  StackKind kind;
  uint64_t id;
  intptr_t delta;
  if (find_retired((uintptr_t)env, &kind, &id, &delta)) {
    Stack owner;
    owner.kind = kind;
    owner.id = id;
    char name[48];
    fatal("%s: the jmp_buf itself at %p is in a stack block freed when the stack of %s moved "
          "(its copy is at %#lx): it was a local variable of a function whose frame moved, and "
          "the pointer to it was kept where the move could not update it",
          fn, (const void *)env, describe(owner, name, sizeof name), (uintptr_t)env + delta);
  }
  uintptr_t sp = demangle_pointer((uintptr_t)env->__jmpbuf[kJmpBufSp], pointer_guard());
  leave_signal_handler_for(sp);
  const Stack *s = thread_state().current;
  if (!s) return;
  if (s->contains(sp)) return;
  char name[48];
  fatal("%s: the target was saved with setjmp at sp=%#lx, outside the current stack of %s "
        "[%#lx, %#lx): the stack has moved since (keep the jmp_buf in a local variable, not in "
        "the heap or a global) or the jump crosses fibers", fn, sp, describe(*s, name, sizeof name),
        s->lo, s->hi);
}

template <class Fn> Fn real(const char *name) {
  Fn f = (Fn)dlsym(RTLD_NEXT, name);
  if (!f) fatal("cannot find libc's %s: %s", name, dlerror());
  return f;
}

using jump_fn = void (*)(struct __jmp_buf_tag *, int);

} // namespace
} // namespace morestack

using namespace morestack;

#define MORESTACK_INTERPOSE_LONGJMP(NAME)                                       \
  extern "C" void NAME(struct __jmp_buf_tag *env, int val) {                    \
    check_target(#NAME, env);                                                   \
    static jump_fn fn = real<jump_fn>(#NAME);                                   \
    fn(env, val);                                                               \
    __builtin_unreachable();                                                    \
  }

MORESTACK_INTERPOSE_LONGJMP(longjmp)
MORESTACK_INTERPOSE_LONGJMP(_longjmp)
MORESTACK_INTERPOSE_LONGJMP(siglongjmp)

extern "C" [[noreturn]] void __longjmp_chk(struct __jmp_buf_tag *env, int val) {
  check_target("longjmp", env);
  static jump_fn fn = real<jump_fn>("__longjmp_chk");
  fn(env, val);
  __builtin_unreachable();
}

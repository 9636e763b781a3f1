// runtime/longjmp.cpp: longjmp never lands on a stack that has moved.
//
// The registry of setjmp buffers (jmp_bufs.h) keeps every buffer that code
// built with the plugin saved up to date when its stack moves. longjmp,
// _longjmp, siglongjmp and __longjmp_chk are interposed as a check: while
// the thread runs on a managed stack, the target stack pointer must lie
// inside that stack (a buffer saved by code built without the plugin, or a
// jump across fibers, would not), otherwise the program stops with a
// message instead of jumping into freed memory; a jump that leaves a
// signal handler also restores what the handler trampoline changed.
#include "fatal.h"
#include "jmp_bufs.h"
#include "quarantine.h"
#include "relocate.h"
#include "sanitizers.h"
#include "signals.h"
#include "thread_state.h"

#include <dlfcn.h>
#include <morestack/glibc_facts.h>
#include <setjmp.h>
#include <stdlib.h>

struct morestack::JmpBufs {
  size_t count, capacity;
  uintptr_t *buf[];  // the registered __jmp_buf_tag addresses; bit 0: moved since its setjmp
};

namespace morestack {
namespace {

// glibc's __jmp_buf (glibc_facts.h): its words, and the mangled %rsp.
constexpr int kJmpBufWords = MORESTACK_GLIBC_JB_WORDS;
constexpr int kJmpBufSp = MORESTACK_GLIBC_JB_RSP;

uintptr_t saved_sp(const uintptr_t *jb) { return demangle_pointer(jb[kJmpBufSp], pointer_guard()); }

// Registry entries: the buffer's address, bit 0 set once a move relocated
// it (a sanitizer's record of its setjmp then holds the old stack pointer).
uintptr_t *untag(uintptr_t *e) { return (uintptr_t *)((uintptr_t)e & ~uintptr_t(1)); }
uintptr_t *tag_moved(uintptr_t *jb) { return (uintptr_t *)((uintptr_t)jb | 1); }

// Whether `env` is registered on the current stack and moved since its setjmp.
bool moved_since_setjmp(const void *env) {
  const Stack *s = thread_state().current;
  if (!s || !s->jmp_bufs) return false;
  for (size_t i = 0; i < s->jmp_bufs->count; ++i)
    if (s->jmp_bufs->buf[i] == tag_moved((uintptr_t *)env)) return true;
  return false;
}

struct Grow {
  JmpBufs **slot;
};

void *grow_registry(void *p) {
  JmpBufs **slot = ((Grow *)p)->slot;
  size_t capacity = *slot ? (*slot)->capacity * 2 : 8;
  JmpBufs *bigger = (JmpBufs *)malloc(sizeof(JmpBufs) + capacity * sizeof(uintptr_t *));
  if (!bigger) fatal("out of memory registering a setjmp buffer");
  bigger->count = *slot ? (*slot)->count : 0;
  bigger->capacity = capacity;
  if (*slot) {
    for (size_t i = 0; i < bigger->count; ++i) bigger->buf[i] = (*slot)->buf[i];
    free(*slot);
  }
  *slot = bigger;
  return nullptr;
}

void check_target(const char *fn, const struct __jmp_buf_tag *env) {
  uintptr_t sp = demangle_pointer((uintptr_t)env->__jmpbuf[kJmpBufSp], pointer_guard());
  leave_signal_handler_for(sp);
  const Stack *s = thread_state().current;
  if (!s) return;
  if (s->contains(sp)) return;  // a live target (wherever the buffer is)
  // Not a target on this stack. Say why if the buffer itself lies in a
  // block a move freed (its bytes are then garbage, or the old stack's).
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
  char name[48];
  fatal("%s: the target was saved with setjmp at sp=%#lx, outside the current stack of %s "
        "[%#lx, %#lx): a jump across fibers, or a buffer that code built without the plugin saved "
        "before the stack moved", fn, sp, describe(*s, name, sizeof name), s->lo, s->hi);
}

template <class Fn> Fn libc(const char *name) {
  Fn f = (Fn)dlsym(RTLD_NEXT, name);
  if (!f) fatal("cannot find libc's %s: %s", name, dlerror());
  return f;
}

template <class Fn> Fn real(const char *name) {
  // A sanitizer's interceptor first (sanitizers.h); it calls libc's.
  if (void *interceptor = sanitizer_interceptor(name)) return (Fn)interceptor;
  Fn f = (Fn)dlsym(RTLD_NEXT, name);
  if (!f) fatal("cannot find libc's %s: %s", name, dlerror());
  return f;
}

using jump_fn = void (*)(struct __jmp_buf_tag *, int);

} // namespace

void relocate_jmp_bufs(Stack &s, uintptr_t sp, uintptr_t old_hi, intptr_t delta) {
  JmpBufs *r = s.jmp_bufs;
  if (!r) return;
  const uintptr_t key = pointer_guard();
  size_t kept = 0;
  for (size_t i = 0; i < r->count; ++i) {
    uintptr_t *jb = untag(r->buf[i]);
    if (saved_sp(jb) - sp >= old_hi - sp) continue;  // its frame is gone
    relocate_words(jb, jb + kJmpBufWords, sp, old_hi, delta, key);
    r->buf[kept++] = tag_moved(jb);
  }
  r->count = kept;
}

void forget_jmp_bufs(Stack &s) {
  free(s.jmp_bufs);
  s.jmp_bufs = nullptr;
}

size_t registered_jmp_bufs(const Stack &s) { return s.jmp_bufs ? s.jmp_bufs->count : 0; }

} // namespace morestack

using namespace morestack;

// Called before setjmp by code built with the plugin, on the caller's
// (possibly small) stack: a few words there; growing the registry happens
// on the system stack.
extern "C" void __morestack_register_jmp_buf(void *buf) {
  Stack *s = thread_state().current;
  if (!s || s->kind == StackKind::Signal) return;  // a stack that never moves
  uintptr_t *jb = (uintptr_t *)buf;
  JmpBufs *r = s->jmp_bufs;
  if (r) {
    for (size_t i = r->count; i-- > 0;)
      if (untag(r->buf[i]) == jb) {  // already registered (a loop around setjmp)
        r->buf[i] = jb;              // saved again here: not moved since
        return;
      }
    if (r->count == r->capacity) {
      // Forget the buffers whose frames are gone: their saved stack pointer
      // is below this frame.
      const uintptr_t here = (uintptr_t)__builtin_frame_address(0);
      size_t kept = 0;
      for (size_t i = 0; i < r->count; ++i)
        if (saved_sp(untag(r->buf[i])) - here < s->hi - here) r->buf[kept++] = r->buf[i];
      r->count = kept;
    }
  }
  if (!r || r->count == r->capacity) {
    Grow g = {&s->jmp_bufs};
    on_system_stack(grow_registry, &g);
    r = s->jmp_bufs;
  }
  r->buf[r->count++] = jb;
}

// Its twin for shared libraries' stubs (morestack.S, EXPORT_TWIN).
extern "C" void __morestack_register_jmp_buf_export(void *buf)
    __attribute__((alias("__morestack_register_jmp_buf")));

// A buffer relocated since its setjmp goes straight to libc's longjmp:
// ThreadSanitizer's interceptor would look for the stack pointer its setjmp
// interceptor recorded, and stop the program (its shadow call stack then
// keeps the frames the jump skipped; docs/runtime.md, "Sanitizers").
#define MORESTACK_INTERPOSE_LONGJMP(NAME)                                       \
  extern "C" void NAME(struct __jmp_buf_tag *env, int val) {                    \
    check_target(#NAME, env);                                                   \
    static jump_fn fn = real<jump_fn>(#NAME);                                   \
    static jump_fn libc_fn = libc<jump_fn>(#NAME);                              \
    (moved_since_setjmp(env) ? libc_fn : fn)(env, val);                         \
    __builtin_unreachable();                                                    \
  }

MORESTACK_INTERPOSE_LONGJMP(longjmp)
MORESTACK_INTERPOSE_LONGJMP(_longjmp)
MORESTACK_INTERPOSE_LONGJMP(siglongjmp)

extern "C" [[noreturn]] void __longjmp_chk(struct __jmp_buf_tag *env, int val) {
  check_target("longjmp", env);
  static jump_fn fn = real<jump_fn>("__longjmp_chk");
  static jump_fn libc_fn = libc<jump_fn>("__longjmp_chk");
  (moved_since_setjmp(env) ? libc_fn : fn)(env, val);
  __builtin_unreachable();
}

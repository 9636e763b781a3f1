// runtime/sanitizers.h: what the runtime tells AddressSanitizer and
// ThreadSanitizer (and how it steps aside for their interceptors).
//
// Invariants:
//  - Every hook is a no-op unless the program was linked with that
//    sanitizer's runtime: the sanitizer's entry points are weak references
//    here (sanitizers.cpp), null in an ordinary program, so a hook costs a
//    test of a link-time constant. The runtime itself is never built with a
//    sanitizer.
//  - ASan's idea of the current stack ([bottom, top) of the running
//    AsanThread) is the managed stack the thread runs on (ThreadState::
//    current), or its OS stack when current is null: every switch of %rsp
//    between them (fiber resume/yield/finish, a thread entering and leaving
//    its managed stack) and every change of the running stack's bounds (a
//    move, growth or shrink in place) is announced with
//    __sanitizer_start_switch_fiber + __sanitizer_finish_switch_fiber,
//    called back to back just before the switch, with no instrumented code
//    in between. Signal handler stacks are not announced (a handler may
//    interrupt a switch, and ASan refuses a switch inside a switch).
//  - ASan's fake stacks (detect_stack_use_after_return) are off: a fake
//    frame remembers the address of its real frame, and ASan frees fake
//    frames whose real frame lies below the stack pointer, which is wrong
//    once a stack has moved (sanitizers_init turns the option off, or stops
//    the program if the user asked for it).
//  - A stack block that changes hands has clean ASan shadow: released
//    blocks are unpoisoned, and a move copies the live part's shadow to the
//    new block before clearing the old one (frames of code built with ASan
//    but without the plugin keep their redzones; with the plugin, ASan's
//    frames live on the side stack, which never moves).
//  - TSan: every fiber has its own TSan context (__tsan_create_fiber), and
//    every switch between a fiber and its resumer goes through
//    __tsan_switch_to_fiber with synchronisation (the resumer and the fiber
//    are ordered, as they are on the CPU). A block released to the pool is
//    a release on its address and a block handed out an acquire, so the
//    accesses of a stack's old owner happen before those of the next one.
//    A longjmp to a buffer that a stack move relocated since its setjmp
//    bypasses TSan's interceptor (its record holds the old stack pointer;
//    longjmp.cpp).
//  - Functions the runtime interposes that a sanitizer intercepts too
//    (pthread_create, sigaction, signal, the longjmp family, the blocking
//    calls of blocking_calls.cpp) call the sanitizer's interceptor, which
//    calls libc's: dlsym(RTLD_NEXT) from the executable skips the
//    sanitizer, which is linked into it (sanitizer_interceptor).
#pragma once

#include <stddef.h>
#include <stdint.h>

extern "C" {
// Defined only when ASan, or TSan, is linked (sanitizers.cpp).
void __sanitizer_start_switch_fiber(void **, const void *, size_t) __attribute__((weak));
void __tsan_switch_to_fiber(void *, unsigned) __attribute__((weak));
}

namespace morestack {

struct Stack;

// A fiber's sanitizer state (fiber.h: Fiber::san).
struct SanitizerFiber {
  void *tsan = nullptr;          // the fiber's TSan context, if TSan is linked
  void *tsan_resumer = nullptr;  // the context that resumed it last
};

// Whether ASan or TSan is in the program: two link-time constants, so the
// hooks below cost a test each in an ordinary program (resume and yield
// call them on every switch).
inline bool sanitizers_linked() {
  return &__sanitizer_start_switch_fiber != nullptr || &__tsan_switch_to_fiber != nullptr;
}

// At start-up, after the sanitizers initialised (__libc_start_main):
// ASan's fake stacks off (a fatal error if ASAN_OPTIONS asked for them).
void sanitizers_init();

// The out-of-line halves of the hooks below. Those that may run on a small
// stack (switches, releases) call the sanitizer on the system stack.
void sanitizer_switch_stack_slow(const Stack *from, const Stack *to);
void sanitizer_stack_bounds_changed_slow(const Stack &s);
void sanitizer_stack_moved_slow(const Stack &s, uintptr_t old_lo, uintptr_t old_hi, uintptr_t sp);
void sanitizer_block_acquired_slow(uintptr_t lo);
void sanitizer_block_released_slow(uintptr_t lo, uintptr_t hi);
void sanitizer_fiber_created_slow(SanitizerFiber &f);
void sanitizer_fiber_gone_slow(SanitizerFiber &f);
void sanitizer_enter_fiber_slow(SanitizerFiber &f, const Stack *from, const Stack &to);
void sanitizer_leave_fiber_slow(SanitizerFiber &f, const Stack &from, const Stack *to);

// The thread is about to leave `from` for `to` (managed stacks; null: the
// thread's own OS stack).
inline void sanitizer_switch_stack(const Stack *from, const Stack *to) {
  if (sanitizers_linked()) sanitizer_switch_stack_slow(from, to);
}

// The running stack's bounds changed in place (a range grew or shrank).
inline void sanitizer_stack_bounds_changed(const Stack &s) {
  if (sanitizers_linked()) sanitizer_stack_bounds_changed_slow(s);
}

// A stack moved from [old_lo, old_hi), with its live part at [sp, old_hi),
// to `s` (already updated): the shadow follows, the old block's is cleared.
inline void sanitizer_stack_moved(const Stack &s, uintptr_t old_lo, uintptr_t old_hi,
                                  uintptr_t sp) {
  if (sanitizers_linked()) sanitizer_stack_moved_slow(s, old_lo, old_hi, sp);
}

// A block at lo becomes a stack's; a stack's block [lo, hi) goes back.
inline void sanitizer_block_acquired(uintptr_t lo) {
  if (sanitizers_linked()) sanitizer_block_acquired_slow(lo);
}
inline void sanitizer_block_released(uintptr_t lo, uintptr_t hi) {
  if (sanitizers_linked()) sanitizer_block_released_slow(lo, hi);
}

// Fibers (TSan contexts). gone is idempotent.
inline void sanitizer_fiber_created(SanitizerFiber &f) {
  if (sanitizers_linked()) sanitizer_fiber_created_slow(f);
}
inline void sanitizer_fiber_gone(SanitizerFiber &f) {
  if (sanitizers_linked()) sanitizer_fiber_gone_slow(f);
}

// Just before switching from the resumer (on `from`, null: its OS stack)
// into the fiber, and from the fiber back to its resumer.
inline void sanitizer_enter_fiber(SanitizerFiber &f, const Stack *from, const Stack &to) {
  if (sanitizers_linked()) sanitizer_enter_fiber_slow(f, from, to);
}
inline void sanitizer_leave_fiber(SanitizerFiber &f, const Stack &from, const Stack *to) {
  if (sanitizers_linked()) sanitizer_leave_fiber_slow(f, from, to);
}


// The sanitizer's interceptor for `name` (pthread_create, sigaction,
// signal, longjmp, _longjmp, siglongjmp, __longjmp_chk, and the blocking
// calls of blocking_calls.cpp that a sanitizer intercepts), or null.
void *sanitizer_interceptor(const char *name);

// Copy n bytes without calling memcpy (which a sanitizer intercepts and
// checks: a stack's copy reads redzones).
inline void copy_bytes(void *dst, const void *src, size_t n) {
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

} // namespace morestack

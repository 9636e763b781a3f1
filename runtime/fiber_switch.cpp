// runtime/fiber_switch.cpp: resume and yield (see fiber.h, fiber.cpp).
//
// Everything here runs unchecked on the caller's stack, which may be a
// 2 KiB fiber's, and is kept to a few words of frame (-Werror=frame-larger-
// than in CMakeLists.txt): callers built with the plugin count on the needs
// in MORESTACK_API_NEEDS, include/morestack/abi.h (within the nosplit budget for resume and yield,
// so no check at all), and the split-stack notes this object carries
// (split_stack_note.h) keep lld from making callers built with plain
// -fsplit-stack grow to the non-split reserve first. The rare paths that
// need more (fatal errors, freeing a finished fiber's stack) use little or
// switch stacks (fatal.cpp).
#include "fiber.h"

#include "asm_entry.h"
#include "fatal.h"
#include "fiber_kinds.h"
#include "frames.h"
#include "side_stack.h"
#include "signals.h"
#include "split_stack_note.h"
#include "stack.h"

MORESTACK_CALLABLE_FROM_SMALL_STACKS();

namespace morestack {

__thread Fiber *running_fiber __attribute__((tls_model("initial-exec")));

MORESTACK_RUNTIME_FRAME void switch_to_resumer(Fiber *f) {
  sanitizer_leave_fiber(f->san, f->stack, f->resumer_stack);  // ASan's stack bounds, TSan's context
  __morestack_switch(&f->stack.saved_sp, *f->resumer_sp);
}

MORESTACK_RUNTIME_FRAME void fiber_release_stacks(Fiber *f) {
  sanitizer_fiber_gone(f->san);  // TSan's context (sanitizers.h)
  const size_t need = stack_release(f->stack);
  if (f->learns) kind_learn(f->kind, need);
  f->learns = false;  // destroying a finished fiber releases nothing more
  side_release(f->side);
}

void fatal_fiber_state(const Fiber *f, const char *what) {
  char name[48];
  fatal("%s %s", what, describe(f->stack, name, sizeof name));
}

void check_fiber(const Fiber *f, const char *api) {
  if (__builtin_expect(f && f->magic == kFiberMagic, 1)) return;
  if (!f) fatal("%s: the fiber is NULL", api);
  fatal("%s: %p is not a live fiber: it was destroyed (morestack_fiber_destroy, or the C++ "
        "Fiber owning it went away), or it never was one", api, (const void *)f);
}

MORESTACK_RUNTIME_FRAME int resume_fiber(Fiber *f, bool safe_point) {
  check_fiber(f, "morestack_fiber_resume");
  if (f->state == FiberState::Finished) fatal_fiber_state(f, "morestack_fiber_resume: resumed a finished");
  if (f->state == FiberState::Running) fatal_fiber_state(f, "morestack_fiber_resume: resumed the running");
  if (__builtin_expect(f->stack.compacted(), 0)) stack_expand_parked(f->stack);  // stack.h
  ThreadState &t = thread_state();
  Stack *from = t.current;
  if (!from) ensure_signal_stack();  // handlers must not run on a 2 KiB stack
  f->resumer_stack = from;
  f->resumer_sp = from ? &from->saved_sp : &t.os_sp;
  f->resumer_fiber = running_fiber;
  f->state = FiberState::Running;
  SideStack &resumer_side = running_fiber ? running_fiber->side : t.side;
  side_switch(resumer_side, f->side);
  running_fiber = f;
  sanitizer_enter_fiber(f->san, from, f->stack);  // ASan's stack bounds, TSan's context
  set_current(&f->stack);
  __morestack_switch(f->resumer_sp, f->stack.saved_sp);
  // Back from yield() or the fiber's end.
  running_fiber = f->resumer_fiber;
  set_current(from);
  side_switch(f->side, resumer_side);
  stack_check_canary(f->stack, f->state == FiberState::Finished ? "when it finished"
                                                                 : "when it yielded");
  if (f->state == FiberState::Finished) {
    fiber_release_stacks(f);
    return 1;
  }
  f->state = FiberState::Suspended;
  if (safe_point) {
    stack_shrink_at_safe_point(f->stack);  // a yield is a safe point
    side_trim(f->side);
  }
  return 0;
}

} // namespace morestack

using namespace morestack;

extern "C" {

MORESTACK_RUNTIME_FRAME int morestack_fiber_resume(morestack_fiber *f) {
  return resume_fiber(f, /*safe_point=*/true);
}

MORESTACK_RUNTIME_FRAME void morestack_fiber_yield(void) {
  Fiber *f = running_fiber;
  if (!f) fatal("morestack_fiber_yield called outside a fiber");
  switch_to_resumer(f);
}

int morestack_fiber_done(const morestack_fiber *f) {
  check_fiber(f, "morestack_fiber_done");
  return f->state == FiberState::Finished;
}

morestack_fiber *morestack_fiber_current(void) { return static_cast<morestack_fiber *>(running_fiber); }

} // extern "C"

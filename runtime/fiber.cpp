// runtime/fiber.cpp: fibers (asymmetric coroutines) on growable stacks.
//
// resume() switches from the caller's stack to the fiber's; yield() and the
// fiber's return switch back. Each switch updates ThreadState::current and
// the guard (set_current) so the prologue checks the stack actually in use.
// A fiber's stack starts at config.fiber_stack (2 KiB) with two zero words
// at hi (no user object ends there) and below them a switch frame
// (frames.h) from which __morestack_switch resumes at
// __morestack_fiber_entry with r12 = the fiber and r13 = fiber_main.
//
// fiber_main runs on the fiber's stack without a prologue check: it starts
// at the top of a fresh stack, MORESTACK_MIN_STACK - MORESTACK_STACK_GUARD
// bytes above the guard, and its frame is a few words (this file is built
// with -Werror=frame-larger-than, see CMakeLists.txt).
//
// Switching (resume, yield) lives in fiber_switch.cpp, which needs little
// stack and carries the split-stack notes; creation and destruction live
// here and allocate, so callers check for more (MORESTACK_API_NEEDS in abi.h; lld
// gives callers built with plain -fsplit-stack the non-split reserve).
#include "fiber.h"

#include "asm_entry.h"
#include "config.h"
#include "fatal.h"
#include "fiber_kinds.h"
#include "frames.h"
#include "side_stack.h"
#include "signals.h"
#include "stack.h"

#include <stdlib.h>

namespace morestack {
namespace {

uint64_t fibers_created, fibers_live;

[[noreturn]] MORESTACK_RUNTIME_FRAME void fiber_main(Fiber *f) {
  f->fn(f->arg);
  f->state = FiberState::Finished;
  switch_to_resumer(f);
  __builtin_trap();  // a finished fiber is never switched to again
}

void prepare_first_switch(Fiber *f) {
  uintptr_t *top = (uintptr_t *)f->stack.hi;
  top[-1] = 0;
  top[-2] = 0;
  SwitchFrame *frame = (SwitchFrame *)&top[-2] - 1;
  *frame = SwitchFrame{};
  asm volatile("stmxcsr %0; fnstcw %1" : "=m"(frame->mxcsr), "=m"(frame->x87_cw));
  frame->r12 = (uintptr_t)f;
  frame->r13 = (uintptr_t)&fiber_main;
  frame->ra = (uintptr_t)&__morestack_fiber_entry;
  f->stack.saved_sp = (uintptr_t)frame;
}

} // namespace

Fiber *fiber_create(morestack_fiber_fn fn, void *arg, size_t stack_size, uintptr_t entry) {
  init_config();
  install_fault_handler();
  if (!fn) fatal("morestack_fiber_create: the fiber function is NULL");
  if (stack_size > config.max_stack)
    fatal("morestack_fiber_create: a %zu-byte stack is larger than the limit of %zu bytes "
          "(MORESTACK_MAX_STACK)", stack_size, config.max_stack);
  morestack_fiber *f = (morestack_fiber *)malloc(sizeof(morestack_fiber));
  if (!f) fatal("out of memory creating a fiber");
  uint64_t id = __atomic_add_fetch(&fibers_created, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&fibers_live, 1, __ATOMIC_RELAXED);
  f->learns = stack_size == 0 && config.learn_stacks;
  const size_t configured = stack_size ? stack_size : config.fiber_stack;
  const size_t start = f->learns ? kind_start_size(entry, configured) : configured;
  stack_init(f->stack, initial_stack_size(start, entry), StackKind::Fiber, id);
  // Born bigger than configured: it may shrink back to the configured size.
  if (start != configured) f->stack.min_size = initial_stack_size(configured, entry);
  f->magic = kFiberMagic;
  f->side = SideStack();
  f->fn = fn;
  f->kind = entry;
  f->arg = arg;
  f->resumer_sp = nullptr;
  f->resumer_stack = nullptr;
  f->resumer_fiber = nullptr;
  f->state = FiberState::Created;
  sanitizer_fiber_created(f->san);
  prepare_first_switch(f);
  fibers_register(f);
  return f;
}

void fiber_destroy(Fiber *f) {
  check_fiber(f, "morestack_fiber_destroy");
  if (f->state == FiberState::Running) fatal_fiber_state(f, "morestack_fiber_destroy: destroyed the running");
  if (f->state == FiberState::Created) f->learns = false;  // it never ran: nothing to learn
  fibers_unregister(f);
  fiber_release_stacks(f);
  __atomic_sub_fetch(&fibers_live, 1, __ATOMIC_RELAXED);
  f->magic = 0;
  free(f);
}

} // namespace morestack

using namespace morestack;

extern "C" {

morestack_fiber *morestack_fiber_create(morestack_fiber_fn fn, void *arg, size_t stack_size) {
  if (__builtin_expect(sanitizers_linked(), 0)) {
    // ASan's and TSan's malloc and free interceptors keep room for a stack
    // trace in their frames (~2.1 KiB), more than the call-site check
    // promises (MORESTACK_API_NEEDS: 1536 and 1024): on the system stack
    // (test/e2e/sanitizers/asan-fiber-destroy-small-stack.c).
    struct Args {
      morestack_fiber_fn fn;
      void *arg;
      size_t size;
    } a = {fn, arg, stack_size};
    return (morestack_fiber *)on_system_stack(
        [](void *p) -> void * {
          const Args *a = (const Args *)p;
          return fiber_create(a->fn, a->arg, a->size, (uintptr_t)a->fn);
        },
        &a);
  }
  return static_cast<morestack_fiber *>(fiber_create(fn, arg, stack_size, (uintptr_t)fn));
}

void morestack_fiber_destroy(morestack_fiber *f) {
  if (!f) return;
  if (__builtin_expect(sanitizers_linked(), 0)) {  // see morestack_fiber_create
    on_system_stack(
        [](void *p) -> void * {
          fiber_destroy((Fiber *)p);
          return nullptr;
        },
        f);
    return;
  }
  fiber_destroy(f);
}

} // extern "C"

namespace morestack {
uint64_t fiber_count_created() { return __atomic_load_n(&fibers_created, __ATOMIC_RELAXED); }
uint64_t fiber_count_live() { return __atomic_load_n(&fibers_live, __ATOMIC_RELAXED); }
} // namespace morestack

// runtime/fiber.h: the fiber record, shared by fiber.cpp and stats.cpp.
//
// Invariants:
//  - state Created/Suspended: stack.saved_sp is where __morestack_switch left
//    (or fiber.cpp prepared) the fiber's registers.
//  - state Running: the fiber is the innermost fiber of exactly one thread;
//    resumer_sp points at the saved stack pointer of whoever resumed it (the
//    OS stack's ThreadState::os_sp, or the resuming stack's saved_sp).
//  - state Finished: the stack has been given back to the pool.
#pragma once

#include <morestack/morestack.h>

#include "debugger.h"
#include "sanitizers.h"
#include "thread_state.h"

namespace morestack {

enum class FiberState : uint8_t { Created, Running, Suspended, Finished };

// Fiber::magic of a live fiber. A destroyed fiber's memory goes back to
// malloc, which overwrites its first words: the API functions check this
// word and report a destroyed (or bogus) fiber instead of running it (a
// freed fiber whose memory malloc has handed out again to a new fiber cannot
// be told apart from that new fiber).
constexpr uint64_t kFiberMagic = 0x6b63617473657266;  // "fibstack", little-endian

struct Fiber {
  uint64_t magic;  // kFiberMagic while the fiber exists: the first word
  Stack stack;
  morestack_fiber_fn fn;
  void *arg;
  uintptr_t kind;        // the user's entry function: its start size is learned (fiber_kinds.h)
  uintptr_t *resumer_sp;
  Stack *resumer_stack;  // null: the resumer ran on its OS stack
  Fiber *resumer_fiber;  // the fiber that resumed this one, if any
  FiberState state;
  bool learns;           // created with the default size: measured when it ends (fiber_kinds.h)
  SideStack side;        // its side stack (side_stack.h); none until first used
  SanitizerFiber san;    // its TSan context (sanitizers.h)
  FiberLink live;        // on the list of live fibers, for debuggers (debugger.h)
};

// The fiber running on this thread, if any (fiber_switch.cpp). Inline: the
// side stack's fast path reads it on every chunk boundary it crosses.
extern __thread Fiber *running_fiber __attribute__((tls_model("initial-exec")));
inline Fiber *&current_fiber() { return running_fiber; }

// morestack_fiber_create, running fn(arg) for the user's function `entry`
// (whose kind it is, and whose stack map says whether it checks its
// stack): the scheduler runs every task through one runtime function.
Fiber *fiber_create(morestack_fiber_fn fn, void *arg, size_t stack_size, uintptr_t entry);
// morestack_fiber_destroy's work, on the stack it is called on (the
// scheduler frees a finished task's fiber from its worker's own stack).
void fiber_destroy(Fiber *f);

// Free the fiber's stacks; a fiber of the default size teaches its kind
// what it needed (fiber_kinds.h).
void fiber_release_stacks(Fiber *f);

// morestack_fiber_resume; `safe_point` false: the fiber stopped in runtime
// code that keeps pointers into its stack (the scheduler's park), so its
// stack must not shrink there.
int resume_fiber(Fiber *f, bool safe_point);

// Leave the running fiber `f` for its resumer; returns when resumed again.
void switch_to_resumer(Fiber *f);

[[noreturn]] void fatal_fiber_state(const Fiber *f, const char *what);

// Fatal, naming the API function, unless f is a live fiber.
void check_fiber(const Fiber *f, const char *api);

} // namespace morestack

struct morestack_fiber : morestack::Fiber {};

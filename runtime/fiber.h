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
  uintptr_t *resumer_sp;
  Stack *resumer_stack;  // null: the resumer ran on its OS stack
  Fiber *resumer_fiber;  // the fiber that resumed this one, if any
  FiberState state;
  SideStack side;        // its side stack (side_stack.h); none until first used
  FiberLink live;        // on the list of live fibers, for debuggers (debugger.h)
};

// The fiber running on this thread, if any (fiber_switch.cpp). Inline: the
// side stack's fast path reads it on every chunk boundary it crosses.
extern __thread Fiber *running_fiber __attribute__((tls_model("initial-exec")));
inline Fiber *&current_fiber() { return running_fiber; }

// Leave the running fiber `f` for its resumer; returns when resumed again.
void switch_to_resumer(Fiber *f);

[[noreturn]] void fatal_fiber_state(const Fiber *f, const char *what);

// Fatal, naming the API function, unless f is a live fiber.
void check_fiber(const Fiber *f, const char *api);

} // namespace morestack

struct morestack_fiber : morestack::Fiber {};

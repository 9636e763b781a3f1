// runtime/debugger.cpp: the fiber lists and the move hook (debugger.h).
#include "debugger.h"

#include "asm_entry.h"
#include "fatal.h"
#include "fiber.h"
#include "frames.h"
#include "thread_state.h"

#include <stddef.h>

namespace morestack {
namespace {

constexpr uint32_t kFiberShards = 16;

struct alignas(64) FiberShard {
  uint8_t lock;  // a spinlock: held for a few stores
  Fiber *head;
};

void lock(FiberShard &s) {
  while (__atomic_exchange_n(&s.lock, 1, __ATOMIC_ACQUIRE))
    while (__atomic_load_n(&s.lock, __ATOMIC_RELAXED)) __builtin_ia32_pause();
}

void unlock(FiberShard &s) { __atomic_store_n(&s.lock, 0, __ATOMIC_RELEASE); }

} // namespace
} // namespace morestack

using namespace morestack;

extern "C" {

// Read by the gdb script: the lists of live fibers.
__attribute__((used)) FiberShard __morestack_fibers[kFiberShards];

// Read by the gdb script instead of debug information (one fact, one place:
// the offsets come from the structures). Append only; bump the version on
// any change of meaning, or when the script starts to need new entries.
extern const uint64_t __morestack_debug_layout[];
__attribute__((used)) const uint64_t __morestack_debug_layout[] = {
    2,                                       // [0] version
    kFiberShards,                            // [1] number of shards
    sizeof(FiberShard),                      // [2] size of a shard
    offsetof(FiberShard, head),              // [3] the shard's first fiber
    offsetof(Fiber, live) + offsetof(FiberLink, next),  // [4] the next fiber
    offsetof(Fiber, stack),                  // [5] its Stack
    offsetof(Fiber, state),                  // [6] FiberState, one byte: 0 created,
                                             //     1 running, 2 suspended, 3 finished
    offsetof(Fiber, fn),                     // [7]
    offsetof(Fiber, arg),                    // [8]
    offsetof(Fiber, magic),                  // [9]
    kFiberMagic,                             // [10]
    offsetof(Fiber, side) + offsetof(SideStack, bytes),  // [11] bytes of its side stack
    offsetof(Stack, lo),                     // [12]
    offsetof(Stack, hi),                     // [13]
    offsetof(Stack, saved_sp),               // [14]
    offsetof(Stack, id),                     // [15]
    offsetof(Stack, kind),                   // [16] StackKind, one byte: 0 main, 1 thread,
                                             //      2 fiber, 3 signal handler stack
    offsetof(Stack, range_lo),               // [17] non-zero: it grows in place
    offsetof(Stack, initial_size),           // [18]
    offsetof(Stack, stats) + offsetof(StackStats, growths),    // [19]
    offsetof(Stack, stats) + offsetof(StackStats, shrinks),    // [20]
    offsetof(Stack, stats) + offsetof(StackStats, peak_size),  // [21]
    offsetof(ThreadState, current),          // [22] in __morestack_thread (TLS)
    offsetof(ThreadState, os_sp),            // [23]
    offsetof(SwitchFrame, rbp),              // [24] the switch frame at saved_sp (frames.h)
    offsetof(SwitchFrame, ra),               // [25]
    (uint64_t)&__morestack_switch_resume,    // [26] where a parked stack's %rip is shown
    offsetof(SwitchFrame, r15),              // [27]
    offsetof(SwitchFrame, r14),              // [28]
    offsetof(SwitchFrame, r13),              // [29]
    offsetof(SwitchFrame, r12),              // [30]
    offsetof(SwitchFrame, rbx),              // [31]
};

// A breakpoint target: must stay a call that gdb can stop at.
__attribute__((noinline, used)) void __morestack_stack_moved(uintptr_t old_lo, uintptr_t old_hi,
                                                             uintptr_t new_lo, uintptr_t new_hi) {
  asm volatile("" : : "r"(old_lo), "r"(old_hi), "r"(new_lo), "r"(new_hi) : "memory");
}

} // extern "C"

namespace morestack {

void fibers_register(Fiber *f) {
  const uint32_t shard = (uint32_t)current_thread_number() % kFiberShards;
  FiberShard &s = __morestack_fibers[shard];
  f->live.shard = shard;
  f->live.prev = nullptr;
  lock(s);
  f->live.next = s.head;
  if (s.head) s.head->live.prev = f;
  s.head = f;
  unlock(s);
}

void fibers_unregister(Fiber *f) {
  FiberShard &s = __morestack_fibers[f->live.shard];
  lock(s);
  MS_CHECK(f->live.prev ? f->live.prev->live.next == f : s.head == f);  // f is on this list
  if (f->live.prev) f->live.prev->live.next = f->live.next;
  else s.head = f->live.next;
  if (f->live.next) f->live.next->live.prev = f->live.prev;
  unlock(s);
}

} // namespace morestack

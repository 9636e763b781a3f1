// runtime/scheduler.h: the scheduler's records and the park/wake protocol that
// channels and sync objects (chan.cpp, sync.cpp) build on.
//
// A Task is a fiber (fiber.h) run by a Worker thread: the worker's loop
// resumes it; it comes back to the loop when it parks, yields or ends.
// Anything that waits (a task, or a thread outside the scheduler) has a
// Waiter; a wait is:
//
//   lock the object; enqueue a Sudog for the waiter (prepare_park first);
//   park(waiter, unlock_fn, object)     -- the object is unlocked only once
//                                          the task is off its stack
//
// and a wake is: lock the object; dequeue a Sudog; try_wake(its waiter,
// its sequence, reason) -- the one waker that wins this compare-and-swap
// finishes the wake (copies data, then make_ready). A waiter can be queued
// on several objects (select) and have a timer: exactly one of them wins.
//
// Invariants:
//  - Waiter::token = (park sequence << 16) | wake reason; reason 0 while
//    waiting. prepare_park starts a new sequence, so a stale Sudog or
//    timer (an earlier park's) never wins.
//  - Task records are never freed (a free list reuses them, and their
//    sequence numbers keep counting), so a stale timer or Sudog may read a
//    recycled task's token safely: its sequence does not match.
//  - Task state: Runnable (queued) -> Running -> Parking -> Parked ->
//    Runnable ...; a wake that finds Parking (the task has not left its
//    stack yet) moves it to ParkingWoken and the worker requeues it.
//  - A parked task's stack does not move: the park happens in runtime
//    frames the walker cannot describe (and the worker resumes tasks
//    without a safe point), so Sudog::elem may point into it.
//  - Runtime code here runs on small task stacks without checks: frames
//    stay small (CMakeLists.txt), rare paths that need room (growing a
//    timer heap, fatal errors) run on the system stack, and nothing on the
//    system stack parks. Under a sanitizer that includes every call of a
//    libc function it intercepts (libc_call below).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fiber.h"
#include "thread_state.h"

namespace morestack {

// A test-and-test-and-set lock for the scheduler's short critical
// sections (no libc call, a few words of stack).
struct SpinLock {
  uint32_t word = 0;
  void lock() {
    while (__atomic_exchange_n(&word, 1, __ATOMIC_ACQUIRE))
      while (__atomic_load_n(&word, __ATOMIC_RELAXED)) __builtin_ia32_pause();
  }
  bool try_lock() { return !__atomic_exchange_n(&word, 1, __ATOMIC_ACQUIRE); }
  void unlock() { __atomic_store_n(&word, 0, __ATOMIC_RELEASE); }
};

struct Task;

constexpr uint32_t kReasonTimeout = 0xffff;  // wake reasons: 1 + case index, or this
constexpr int kTokenShift = 16;

struct Waiter;

struct Sudog {
  Waiter *waiter;
  uint64_t seq;      // the park it belongs to
  void *elem;        // data to copy to or from, or null; may point into the
                     // waiter's stack (relocated with it: scheduler.cpp)
  void *object;      // the channel (chan.cpp) or descriptor (netpoll.cpp)
  uint32_t index;    // case index (select), reason = index + 1; I/O waits:
                     // the descriptor's event count seen before parking
  bool success;      // a channel operation completed (false: closed)
  uint8_t io_dir;    // I/O waits: the IoDir queue it is on (netpoll.h)
  Sudog *next, *prev;
};

struct Waiter {
  Task *task = nullptr;  // null: a thread outside the scheduler
  uint64_t token = 0;    // (sequence << kTokenShift) | reason
  uint32_t futex = 0;    // threads: 1 once woken
  bool counted = false;  // threads: counted as blocked for deadlock detection
  uint32_t many_cap = 0;
  Sudog one{};           // the Sudog of a single wait
  Sudog *many = nullptr; // select's and poll's, many_cap of them (waiter_sudogs)
};

struct SudogQueue {
  Sudog *head = nullptr, *tail = nullptr;
  void push(Sudog *s);
  void remove(Sudog *s);
  // The first Sudog whose waiter this caller wins (try_wake with reason
  // index + 1), removed from the queue; null if none. Losers are dropped.
  Sudog *pop_winner();
};

// A new wait for w: returns its sequence.
uint64_t prepare_park(Waiter *w);
// Claim the wake of w's park `seq` with `reason`. True for exactly one claimer.
bool try_wake(Waiter *w, uint64_t seq, uint32_t reason);
// The claimer of a wake lets the waiter run.
void make_ready(Waiter *w);
// The reason w's last park ended with.
inline uint32_t wake_reason(const Waiter *w) {
  return (uint32_t)(__atomic_load_n(&w->token, __ATOMIC_ACQUIRE) & ((1u << kTokenShift) - 1));
}

// Park the caller until its waiter is woken; `unlock(arg)` runs once the
// caller is off its stack (tasks) or right away (threads). With a deadline
// (morestack_now_ns; 0: none) a timer claims the wake with kReasonTimeout.
void park(Waiter *w, uint64_t seq, void (*unlock)(void *), void *arg, uint64_t deadline);

// The caller's waiter: its task's, or the thread's own.
Waiter *current_waiter();

// The running task's waiter when the caller is a task running on its own
// stack (not a manual fiber it resumed, a signal handler, or the system
// stack), else null: where a blocking call may park (blocking_calls.cpp).
Waiter *blocking_call_waiter();

// w's array of at least n Sudogs (Waiter::many, grown on the system
// stack), for a wait on several objects (select, poll).
Sudog *waiter_sudogs(Waiter *w, size_t n);

// [[noreturn]] fatal error naming the running task, if any.
[[noreturn]] void fatal_in_task(const char *what);

// f(), which calls libc functions that a sanitizer intercepts (memcpy,
// memset, strnlen, clock_gettime): on the system stack when ASan or TSan is
// linked. Their interceptors keep room for a stack trace in their frames
// (ASan's memcpy: 2.1 KiB), more than a task's 2 KiB stack has below the
// call-site check (MORESTACK_API_NEEDS): they wrote below its block, into
// a neighbouring task's stack (test/e2e/sanitizers/asan-sched-small-stack.c).
// Without a sanitizer they are glibc's, within the nosplit budget.
template <class F>
inline void libc_call(const F &f) {
  if (!sanitizers_linked()) return f();
  on_system_stack([](void *p) -> void * { (*(const F *)p)(); return nullptr; }, (void *)&f);
}

} // namespace morestack

// runtime/netpoll.h: the netpoller. A task whose blocking call on a socket,
// pipe or terminal would block parks on the file descriptor's poll
// descriptor, and the scheduler's workers wake it when epoll reports the
// descriptor ready (Go's src/runtime/netpoll.go, netpoll_epoll.go).
//
// One epoll instance per process (created at the first use), with every
// pollable fd a task has used registered once, edge-triggered, for both
// directions; an eventfd in it lets a waker interrupt the worker blocked in
// epoll_wait. Each fd has a PollDesc (a table indexed by the fd number, never
// freed) with, per direction, a count of the events epoll reported and a
// queue of waiting Sudogs (scheduler.h).
//
// A wait (wait_fd) is: read the direction's event count; try the call
// without blocking; if it would block, queue a Sudog unless the count moved
// meanwhile, then park. The netpoller bumps the count and wakes every
// waiter of a direction that got an event, so an event that arrives between
// the try and the park is never lost, and a spurious wake-up costs one more
// try. Woken waiters retry; those that lose the race park again.
//
// Invariants:
//  - PollDesc records are never freed or moved (a stale epoll event or
//    Sudog may name one safely); their fields other than the counts and
//    queues are hints about the open file behind the fd number, valid from
//    its classification until the fd is closed through close(), dup2(),
//    dup3() or fclose() (blocking_calls.cpp forgets them then).
//  - events[d] only grows, under the lock; a Sudog is queued on waiters[d]
//    only under the lock and only if events[d] still equals the count its
//    task read before its last try.
//  - io_waiting (netpoll_waiting()) counts Sudogs queued on poll
//    descriptors, and those taken off by a wake until their task is queued
//    to run: tasks parked on I/O, which the deadlock check counts as not
//    deadlocked (something outside the process may wake them).
//  - Only the scheduler's workers poll epoll, from their loop (never on a
//    task's stack); at most one of them blocks in epoll_wait at a time.
//  - Nothing here changes the file behind an fd (no O_NONBLOCK): calls are
//    made non-blocking per call (blocking_calls.cpp), so the file's flags
//    stay the program's and calls outside tasks behave as before.
#pragma once

#include "scheduler.h"

#include <stddef.h>
#include <stdint.h>

namespace morestack {

enum IoDir : int { kIoRead = 0, kIoWrite = 1 };

// How a blocking call on the fd is made not to block (blocking_calls.cpp).
enum class FdKind : uint8_t {
  Unknown,  // not looked at since it was opened, or closed since
  Plain,    // epoll refuses it (regular files, directories), or not an fd: calls block
  Socket,   // MSG_DONTWAIT per call
  Pipe,     // RWF_NOWAIT per call (pipes, FIFOs)
  Other,    // pollable without a per-call flag (terminals, eventfd, devices):
            // wait until ready, then make the (blocking) call
};

struct PollDesc {
  SpinLock lock;
  uint8_t kind_;             // FdKind, published with a release store once classified (fd_kind)
  bool registered;           // in the epoll set
  bool user_nonblock;        // the file's O_NONBLOCK, as the program set it
  bool accepting;            // a task holds the accept turn (blocking_calls.cpp)
  bool accept_contended;     // another task found it taken
  int sotype;                // sockets: SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET
  uint64_t rcvtimeo_ns;      // sockets: SO_RCVTIMEO, SO_SNDTIMEO (0: none)
  uint64_t sndtimeo_ns;
  uint32_t events[2];        // events epoll reported, per IoDir
  SudogQueue waiters[2];     // tasks waiting, per IoDir
};

inline FdKind fd_kind(const PollDesc *pd) { return (FdKind)__atomic_load_n(&pd->kind_, __ATOMIC_ACQUIRE); }
inline void set_fd_kind(PollDesc *pd, FdKind k) { __atomic_store_n(&pd->kind_, (uint8_t)k, __ATOMIC_RELEASE); }

// The poll descriptor of fd, classified (on the system stack the first
// time: epoll registration, fstat, F_GETFL, socket options), or null for a
// negative or huge fd. Plain when epoll refuses the fd (EBADF included:
// the call itself reports it).
PollDesc *poll_desc(int fd);
// The descriptor of fd if a task ever classified it, else null.
PollDesc *poll_desc_if_any(int fd);

// The fd's number is about to refer to another file (close, dup2 onto it):
// forget what was known, wake its waiters (their retry fails with EBADF or
// sees the new file), and take it out of the epoll set.
void forget_fd(int fd);

// A socket accept()ed from `listener` by a task: classified from what is
// known (a socket of the listener's type and timeouts) and registered.
void adopt_accepted(int fd, const PollDesc *listener, bool user_nonblock);

// A Sudog for a wait on pd's direction dir, whose event count was `seen`
// before the caller's last try.
void io_sudog(Sudog *s, PollDesc *pd, IoDir dir, uint32_t seen);
inline uint32_t io_events(const PollDesc *pd, IoDir dir) {
  return __atomic_load_n(&pd->events[dir], __ATOMIC_ACQUIRE);
}

// Park the running task (its waiter w) until one of the n Sudogs (filled by
// io_sudog) gets an event, or the deadline (morestack_now_ns; 0: none)
// passes. Returns false on timeout. Returns at once, true, if an event came
// after a Sudog's `seen`.
bool wait_io(Waiter *w, Sudog *sudogs, size_t n, uint64_t deadline);

// Wake every task waiting on pd's direction dir as if an event came (the
// accept turn hands over this way).
void wake_io(PollDesc *pd, IoDir dir);

// Readiness of fd now, without waiting (poll(2) with a zero timeout):
// whether any of `events` (POLLIN, POLLOUT...) or an error is reported.
bool fd_ready_now(int fd, short events);

// ---- For the scheduler (scheduler.cpp) ----

// Sudogs queued on poll descriptors (tasks parked on I/O).
uint64_t netpoll_waiting();
// Poll epoll and make the tasks of ready descriptors runnable; block until
// `deadline` (0: no timeout) when `block`, else return at once. Returns
// whether it readied any task. Only from a worker's loop.
bool netpoll(bool block, uint64_t deadline);
// The one worker allowed to block in epoll_wait: claim, release.
bool netpoll_claim_blocker();
void netpoll_release_blocker();
// Wake the worker blocked in epoll_wait, if any.
void netpoll_break();

// A raw system call: -errno on failure, errno untouched, no stack used.
inline long raw_syscall(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0,
                        long f = 0) {
  long ret;
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  register long r9 asm("r9") = f;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}

} // namespace morestack

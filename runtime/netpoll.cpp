// runtime/netpoll.cpp: the netpoller (netpoll.h): poll descriptors, the
// epoll instance, waits that park tasks, and the poll the workers run.
//
// Invariants (besides netpoll.h's):
//  - The descriptor table is two levels: kChunks pointers to chunks of
//    kChunkFds PollDescs, allocated on first use (on the system stack) and
//    never freed; fds from kMaxFd up are never polled (their calls block).
//  - epoll_state goes 0 -> 1 (being created) -> 2 (ready) or 3 (failed:
//    every fd is Plain) exactly once; epfd and wakefd are set before 2.
//  - A waker sets break_pending before writing the eventfd and the poller
//    clears it after draining it, so a burst of wakers writes it once.
//  - Runs on task stacks (waits) with a few words of frame: whatever needs
//    more (system calls with structures, allocation, waking others) runs
//    on the system stack. System calls are raw (netpoll.h): errno stays
//    the program's, and no sanitizer interceptor sees the runtime's own.
#include "netpoll.h"

#include <morestack/sched.h>

#include "fatal.h"
#include "thread_state.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

namespace morestack {
namespace {

constexpr int kChunkShift = 10;
constexpr int kChunkFds = 1 << kChunkShift;
constexpr int kChunks = 1024;
constexpr int kMaxFd = kChunks * kChunkFds;
constexpr int kPollBatch = 128;         // events per epoll_wait (Go's too)
constexpr uint32_t kReasonSelf = 2;  // a waiter that saw an event before it parked (events: 1)

PollDesc *chunks[kChunks];

int epfd = -1, wakefd = -1;
uint32_t epoll_state;  // 0 none, 1 being created, 2 ready, 3 failed
uint32_t break_pending, blocker;
uint64_t io_waiting;
// This thread is in netpoll(): what it readies it sees when it returns, so
// its own wakes need not break its next epoll_wait.
__thread bool in_netpoll __attribute__((tls_model("initial-exec")));

constexpr uint32_t kEpollEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLET;

void *create_epoll(void *) {
  long ep = raw_syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
  long ev = ep < 0 ? ep : raw_syscall(SYS_eventfd2, 0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event e = {EPOLLIN, {nullptr}};  // level-triggered: data.ptr null marks it
  long r = ev < 0 ? ev : raw_syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, ev, (long)&e);
  if (r < 0) {
    warn("the netpoller could not start (%s): blocking calls in tasks block their worker",
         strerror((int)-r));
    if (ep >= 0) raw_syscall(SYS_close, ep);
    if (ev >= 0) raw_syscall(SYS_close, ev);
    __atomic_store_n(&epoll_state, 3, __ATOMIC_RELEASE);
    return nullptr;
  }
  epfd = (int)ep;
  wakefd = (int)ev;
  __atomic_store_n(&epoll_state, 2, __ATOMIC_RELEASE);
  return nullptr;
}

// On the system stack. Whether the epoll instance exists (made if not).
bool ensure_epoll() {
  uint32_t s = __atomic_load_n(&epoll_state, __ATOMIC_ACQUIRE);
  if (s == 0 && __atomic_compare_exchange_n(&epoll_state, &s, 1, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE)) {
    create_epoll(nullptr);
    s = __atomic_load_n(&epoll_state, __ATOMIC_ACQUIRE);
  }
  while (s == 1) {
    __builtin_ia32_pause();
    s = __atomic_load_n(&epoll_state, __ATOMIC_ACQUIRE);
  }
  return s == 2;
}

bool epoll_ready() { return __atomic_load_n(&epoll_state, __ATOMIC_ACQUIRE) == 2; }

void *new_chunk(void *p) {
  PollDesc **slot = (PollDesc **)p;
  PollDesc *c = (PollDesc *)calloc(kChunkFds, sizeof(PollDesc));
  if (!c) fatal("out of memory for the netpoller's descriptors");
  PollDesc *expected = nullptr;
  if (!__atomic_compare_exchange_n(slot, &expected, c, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    free(c);  // another thread installed one first
  return nullptr;
}

// The descriptor of fd (its chunk made if need be), or null if fd is out of range.
PollDesc *desc_for(int fd) {
  if ((unsigned)fd >= (unsigned)kMaxFd) return nullptr;
  PollDesc **slot = &chunks[fd >> kChunkShift];
  if (!__atomic_load_n(slot, __ATOMIC_ACQUIRE)) on_system_stack(new_chunk, slot);
  return &__atomic_load_n(slot, __ATOMIC_ACQUIRE)[fd & (kChunkFds - 1)];
}

uint64_t timeval_ns(const timeval &tv) {
  return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

// Register fd (edge-triggered, both directions) with pd as its data.
bool register_fd(int fd, PollDesc *pd) {
  epoll_event e = {kEpollEvents, {pd}};
  long r = raw_syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_ADD, fd, (long)&e);
  return r == 0 || r == -EEXIST;  // EEXIST: a registration that outlived an unseen close
}

struct Classify {
  int fd;
  PollDesc *pd;
  bool ok;
};

// On the system stack: what kind of file fd is, and register it.
void *classify(void *p) {
  Classify *c = (Classify *)p;
  PollDesc *pd = c->pd;
  c->ok = false;
  if (!ensure_epoll()) {
    set_fd_kind(pd, FdKind::Plain);
    c->ok = true;
    return nullptr;
  }
  struct stat st;
  long r = raw_syscall(SYS_fstat, c->fd, (long)&st);
  if (r < 0) return nullptr;  // EBADF: nothing to remember
  long fl = raw_syscall(SYS_fcntl, c->fd, F_GETFL);
  if (fl < 0) return nullptr;
  if (!register_fd(c->fd, pd)) {  // EPERM: regular files and directories
    pd->registered = false;
    set_fd_kind(pd, FdKind::Plain);
    c->ok = true;
    return nullptr;
  }
  pd->registered = true;
  pd->user_nonblock = (fl & O_NONBLOCK) != 0;
  pd->accepting = false;
  FdKind kind = S_ISSOCK(st.st_mode) ? FdKind::Socket : S_ISFIFO(st.st_mode) ? FdKind::Pipe : FdKind::Other;
  if (kind == FdKind::Socket) {
    int type = 0;
    timeval rcv = {0, 0}, snd = {0, 0};
    socklen_t len = sizeof type;
    raw_syscall(SYS_getsockopt, c->fd, SOL_SOCKET, SO_TYPE, (long)&type, (long)&len);
    len = sizeof rcv;
    raw_syscall(SYS_getsockopt, c->fd, SOL_SOCKET, SO_RCVTIMEO, (long)&rcv, (long)&len);
    len = sizeof snd;
    raw_syscall(SYS_getsockopt, c->fd, SOL_SOCKET, SO_SNDTIMEO, (long)&snd, (long)&len);
    pd->sotype = type;
    pd->rcvtimeo_ns = timeval_ns(rcv);
    pd->sndtimeo_ns = timeval_ns(snd);
  }
  set_fd_kind(pd, kind);
  c->ok = true;
  return nullptr;
}

// Move every waiter of pd's direction d onto the list `ready` (those whose
// wake this call wins) and count the event (the lock held). The winners
// stay counted in io_waiting until they are queued to run (ready_all), so
// that the deadlock check never sees them neither waiting nor runnable.
void take_waiters(PollDesc *pd, int d, Sudog **ready) {
  __atomic_store_n(&pd->events[d], pd->events[d] + 1, __ATOMIC_RELEASE);
  while (Sudog *s = pd->waiters[d].head) {
    pd->waiters[d].remove(s);
    if (try_wake(s->waiter, s->seq, s->index + 1)) {
      s->next = *ready;
      *ready = s;
    } else {
      __atomic_sub_fetch(&io_waiting, 1, __ATOMIC_SEQ_CST);
    }
  }
}

// Let the waiters on the list run. A waiter may reuse its Sudog as soon as
// it runs: read the link first.
void *ready_all(void *p) {
  for (Sudog *s = (Sudog *)p; s;) {
    Sudog *next = s->next;
    make_ready(s->waiter);
    __atomic_sub_fetch(&io_waiting, 1, __ATOMIC_SEQ_CST);
    s = next;
  }
  return nullptr;
}

IoDir sudog_dir(const Sudog *s) { return (IoDir)s->io_dir; }
uint32_t sudog_seen(const Sudog *s) { return s->index; }

// Take s off its descriptor's queue if it is still there.
void dequeue(Sudog *s) {
  PollDesc *pd = (PollDesc *)s->object;
  SudogQueue &q = pd->waiters[sudog_dir(s)];
  pd->lock.lock();
  if (s->prev || q.head == s) {
    q.remove(s);
    __atomic_sub_fetch(&io_waiting, 1, __ATOMIC_SEQ_CST);
  }
  pd->lock.unlock();
}

} // namespace

PollDesc *poll_desc_if_any(int fd) {
  if ((unsigned)fd >= (unsigned)kMaxFd) return nullptr;
  PollDesc *c = __atomic_load_n(&chunks[fd >> kChunkShift], __ATOMIC_ACQUIRE);
  return c ? &c[fd & (kChunkFds - 1)] : nullptr;
}

PollDesc *poll_desc(int fd) {
  PollDesc *pd = desc_for(fd);
  if (!pd) return nullptr;
  if (fd_kind(pd) != FdKind::Unknown) return pd;
  Classify c = {fd, pd, false};
  on_system_stack(classify, &c);
  return c.ok ? pd : nullptr;
}

void forget_fd(int fd) {
  PollDesc *pd = poll_desc_if_any(fd);
  if (!pd || fd_kind(pd) == FdKind::Unknown) return;
  Sudog *ready = nullptr;
  pd->lock.lock();
  const bool registered = pd->registered;
  pd->registered = false;
  pd->accepting = false;
  set_fd_kind(pd, FdKind::Unknown);
  take_waiters(pd, kIoRead, &ready);
  take_waiters(pd, kIoWrite, &ready);
  pd->lock.unlock();
  if (registered) raw_syscall(SYS_epoll_ctl, epfd, EPOLL_CTL_DEL, fd, 0);
  if (ready) on_system_stack(ready_all, ready);  // waking may take a futex call
}

void adopt_accepted(int fd, const PollDesc *listener, bool user_nonblock) {
  PollDesc *pd = desc_for(fd);
  if (!pd) return;
  pd->sotype = listener->sotype;
  pd->rcvtimeo_ns = listener->rcvtimeo_ns;  // accepted sockets inherit both
  pd->sndtimeo_ns = listener->sndtimeo_ns;
  pd->user_nonblock = user_nonblock;
  pd->accepting = false;
  pd->registered = register_fd(fd, pd);
  set_fd_kind(pd, pd->registered ? FdKind::Socket : FdKind::Plain);
}

void io_sudog(Sudog *s, PollDesc *pd, IoDir dir, uint32_t seen) {
  *s = Sudog{nullptr, 0, nullptr, pd, seen, false, (uint8_t)dir, nullptr, nullptr};
}

bool wait_io(Waiter *w, Sudog *sudogs, size_t n, uint64_t deadline) {
  const uint64_t seq = prepare_park(w);
  size_t queued = 0;
  bool early = false;
  for (; queued < n; ++queued) {
    Sudog *s = &sudogs[queued];
    s->waiter = w;
    s->seq = seq;
    PollDesc *pd = (PollDesc *)s->object;
    const IoDir d = sudog_dir(s);
    pd->lock.lock();
    if (pd->events[d] != sudog_seen(s)) {
      pd->lock.unlock();
      early = true;
      break;
    }
    pd->waiters[d].push(s);
    __atomic_add_fetch(&io_waiting, 1, __ATOMIC_SEQ_CST);
    pd->lock.unlock();
  }
  bool timed_out = false;
  if (!early) {
    park(w, seq, nullptr, nullptr, deadline);
    timed_out = wake_reason(w) == kReasonTimeout;
  } else if (!try_wake(w, seq, kReasonSelf)) {
    park(w, seq, nullptr, nullptr, 0);  // a netpoller won the wake: let it finish
  }
  for (size_t i = 0; i < queued; ++i) dequeue(&sudogs[i]);
  return !timed_out;
}

void wake_io(PollDesc *pd, IoDir dir) {
  Sudog *ready = nullptr;
  pd->lock.lock();
  take_waiters(pd, dir, &ready);
  pd->lock.unlock();
  if (ready) on_system_stack(ready_all, ready);
}

bool fd_ready_now(int fd, short events) {
  pollfd p = {fd, events, 0};
  return raw_syscall(SYS_poll, (long)&p, 1, 0) != 0;  // ready, or an error the call will report
}

uint64_t netpoll_waiting() { return __atomic_load_n(&io_waiting, __ATOMIC_SEQ_CST); }

bool netpoll(bool block, uint64_t deadline) {
  if (!epoll_ready()) return false;
  int timeout_ms = 0;
  if (block) {
    timeout_ms = -1;
    if (deadline) {
      const uint64_t now = morestack_now_ns();
      const uint64_t ms = deadline > now ? (deadline - now + 999999) / 1000000 : 0;
      timeout_ms = ms > 1000000000u ? 1000000000 : (int)ms;
    }
  }
  epoll_event events[kPollBatch];
  const long n = raw_syscall(SYS_epoll_wait, epfd, (long)events, kPollBatch, timeout_ms);
  Sudog *ready = nullptr;
  for (long i = 0; i < n; ++i) {
    PollDesc *pd = (PollDesc *)events[i].data.ptr;
    if (!pd) {  // the eventfd: a waker
      uint64_t v;
      raw_syscall(SYS_read, wakefd, (long)&v, sizeof v);
      __atomic_store_n(&break_pending, 0, __ATOMIC_SEQ_CST);
      continue;
    }
    const uint32_t e = events[i].events;
    pd->lock.lock();
    if (e & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) take_waiters(pd, kIoRead, &ready);
    if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) take_waiters(pd, kIoWrite, &ready);
    pd->lock.unlock();
  }
  in_netpoll = true;
  ready_all(ready);
  in_netpoll = false;
  return ready != nullptr;
}

bool netpoll_claim_blocker() {
  uint32_t free_ = 0;
  return epoll_ready() && __atomic_compare_exchange_n(&blocker, &free_, 1, false, __ATOMIC_SEQ_CST,
                                                      __ATOMIC_RELAXED);
}

void netpoll_release_blocker() { __atomic_store_n(&blocker, 0, __ATOMIC_SEQ_CST); }

void netpoll_break() {
  if (in_netpoll || !__atomic_load_n(&blocker, __ATOMIC_SEQ_CST)) return;
  if (__atomic_exchange_n(&break_pending, 1, __ATOMIC_SEQ_CST)) return;
  const uint64_t one = 1;
  raw_syscall(SYS_write, wakefd, (long)&one, sizeof one);
}

} // namespace morestack

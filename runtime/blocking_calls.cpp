// runtime/blocking_calls.cpp: blocking calls that park the task (issue 13,
// item 4). The runtime defines read, write, readv, writev, recv, recvfrom,
// recvmsg, send, sendto, sendmsg, accept, accept4, connect, poll, select,
// nanosleep, usleep, sleep and clock_nanosleep (and the fortified
// __read_chk, __recv_chk, __recvfrom_chk, __poll_chk); the executable's
// definitions win over libc's, as for pthread_create (whole_program.cpp).
//
// Outside a task running on its own stack (main, other threads, manual
// fibers, signal handlers, the system stack) each one calls libc's
// function (or a sanitizer's interceptor of it) and nothing else: a tail
// call. Inside a task (netpoll.h for the waiting):
//  - on a socket, the call is made with MSG_DONTWAIT, on a pipe or FIFO
//    with RWF_NOWAIT (preadv2/pwritev2), so the file's flags are never
//    changed; if it would block, the task parks until epoll reports the fd
//    ready and tries again. A terminal or other pollable device has no
//    such flag: the task parks until the fd is ready (poll(2) with a zero
//    timeout says), then makes the real call. Regular files and
//    directories (epoll_ctl says EPERM) just block their worker.
//  - the program's own O_NONBLOCK (cached; fcntl F_SETFL and ioctl FIONBIO
//    update the cache) and MSG_DONTWAIT make the call return EAGAIN as
//    before; SO_RCVTIMEO / SO_SNDTIMEO (cached, setsockopt updates them)
//    bound the park, after which the call fails with EAGAIN (EINPROGRESS
//    for connect), as the kernel's would. A parked call is not interrupted
//    by signals (as with SA_RESTART).
//  - a blocking write on a stream socket or pipe writes everything,
//    parking as often as needed (a partial count after an error or
//    timeout), and MSG_WAITALL receives everything, as the kernel does;
//  - accept waits until the listening socket is readable and accepts (one
//    task at a time per socket: the accept turn), connect goes
//    non-blocking for the call (O_NONBLOCK set and restored around it) and
//    parks until the connection is made;
//  - poll and select wait on every fd through the netpoller, with the
//    timeout on the worker's timers; the sleeps park on the timers (a zero
//    sleep yields).
// close, dup2, dup3 and fclose make the netpoller forget the fd first.
//
// Invariants:
//  - errno: a call that succeeds leaves errno as it found it (the failed
//    tries before a park set it), one that fails sets it; it is read and
//    written through non-inlined functions, because the task may resume
//    on another thread and __errno_location is declared const.
//  - Stack: the call sites in code built with the plugin reserve what
//    libc's function of the same name needs (plugin/LibraryStackNeeds.inc,
//    320 bytes for most of these, nothing checked), and libraries call
//    them with whatever they measured with libc's. The path outside tasks
//    uses a few words and a tail call. The task path first makes sure
//    kTaskCallNeed bytes are free down to the canary, growing the stack
//    like a call-site check would (__morestack_reserve) when they are not;
//    what needs more (classifying an fd, select's copies of its sets) runs
//    on the system stack.
#include "netpoll.h"

#include <morestack/sched.h>

#include "fatal.h"
#include "sanitizers.h"
#include "thread_state.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

extern "C" void __morestack_reserve(size_t bytes);
extern "C" [[noreturn]] void __chk_fail(void);

#ifndef SO_RCVTIMEO_NEW
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#endif

namespace morestack {
namespace {

// Stack the task path may use below an interposed function, down to the
// canary (-fstack-usage of this file and netpoll.cpp, with park and the
// switch: about 600 bytes deep; docs/runtime.md). Under a sanitizer the
// real functions are interceptors, and call sites reserve the unknown
// callee's need anyway.
constexpr size_t kTaskCallNeed = 1024;

// The real functions: X(name, return type, parameters).
#define MORESTACK_REAL_CALLS(X)                                                                     \
  X(read, ssize_t, (int, void *, size_t))                                                           \
  X(write, ssize_t, (int, const void *, size_t))                                                    \
  X(readv, ssize_t, (int, const iovec *, int))                                                      \
  X(writev, ssize_t, (int, const iovec *, int))                                                     \
  X(recv, ssize_t, (int, void *, size_t, int))                                                      \
  X(recvfrom, ssize_t, (int, void *, size_t, int, sockaddr *, socklen_t *))                         \
  X(recvmsg, ssize_t, (int, msghdr *, int))                                                         \
  X(send, ssize_t, (int, const void *, size_t, int))                                                \
  X(sendto, ssize_t, (int, const void *, size_t, int, const sockaddr *, socklen_t))                 \
  X(sendmsg, ssize_t, (int, const msghdr *, int))                                                   \
  X(accept, int, (int, sockaddr *, socklen_t *))                                                    \
  X(accept4, int, (int, sockaddr *, socklen_t *, int))                                              \
  X(connect, int, (int, const sockaddr *, socklen_t))                                               \
  X(poll, int, (pollfd *, nfds_t, int))                                                             \
  X(select, int, (int, fd_set *, fd_set *, fd_set *, timeval *))                                    \
  X(nanosleep, int, (const timespec *, timespec *))                                                 \
  X(usleep, int, (useconds_t))                                                                      \
  X(sleep, unsigned, (unsigned))                                                                    \
  X(clock_nanosleep, int, (clockid_t, int, const timespec *, timespec *))                           \
  X(close, int, (int))                                                                              \
  X(dup2, int, (int, int))                                                                          \
  X(dup3, int, (int, int, int))                                                                     \
  X(fclose, int, (FILE *))                                                                          \
  X(fcntl, int, (int, int, ...))                                                                    \
  X(fcntl64, int, (int, int, ...))                                                                  \
  X(ioctl, int, (int, unsigned long, ...))                                                          \
  X(setsockopt, int, (int, int, int, const void *, socklen_t))                                      \
  X(preadv2, ssize_t, (int, const iovec *, int, off_t, int))                                        \
  X(pwritev2, ssize_t, (int, const iovec *, int, off_t, int))

struct Real {
#define X(name, ret, params) ret(*name) params;
  MORESTACK_REAL_CALLS(X)
#undef X
};
Real real;
bool resolved;

// On the system stack: a sanitizer's interceptor, or the next definition
// after the executable's (libc's).
void *resolve(void *) {
#define X(name, ret, params)                                                                        \
  real.name = (ret(*) params)sanitizer_interceptor(#name);                                          \
  if (!real.name) real.name = (ret(*) params)dlsym(RTLD_NEXT, #name);                               \
  if (!real.name) fatal("cannot find libc's %s: %s", #name, dlerror());
  MORESTACK_REAL_CALLS(X)
#undef X
  __atomic_store_n(&resolved, true, __ATOMIC_RELEASE);
  return nullptr;
}

__attribute__((noinline)) void resolve_now() { on_system_stack(resolve, nullptr); }

// Resolved before main (and before that on the first call, from a
// library's constructor).
__attribute__((constructor(101))) void resolve_at_start() {
  if (!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE)) resolve_now();
}

inline const Real &reals() {
  if (__builtin_expect(!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE), 0)) resolve_now();
  return real;
}

// The running task's waiter, with kTaskCallNeed bytes free on its stack,
// or null outside a task (blocking_call_waiter). A growth here relocates
// the caller's arguments like any pointer in a frame without a map (the
// words of runtime frames and the saved registers are scanned).
__attribute__((noinline)) Waiter *blocking_task() {
  Waiter *w = blocking_call_waiter();
  if (!w) return nullptr;
  const size_t need = sanitizers_linked() ? (size_t)MORESTACK_UNKNOWN_CALLEE_NEED : kTaskCallNeed;
  const uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  if (sp - thread_state().current->lo < need + MORESTACK_STACK_CANARY) __morestack_reserve(need);
  return w;
}

__attribute__((noinline)) int get_errno() { return errno; }
__attribute__((noinline)) void set_errno(int e) { errno = e; }

// A real call's result, failures as -errno.
template <class T> T neg(T r) { return r < 0 ? -(T)get_errno() : r; }

// The caller's result: r >= 0 with errno as it was at entry (`saved`), or
// -1 with errno -r.
template <class T> T finish(T r, int saved) {
  if (r < 0) {
    set_errno((int)-r);
    return -1;
  }
  set_errno(saved);
  return r;
}

uint64_t now_ns() { return morestack_now_ns(); }

// Park until pd's direction d has an event after `seen`; false on timeout.
bool wait_one(Waiter *w, PollDesc *pd, IoDir d, uint32_t seen, uint64_t deadline) {
  io_sudog(&w->one, pd, d, seen);
  return wait_io(w, &w->one, 1, deadline);
}

// A deadline `timeout_ns` from the first time it is asked for (0: none).
struct Deadline {
  uint64_t timeout_ns, at;
  uint64_t get() {
    if (timeout_ns && !at) at = now_ns() + timeout_ns;
    return at;
  }
};

// Call attempt() (one try that does not block: >= 0, or -errno) until it
// does not fail with EAGAIN, parking on pd's direction d between tries;
// -EAGAIN once `timeout_ns` (0: none) has passed.
template <class F>
ssize_t retry(Waiter *w, PollDesc *pd, IoDir d, uint64_t timeout_ns, F &&attempt) {
  Deadline deadline = {timeout_ns, 0};
  for (;;) {
    const uint32_t seen = io_events(pd, d);
    const ssize_t r = attempt();
    if (r != -EAGAIN) return r;
    if (!wait_one(w, pd, d, seen, deadline.get())) return -EAGAIN;
  }
}

// The descriptor of fd when a call on it from a task should park (the
// program did not ask for non-blocking, epoll can watch it), else null.
PollDesc *parking_desc(int fd, bool socket_call) {
  PollDesc *pd = poll_desc(fd);
  if (!pd || pd->user_nonblock) return nullptr;
  const FdKind k = fd_kind(pd);
  if (k == FdKind::Plain || (socket_call && k != FdKind::Socket)) return nullptr;
  return pd;
}

// The buffers of a call, consumed from the front as a partial transfer
// goes on (a short write, MSG_WAITALL).
struct IovCursor {
  const iovec *iov;
  size_t cnt;
  size_t skip;  // bytes of iov[0] already transferred
  iovec rest;   // what is left of iov[0], when skip > 0

  void advance(size_t n) {
    while (cnt && n >= iov[0].iov_len - skip) {
      n -= iov[0].iov_len - skip;
      ++iov;
      --cnt;
      skip = 0;
    }
    skip += n;
    while (cnt && iov[0].iov_len == skip) {  // empty buffers
      ++iov;
      --cnt;
      skip = 0;
    }
  }
  bool done() const { return cnt == 0; }
  // The buffers still to transfer into m (the rest of the first one alone
  // when it was partly transferred).
  void window(msghdr *m) {
    if (skip) {
      rest.iov_base = (char *)iov[0].iov_base + skip;
      rest.iov_len = iov[0].iov_len - skip;
      m->msg_iov = &rest;
      m->msg_iovlen = 1;
    } else {
      m->msg_iov = (iovec *)iov;
      m->msg_iovlen = cnt;
    }
  }
};

size_t total_length(const iovec *iov, size_t cnt) {
  size_t n = 0;
  for (size_t i = 0; i < cnt; ++i) n += iov[i].iov_len;
  return n;
}

// One try of a transfer on pd (kind Socket or Pipe with a per-call flag;
// Other: wait for readiness first, then the blocking call `direct`).
template <class Direct>
ssize_t try_transfer(int fd, PollDesc *pd, IoDir d, msghdr *m, int flags, Direct &direct) {
  switch (fd_kind(pd)) {
  case FdKind::Socket:
    flags |= MSG_DONTWAIT;
    if (m->msg_iovlen == 1 && !m->msg_controllen) {  // recvfrom/sendto: no msghdr to copy in
      void *base = m->msg_iov[0].iov_base;
      const size_t len = m->msg_iov[0].iov_len;
      m->msg_flags = 0;
      if (d == kIoWrite)
        return neg(real.sendto(fd, base, len, flags, (sockaddr *)m->msg_name, m->msg_namelen));
      return neg(real.recvfrom(fd, base, len, flags, (sockaddr *)m->msg_name,
                               m->msg_name ? &m->msg_namelen : nullptr));
    }
    return d == kIoRead ? neg(real.recvmsg(fd, m, flags)) : neg(real.sendmsg(fd, m, flags));
  case FdKind::Pipe: {
    const ssize_t r = d == kIoRead ? neg(real.preadv2(fd, m->msg_iov, (int)m->msg_iovlen, -1, RWF_NOWAIT))
                                   : neg(real.pwritev2(fd, m->msg_iov, (int)m->msg_iovlen, -1, RWF_NOWAIT));
    if (r != -EOPNOTSUPP) return r;
    set_fd_kind(pd, FdKind::Other);  // a kernel before 5.8
    [[fallthrough]];
  }
  default:
    if (!fd_ready_now(fd, d == kIoRead ? POLLIN : POLLOUT)) return -EAGAIN;
    return neg((ssize_t)direct());
  }
}

// A call of the read family (d == kIoRead) or the write family in a task:
// the buffers (and, for the socket calls, the address and control data)
// in *msg, `direct` the real call as the program made it. Socket calls
// (recv*, send*) on anything but a socket, and calls the program made
// non-blocking, go straight to `direct`. A receive reports the address
// length, the control length and the flags back in *msg, as recvmsg(2).
template <class Direct>
ssize_t transfer(Waiter *w, int fd, IoDir d, msghdr *msg, int flags, bool socket_call, Direct direct) {
  const int saved = get_errno();
  PollDesc *pd = flags & MSG_DONTWAIT ? nullptr : parking_desc(fd, socket_call);
  // read(2) of nothing returns at once (a datagram socket's recv of
  // nothing would wait for a datagram: that one parks).
  if (!pd || (!socket_call && d == kIoRead && !total_length(msg->msg_iov, msg->msg_iovlen)))
    return direct();
  const FdKind kind = fd_kind(pd);
  const bool stream = (kind == FdKind::Socket && pd->sotype == SOCK_STREAM) || kind == FdKind::Pipe;
  // Blocking writes on streams, and MSG_WAITALL receives, go on until done.
  const bool all = stream && (d == kIoWrite || (kind == FdKind::Socket && (flags & MSG_WAITALL)));
  if (kind == FdKind::Socket && !socket_call && d == kIoWrite && pd->sotype == SOCK_SEQPACKET)
    flags |= MSG_EOR;  // as write(2) on a SOCK_SEQPACKET socket
  if (kind == FdKind::Socket) flags &= ~MSG_WAITALL;  // done here: MSG_DONTWAIT would cut it short
  const uint64_t timeout = kind != FdKind::Socket ? 0 : d == kIoRead ? pd->rcvtimeo_ns : pd->sndtimeo_ns;
  msghdr m = *msg;
  IovCursor cur = {msg->msg_iov, msg->msg_iovlen, 0, {}};
  ssize_t done = 0;
  for (;;) {
    cur.window(&m);
    const ssize_t r =
        retry(w, pd, d, timeout, [&] { return try_transfer(fd, pd, d, &m, flags, direct); });
    if (r < 0) return finish(done ? done : r, saved);
    if (d == kIoRead && !done) {  // what recvmsg reports, from the first receive
      msg->msg_namelen = m.msg_namelen;
      msg->msg_controllen = m.msg_controllen;
      msg->msg_flags = m.msg_flags;
    }
    done += r;
    cur.advance((size_t)r);
    // Done: not a stream, a read that got something (or end of file), or everything moved.
    if (!all || cur.done() || (d == kIoRead && r == 0) || kind == FdKind::Other)
      return finish(done, saved);
    m.msg_control = nullptr;  // ancillary data goes with the first bytes only
    m.msg_controllen = 0;
  }
}

msghdr buffer_msg(iovec *iov, size_t cnt, sockaddr *name = nullptr, socklen_t namelen = 0) {
  msghdr m = {};
  m.msg_name = name;
  m.msg_namelen = namelen;
  m.msg_iov = iov;
  m.msg_iovlen = cnt;
  return m;
}

// ---- The task paths (each noinline: the paths outside tasks keep a tiny frame) ----

__attribute__((noinline)) ssize_t task_read(Waiter *w, int fd, void *buf, size_t n) {
  iovec v = {buf, n};
  msghdr m = buffer_msg(&v, 1);
  return transfer(w, fd, kIoRead, &m, 0, false, [&] { return real.read(fd, buf, n); });
}

__attribute__((noinline)) ssize_t task_readv(Waiter *w, int fd, const iovec *iov, int cnt) {
  if (cnt < 0) return real.readv(fd, iov, cnt);
  msghdr m = buffer_msg((iovec *)iov, (size_t)cnt);
  return transfer(w, fd, kIoRead, &m, 0, false, [&] { return real.readv(fd, iov, cnt); });
}

__attribute__((noinline)) ssize_t task_write(Waiter *w, int fd, const void *buf, size_t n) {
  iovec v = {(void *)buf, n};
  msghdr m = buffer_msg(&v, 1);
  return transfer(w, fd, kIoWrite, &m, 0, false, [&] { return real.write(fd, buf, n); });
}

__attribute__((noinline)) ssize_t task_writev(Waiter *w, int fd, const iovec *iov, int cnt) {
  if (cnt < 0) return real.writev(fd, iov, cnt);
  msghdr m = buffer_msg((iovec *)iov, (size_t)cnt);
  return transfer(w, fd, kIoWrite, &m, 0, false, [&] { return real.writev(fd, iov, cnt); });
}

// recv (plain_recv) and recvfrom.
__attribute__((noinline)) ssize_t task_recvfrom(Waiter *w, int fd, void *buf, size_t n, int flags,
                                                sockaddr *from, socklen_t *fromlen, bool plain_recv) {
  iovec v = {buf, n};
  msghdr m = buffer_msg(&v, 1, from && fromlen ? from : nullptr, from && fromlen ? *fromlen : 0);
  bool direct = false;  // the real call, which reports the length itself
  const ssize_t r = transfer(w, fd, kIoRead, &m, flags, true, [&] {
    direct = true;
    return plain_recv ? real.recv(fd, buf, n, flags) : real.recvfrom(fd, buf, n, flags, from, fromlen);
  });
  if (r >= 0 && m.msg_name && !direct) *fromlen = m.msg_namelen;
  return r;
}

__attribute__((noinline)) ssize_t task_recvmsg(Waiter *w, int fd, msghdr *msg, int flags) {
  return transfer(w, fd, kIoRead, msg, flags, true, [&] { return real.recvmsg(fd, msg, flags); });
}

// send (plain_send) and sendto.
__attribute__((noinline)) ssize_t task_sendto(Waiter *w, int fd, const void *buf, size_t n, int flags,
                                              const sockaddr *to, socklen_t tolen, bool plain_send) {
  iovec v = {(void *)buf, n};
  msghdr m = buffer_msg(&v, 1, (sockaddr *)to, tolen);
  return transfer(w, fd, kIoWrite, &m, flags, true, [&] {
    return plain_send ? real.send(fd, buf, n, flags) : real.sendto(fd, buf, n, flags, to, tolen);
  });
}

__attribute__((noinline)) ssize_t task_sendmsg(Waiter *w, int fd, const msghdr *msg, int flags) {
  return transfer(w, fd, kIoWrite, (msghdr *)msg, flags, true,
                  [&] { return real.sendmsg(fd, msg, flags); });
}

// The accept turn: one task at a time checks a listening socket and
// accepts, so that a task never blocks its worker in accept() because
// another took the connection it saw. A task that finds the turn taken
// waits for the next event, and the holder makes one when it is done.
bool take_accept_turn(PollDesc *pd) {
  pd->lock.lock();
  const bool taken = pd->accepting;
  pd->accepting = true;
  pd->accept_contended |= taken;
  pd->lock.unlock();
  return !taken;
}

void release_accept_turn(PollDesc *pd) {
  pd->lock.lock();
  pd->accepting = false;
  const bool contended = pd->accept_contended;
  pd->accept_contended = false;
  pd->lock.unlock();
  if (contended) wake_io(pd, kIoRead);
}

__attribute__((noinline)) int task_accept(Waiter *w, int fd, sockaddr *addr, socklen_t *len,
                                          int flags, bool plain_accept) {
  PollDesc *pd = parking_desc(fd, true);
  if (!pd) return plain_accept ? real.accept(fd, addr, len) : real.accept4(fd, addr, len, flags);
  const int saved = get_errno();
  const ssize_t r = retry(w, pd, kIoRead, pd->rcvtimeo_ns, [&]() -> ssize_t {
    if (!take_accept_turn(pd)) return -EAGAIN;
    ssize_t a = -EAGAIN;
    if (fd_ready_now(fd, POLLIN))
      a = neg(plain_accept ? real.accept(fd, addr, len) : real.accept4(fd, addr, len, flags));
    release_accept_turn(pd);
    return a;
  });
  if (r >= 0) adopt_accepted((int)r, pd, (flags & SOCK_NONBLOCK) != 0);
  return (int)finish(r, saved);
}

__attribute__((noinline)) int task_connect(Waiter *w, int fd, const sockaddr *addr, socklen_t len) {
  PollDesc *pd = parking_desc(fd, true);
  const long fl = pd ? raw_syscall(SYS_fcntl, fd, F_GETFL) : -1;
  if (fl < 0) return real.connect(fd, addr, len);
  const int saved = get_errno();
  uint32_t seen = io_events(pd, kIoWrite);
  raw_syscall(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK);
  const int r = neg(real.connect(fd, addr, len));
  raw_syscall(SYS_fcntl, fd, F_SETFL, fl);
  // A Unix socket whose listener's backlog is full says EAGAIN: nothing to
  // poll for, so wait in the kernel as a blocking connect does.
  if (r == -EAGAIN) return real.connect(fd, addr, len);
  if (r != -EINPROGRESS) return finish(r, saved);
  Deadline deadline = {pd->sndtimeo_ns, 0};
  do {
    if (!wait_one(w, pd, kIoWrite, seen, deadline.get())) return finish(-EINPROGRESS, saved);
    seen = io_events(pd, kIoWrite);
  } while (!fd_ready_now(fd, POLLOUT));  // an event from before the connect, say
  int err = 0;
  socklen_t errlen = sizeof err;
  raw_syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_ERROR, (long)&err, (long)&errlen);
  return finish(-err, saved);
}

constexpr short kPollReadEvents = POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND | POLLRDHUP;
constexpr short kPollWriteEvents = POLLOUT | POLLWRNORM | POLLWRBAND;

// Queue the wait of fd for `events` in s[*k...]; false if epoll cannot watch fd.
bool add_fd_wait(Sudog *s, size_t *k, int fd, bool rd, bool wr) {
  PollDesc *pd = poll_desc(fd);
  if (!pd || fd_kind(pd) == FdKind::Plain) return false;
  if (rd) io_sudog(&s[(*k)++], pd, kIoRead, io_events(pd, kIoRead));
  if (wr) io_sudog(&s[(*k)++], pd, kIoWrite, io_events(pd, kIoWrite));
  return true;
}

int remaining_ms(uint64_t deadline) {
  if (!deadline) return -1;
  const uint64_t now = now_ns();
  const uint64_t ms = deadline > now ? (deadline - now + 999999) / 1000000 : 0;
  return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

__attribute__((noinline)) int task_poll(Waiter *w, pollfd *fds, nfds_t n, int timeout_ms) {
  if (timeout_ms == 0) return real.poll(fds, n, 0);
  const int saved = get_errno();
  const uint64_t deadline = timeout_ms > 0 ? now_ns() + (uint64_t)timeout_ms * 1000000u : 0;
  Sudog *s = waiter_sudogs(w, 2 * n);
  for (;;) {
    size_t k = 0;
    bool unwatched = false;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].fd < 0) continue;
      const bool wr = fds[i].events & kPollWriteEvents;
      const bool rd = (fds[i].events & kPollReadEvents) || !wr;  // errors and hang-ups: the read side
      unwatched |= !add_fd_wait(s, &k, fds[i].fd, rd, wr);
    }
    const int r = neg(real.poll(fds, n, 0));
    if (r != 0) return finish(r, saved);
    if (deadline && now_ns() >= deadline) return finish(0, saved);
    // An fd epoll refuses but poll(2) waits for: poll(2) waits, blocking the worker.
    if (unwatched) return finish(neg(real.poll(fds, n, remaining_ms(deadline))), saved);
    wait_io(w, s, k, deadline);
  }
}

struct SelectProbe {
  int nfds;
  fd_set *sets[3];
  int result;
};

// On the system stack: select(2) without waiting, on copies of the sets,
// which go back to the program's only when something is ready (a result
// of 0 would clear them).
void *select_probe(void *p) {
  SelectProbe *q = (SelectProbe *)p;
  fd_set copies[3];
  fd_set *args[3];
  for (int i = 0; i < 3; ++i) {
    args[i] = q->sets[i] ? &copies[i] : nullptr;
    if (args[i]) copies[i] = *q->sets[i];
  }
  timeval zero = {0, 0};
  q->result = neg(real.select(q->nfds, args[0], args[1], args[2], &zero));
  if (q->result > 0)
    for (int i = 0; i < 3; ++i)
      if (args[i]) *q->sets[i] = copies[i];
  return nullptr;
}

void clear_sets(int nfds, fd_set *const sets[3]) {
  const size_t bytes = (size_t)(nfds + 63) / 64 * 8;  // as the kernel writes them back
  for (int i = 0; i < 3; ++i)
    if (sets[i]) memset(sets[i], 0, bytes);
}

__attribute__((noinline)) int task_select(Waiter *w, int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
                                          timeval *tv) {
  if (nfds < 0 || nfds > FD_SETSIZE || (tv && (tv->tv_sec < 0 || tv->tv_usec < 0)) ||
      (tv && !tv->tv_sec && !tv->tv_usec))
    return real.select(nfds, rd, wr, ex, tv);  // an error, or no wait
  const int saved = get_errno();
  const uint64_t deadline =
      tv ? now_ns() + (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u : 0;
  SelectProbe probe = {nfds, {rd, wr, ex}, 0};
  Sudog *s = waiter_sudogs(w, 2 * (size_t)nfds);
  for (;;) {
    size_t k = 0;
    bool unwatched = false;
    for (int fd = 0; fd < nfds; ++fd) {
      const bool r = (rd && FD_ISSET(fd, rd)) || (ex && FD_ISSET(fd, ex)), wt = wr && FD_ISSET(fd, wr);
      if (r || wt) unwatched |= !add_fd_wait(s, &k, fd, r, wt);
    }
    on_system_stack(select_probe, &probe);
    const uint64_t now = now_ns();
    const bool expired = deadline && now >= deadline;
    if (probe.result != 0 || expired || unwatched) {
      if (probe.result == 0 && unwatched && !expired) {  // see task_poll
        const uint64_t left = deadline ? deadline - now : 0;
        timeval t = {(time_t)(left / 1000000000u), (suseconds_t)(left % 1000000000u / 1000)};
        return (int)finish(neg(real.select(nfds, rd, wr, ex, deadline ? &t : nullptr)), saved);
      }
      if (probe.result == 0) clear_sets(nfds, probe.sets);
      if (tv) {  // Linux reports the time left
        const uint64_t left = deadline > now ? deadline - now : 0;
        tv->tv_sec = (time_t)(left / 1000000000u);
        tv->tv_usec = (suseconds_t)(left % 1000000000u / 1000);
      }
      return (int)finish(probe.result, saved);
    }
    wait_io(w, s, k, deadline);
  }
}

// Park for ns (a zero sleep yields); errno as it was.
__attribute__((noinline)) void task_sleep(uint64_t ns) {
  const int saved = get_errno();
  if (ns) morestack_sleep_ns(ns < (uint64_t)1 << 62 ? ns : (uint64_t)1 << 62);
  else morestack_yield();
  set_errno(saved);
}

bool valid_timespec(const timespec *t) {
  return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < 1000000000;
}

uint64_t timespec_ns(const timespec *t) {
  const uint64_t cap = (uint64_t)1 << 62;
  if ((uint64_t)t->tv_sec >= cap / 1000000000u) return cap;
  return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

__attribute__((noinline)) int task_clock_nanosleep(clockid_t clock, int flags, const timespec *req,
                                                   timespec *rem) {
  if (!req || (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
               clock != CLOCK_TAI))
    return real.clock_nanosleep(clock, flags, req, rem);  // a CPU clock, an error: as before
  if (!valid_timespec(req)) return EINVAL;
  uint64_t ns = timespec_ns(req);
  if (flags & TIMER_ABSTIME) {  // converted once: a clock set meanwhile is not followed
    timespec now;
    clock_gettime(clock, &now);
    const uint64_t at = timespec_ns(&now);
    if (ns <= at) return 0;
    ns -= at;
  }
  task_sleep(ns);
  return 0;
}

void forget_if_known(int fd) {
  if (fd >= 0) forget_fd(fd);
}

// The descriptor of fd if the netpoller knows the file behind it.
PollDesc *known_desc(int fd) {
  PollDesc *pd = poll_desc_if_any(fd);
  return pd && fd_kind(pd) != FdKind::Unknown ? pd : nullptr;
}

void set_user_nonblock(int fd, bool on) {
  if (PollDesc *pd = known_desc(fd)) pd->user_nonblock = on;
}

// What fcntl(2) changed that the netpoller caches.
__attribute__((noinline)) void fcntl_done(int fd, int cmd, void *arg, int result) {
  if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) forget_if_known(result);
  else if (cmd == F_SETFL) set_user_nonblock(fd, ((long)arg & O_NONBLOCK) != 0);
}

int fcntl_common(int (*fn)(int, int, ...), int fd, int cmd, void *arg) {
  const int r = fn(fd, cmd, arg);
  if (r >= 0) fcntl_done(fd, cmd, arg, r);
  return r;
}

[[noreturn]] void chk_fail() {
  on_system_stack([](void *) -> void * { __chk_fail(); }, nullptr);
  __builtin_unreachable();
}

} // namespace
} // namespace morestack

using namespace morestack;

// ---- The interposed functions ----
//
// Each: resolve the real functions once, then either the task path or a
// tail call of the real function. Strong definitions, as pthread_create's:
// a sanitizer's interceptors are weak definitions of the same names in the
// executable, and a weak one here would lose to them (the first linked).

extern "C" {

ssize_t read(int fd, void *buf, size_t n) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_read(w, fd, buf, n);
  return r.read(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_write(w, fd, buf, n);
  return r.write(fd, buf, n);
}

ssize_t readv(int fd, const iovec *iov, int cnt) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_readv(w, fd, iov, cnt);
  return r.readv(fd, iov, cnt);
}

ssize_t writev(int fd, const iovec *iov, int cnt) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_writev(w, fd, iov, cnt);
  return r.writev(fd, iov, cnt);
}

ssize_t recv(int fd, void *buf, size_t n, int flags) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_recvfrom(w, fd, buf, n, flags, nullptr, nullptr, true);
  return r.recv(fd, buf, n, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, sockaddr *from, socklen_t *fromlen) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_recvfrom(w, fd, buf, n, flags, from, fromlen, false);
  return r.recvfrom(fd, buf, n, flags, from, fromlen);
}

ssize_t recvmsg(int fd, msghdr *msg, int flags) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_recvmsg(w, fd, msg, flags);
  return r.recvmsg(fd, msg, flags);
}

ssize_t send(int fd, const void *buf, size_t n, int flags) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_sendto(w, fd, buf, n, flags, nullptr, 0, true);
  return r.send(fd, buf, n, flags);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const sockaddr *to, socklen_t tolen) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_sendto(w, fd, buf, n, flags, to, tolen, false);
  return r.sendto(fd, buf, n, flags, to, tolen);
}

ssize_t sendmsg(int fd, const msghdr *msg, int flags) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_sendmsg(w, fd, msg, flags);
  return r.sendmsg(fd, msg, flags);
}

int accept(int fd, sockaddr *addr, socklen_t *len) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_accept(w, fd, addr, len, 0, true);
  return r.accept(fd, addr, len);
}

int accept4(int fd, sockaddr *addr, socklen_t *len, int flags) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_accept(w, fd, addr, len, flags, false);
  return r.accept4(fd, addr, len, flags);
}

int connect(int fd, const sockaddr *addr, socklen_t len) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_connect(w, fd, addr, len);
  return r.connect(fd, addr, len);
}

int poll(pollfd *fds, nfds_t n, int timeout_ms) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_poll(w, fds, n, timeout_ms);
  return r.poll(fds, n, timeout_ms);
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, timeval *tv) {
  const Real &r = reals();
  if (Waiter *w = blocking_task()) return task_select(w, nfds, rd, wr, ex, tv);
  return r.select(nfds, rd, wr, ex, tv);
}

int nanosleep(const timespec *req, timespec *rem) {
  const Real &r = reals();
  if (!req || !blocking_task()) return r.nanosleep(req, rem);
  if (!valid_timespec(req)) {
    set_errno(EINVAL);
    return -1;
  }
  task_sleep(timespec_ns(req));
  return 0;
}

int clock_nanosleep(clockid_t clock, int flags, const timespec *req, timespec *rem) {
  const Real &r = reals();
  if (blocking_task()) return task_clock_nanosleep(clock, flags, req, rem);
  return r.clock_nanosleep(clock, flags, req, rem);
}

int usleep(useconds_t us) {
  const Real &r = reals();
  if (!blocking_task()) return r.usleep(us);
  task_sleep((uint64_t)us * 1000u);
  return 0;
}

unsigned sleep(unsigned s) {
  const Real &r = reals();
  if (!blocking_task()) return r.sleep(s);
  task_sleep((uint64_t)s * 1000000000u);
  return 0;
}

// ---- What the netpoller must hear of, in tasks or not ----

int close(int fd) {
  const Real &r = reals();
  forget_if_known(fd);
  return r.close(fd);
}

int dup2(int from, int to) {
  const Real &r = reals();
  if (from != to) forget_if_known(to);
  return r.dup2(from, to);
}

int dup3(int from, int to, int flags) {
  const Real &r = reals();
  if (from != to) forget_if_known(to);
  return r.dup3(from, to, flags);
}

int fclose(FILE *f) {
  const Real &r = reals();
  if (f) forget_if_known(fileno_unlocked(f));
  return r.fclose(f);
}

// fcntl, fcntl64 and ioctl are variadic in <fcntl.h> and <sys/ioctl.h>;
// these take the one word their callers pass as a third argument instead,
// and are aliased to those names below: a variadic definition would save
// every argument register on the caller's stack (a 232-byte frame, where
// the call sites keep 448 and 384 bytes for glibc's).
int __morestack_fcntl(int fd, int cmd, void *arg) {
  return fcntl_common(reals().fcntl, fd, cmd, arg);
}

int __morestack_fcntl64(int fd, int cmd, void *arg) {
  return fcntl_common(reals().fcntl64, fd, cmd, arg);
}

int __morestack_ioctl(int fd, unsigned long request, void *arg) {
  const int r = reals().ioctl(fd, request, arg);
  if (r == 0 && request == FIONBIO && arg) set_user_nonblock(fd, *(const int *)arg != 0);
  return r;
}

int fcntl(int, int, ...) __attribute__((alias("__morestack_fcntl")));
int fcntl64(int, int, ...) __attribute__((alias("__morestack_fcntl64")));
int ioctl(int, unsigned long, ...) __THROW __attribute__((alias("__morestack_ioctl")));

int setsockopt(int fd, int level, int name, const void *value, socklen_t len) {
  const int r = reals().setsockopt(fd, level, name, value, len);
  if (r == 0 && level == SOL_SOCKET && value && len >= sizeof(timeval) &&
      (name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW || name == SO_SNDTIMEO || name == SO_SNDTIMEO_NEW)) {
    if (PollDesc *pd = known_desc(fd)) {
      const timeval *tv = (const timeval *)value;  // the _NEW layout is the same on x86-64
      const uint64_t ns = (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
      if (name == SO_RCVTIMEO || name == SO_RCVTIMEO_NEW) pd->rcvtimeo_ns = ns;
      else pd->sndtimeo_ns = ns;
    }
  }
  return r;
}

// ---- _FORTIFY_SOURCE's checked variants ----

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen) {
  if (n > buflen) chk_fail();
  return read(fd, buf, n);
}

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags) {
  if (n > buflen) chk_fail();
  return recv(fd, buf, n, flags);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, sockaddr *from,
                       socklen_t *fromlen) {
  if (n > buflen) chk_fail();
  return recvfrom(fd, buf, n, flags, from, fromlen);
}

int __poll_chk(pollfd *fds, nfds_t n, int timeout_ms, size_t fdslen) {
  if (fdslen / sizeof(*fds) < n) chk_fail();
  return poll(fds, n, timeout_ms);
}

} // extern "C"

// Unit tests of the blocking calls that park the task (runtime/netpoll.h,
// runtime/blocking_calls.cpp), on the scheduler's two workers: a call that
// would block parks its task while others run, I/O between tasks across
// workers, poll and select with timeouts, the sleeps, the program's own
// O_NONBLOCK and socket timeouts, errno, and the same calls outside tasks.
//
// Tests that prove a call parked instead of blocking its worker keep both
// workers' worth of tasks blocked in it and check that other tasks still
// run: had the calls blocked the workers, nothing else could. The main
// thread waits for them with a bounded wait, so a regression fails the test
// instead of hanging it.
#include <morestack/go.hpp>
#include <morestack/morestack.h>
#include <morestack/sched.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

[[maybe_unused]] const int kWorkersSet = morestack_set_workers(2);

// Whether `done` gets a value within the bound (from a thread or a task).
bool signalled(morestack::Chan<int> &done, std::chrono::seconds bound = 30s) {
  int v = 0;
  morestack_select_case c[] = {done.on_recv(v)};
  return morestack::select(c, bound) == 0;
}

// n tasks that each bump `ran`; the last one sends on `done`.
void start_others(int n, std::atomic<int> &ran, morestack::Chan<int> &done) {
  for (int i = 0; i < n; ++i)
    morestack::go([&ran, &done, n] {
      if (++ran == n) done.send(1);
    }).detach();
}

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int p[2];
    EXPECT_EQ(pipe(p), 0);
    r = p[0];
    w = p[1];
  }
  ~Pipe() {
    close(r);
    close(w);
  }
};

// A listening socket on 127.0.0.1 and its address.
struct Listener {
  int fd;
  sockaddr_in addr = {};
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(bind(fd, (sockaddr *)&addr, len), 0);
    EXPECT_EQ(listen(fd, 128), 0);
    EXPECT_EQ(getsockname(fd, (sockaddr *)&addr, &len), 0);
  }
  ~Listener() { close(fd); }
  int dial() const {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    return connect(s, (const sockaddr *)&addr, sizeof addr) == 0 ? s : -1;
  }
};

TEST(Netpoll, ReadOnAPipeParksWhileOthersRun) {
  Pipe a, b;
  std::string got_a, got_b;
  auto reader = [](int fd, std::string *out) {
    char buf[16];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) out->assign(buf, (size_t)n);
  };
  morestack::Task ra = morestack::go(reader, a.r, &got_a);
  morestack::Task rb = morestack::go(reader, b.r, &got_b);
  std::atomic<int> ran{0};
  morestack::Chan<int> done(1);
  start_others(100, ran, done);
  const bool others_ran = signalled(done);  // while both readers wait
  EXPECT_TRUE(got_a.empty() && got_b.empty());
  ASSERT_EQ(write(a.w, "alpha", 5), 5);
  ASSERT_EQ(write(b.w, "beta", 4), 4);
  ra.join();
  rb.join();
  EXPECT_TRUE(others_ran) << "tasks blocked in read kept the workers";
  EXPECT_EQ(ran.load(), 100);
  EXPECT_EQ(got_a, "alpha");
  EXPECT_EQ(got_b, "beta");
}

TEST(Netpoll, LoopbackAcceptConnectReadWriteBetweenTasks) {
  Listener l;
  constexpr int kConns = 16, kRounds = 50;
  morestack::Task server = morestack::go([&] {
    std::vector<morestack::Task> handlers;
    for (int i = 0; i < kConns; ++i) {
      int c = accept(l.fd, nullptr, nullptr);
      ASSERT_GE(c, 0);
      handlers.push_back(morestack::go([c] {
        char buf[64];
        ssize_t n;
        while ((n = recv(c, buf, sizeof buf, 0)) > 0)
          if (send(c, buf, (size_t)n, 0) != n) break;
        close(c);
      }));
    }
    for (morestack::Task &h : handlers) h.join();
  });
  std::atomic<long> echoed{0}, wrong{0};
  std::vector<morestack::Task> clients;
  for (int k = 0; k < kConns; ++k)
    clients.push_back(morestack::go([&, k] {
      int s = l.dial();
      if (s < 0) {
        ++wrong;
        return;
      }
      for (int i = 0; i < kRounds; ++i) {
        const std::string m = std::to_string(k) + ":" + std::to_string(i);
        if (write(s, m.data(), m.size()) != (ssize_t)m.size()) ++wrong;
        char back[32];
        size_t got = 0;
        while (got < m.size()) {
          ssize_t n = read(s, back + got, m.size() - got);
          if (n <= 0) break;
          got += (size_t)n;
        }
        if (std::string(back, got) != m) ++wrong;
        echoed += (long)got;
      }
      close(s);
    }));
  for (morestack::Task &c : clients) c.join();
  server.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(echoed.load(), kConns * kRounds * 3L);
}

TEST(Netpoll, ManyTasksAcceptOnOneSocketWithoutBlockingTheirWorkers) {
  Listener l;
  constexpr int kAcceptors = 4, kEach = 5;  // four parked in accept() on two workers
  std::atomic<int> accepted{0};
  std::vector<morestack::Task> acceptors;
  for (int i = 0; i < kAcceptors; ++i)
    acceptors.push_back(morestack::go([&] {
      for (int k = 0; k < kEach; ++k) {
        int c = accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        ++accepted;
        close(c);
      }
    }));
  std::atomic<int> ran{0};
  morestack::Chan<int> done(1);
  start_others(50, ran, done);
  EXPECT_TRUE(signalled(done)) << "tasks waiting in accept kept the workers";
  std::vector<int> socks;
  for (int i = 0; i < kAcceptors * kEach; ++i) socks.push_back(l.dial());  // from the main thread
  for (morestack::Task &a : acceptors) a.join();
  for (int s : socks) {
    EXPECT_GE(s, 0);
    close(s);
  }
  EXPECT_EQ(accepted.load(), kAcceptors * kEach);
}

TEST(Netpoll, ConnectToAClosedPortFailsAsItWould) {
  Listener l;
  sockaddr_in addr = l.addr;
  close(l.fd);
  l.fd = socket(AF_INET, SOCK_STREAM, 0);  // (the destructor closes this one)
  int err = 0, rc = 0;
  morestack::go([&] {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    rc = connect(s, (const sockaddr *)&addr, sizeof addr);
    err = errno;
    close(s);
  }).join();
  EXPECT_EQ(rc, -1);
  EXPECT_EQ(err, ECONNREFUSED);
}

TEST(Netpoll, PollAndSelectTimeOutWhileOthersRun) {
  Pipe quiet;
  std::atomic<int> ran{0};
  morestack::Chan<int> done(1);
  std::atomic<bool> others_first_poll{false}, others_first_select{false};
  int poll_rc = -2, select_rc = -2;
  bool select_cleared = false;
  timeval left = {9, 9};
  morestack::Task p = morestack::go([&] {
    pollfd f = {quiet.r, POLLIN, 0};
    poll_rc = poll(&f, 1, 1000);
    others_first_poll = ran.load() == 50;
  });
  morestack::Task s = morestack::go([&] {
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(quiet.r, &rd);
    left = {1, 0};
    select_rc = ::select(quiet.r + 1, &rd, nullptr, nullptr, &left);
    select_cleared = !FD_ISSET(quiet.r, &rd);
    others_first_select = ran.load() == 50;
  });
  start_others(50, ran, done);
  EXPECT_TRUE(signalled(done));
  p.join();
  s.join();
  EXPECT_EQ(poll_rc, 0);
  EXPECT_EQ(select_rc, 0);
  EXPECT_TRUE(select_cleared) << "select clears the sets when it times out";
  EXPECT_EQ(left.tv_sec, 0);
  EXPECT_EQ(left.tv_usec, 0);
  EXPECT_TRUE(others_first_poll.load()) << "poll kept its worker";
  EXPECT_TRUE(others_first_select.load()) << "select kept its worker";
}

TEST(Netpoll, PollAndSelectReportWhatIsReady) {
  Pipe a, b;
  int poll_rc = -2, select_rc = -2;
  short revents = 0;
  bool a_set = true, b_set = false;
  morestack::Task p = morestack::go([&] {
    pollfd f[2] = {{a.r, POLLIN, 0}, {b.r, POLLIN, 0}};
    poll_rc = poll(f, 2, -1);  // parks until b is written
    revents = f[1].revents;
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(a.r, &rd);
    FD_SET(b.r, &rd);
    select_rc = ::select(std::max(a.r, b.r) + 1, &rd, nullptr, nullptr, nullptr);
    a_set = FD_ISSET(a.r, &rd);
    b_set = FD_ISSET(b.r, &rd);
  });
  morestack::go([&] {
    morestack::this_fiber::sleep_for(20ms);
    EXPECT_EQ(write(b.w, "x", 1), 1);
  }).join();
  p.join();
  EXPECT_EQ(poll_rc, 1);
  EXPECT_EQ(revents, POLLIN);
  EXPECT_EQ(select_rc, 1);
  EXPECT_FALSE(a_set);
  EXPECT_TRUE(b_set);
}

TEST(Netpoll, SleepsParkTheTask) {
  std::atomic<int> ran{0}, woke_after_others{0};
  morestack::Chan<int> done(1);
  auto sleeper = [&](int kind) {
    int rc = -1;
    if (kind == 0) rc = usleep(1000000);
    if (kind == 1) rc = (int)sleep(1);
    if (kind == 2) {
      timespec t = {1, 0};
      rc = nanosleep(&t, nullptr);
    }
    if (kind == 3) {
      timespec t = {1, 0};
      rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &t, nullptr);
    }
    if (rc == 0 && ran.load() == 50) ++woke_after_others;
  };
  std::vector<morestack::Task> sleepers;
  for (int kind = 0; kind < 4; ++kind) sleepers.push_back(morestack::go(sleeper, kind));
  start_others(50, ran, done);
  EXPECT_TRUE(signalled(done));
  for (morestack::Task &t : sleepers) t.join();
  EXPECT_EQ(woke_after_others.load(), 4) << "four sleepers on two workers, and others ran meanwhile";
}

TEST(Netpoll, SleepsCheckTheirArgumentsAsLibcDoes) {
  int rc = 0, err = 0, clock_rc = 0, zero_rc = -1;
  morestack::go([&] {
    timespec bad = {0, 1000000000};
    errno = 0;
    rc = nanosleep(&bad, nullptr);
    err = errno;
    clock_rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, nullptr);  // an error number, not -1
    timespec past = {0, 0};
    zero_rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, nullptr);
  }).join();
  EXPECT_EQ(rc, -1);
  EXPECT_EQ(err, EINVAL);
  EXPECT_EQ(clock_rc, EINVAL);
  EXPECT_EQ(zero_rc, 0);
}

TEST(Netpoll, TheProgramsNonBlockingModeIsKept) {
  Pipe p;
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  int pipe_err = 0, dontwait_err = 0, later_err = 0, fionbio_err = 0, flags_after = -1;
  morestack::go([&] {
    char c;
    // The file stays blocking after a call that parked: the runtime never sets O_NONBLOCK.
    morestack::go([&] { EXPECT_EQ(write(p.w, "a", 1), 1); }).detach();
    EXPECT_EQ(read(p.r, &c, 1), 1);
    flags_after = fcntl(p.r, F_GETFL);
    // Made non-blocking by the program after the netpoller knew the fd.
    fcntl(p.r, F_SETFL, fcntl(p.r, F_GETFL) | O_NONBLOCK);
    if (read(p.r, &c, 1) < 0) pipe_err = errno;
    if (recv(sv[0], &c, 1, MSG_DONTWAIT) < 0) dontwait_err = errno;
    int on = 1;
    ioctl(sv[0], FIONBIO, &on);
    if (read(sv[0], &c, 1) < 0) fionbio_err = errno;
    on = 0;
    ioctl(sv[0], FIONBIO, &on);
    morestack::go([&] { EXPECT_EQ(send(sv[1], "b", 1, 0), 1); }).detach();
    if (recv(sv[0], &c, 1, 0) != 1) later_err = errno;  // blocking again: parks until "b"
  }).join();
  EXPECT_EQ(flags_after & O_NONBLOCK, 0);
  EXPECT_EQ(pipe_err, EAGAIN);
  EXPECT_EQ(dontwait_err, EAGAIN);
  EXPECT_EQ(fionbio_err, EAGAIN);
  EXPECT_EQ(later_err, 0);
  close(sv[0]);
  close(sv[1]);
}

TEST(Netpoll, SocketTimeoutsBoundThePark) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ssize_t rc = 0;
  int err = 0;
  morestack::go([&] {
    char c;
    EXPECT_EQ(send(sv[1], "x", 1, 0), 1);
    EXPECT_EQ(recv(sv[0], &c, 1, 0), 1);  // known to the netpoller before the timeout is set
    timeval tv = {0, 50000};
    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    rc = recv(sv[0], &c, 1, 0);
    err = errno;
  }).join();
  EXPECT_EQ(rc, -1);
  EXPECT_EQ(err, EAGAIN);
  close(sv[0]);
  close(sv[1]);
}

TEST(Netpoll, ErrnoIsKeptAcrossAParkThatSucceeds) {
  Pipe p;
  int before = 0, after = 0;
  morestack::go([&] {
    morestack::go([&] {
      morestack::this_fiber::sleep_for(10ms);
      EXPECT_EQ(write(p.w, "z", 1), 1);
    }).detach();
    char c;
    errno = 4321;
    before = errno;
    EXPECT_EQ(read(p.r, &c, 1), 1);  // failed with EAGAIN first, then parked
    after = errno;
  }).join();
  EXPECT_EQ(before, 4321);
  EXPECT_EQ(after, 4321);
}

TEST(Netpoll, WritesOnAFullPipeParkAndWriteEverything) {
  Pipe p;
  constexpr size_t kBytes = 1 << 20;  // 16 times a pipe's buffer
  std::vector<char> out(kBytes), in(kBytes);
  for (size_t i = 0; i < kBytes; ++i) out[i] = (char)(i * 131 + 7);
  ssize_t wrote = 0;
  size_t got = 0;
  morestack::Task w = morestack::go([&] { wrote = write(p.w, out.data(), kBytes); });
  morestack::Task r = morestack::go([&] {
    while (got < kBytes) {
      ssize_t n = read(p.r, in.data() + got, 4096);
      if (n <= 0) break;
      got += (size_t)n;
    }
  });
  w.join();
  r.join();
  EXPECT_EQ(wrote, (ssize_t)kBytes);
  EXPECT_EQ(got, kBytes);
  EXPECT_TRUE(in == out);
}

TEST(Netpoll, OutsideTasksTheCallsBehaveAsBefore) {
  Pipe p;
  char c = 0;
  // The main thread: plain calls, errno as libc leaves it.
  ASSERT_EQ(write(p.w, "m", 1), 1);
  errno = 77;
  EXPECT_EQ(read(p.r, &c, 1), 1);
  EXPECT_EQ(errno, 77);
  EXPECT_EQ(c, 'm');
  fcntl(p.r, F_SETFL, O_NONBLOCK);
  EXPECT_EQ(read(p.r, &c, 1), -1);
  EXPECT_EQ(errno, EAGAIN);
  fcntl(p.r, F_SETFL, 0);
  pollfd f = {p.r, POLLIN, 0};
  EXPECT_EQ(poll(&f, 1, 10), 0);
  timespec bad = {0, -1};
  EXPECT_EQ(nanosleep(&bad, nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
  // A plain thread blocks in read until the main thread writes.
  struct Arg {
    int fd;
    char c;
    ssize_t n;
  } arg = {p.r, 0, 0};
  pthread_t th;
  ASSERT_EQ(pthread_create(
                &th, nullptr,
                [](void *a) -> void * {
                  Arg *x = (Arg *)a;
                  x->n = read(x->fd, &x->c, 1);
                  return nullptr;
                },
                &arg),
            0);
  usleep(20000);
  ASSERT_EQ(write(p.w, "t", 1), 1);
  pthread_join(th, nullptr);
  EXPECT_EQ(arg.n, 1);
  EXPECT_EQ(arg.c, 't');
}

// A read called with its buffer on the moving stack, from a frame just
// below the guard (less than the task path needs): the call grows the
// stack first (blocking_calls.cpp, kTaskCallNeed), the buffer moves with
// it, and the bytes land in the moved buffer after the park.
struct Edge {
  int fd;
  bool below_guard;  // where read was called from: what the test needs
  uint64_t growths_before, growths_after;
  ssize_t n;
  char got[8];
};

__attribute__((noinline)) uintptr_t guard_now() {
  uintptr_t g;
  asm volatile("movq %%fs:0x70, %0" : "=r"(g));
  return g;
}

__attribute__((noinline)) void read_below_guard(Edge *e) {
  char buf[96];  // a frame under 256 bytes: entered above the guard, it ends below it
  buf[50] = 0;
  // The runtime's API, not a function with a check (whose prologue would grow the stack).
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  e->growths_before = st.growths;
  uintptr_t sp;
  asm volatile("movq %%rsp, %0" : "=r"(sp));
  e->below_guard = sp < guard_now();
  e->n = read(e->fd, buf + 50, 5);
  memcpy(e->got, buf + 50, 5);
  morestack_current_stack_stats(&st);
  e->growths_after = st.growths;
}

__attribute__((noinline)) void descend(Edge *e, int depth) {
  volatile char pad[32];
  pad[depth & 31] = 1;
  // Down to where read_below_guard, called from here, is entered above the
  // guard (else its own check would grow the stack) and ends below it.
  if ((uintptr_t)__builtin_frame_address(0) - guard_now() >= 180) {
    descend(e, depth + 1);
  } else {
    read_below_guard(e);
  }
  pad[0] = pad[depth & 31];
}

TEST(Netpoll, ACallBelowTheGuardGrowsTheStackAndItsBufferMoves) {
  Pipe p;
  Edge e = {p.r, false, 0, 0, 0, {}};
  morestack::Task reader = morestack::go([&e] { descend(&e, 0); });
  morestack::go([&] {
    morestack::this_fiber::sleep_for(10ms);
    EXPECT_EQ(write(p.w, "hello", 5), 5);
  }).join();
  reader.join();
  ASSERT_TRUE(e.below_guard) << "the test's frames did not bring read below the guard";
  EXPECT_EQ(e.n, 5);
  EXPECT_EQ(std::string(e.got, 5), "hello");
  EXPECT_GT(e.growths_after, e.growths_before) << "the call did not grow the stack";
}

TEST(Netpoll, RegularFilesBlockAsBefore) {
  char path[] = "/tmp/morestack-netpoll-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  unlink(path);
  ssize_t w = 0, r = 0;
  char back[6] = {};
  morestack::go([&] {
    w = write(fd, "hello", 5);
    lseek(fd, 0, SEEK_SET);
    r = read(fd, back, 5);
  }).join();
  close(fd);
  EXPECT_EQ(w, 5);
  EXPECT_EQ(r, 5);
  EXPECT_STREQ(back, "hello");
}

} // namespace

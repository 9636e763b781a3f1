// bench/daisy.cpp: a user's first realistic fiber program, written the way
// a user would write it over the Fiber API, against the same program in Go
// (bench/go/daisy.go).
//
// A small round-robin scheduler (a std::deque of runnable tasks) and an
// unbuffered channel (a std::deque of waiting tasks), both on
// morestack::Fiber resume/yield. 100,000 fibers in a daisy chain: fiber i
// receives from channel i and sends the value + 1 on channel i+1, for 10
// rounds. A feeder fiber pushes the 10 values into channel 0 and a sink
// fiber takes them off channel 100,000. Along the way, like ordinary code:
//   - every 100th fiber recurses 200-1000 frames deep (8 longs per frame)
//     before forwarding (its stack grows to tens of KiB, then shrinks back
//     at later yields);
//   - every 50th builds a std::string label by concatenation;
//   - every 1000th formats a line with snprintf;
//   - every 10th keeps a std::vector of the values it has seen.
// Everything feeds a checksum that the Go program computes identically.
//
// Figures (bench "daisy", case "100000x10"): variant "morestack" in ns (wall
// time of the whole program: creating the fibers, the 10 rounds, tearing
// down) and variant "morestack-hwm" in B (the process's peak resident set,
// VmHWM). The runtime's process stats go to stderr (the log).
//
//   daisy [fibers=100000] [rounds=10]
#include "common.h"

#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace {

// ---- the scheduler -------------------------------------------------------

struct Task {
  morestack::Fiber fiber;
  long slot = 0; // a value handed over by a channel
  template <class F> explicit Task(F &&f) : fiber(std::forward<F>(f)) {}
};

std::deque<Task *> runq;
Task *current = nullptr;

void ready(Task *t) { runq.push_back(t); }

// Park the running task; someone must ready() it again.
void park() { morestack::this_fiber::suspend(); }

template <class F> Task *go(F &&f) {
  Task *t = new Task(std::forward<F>(f));
  ready(t);
  return t;
}

// Run until no task is runnable; returns the number of tasks that finished.
long run_all() {
  long finished = 0;
  while (!runq.empty()) {
    Task *t = runq.front();
    runq.pop_front();
    current = t;
    if (t->fiber.resume()) {
      delete t;
      ++finished;
    }
    current = nullptr;
  }
  return finished;
}

// ---- an unbuffered channel ----------------------------------------------

// Waiting tasks are either all senders or all receivers (an unbuffered
// channel never has both waiting).
class Channel {
public:
  void send(long v) {
    if (!waiting_.empty() && !senders_waiting_) { // a receiver is waiting: hand over
      Task *r = waiting_.front();
      waiting_.pop_front();
      r->slot = v;
      ready(r);
      return;
    }
    senders_waiting_ = true;
    current->slot = v;
    waiting_.push_back(current);
    park();
  }
  long recv() {
    if (!waiting_.empty() && senders_waiting_) { // a sender is waiting: take its value
      Task *s = waiting_.front();
      waiting_.pop_front();
      long v = s->slot;
      ready(s);
      return v;
    }
    senders_waiting_ = false;
    Task *self = current;
    waiting_.push_back(self);
    park();
    return self->slot;
  }

private:
  std::deque<Task *> waiting_;
  bool senders_waiting_ = false;
};

// ---- the work ------------------------------------------------------------

uint64_t checksum = 0;

// A recursion with a small array per frame.
uint64_t walk(int depth, uint64_t v) {
  uint64_t a[8];
  for (int k = 0; k < 8; ++k) a[k] = v * static_cast<uint64_t>(k + 1) + static_cast<uint64_t>(depth);
  if (depth == 0) return a[v & 7];
  uint64_t r = walk(depth - 1, a[(v + static_cast<uint64_t>(depth)) & 7]);
  return r + a[depth & 7] - a[(depth + 3) & 7];
}

void link(long id, Channel *left, Channel *right, int rounds) {
  std::vector<long> seen;
  for (int r = 0; r < rounds; ++r) {
    long v = left->recv();
    if (id % 100 == 0) checksum += walk(200 + static_cast<int>((id * 7919) % 801), static_cast<uint64_t>(v));
    if (id % 50 == 0) {
      std::string label = "fiber " + std::to_string(id) + " round " + std::to_string(r) + " value " + std::to_string(v);
      checksum += label.size();
    }
    if (id % 1000 == 0) {
      char line[96];
      int n = snprintf(line, sizeof line, "%ld: %ld (%.3f)", id, v, static_cast<double>(v) / 3.0);
      checksum += static_cast<uint64_t>(n);
    }
    if (id % 10 == 0) seen.push_back(v);
    right->send(v + 1);
  }
  for (long s : seen) checksum += static_cast<uint64_t>(s);
}

} // namespace

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 100000);
  int rounds = static_cast<int>(bench_arg(argc, argv, 2, 10));
  uint64_t t0 = bench_now_ns();

  std::vector<std::unique_ptr<Channel>> chans;
  for (long i = 0; i <= n; ++i) chans.push_back(std::make_unique<Channel>());
  for (long i = 0; i < n; ++i) {
    Channel *l = chans[static_cast<size_t>(i)].get(), *r = chans[static_cast<size_t>(i + 1)].get();
    go([i, l, r, rounds] { link(i, l, r, rounds); });
  }
  Channel *first = chans.front().get(), *last = chans.back().get();
  go([first, rounds] {
    for (int r = 0; r < rounds; ++r) first->send(static_cast<long>(r) * 1000);
  });
  long bad = 0;
  go([last, rounds, n, &bad] {
    for (int r = 0; r < rounds; ++r)
      if (last->recv() != static_cast<long>(r) * 1000 + n) ++bad;
  });
  long finished = run_all();
  chans.clear();

  double ns = static_cast<double>(bench_now_ns() - t0);
  const long hwm = bench_peak_rss_kb();
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  fprintf(stderr,
          "daisy (morestack): %ld fibers x %d rounds, %ld finished, %ld bad; checksum %llu; %.0f ms, VmHWM %ld kB; "
          "growths %llu (%llu by call-site reserves, largest %zu B), shrinks %llu, %llu bytes copied, "
          "%.1f ms moving; fibers created %llu\n",
          n, rounds, finished, bad, static_cast<unsigned long long>(checksum), ns / 1e6, hwm,
          static_cast<unsigned long long>(ps.growths), static_cast<unsigned long long>(ps.reserve_growths),
          ps.largest_reserve, static_cast<unsigned long long>(ps.shrinks),
          static_cast<unsigned long long>(ps.bytes_copied), static_cast<double>(ps.move_ns) / 1e6,
          static_cast<unsigned long long>(ps.fibers_created));
  char kase[64];
  snprintf(kase, sizeof kase, "%ldx%d", n, rounds);
  bench_report("daisy", kase, "morestack", ns, "ns");
  bench_report("daisy", kase, "morestack-hwm", static_cast<double>(hwm) * 1024, "B");
  return bad != 0 || finished != n + 2;
}

// bench/daisy_tasks.cpp: bench/go/daisy.go line for line on morestack's
// scheduler (include/morestack/go.hpp): tasks, unbuffered channels and a
// wait group, where bench/daisy.cpp hand-writes a scheduler over fibers.
//
// 100,000 tasks in a daisy chain: task i receives from channel i and sends
// the value + 1 on channel i+1, for 10 rounds; a feeder task pushes the 10
// values into channel 0 and main takes them off channel 100,000. Every
// 100th task recurses 200-1000 frames deep before forwarding, every 50th
// builds a std::string label, every 1000th formats a line with snprintf,
// every 10th keeps a std::vector of the values it has seen; everything
// feeds a checksum that the Go program computes identically.
//
// Figures (bench "daisy", case "100000x10"): variant "morestack-tasks" in
// ns (wall time: creating the channels and tasks, the rounds, the end of
// every task) and "morestack-tasks-hwm" in B (VmHWM). MORESTACK_WORKERS
// (bench/run.sh: 1, as Go's GOMAXPROCS=1) is the number of workers.
//
//   daisy_tasks [tasks=100000] [rounds=10]
#include "common.h"

#include <morestack/go.hpp>
#include <morestack/morestack.h>
#include <morestack/sched.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace {

std::atomic<uint64_t> checksum{0};  // relaxed adds: tasks may run on several workers

uint64_t walk(int depth, uint64_t v) {
  uint64_t a[8];
  for (int k = 0; k < 8; ++k) a[k] = v * static_cast<uint64_t>(k + 1) + static_cast<uint64_t>(depth);
  if (depth == 0) return a[v & 7];
  uint64_t r = walk(depth - 1, a[(v + static_cast<uint64_t>(depth)) & 7]);
  return r + a[depth & 7] - a[(depth + 3) & 7];
}

void add(uint64_t x) { checksum.fetch_add(x, std::memory_order_relaxed); }

void link(long id, morestack::Chan<long> left, morestack::Chan<long> right, int rounds, morestack::WaitGroup &wg) {
  std::vector<long> seen;
  for (int r = 0; r < rounds; ++r) {
    long v = *left.recv();
    if (id % 100 == 0) add(walk(200 + static_cast<int>((id * 7919) % 801), static_cast<uint64_t>(v)));
    if (id % 50 == 0) {
      std::string label = "fiber " + std::to_string(id) + " round " + std::to_string(r) + " value " + std::to_string(v);
      add(label.size());
    }
    if (id % 1000 == 0) {
      char line[96];
      int n = snprintf(line, sizeof line, "%ld: %ld (%.3f)", id, v, static_cast<double>(v) / 3.0);
      add(static_cast<uint64_t>(n));
    }
    if (id % 10 == 0) seen.push_back(v);
    right.send(v + 1);
  }
  for (long s : seen) add(static_cast<uint64_t>(s));
  wg.done();
}

} // namespace

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 100000);
  int rounds = static_cast<int>(bench_arg(argc, argv, 2, 10));
  uint64_t t0 = bench_now_ns();

  std::vector<morestack::Chan<long>> chans(static_cast<size_t>(n + 1));
  morestack::WaitGroup wg;
  wg.add(static_cast<int>(n));
  for (long i = 0; i < n; ++i)
    morestack::go(link, i, chans[static_cast<size_t>(i)], chans[static_cast<size_t>(i + 1)], rounds, std::ref(wg))
        .detach();
  morestack::go([first = chans.front(), rounds]() mutable {
    for (int r = 0; r < rounds; ++r) first.send(static_cast<long>(r) * 1000);
  }).detach();
  long bad = 0;
  for (int r = 0; r < rounds; ++r)
    if (*chans.back().recv() != static_cast<long>(r) * 1000 + n) ++bad;
  wg.wait();
  chans.clear();

  double ns = static_cast<double>(bench_now_ns() - t0);
  const long hwm = bench_peak_rss_kb();
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  fprintf(stderr,
          "daisy (morestack tasks, %d workers): %ld tasks x %d rounds, %ld bad; checksum %llu; %.0f ms, VmHWM %ld kB; "
          "growths %llu, shrinks %llu, %llu bytes copied, %.1f ms moving; fibers created %llu\n",
          morestack_workers(), n, rounds, bad, static_cast<unsigned long long>(checksum.load()), ns / 1e6, hwm,
          static_cast<unsigned long long>(ps.growths), static_cast<unsigned long long>(ps.shrinks),
          static_cast<unsigned long long>(ps.bytes_copied), static_cast<double>(ps.move_ns) / 1e6,
          static_cast<unsigned long long>(ps.fibers_created));
  char kase[64];
  snprintf(kase, sizeof kase, "%ldx%d", n, rounds);
  bench_report("daisy", kase, "morestack-tasks", ns, "ns");
  bench_report("daisy", kase, "morestack-tasks-hwm", static_cast<double>(hwm) * 1024, "B");
  return bad != 0;
}

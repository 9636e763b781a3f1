// A thread per core, each running thousands of fibers that grow (each to a
// different depth) and shrink (after going deep once, they stay shallow for
// many yields) concurrently; the pool's thread caches and shared chunks are
// exercised from both threads at once.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: %t.O0 | FileCheck %s
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: %t.O2 | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
//
// CHECK: thread 0: 3000 fibers, checksum ok, grew, shrank back
// CHECK: thread 1: 3000 fibers, checksum ok, grew, shrank back
// CHECK: all stacks returned: yes

#include <morestack/fiber.hpp>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

static int walk(int n) {
  volatile int pad[16];  // indexed by n: the whole array stays
  pad[n % 16] = n;
  if (n == 0) return 0;
  int r = walk(n - 1);
  return r + 1 + (pad[n % 16] - n);
}

int main() {
  const int kThreads = 2, kFibers = 3000, kRounds = 4, kShallowYields = 12;
  std::vector<std::string> lines(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &lines] {
      std::vector<morestack::Fiber> fibers;
      std::vector<long> sums(kFibers);
      for (int i = 0; i < kFibers; ++i)
        fibers.emplace_back([&sums, i] {
          for (int r = 1; r <= kRounds; ++r) {
            sums[i] += walk((i % 40) * r * 5);
            morestack::this_fiber::suspend();
          }
          for (int y = 0; y < kShallowYields; ++y) morestack::this_fiber::suspend();
        });
      bool all_done = false;
      while (!all_done) {
        all_done = true;
        for (auto &f : fibers)
          if (!f.done()) all_done &= f.resume();
      }
      long expect = 0, got = 0;
      unsigned long long growths = 0, shrinks = 0, still_big = 0;
      for (int i = 0; i < kFibers; ++i) {
        for (int r = 1; r <= kRounds; ++r) expect += (i % 40) * r * 5;
        got += sums[i];
        morestack_stack_stats s = fibers[i].stats();
        growths += s.growths;
        shrinks += s.shrinks;
        still_big += s.peak_size > 8192 && s.shrinks == 0;
      }
      char buf[128];
      snprintf(buf, sizeof buf, "thread %d: %d fibers, checksum %s, %s, %s", t, kFibers,
               got == expect ? "ok" : "BAD", growths > kFibers / 2 ? "grew" : "did not grow",
               shrinks > kFibers / 2 && still_big == 0 ? "shrank back" : "did not shrink");
      lines[t] = buf;
    });
  for (auto &t : threads) t.join();
  for (auto &l : lines) std::puts(l.c_str());
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  std::printf("all stacks returned: %s\n", ps.fibers_live == 0 ? "yes" : "no");
}

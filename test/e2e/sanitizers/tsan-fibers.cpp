// ThreadSanitizer with fibers and moving stacks: each fiber is a TSan
// fiber, and resuming one is ordered after what its resumer did before,
// so fibers that share data on one thread, or hand it over through a
// mutex between threads, are not reported, even when their stacks move
// and their blocks go from one thread to another through the pool; a real
// race between two fibers running on two threads is reported.
//
// REQUIRES: tsan-runtime
// UNSUPPORTED: sanitizer
// RUN: %morestack_clangxx_nosan -fsanitize=thread -g -O1 %s -o %t -pthread
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 MORESTACK_VERIFY=1 %t clean 2>&1 | FileCheck %s --check-prefix=CLEAN
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 not %t race 2>&1 | FileCheck %s --check-prefix=RACE
// RUN: %morestack_clangxx_nosan -fsanitize=thread -g -O0 %s -o %t.O0 -pthread
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 %t.O0 clean 2>&1 | FileCheck %s --check-prefix=CLEAN
// RUN: env TSAN_OPTIONS=halt_on_error=1:exitcode=66 not %t.O0 race 2>&1 | FileCheck %s --check-prefix=RACE
//
// CLEAN-NOT: WARNING: ThreadSanitizer
// CLEAN: one thread: 32 fibers, total ok, moved: yes
// CLEAN-NEXT: handed over: ok
// CLEAN-NOT: WARNING: ThreadSanitizer
// RACE: WARNING: ThreadSanitizer: data race
// RACE: in bump

#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

__attribute__((noinline)) static void sink(void *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

__attribute__((noinline)) static long grow(int n) {
  char buf[256];
  std::memset(buf, n & 0x7f, sizeof buf);
  sink(buf);
  long below = n ? grow(n - 1) : 0;
  return below + buf[n % sizeof buf];
}

static long shared_total;

__attribute__((noinline)) static void bump(long v) { shared_total += v; }

int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "clean";
  if (mode == "race") {
    // Two fibers, each resumed on a thread of its own, write one global.
    // Both wait until both run (relaxed atomics: no happens-before for
    // TSan): otherwise one fiber could finish before the other grows, and
    // the pool's hand-over of its freed block (sanitizers.h) would order
    // all of the second's writes after the first's: no race to report
    // (this printed "no report" about once in tens of runs).
    static std::atomic<int> running{0};
    auto body = [] {
      running.fetch_add(1, std::memory_order_relaxed);
      while (running.load(std::memory_order_relaxed) < 2) {
      }
      for (int i = 0; i < 100; ++i) bump(grow(20));
    };
    morestack::Fiber a(body);
    morestack::Fiber b(body);
    std::thread ta([&] { a.resume(); });
    std::thread tb([&] { b.resume(); });
    ta.join();
    tb.join();
    std::printf("no report\n");
    return 0;
  }
  // Fibers on one thread share a global without locks: switches order them.
  std::vector<morestack::Fiber> fibers;
  bool moved = false;
  long want = 0;
  for (int i = 0; i < 32; ++i) {
    want += 2 * grow(100 + i);
    fibers.emplace_back([&, i] {
      bump(grow(100 + i));
      morestack::this_fiber::suspend();
      bump(grow(100 + i));
      morestack_stack_stats s;
      morestack_current_stack_stats(&s);
      if (s.growths) moved = true;
    });
  }
  for (int round = 0; round < 2; ++round)
    for (auto &f : fibers) f.resume();
  std::printf("one thread: 32 fibers, total %s, moved: %s\n", shared_total == want ? "ok" : "WRONG",
              moved ? "yes" : "no");
  fibers.clear();  // their blocks go back to this thread's pool cache
  // Fibers created here, resumed by other threads in turn under a mutex:
  // the data they touch is handed over with the lock.
  std::mutex m;
  std::vector<morestack::Fiber> wanderers;
  long local_total = 0, local_want = 0;
  for (int i = 0; i < 8; ++i) {
    for (int k = 0; k < 4; ++k) local_want += grow(60 * k + i);
    wanderers.emplace_back([&, i] {
      for (int k = 0; k < 4; ++k) {
        local_total += grow(60 * k + i);
        morestack::this_fiber::suspend();
      }
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int k = 0; k < 3; ++k) {
        std::lock_guard<std::mutex> lock(m);
        for (auto &f : wanderers)
          if (!f.done()) f.resume();
      }
    });
  for (auto &t : threads) t.join();
  std::printf("handed over: %s\n", local_total == local_want ? "ok" : "WRONG");
  return 0;
}

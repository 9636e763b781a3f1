// Unit tests of the fiber API (C: morestack.h, C++: fiber.hpp). This file
// is compiled with the plugin (CMakeLists.txt), so the fiber bodies below
// grow their 2 KiB stacks by copying exactly as user code does.
#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Recursion the optimiser cannot turn into a loop: 32 bytes a frame at -O2.
int recurse(int n) {
  volatile int pad[32];
  pad[0] = n;
  if (n == 0) return 0;
  pad[1] = recurse(n - 1);
  return pad[1] + 1;
}

void count_three(void *arg) {
  int *steps = (int *)arg;
  for (int i = 0; i < 3; ++i) {
    ++*steps;
    morestack_fiber_yield();
  }
}

TEST(FiberC, ResumeYieldDone) {
  int steps = 0;
  morestack_fiber *f = morestack_fiber_create(count_three, &steps, 0);
  EXPECT_EQ(steps, 0) << "created suspended";
  EXPECT_FALSE(morestack_fiber_done(f));
  EXPECT_EQ(morestack_fiber_resume(f), 0);
  EXPECT_EQ(steps, 1);
  EXPECT_EQ(morestack_fiber_resume(f), 0);
  EXPECT_EQ(morestack_fiber_resume(f), 0);
  EXPECT_EQ(steps, 3);
  EXPECT_EQ(morestack_fiber_resume(f), 1);
  EXPECT_TRUE(morestack_fiber_done(f));
  morestack_fiber_destroy(f);
}

TEST(FiberC, StartsAt2KiBAndGrows) {
  int depth = 0;
  morestack_fiber *f = morestack_fiber_create(
      [](void *p) {
        *(int *)p = recurse(10000);  // 320 KiB of frames
        morestack_fiber_yield();
      },
      &depth, 0);
  morestack_stack_stats before, after;
  morestack_fiber_stats(f, &before);
  morestack_fiber_resume(f);
  morestack_fiber_stats(f, &after);
  EXPECT_EQ(depth, 10000);
  EXPECT_EQ(before.size, 2048u);
  EXPECT_EQ(before.growths, 0u);
  EXPECT_GE(after.size, 256u * 1024);
  EXPECT_GE(after.growths, 7u) << "2 KiB doubled to at least 256 KiB";
  EXPECT_GE(after.bytes_copied, 100u * 1024);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
}

TEST(FiberC, CurrentAndNesting) {
  static morestack_fiber *outer, *inner;
  static std::vector<int> trace;
  trace.clear();
  inner = morestack_fiber_create(
      [](void *) {
        trace.push_back(morestack_fiber_current() == inner ? 2 : -2);
        morestack_fiber_yield();
        trace.push_back(4);
      },
      nullptr, 0);
  outer = morestack_fiber_create(
      [](void *) {
        trace.push_back(morestack_fiber_current() == outer ? 1 : -1);
        morestack_fiber_resume(inner);           // inner yields back to outer
        trace.push_back(morestack_fiber_current() == outer ? 3 : -3);
        morestack_fiber_resume(inner);           // inner finishes
        trace.push_back(5);
      },
      nullptr, 0);
  EXPECT_EQ(morestack_fiber_current(), nullptr);
  EXPECT_EQ(morestack_fiber_resume(outer), 1);
  EXPECT_EQ(trace, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(morestack_fiber_done(inner));
  morestack_fiber_destroy(inner);
  morestack_fiber_destroy(outer);
}

TEST(FiberC, DestroyingASuspendedFiberFreesIt) {
  int steps = 0;
  morestack_fiber *f = morestack_fiber_create(count_three, &steps, 0);
  morestack_fiber_resume(f);
  morestack_stack_stats held;  // its block: 2 KiB, or smaller if compacted while parked
  morestack_fiber_stats(f, &held);
  const size_t block = held.parked_size ? held.parked_size : held.size;
  morestack_process_stats before;
  morestack_get_process_stats(&before);
  morestack_fiber_destroy(f);
  morestack_process_stats after;
  morestack_get_process_stats(&after);
  EXPECT_EQ(after.fibers_live, before.fibers_live - 1);
  // Its block went back to the pool; the switch back to this stack may
  // also have trimmed a spare side-stack chunk left by earlier code.
  EXPECT_GT(block, 0u);
  EXPECT_LE(after.pool_bytes_in_use, before.pool_bytes_in_use - block);
}

TEST(FiberDeath, YieldOutsideAFiber) {
  EXPECT_DEATH(morestack_fiber_yield(), "morestack: fatal: morestack_fiber_yield called outside a fiber");
}

TEST(FiberDeath, ResumeAFinishedFiber) {
  morestack_fiber *f = morestack_fiber_create([](void *) {}, nullptr, 0);
  morestack_fiber_resume(f);
  EXPECT_DEATH(morestack_fiber_resume(f), "resumed a finished fiber [0-9]+");
  morestack_fiber_destroy(f);
}

TEST(FiberDeath, StackLimitIsReportedNotASegfault) {
  EXPECT_DEATH(
      {
        // Not below the 8 MiB of main's and the threads' initial stacks.
        if (morestack_set_max_stack_size(16 << 20) != 0) _exit(3);
        morestack_fiber *f = morestack_fiber_create([](void *) { recurse(1000000); }, nullptr, 0);
        morestack_fiber_resume(f);  // 32 MiB of frames
      },
      "stack overflow: .* needs a frame of [0-9]+ bytes, and the stack of fiber [0-9]+ would need "
      "[0-9]+ bytes, more than the limit of 16777216 bytes \\(MORESTACK_MAX_STACK");
}

TEST(FiberCpp, RunsLambdaWithCaptures) {
  std::string log;
  morestack::Fiber f([&log] {
    log += "a";
    morestack::this_fiber::suspend();
    log += std::to_string(recurse(500));
  });
  EXPECT_FALSE(f.resume());
  EXPECT_EQ(log, "a");
  EXPECT_TRUE(morestack::this_fiber::in_fiber() == false);
  EXPECT_TRUE(f.resume());
  EXPECT_EQ(log, "a500");
  EXPECT_TRUE(f.done());
  EXPECT_GT(f.stats().growths, 0u);
}

TEST(FiberCpp, ExceptionReachesTheResumer) {
  morestack::Fiber f([] {
    recurse(300);
    throw std::runtime_error("from the fiber");
  });
  try {
    f.resume();
    FAIL() << "resume() should have rethrown";
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(), "from the fiber");
  }
  EXPECT_TRUE(f.done());
}

TEST(FiberCpp, MoveTransfersOwnership) {
  int n = 0;
  morestack::Fiber a([&n] { ++n; });
  morestack::Fiber b(std::move(a));
  EXPECT_TRUE(b.resume());
  EXPECT_EQ(n, 1);
}

TEST(FiberMany, TenThousandFibersInterleave) {
  std::vector<morestack::Fiber> fibers;
  long total = 0;
  for (int i = 0; i < 10000; ++i)
    fibers.emplace_back([&total, i] {
      morestack::this_fiber::suspend();
      total += recurse(i % 50);
    });
  for (auto &f : fibers) f.resume();
  for (auto &f : fibers) EXPECT_TRUE(f.resume());
  long expect = 0;
  for (int i = 0; i < 10000; ++i) expect += i % 50;
  EXPECT_EQ(total, expect);
}

} // namespace

// Unit tests of stack shrinking (runtime/stack.h): the policy, shrinking at
// yields, the explicit call, and the backoff that keeps a deep/shallow
// pattern from bouncing between sizes. Compiled with the plugin, like
// fiber_test.cpp, so the fibers here grow for real.
#include "stack.h"

#include <morestack/morestack.h>

#include <gtest/gtest.h>

using namespace morestack;

namespace {

int recurse(int n) {
  volatile int pad[32];
  pad[n % 32] = n;
  if (n == 0) return 0;
  pad[1] = recurse(n - 1);
  return pad[1] + 1;
}

morestack_stack_stats stats_of(morestack_fiber *f) {
  morestack_stack_stats s;
  morestack_fiber_stats(f, &s);
  return s;
}

TEST(ShrinkTarget, HalvesWhileUnderAQuarterNeverBelowItsFloor) {
  Stack s;
  stack_init(s, 2048, StackKind::Fiber, 1);
  s.hi = s.lo + 65536;  // pretend it grew to 64 KiB (no memory touched)
  EXPECT_EQ(shrink_target(s, 100, /*one_step=*/true), 32768u);
  EXPECT_EQ(shrink_target(s, 100, /*one_step=*/false), 2048u);
  EXPECT_EQ(shrink_target(s, 20000, false), 65536u) << "a third used: keep";
  EXPECT_EQ(shrink_target(s, 15000, false), 32768u) << "under a quarter: halve once";
  s.min_size = 16384;
  EXPECT_EQ(shrink_target(s, 100, false), 16384u) << "never below the floor";
  s.hi = s.lo + 2048;
  s.min_size = 2048;
  stack_release(s);
}

TEST(Shrink, AFiberThatWentDeepShrinksBackAfterQuietYields) {
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        recurse(20000);  // 640 KiB of frames, then shallow from here on
        for (int i = 0; i < 100; ++i) morestack_fiber_yield();
      },
      nullptr, 0);
  morestack_fiber_resume(f);  // grows, then yields at the top
  size_t grown = stats_of(f).size;
  EXPECT_GE(grown, 512u * 1024);
  for (uint32_t i = 1; i < kShrinkQuietSafePoints; ++i) morestack_fiber_resume(f);
  EXPECT_EQ(stats_of(f).size, grown) << "not before " << kShrinkQuietSafePoints << " quiet yields";
  for (int i = 0; i < 20; ++i) morestack_fiber_resume(f);
  morestack_stack_stats s = stats_of(f);
  EXPECT_EQ(s.size, 2048u) << "halved once per yield, down to the initial size";
  EXPECT_GE(s.shrinks, 8u);
  EXPECT_EQ(s.peak_size, grown);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_fiber_destroy(f);
}

TEST(Shrink, DeepShallowPatternDoesNotThrash) {
  // Every round goes deep and yields shallow. Without the backoff the stack
  // would shrink after every few yields and grow again in the next round.
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        for (int round = 0; round < 400; ++round) {
          recurse(4000);  // 128 KiB
          morestack_fiber_yield();
        }
      },
      nullptr, 0);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_stack_stats s = stats_of(f);
  // First climb: 2K -> 256K is 7 growths. Each later regrowth doubles the
  // backoff, so at most log2(400 / 4) + 1 shrink episodes can happen.
  EXPECT_LE(s.shrinks, 16u);
  EXPECT_LE(s.growths, 7u + 16u);
  morestack_fiber_destroy(f);
}

TEST(Shrink, ExplicitCallShrinksTheRunningStack) {
  struct Out {
    morestack_stack_stats before, after;
    int depth;
  } out = {};
  morestack_fiber *f = morestack_fiber_create(
      [](void *p) {
        Out *o = (Out *)p;
        o->depth = recurse(20000);
        morestack_current_stack_stats(&o->before);
        morestack_shrink_stack();
        morestack_current_stack_stats(&o->after);
        o->depth += recurse(100);  // still works on the smaller stack
      },
      &out, 0);
  morestack_fiber_resume(f);
  EXPECT_EQ(out.depth, 20100);
  EXPECT_GE(out.before.size, 512u * 1024);
  EXPECT_LT(out.after.size, out.before.size / 8);
  EXPECT_EQ(out.after.shrinks, out.before.shrinks + 1) << "one move, however many halvings";
  morestack_fiber_destroy(f);
}

TEST(Shrink, ExplicitCallOnAnUnmanagedStackDoesNothing) {
  morestack_stack_stats s;
  int managed = morestack_current_stack_stats(&s);
  morestack_shrink_stack();  // main may or may not be managed: must not crash
  morestack_stack_stats t;
  EXPECT_EQ(morestack_current_stack_stats(&t), managed);
}

} // namespace

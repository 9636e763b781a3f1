// Unit tests of learned fiber start sizes (runtime/fiber_kinds.h): a kind
// that grows is born bigger, an explicit size wins, a kind that stops
// growing drifts back down, one deep fiber in ten does not make the kind
// big, a fiber born big still shrinks to the configured size, each C++
// callable type is a kind, and the stats list the kinds. Compiled with the
// plugin, so the fibers here grow for real. Every test uses fiber functions
// of its own (a kind is its function).
#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <gtest/gtest.h>

#include <vector>

namespace {

// About 140 bytes of frame per level.
__attribute__((noinline)) int recurse(int n) {
  volatile char pad[128];
  pad[n % 128] = (char)n;
  if (n <= 0) return pad[0];
  return recurse(n - 1) + pad[n % 128];
}

constexpr int kDeep = 40;  // ~5.6 KiB of frames: fibers need an 8 KiB stack

morestack_stack_stats run_one(morestack_fiber_fn fn, long depth, size_t size = 0) {
  morestack_fiber *f = morestack_fiber_create(fn, (void *)depth, size);
  morestack_stack_stats s;
  morestack_fiber_stats(f, &s);  // before it runs: its start size
  EXPECT_EQ(morestack_fiber_resume(f), 1);
  morestack_stack_stats after;
  morestack_fiber_stats(f, &after);
  s.growths = after.growths;
  morestack_fiber_destroy(f);
  return s;
}

const morestack_fiber_kind *find_kind(std::vector<morestack_fiber_kind> &all, const void *fn) {
  all.resize(morestack_fiber_kinds(nullptr, 0) + 16);
  all.resize(morestack_fiber_kinds(all.data(), all.size()));
  for (const morestack_fiber_kind &k : all)
    if (k.function == fn) return &k;
  return nullptr;
}

void grows_a(void *depth) { recurse((int)(long)depth); }
void grows_b(void *depth) { recurse((int)(long)depth); }
void drifts(void *depth) { recurse((int)(long)depth); }
void mixed(void *depth) { recurse((int)(long)depth); }
void parks(void *) {
  recurse(4);
  for (int i = 0; i < 64; ++i) morestack_fiber_yield();
}
void parks_after_deep(void *) {
  recurse(kDeep);
  for (int i = 0; i < 64; ++i) morestack_fiber_yield();
}
void toggled(void *depth) { recurse((int)(long)depth); }

TEST(FiberKinds, AKindThatGrowsIsBornBiggerAndNoLongerMoves) {
  std::vector<morestack_fiber_kind> all;
  const bool fresh = find_kind(all, (const void *)&grows_a) == nullptr;  // not on --gtest_repeat
  morestack_stack_stats first = run_one(grows_a, kDeep);
  if (fresh) {
    EXPECT_EQ(first.initial_size, 2048u);
    EXPECT_GE(first.growths, 1u) << "the first fiber of a kind starts at the configured size";
  }
  morestack_stack_stats later{};
  for (int i = 0; i < 20; ++i) later = run_one(grows_a, kDeep);
  EXPECT_EQ(later.initial_size, 8192u);
  EXPECT_EQ(later.growths, 0u);
  const morestack_fiber_kind *k = find_kind(all, (const void *)&grows_a);
  ASSERT_NE(k, nullptr) << "the stats list the kind";
  EXPECT_EQ(k->start_size, 8192u);
  EXPECT_GT(k->typical_need, 4096u);
  EXPECT_LE(k->typical_need, 8192u);
  EXPECT_GE(k->fibers_measured, 8u);
}

TEST(FiberKinds, AnExplicitSizeWinsAndTeachesNothing) {
  for (int i = 0; i < 20; ++i) run_one(grows_b, kDeep);
  std::vector<morestack_fiber_kind> all;
  const uint64_t measured = find_kind(all, (const void *)&grows_b)->fibers_measured;
  morestack_stack_stats s = run_one(grows_b, kDeep, 2048);
  EXPECT_EQ(s.initial_size, 2048u);
  EXPECT_GE(s.growths, 1u);
  s = run_one(grows_b, kDeep, 32768);
  EXPECT_EQ(s.initial_size, 32768u);
  EXPECT_EQ(find_kind(all, (const void *)&grows_b)->fibers_measured, measured);
}

TEST(FiberKinds, AKindThatStopsGrowingDriftsBackDown) {
  for (int i = 0; i < 20; ++i) run_one(drifts, kDeep);
  EXPECT_EQ(run_one(drifts, kDeep).initial_size, 8192u);
  for (int i = 0; i < 100; ++i) run_one(drifts, 2);
  EXPECT_EQ(run_one(drifts, 2).initial_size, 2048u);
}

TEST(FiberKinds, OneDeepFiberInTenDoesNotMakeTheKindBig) {
  // The arithmetic mean of one 64 KiB need and nine 1.2 KiB ones is about
  // 7.5 KiB (an 8 KiB start for every fiber); the geometric mean is 1.8 KiB.
  for (int i = 0; i < 200; ++i) run_one(mixed, i % 10 == 0 ? 450 : 2);
  EXPECT_LE(run_one(mixed, 2).initial_size, 4096u);
}

TEST(FiberKinds, AKindThatParksShallowKeepsTheSmallestStack) {
  for (int round = 0; round < 3; ++round) {
    std::vector<morestack_fiber *> fibers;
    for (int i = 0; i < 20; ++i) {
      fibers.push_back(morestack_fiber_create(parks, nullptr, 0));
      morestack_fiber_resume(fibers.back());
    }
    for (morestack_fiber *f : fibers) {
      morestack_stack_stats s;
      morestack_fiber_stats(f, &s);
      EXPECT_EQ(s.initial_size, 2048u);
      EXPECT_EQ(s.size, 2048u);
      while (!morestack_fiber_resume(f)) {
      }
      morestack_fiber_destroy(f);
    }
  }
}

TEST(FiberKinds, AFiberBornBigShrinksToTheConfiguredSizeWhenParkedShallow) {
  for (int i = 0; i < 20; ++i) {
    morestack_fiber *f = morestack_fiber_create(parks_after_deep, nullptr, 0);
    while (!morestack_fiber_resume(f)) {
    }
    morestack_fiber_destroy(f);
  }
  morestack_fiber *f = morestack_fiber_create(parks_after_deep, nullptr, 0);
  morestack_stack_stats s;
  morestack_fiber_stats(f, &s);
  EXPECT_EQ(s.initial_size, 8192u);
  for (int i = 0; i < 40; ++i) morestack_fiber_resume(f);
  morestack_fiber_stats(f, &s);
  EXPECT_EQ(s.growths, 0u);
  EXPECT_EQ(s.size, 2048u) << "parked 4 frames deep, after quiet yields";
  while (!morestack_fiber_resume(f)) {
  }
  morestack_fiber_destroy(f);
}

TEST(FiberKinds, EachCallableTypeIsAKind) {
  size_t deep_start = 0, shallow_start = 0;
  for (int i = 0; i < 20; ++i) {
    morestack::Fiber deep([] { recurse(kDeep); });
    morestack::Fiber flat([] { recurse(2); });
    deep_start = deep.stats().initial_size;
    shallow_start = flat.stats().initial_size;
    deep.resume();
    flat.resume();
  }
  EXPECT_EQ(deep_start, 8192u);
  EXPECT_EQ(shallow_start, 2048u);
}

TEST(FiberKinds, LearningCanBeTurnedOff) {
  for (int i = 0; i < 20; ++i) run_one(toggled, kDeep);
  EXPECT_EQ(run_one(toggled, kDeep).initial_size, 8192u);
  ASSERT_EQ(morestack_set_learn_stack_sizes(0), 0);
  EXPECT_EQ(run_one(toggled, kDeep).initial_size, 2048u);
  ASSERT_EQ(morestack_set_learn_stack_sizes(1), 0);
  EXPECT_EQ(morestack_set_learn_stack_sizes(2), EINVAL);
}

} // namespace

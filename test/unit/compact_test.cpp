// Unit tests of compacting parked fibers (runtime/stack.h): a fiber that
// yields with a small live part waits in a 512-byte or 1 KiB block, is
// moved back before it runs, compacts ever more rarely when it parks often,
// and is left alone when it cannot be (too much live, a frame without a
// map, the switch off). Compiled with the plugin, like fiber_test.cpp.
#include "config.h"
#include "stack.h"

#include <morestack/morestack.h>

#include <gtest/gtest.h>

#include <stdlib.h>

using namespace morestack;

namespace {

morestack_stack_stats stats_of(morestack_fiber *f) {
  morestack_stack_stats s;
  morestack_fiber_stats(f, &s);
  return s;
}

uint64_t compactions() {
  morestack_process_stats p;
  morestack_get_process_stats(&p);
  return p.parked_compactions;
}

size_t pool_in_use() {
  morestack_process_stats p;
  morestack_get_process_stats(&p);
  return p.pool_bytes_in_use;
}

// A few frames that keep a pointer to their own local across the park: the
// compaction and the expansion must both relocate it.
__attribute__((noinline)) long park_below(int depth, long seed) {
  long values[4] = {seed, seed * 3, seed * 5, seed * 7};
  long *volatile mine = values;
  if (depth == 0) {
    morestack_fiber_yield();
  } else {
    values[0] += park_below(depth - 1, seed + 1);
  }
  return mine[0] + mine[1] + mine[2] + mine[3];
}

struct Parked {
  long seed;
  long result = 0;
};

void park_once(void *arg) {
  Parked *p = (Parked *)arg;
  p->result = park_below(4, p->seed);
}

long expected_park_below(int depth, long seed) {
  long first = seed;
  if (depth > 0) first += expected_park_below(depth - 1, seed + 1);
  return first + seed * 3 + seed * 5 + seed * 7;
}

// Restores the switch a test turned off.
struct CompactSwitch {
  bool saved = config.compact_parked;
  explicit CompactSwitch(bool on) { config.compact_parked = on; }
  ~CompactSwitch() { config.compact_parked = saved; }
};

TEST(Compact, AParkedFiberKeepsOnlyItsLivePart) {
  CompactSwitch on(true);
  Parked p{40};
  morestack_fiber *f = morestack_fiber_create(park_once, &p, 0);
  const uint64_t before = compactions();
  const size_t in_use = pool_in_use();
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  morestack_stack_stats s = stats_of(f);
  EXPECT_EQ(s.size, 2048u) << "it runs with its 2 KiB again when resumed";
  EXPECT_GT(s.parked_size, 0u) << "a few frames: compacted";
  EXPECT_LE(s.parked_size, 1024u);
  EXPECT_EQ(compactions(), before + 1);
  if (!config.verify)  // (under MORESTACK_VERIFY every block has a page of its own)
    EXPECT_LT(pool_in_use(), in_use) << "the 2 KiB block went back";
  EXPECT_EQ(morestack_fiber_resume(f), 1);
  EXPECT_EQ(p.result, expected_park_below(4, 40)) << "pointers to locals relocated both ways";
  morestack_fiber_destroy(f);
}

void generator(void *arg) {
  long *out = (long *)arg;
  for (long i = 0; i < 1000; ++i) {
    long local = i * 7;
    long *volatile at = &local;
    morestack_fiber_yield();
    *out += *at;
  }
}

TEST(Compact, AFiberThatParksOftenCompactsLogarithmicallyOften) {
  CompactSwitch on(true);
  long sum = 0;
  morestack_fiber *f = morestack_fiber_create(generator, &sum, 0);
  const uint64_t before = compactions();
  int parks = 0;
  while (!morestack_fiber_resume(f)) ++parks;
  EXPECT_EQ(parks, 1000);
  EXPECT_EQ(sum, 7 * 999 * 1000 / 2);
  const uint64_t n = compactions() - before;
  EXPECT_GE(n, 2u) << "the first park compacts, and later ones again";
  EXPECT_LE(n, 11u) << "the interval doubles at each resume of a compacted stack";
  morestack_fiber_destroy(f);
}

TEST(Compact, TheSwitchTurnsItOff) {
  CompactSwitch off(false);
  Parked p{7};
  morestack_fiber *f = morestack_fiber_create(park_once, &p, 0);
  const uint64_t before = compactions();
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  EXPECT_EQ(stats_of(f).parked_size, 0u);
  EXPECT_EQ(compactions(), before);
  EXPECT_EQ(morestack_fiber_resume(f), 1);
  EXPECT_EQ(p.result, expected_park_below(4, 7));
  morestack_fiber_destroy(f);
}

void park_with_much_live(void *arg) {
  volatile char big[1200];  // live across the park: more than a 1 KiB block holds
  for (size_t i = 0; i < sizeof big; ++i) big[i] = (char)i;
  morestack_fiber_yield();
  long sum = 0;
  for (size_t i = 0; i < sizeof big; ++i) sum += big[i];
  *(long *)arg = sum;
}

TEST(Compact, AnExplicitSizeParksInTheSmallestBlockItsLivePartFits) {
  CompactSwitch on(true);
  long sum = 0, want = 0;
  for (size_t i = 0; i < 1200; ++i) want += (char)i;
  morestack_fiber *f = morestack_fiber_create(park_with_much_live, &sum, 4096);
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  morestack_stack_stats s = stats_of(f);
  EXPECT_EQ(s.parked_size, 2048u) << "1200 live bytes: not 1 KiB, but not the 4 KiB either";
  EXPECT_EQ(s.size, 4096u);
  EXPECT_EQ(morestack_fiber_resume(f), 1);
  EXPECT_EQ(sum, want);
  EXPECT_EQ(stats_of(f).growths, 0u) << "moving back is no growth";
  morestack_fiber_destroy(f);
}

TEST(Compact, DestroyingACompactedFiberGivesItsBlockBack) {
  CompactSwitch on(true);
  const size_t in_use = pool_in_use();
  Parked p{1};
  morestack_fiber *f = morestack_fiber_create(park_once, &p, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  ASSERT_GT(stats_of(f).parked_size, 0u);
  morestack_fiber_destroy(f);  // never resumed again
  if (!config.verify)  // (MORESTACK_VERIFY keeps moved-from blocks in quarantine for a while)
    EXPECT_EQ(pool_in_use(), in_use);
}

int compare_and_park(const void *a, const void *b) {
  static bool parked;
  if (!parked) {
    parked = true;
    morestack_fiber_yield();  // below qsort's frame, which has no stack map
  }
  return *(const int *)a - *(const int *)b;
}

void sort_and_park(void *arg) {
  int *v = (int *)arg;
  qsort(v, 4, sizeof *v, compare_and_park);
}

TEST(Compact, AFrameWithoutAMapOnTheWayToTheParkPreventsIt) {
  CompactSwitch on(true);
  int v[4] = {3, 1, 4, 2};
  morestack_fiber *f = morestack_fiber_create(sort_and_park, v, 0);
  const uint64_t before = compactions();
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  EXPECT_EQ(stats_of(f).parked_size, 0u) << "qsort's frame cannot be relocated precisely";
  EXPECT_EQ(compactions(), before);
  EXPECT_EQ(morestack_fiber_resume(f), 1);
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(v[3], 4);
  morestack_fiber_destroy(f);
}

} // namespace

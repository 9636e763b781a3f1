// Big stacks in ranges of their own (runtime/stack.h, stack_pool.h): past
// 256 KiB a stack moves once into a range sized for the limit, then grows
// and shrinks in place; main and threads start there and never move.
// Compiled with the plugin, so the recursion here really grows its stack.
#include "stack.h"
#include "stack_pool.h"
#include "thread_state.h"

#include <morestack/morestack.h>

#include <gtest/gtest.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace morestack;

namespace {

// About 300 bytes of stack per level.
int recurse(int n) {
  volatile char pad[256];
  pad[n % 256] = (char)n;
  if (n == 0) return 0;
  int r = recurse(n - 1);
  return r + pad[n % 256];
}

struct Seen {
  size_t size;
  uint64_t growths, bytes_copied;
  uintptr_t range_lo, lo, hi;
};

Seen seen() {
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  const Stack &s = *thread_state().current;
  return {st.size, st.growths, st.bytes_copied, s.range_lo, s.lo, s.hi};
}

// Resident pages among [lo, hi), by mincore.
size_t resident_pages(uintptr_t lo, uintptr_t hi) {
  const size_t page = 4096;
  lo &= ~(page - 1);
  size_t n = (hi - lo + page - 1) / page, count = 0;
  std::vector<unsigned char> v(n);
  if (mincore((void *)lo, hi - lo, v.data()) != 0) {
    ADD_FAILURE() << "mincore: " << strerror(errno) << " lo " << lo << " hi " << hi;
    return ~size_t(0);
  }
  for (unsigned char c : v) count += c & 1;
  return count;
}

TEST(StackRange, MainAndThreadsStartInARange) {
  // Both start at 8 MiB (config.h) by default.
  EXPECT_NE(thread_state().current->range_lo, 0u) << "main";
  uintptr_t thread_range = 0;
  std::thread([&] { thread_range = thread_state().current->range_lo; }).join();
  EXPECT_NE(thread_range, 0u) << "a thread";
}

Seen at_256k, at_1m, at_4m;
int recurse_and_look(int levels, Seen *out) {
  if (levels == 0) {
    *out = seen();
    return 0;
  }
  volatile char pad[256];
  pad[levels % 256] = 1;
  return recurse_and_look(levels - 1, out) + pad[levels % 256];
}

TEST(StackRange, AFiberMovesIntoARangeOnceThenGrowsInPlace) {
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        recurse_and_look(600, &at_256k);     // ~200 KiB: still an ordinary block
        recurse_and_look(3000, &at_1m);      // ~1 MiB: in a range
        recurse_and_look(12000, &at_4m);     // ~4 MiB: grown in place
      },
      nullptr, 2048);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
  EXPECT_EQ(at_256k.range_lo, 0u);
  EXPECT_LE(at_256k.size, 256u << 10);
  ASSERT_NE(at_1m.range_lo, 0u);
  EXPECT_EQ(at_4m.range_lo, at_1m.range_lo) << "the same range";
  EXPECT_EQ(at_4m.hi, at_1m.hi) << "the stack did not move";
  EXPECT_GT(at_4m.growths, at_1m.growths);
  EXPECT_EQ(at_4m.bytes_copied, at_1m.bytes_copied) << "growth in place copies nothing";
  EXPECT_GE(at_4m.size, 4u << 20);
}

TEST(StackRange, ShrinkingInPlaceGivesThePagesBack) {
  static Seen deep, shrunk;
  static size_t resident_before, resident_after, resident_below_sp;
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        recurse_and_look(12000, &deep);  // ~4 MiB, pages touched
        resident_before = resident_pages(deep.lo + 4096, deep.hi - (1 << 20) - 4096);
        morestack_shrink_stack();
        shrunk = seen();
        // (Looked at here: a finished fiber gives its stack back.)
        resident_after = resident_pages(deep.lo + 4096, shrunk.lo - 4096);
        // Within the remaining 1 MiB, what lies well below the stack
        // pointer went back too (kShrinkKeepBelowSp).
        uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
        resident_below_sp = resident_pages(shrunk.lo + 4096, sp - kShrinkKeepBelowSp - 8192);
      },
      nullptr, 1 << 20);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
  ASSERT_NE(deep.range_lo, 0u);
  EXPECT_EQ(shrunk.hi, deep.hi) << "shrinking in place: the stack did not move";
  EXPECT_EQ(shrunk.size, 1u << 20) << "down to its initial size";
  // The pages between the deep and the shrunk low end were resident, and
  // are no longer.
  EXPECT_GT(resident_before, 500u);
  EXPECT_EQ(resident_after, 0u);
  EXPECT_EQ(resident_below_sp, 0u);
}

TEST(StackRangeDeath, InPlaceGrowthStopsAtTheLimit) {
  EXPECT_DEATH(
      {
        if (morestack_set_max_stack_size(16 << 20) != 0) _exit(3);
        morestack_fiber *f = morestack_fiber_create([](void *) { recurse(1000000); }, nullptr, 1 << 20);
        morestack_fiber_resume(f);  // 300 MiB of frames
      },
      "stack overflow: .* the stack of fiber [0-9]+ would need [0-9]+ bytes, more than the limit "
      "of 16777216 bytes \\(MORESTACK_MAX_STACK");
}

TEST(StackRange, ForkAfterInPlaceGrowth) {
  static Seen before;
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        recurse_and_look(3000, &before);  // in a range
        pid_t pid = fork();
        if (pid == 0) {
          // The child has the range too and grows further in place.
          Seen child;
          recurse_and_look(9000, &child);
          _exit(child.range_lo == before.range_lo && child.size > before.size ? 0 : 1);
        }
        int status = -1;
        waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      },
      nullptr, 2048);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
  EXPECT_NE(before.range_lo, 0u);
}

} // namespace

namespace {

// Released ranges stay warm: the next one of the same size is the same
// mapping, zero-filled where the last stack wrote, its pages resident.
TEST(StackRangeWarm, AReleasedRangeComesBackClearedAndResident) {
  const size_t usable = 64u << 20;
  Range a;
  ASSERT_TRUE(range_reserve(usable, &a));
  const uintptr_t touched = a.hi - (2u << 20);
  memset((void *)touched, 0x5a, a.hi - touched);
  range_release(a, touched);
  Range b;
  ASSERT_TRUE(range_reserve(usable, &b));
  EXPECT_EQ(b.lo, a.lo) << "the warm range, not a fresh mapping";
  size_t nonzero = 0;
  for (const unsigned char *p = (const unsigned char *)touched; p < (const unsigned char *)b.hi; ++p)
    nonzero += *p != 0;
  EXPECT_EQ(nonzero, 0u);
  EXPECT_EQ(resident_pages(touched, b.hi), (b.hi - touched) / 4096) << "still resident";
  range_release(b, b.hi - 4096);
}

TEST(StackRangeWarm, TheScavengerReturnsRangesUnusedForAWhile) {
  const size_t usable = 32u << 20;
  Range a;
  ASSERT_TRUE(range_reserve(usable, &a));
  range_release(a, a.hi - 4096);
  size_t before = pool_stats().ranges;
  EXPECT_GE(range_scavenge(0), 1u) << "just released: kept";
  EXPECT_EQ(range_scavenge(~uint64_t(0) / 2), 0u) << "long unused: unmapped";
  EXPECT_LT(pool_stats().ranges, before);
}

TEST(StackRangeWarm, TheBudgetIsKept) {
  const size_t usable = 32u << 20;
  range_scavenge(~uint64_t(0) / 2);  // start empty
  Range r[3];
  for (Range &x : r) ASSERT_TRUE(range_reserve(usable, &x));
  size_t mapped = pool_stats().ranges;
  // Each touched 30 MiB: two fit the 64 MiB budget, the third is unmapped.
  for (Range &x : r) range_release(x, x.hi - (30u << 20));
  EXPECT_EQ(pool_stats().ranges, mapped - 1);
  EXPECT_EQ(range_scavenge(0), 2u);
  range_scavenge(~uint64_t(0) / 2);
}

// A fresh fiber that grows to 4 MiB after another did the same takes the
// warm range: it grows without faulting its pages in again.
TEST(StackRangeWarm, AFreshFiberGrowsIntoResidentPages) {
  auto faults = [] {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (long)u.ru_minflt;
  };
  auto run = [] {
    static Seen s;
    morestack_fiber *f = morestack_fiber_create([](void *) { recurse_and_look(12000, &s); }, nullptr, 2048);
    morestack_fiber_resume(f);
    morestack_fiber_destroy(f);
  };
  run();  // warms a range (and the pool's small blocks)
  long f0 = faults();
  run();
  long second = faults() - f0;
  EXPECT_LT(second, 200) << "4 MiB is 1024 pages: they were resident";
}

} // namespace

// Unit tests of the relocation scan (runtime/relocate.h) on synthetic stacks.
#include "relocate.h"

#include <gtest/gtest.h>

#include <vector>

using namespace morestack;

namespace {

constexpr uintptr_t kLo = 0x7f0000100000, kHi = 0x7f0000100800;  // a 2 KiB "old stack"
constexpr intptr_t kDelta = 0x10000;
constexpr uintptr_t kKey = 0x5a5a1234deadbeefull;

TEST(Relocate, MovesPointersIntoTheOldBlock) {
  std::vector<uintptr_t> w = {kLo + 0x100, kLo + 0x7f8, 42, 0, kLo + 8};
  EXPECT_EQ(relocate_words(w.data(), w.data() + w.size(), kLo, kHi, kDelta, kKey), 3u);
  EXPECT_EQ(w[0], kLo + 0x100 + kDelta);
  EXPECT_EQ(w[1], kLo + 0x7f8 + kDelta);
  EXPECT_EQ(w[2], 42u);
  EXPECT_EQ(w[3], 0u);
  EXPECT_EQ(w[4], kLo + 8 + kDelta);
}

TEST(Relocate, BoundaryWords) {
  // First byte and last byte of the block move; one below and one past do not.
  std::vector<uintptr_t> w = {kLo, kHi - 1, kLo - 1, kHi};
  EXPECT_EQ(relocate_words(w.data(), w.data() + w.size(), kLo, kHi, kDelta, kKey), 2u);
  EXPECT_EQ(w[0], kLo + kDelta);
  EXPECT_EQ(w[1], kHi - 1 + kDelta);
  EXPECT_EQ(w[2], kLo - 1);
  EXPECT_EQ(w[3], kHi);
}

TEST(Relocate, NegativeDelta) {
  std::vector<uintptr_t> w = {kLo + 16};
  relocate_words(w.data(), w.data() + 1, kLo, kHi, -0x4000, kKey);
  EXPECT_EQ(w[0], kLo + 16 - 0x4000);
}

TEST(Relocate, MangledPointersAreRewrittenMangled) {
  uintptr_t sp = kLo + 0x200;
  std::vector<uintptr_t> w = {mangle_pointer(sp, kKey), mangle_pointer(kHi + 64, kKey)};
  EXPECT_EQ(relocate_words(w.data(), w.data() + w.size(), kLo, kHi, kDelta, kKey), 1u);
  EXPECT_EQ(demangle_pointer(w[0], kKey), sp + kDelta);
  EXPECT_EQ(demangle_pointer(w[1], kKey), kHi + 64);
}

TEST(Relocate, ManglingRoundTrips) {
  for (uintptr_t p : {uintptr_t(0), kLo, kHi, ~uintptr_t(0)})
    EXPECT_EQ(demangle_pointer(mangle_pointer(p, kKey), kKey), p);
}

TEST(Relocate, CountStaleWords) {
  std::vector<uintptr_t> w = {kLo, mangle_pointer(kLo + 8, kKey), 5, kHi};
  EXPECT_EQ(count_stale_words(w.data(), w.data() + w.size(), kLo, kHi, kKey), 2u);
  relocate_words(w.data(), w.data() + w.size(), kLo, kHi, kDelta, kKey);
  EXPECT_EQ(count_stale_words(w.data(), w.data() + w.size(), kLo, kHi, kKey), 0u);
}

TEST(Relocate, EmptyRangeChangesNothing) {
  uintptr_t w = kLo;
  EXPECT_EQ(relocate_words(&w, &w, kLo, kHi, kDelta, kKey), 0u);
  EXPECT_EQ(w, kLo);
}

} // namespace

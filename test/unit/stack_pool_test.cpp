// Unit tests of the stack pool (runtime/stack_pool.h).
#include "stack_pool.h"

#include <gtest/gtest.h>

#include <set>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <thread>
#include <vector>

using namespace morestack;

namespace {

TEST(StackPool, BlocksAreAlignedWritableAndDistinct) {
  for (size_t size : {2048u, 4096u, 16384u, 65536u, 262144u, 1048576u}) {
    std::set<void *> seen;
    std::vector<void *> blocks;
    for (int i = 0; i < 300; ++i) {  // more than one chunk of the class
      void *b = pool_alloc(size);
      ASSERT_EQ((uintptr_t)b % (size <= kLargestSmallClass ? size : 4096), 0u) << size;
      ASSERT_TRUE(seen.insert(b).second) << "block handed out twice";
      memset(b, 0xab, size);
      blocks.push_back(b);
    }
    for (void *b : blocks) pool_free(b, size);
  }
}

TEST(StackPool, FreedBlockIsReusedFromTheThreadCache) {
  void *a = pool_alloc(2048);
  pool_free(a, 2048);
  void *b = pool_alloc(2048);
  EXPECT_EQ(a, b);
  pool_free(b, 2048);
}

TEST(StackPool, InUseBytesAreCounted) {
  size_t before = pool_stats().bytes_in_use;
  void *a = pool_alloc(4096), *b = pool_alloc(1 << 20);
  EXPECT_EQ(pool_stats().bytes_in_use, before + 4096 + (1 << 20));
  pool_free(a, 4096);
  pool_free(b, 1 << 20);
  EXPECT_EQ(pool_stats().bytes_in_use, before);
}

TEST(StackPool, EmptyChunksGoBackToTheOs) {
  // Allocate twenty chunks' worth (1 MiB chunks of 8 KiB blocks) from
  // another thread, free them all, flush: at most 8 MiB of spare chunks per
  // class stay mapped, so most chunks (whatever other tests left partly
  // used) are unmapped again.
  size_t mapped_before = 0, mapped_peak = 0, mapped_after = 0;
  std::thread([&] {
    pool_flush_thread_cache();
    mapped_before = pool_stats().bytes_mapped;
    std::vector<void *> blocks;
    for (int i = 0; i < 20 * 127; ++i) blocks.push_back(pool_alloc(8192));
    mapped_peak = pool_stats().bytes_mapped;
    for (void *b : blocks) pool_free(b, 8192);
    pool_flush_thread_cache();
    mapped_after = pool_stats().bytes_mapped;
  }).join();
  const size_t chunk = kBlocksPerChunk * 8192;
  EXPECT_GE(mapped_peak, mapped_before + 18 * chunk);
  EXPECT_LE(mapped_after + 10 * chunk, mapped_peak);
}

TEST(StackPool, LargeBlocksHaveAGuardPageBelow) {
  void *b = pool_alloc(kLargestSmallClass * 2);  // beyond the size classes
  unsigned char vec;
  // The page below is mapped (mincore succeeds on mapped pages)...
  void *below = (char *)b - 4096;
  EXPECT_EQ(mincore(below, 4096, &vec), 0);
  // ...but not accessible: a child that writes to it dies of SIGSEGV.
  EXPECT_EXIT({ *(volatile char *)below = 1; _exit(0); }, ::testing::KilledBySignal(SIGSEGV), "");
  pool_free(b, kLargestSmallClass * 2);
}

// Resident pages of [p, p + size).
size_t resident_pages(void *p, size_t size) {
  unsigned char vec[256];
  if (size / 4096 > sizeof vec || mincore(p, size, vec) != 0) return ~size_t(0);
  size_t n = 0;
  for (size_t i = 0; i < size / 4096; ++i) n += vec[i] & 1;
  return n;
}

// A freed block is zero-filled for its next owner, but the pages a stack
// never reached are not written (which would make them resident): only the
// part from the lowest nonzero word up is cleared.
TEST(StackPool, FreeingClearsWhatWasWrittenOnly) {
  std::thread([] {
    const size_t size = kLargestSmallClass;  // 64 pages
    // A block none of whose pages is resident (earlier tests may have left
    // recycled ones in the pool): at worst a new chunk's.
    std::vector<unsigned char *> taken;
    unsigned char *b = nullptr;
    for (int i = 0; i < 2 * (int)kBlocksPerChunk && !b; ++i) {
      unsigned char *c = (unsigned char *)pool_alloc(size);
      if (resident_pages(c, size) == 0) b = c;
      else taken.push_back(c);
    }
    for (unsigned char *c : taken) pool_free(c, size);
    ASSERT_NE(b, nullptr) << "premise: a block with no resident page";
    memset(b, 0x5a, 16);                   // a canary at the low end
    memset(b + size - 2048, 0xab, 2048);   // a stack used from its top down
    ASSERT_EQ(resident_pages(b, size), 2u) << "premise: the two pages written";
    pool_free(b, size);
    EXPECT_EQ(resident_pages(b, size), 2u) << "freeing wrote the untouched pages of the block";
    unsigned char *again = (unsigned char *)pool_alloc(size);
    ASSERT_EQ(again, b) << "premise: the thread cache hands the same block back";
    size_t nonzero = 0;
    for (size_t i = 0; i < size; ++i) nonzero += again[i] != 0;
    EXPECT_EQ(nonzero, 0u);
    // A deeper use in the middle of the block is cleared too, and is the
    // high-water mark pool_free reports (to 64 bytes).
    again[size / 2 + 70] = 1;
    again[size - 1] = 1;
    EXPECT_EQ(pool_free(again, size), size / 2 - 64);
    unsigned char *third = (unsigned char *)pool_alloc(size);
    ASSERT_EQ(third, b);
    EXPECT_EQ(third[size / 2], 0);
    EXPECT_EQ(third[size - 1], 0);
    pool_free(third, size);
    pool_flush_thread_cache();
  }).join();
}

TEST(StackPool, FreeingReportsTheHighWaterMark) {
  for (size_t size : {2048u, 16384u, 131072u}) {
    unsigned char *b = (unsigned char *)pool_alloc(size);
    EXPECT_EQ(pool_free(b, size), 0u) << size << ": nothing written";
    b = (unsigned char *)pool_alloc(size);
    b[size - 300] = 7;  // in the line starting 320 bytes below the top
    b[size - 8] = 1;
    EXPECT_EQ(pool_free(b, size), 320u) << size;
    b = (unsigned char *)pool_alloc(size);
    b[0] = 1;
    EXPECT_EQ(pool_free(b, size), size) << size << ": written to the bottom";
  }
  pool_flush_thread_cache();
}

TEST(StackPool, FreeFromAnotherThread) {
  void *b = pool_alloc(2048);
  std::thread([b] { pool_free(b, 2048); pool_flush_thread_cache(); }).join();
  void *c = pool_alloc(2048);
  EXPECT_NE(c, nullptr);
  pool_free(c, 2048);
}

} // namespace

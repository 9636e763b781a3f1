// runtime/stack_pool.h: where stack blocks come from.
//
// Stacks of 2 KiB to 256 KiB (eight power-of-two size classes; two smaller
// ones, 512 B and 1 KiB, hold parked fibers' compacted stacks: stack.h) come from
// chunks of 128 blocks of one class, carved from mmap (MAP_NORESERVE: pages
// cost memory only once touched); the first block of a chunk is its header
// (a free bitmap), so the overhead is 1/128. A hundred thousand fibers that
// each grew a little therefore cost a few thousand mappings, not one each
// (the kernel allows 65530 per process by default). Each thread keeps a
// small cache per class (fewer blocks for larger classes), so creating and
// destroying fibers touches no lock in the common case. A chunk whose
// blocks are all free goes back to the OS (munmap), except spares of up to
// 8 MiB per class (stack_pool.cpp: kSpareChunkBytes).
//
// Larger blocks are their own mmap, with an inaccessible guard page below
// them, and are unmapped when freed. Stacks that large do not use them:
// they live in ranges (below), where they grow and shrink in place.
//
// A range is one mapping of the whole stack limit (config.max_stack) plus
// kRangeGuard, reserved with MAP_NORESERVE: its lowest kRangeGuard bytes
// are inaccessible, the rest readable, writable and demand-zero, so only
// the pages a stack touches cost memory. Two mappings (the guard and the
// rest) count against vm.max_map_count (65530 by default): about 32,000
// big stacks per process; past that range_reserve() fails and the stack
// stays in an ordinary block and keeps moving (stack.cpp).
//
// Under MORESTACK_VERIFY every block has pages of its own: a block smaller
// than a page is the top of a page-sized block (so that verify mode can
// make an old block inaccessible, quarantine.h).
//
// Invariants: a block handed out is aligned to its size, writable, and
// zero-filled (fresh mmap, or cleared when it was freed): the relocation
// scan is conservative, and a recycled stack would otherwise start out full
// of old pointers into its own range, which a partly written buffer of a
// new frame could carry into a later scan. pool_free() takes back exactly
// the (block, size) pool_alloc() returned.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace morestack {

constexpr size_t kSmallestClass = 512;    // compacted parked stacks; stacks that run: MORESTACK_MIN_STACK
constexpr size_t kLargestSmallClass = 256 * 1024;
constexpr int kNumClasses = 10;            // 512, 1K, 2K, ..., 256K
constexpr size_t kBlocksPerChunk = 128;    // first one is the chunk header
constexpr int kThreadCacheBlocks = 32;     // per class and thread, at most
constexpr size_t kThreadCacheBytes = 256 * 1024;  // per class and thread, at most

// A block of `size` bytes (a power of two >= kSmallestClass). Fatal if the
// OS refuses memory.
void *pool_alloc(size_t size);
// Take a block back. Returns its high-water mark: how many bytes below its
// top were written since it was handed out (the distance from the top to
// its lowest nonzero word, to 64 bytes; the whole size for blocks too big
// to scan). Words the owner wrote and then zeroed count as unwritten.
size_t pool_free(void *block, size_t size);
// The same mark for a block in use, without freeing it.
size_t block_high_water(const void *block, size_t size);

// Return the calling thread's cached blocks to the shared pool (thread exit).
void pool_flush_thread_cache();

constexpr size_t kRangeGuard = 64 * 1024;  // below a range: an overrun by a big unchecked frame faults

struct Range {
  uintptr_t lo;  // lowest usable address (above the guard)
  uintptr_t hi;  // top: the stack's hi for its whole life
};

// Released ranges stay warm for the next big stack (their touched pages
// resident, cleared): at most kWarmRanges of them, config.warm_bytes
// (MORESTACK_WARM_BYTES, 64 MiB by default; 0 turns this off) of touched
// memory in all; one unused for kWarmSeconds is unmapped the next time a
// range is reserved or released (a scavenger without a thread of its own:
// a program that stops creating big stacks keeps at most that budget).
constexpr int kWarmRanges = 16;
constexpr uint64_t kWarmSeconds = 5;

// Reserve a range with `usable` bytes above its guard: a warm one if one
// of that size waits, else a fresh mapping. False (errno set) if the OS
// refuses the mapping.
bool range_reserve(size_t usable, Range *out);
// Give a range back; the stack never used the part below `touched`.
void range_release(const Range &r, uintptr_t touched);
// Run the scavenger as if the clock said now_ns (0: now); returns how many
// ranges stay warm. For tests.
size_t range_scavenge(uint64_t now_ns);
// Give back the whole pages inside [lo, hi) (madvise: they read as zero
// afterwards and cost no memory until touched again).
void range_return_pages(uintptr_t lo, uintptr_t hi);

struct PoolStats {
  size_t bytes_mapped;  // chunk and large-block memory currently mapped
  size_t bytes_in_use;  // bytes in blocks handed out and not freed
  size_t chunks;        // small-class chunks currently mapped
  size_t ranges;        // stacks' ranges currently reserved
};
PoolStats pool_stats();

} // namespace morestack

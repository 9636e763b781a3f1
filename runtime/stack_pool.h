// runtime/stack_pool.h: where stack blocks come from.
//
// Small stacks (size classes 2, 4, 8 and 16 KiB) come from chunks of 128
// blocks of one class, carved from mmap; the first block of a chunk is its
// header (a free bitmap), so the overhead is 1/128. Each thread keeps a
// small cache per class, so creating and destroying fibers touches no lock
// in the common case. A chunk whose blocks are all free goes back to the OS
// (munmap), except one spare per class.
//
// Larger stacks are their own mmap, with an inaccessible guard page below
// them, and are unmapped when freed.
//
// Invariants: a block handed out is aligned to its size and writable;
// pool_free() takes back exactly the (block, size) pool_alloc() returned.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace morestack {

constexpr size_t kSmallestClass = 2048;   // == MORESTACK_MIN_STACK
constexpr size_t kLargestSmallClass = 16384;
constexpr int kNumClasses = 4;             // 2K, 4K, 8K, 16K
constexpr size_t kBlocksPerChunk = 128;    // first one is the chunk header
constexpr int kThreadCacheBlocks = 32;     // per class and thread

// A block of `size` bytes (a power of two >= kSmallestClass). Fatal if the
// OS refuses memory.
void *pool_alloc(size_t size);
void pool_free(void *block, size_t size);

// Return the calling thread's cached blocks to the shared pool (thread exit).
void pool_flush_thread_cache();

struct PoolStats {
  size_t bytes_mapped;  // chunk and large-block memory currently mapped
  size_t bytes_in_use;  // bytes in blocks handed out and not freed
  size_t chunks;        // small-class chunks currently mapped
};
PoolStats pool_stats();

} // namespace morestack

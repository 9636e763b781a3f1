// runtime/stack_pool.cpp: size-class chunks, thread caches, large blocks.
// See stack_pool.h for the layout and invariants.
#include "stack_pool.h"

#include "config.h"
#include "fatal.h"
#include "valgrind_requests.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

namespace morestack {
namespace {

constexpr size_t kPage = 4096;

int class_of(size_t size) {
  int c = 0;
  for (size_t s = kSmallestClass; s < size; s <<= 1) ++c;
  return c;
}

size_t class_size(int c) { return kSmallestClass << c; }

// Header of a chunk: lives in the chunk's first block.
struct Chunk {
  Chunk *prev, *next;      // in the class's list of chunks with free blocks
  uint64_t free_bits[2];   // bit i set: block i is free (block 0 = header)
  uint32_t free_count;
  bool listed;
};
static_assert(sizeof(Chunk) <= kSmallestClass, "chunk header must fit in one block");
static_assert(kBlocksPerChunk == 128, "free_bits holds 128 blocks");
static_assert(kSmallestClass % 64 == 0, "block_high_water scans 64 bytes at a time");

struct SizeClass {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  Chunk *partial = nullptr;  // chunks with at least one free block
  Chunk *spare = nullptr;  // completely free chunks kept mapped (on `next`): spare_limit()
  size_t spares = 0;
};

SizeClass classes[kNumClasses];

// Totals (relaxed atomics: statistics only).
size_t bytes_mapped, bytes_in_use, chunks_mapped, ranges_reserved;

void add(size_t &counter, long delta) { __atomic_add_fetch(&counter, delta, __ATOMIC_RELAXED); }

[[noreturn]] void fatal_mmap(size_t size) {
  fatal("mmap of %zu bytes for stacks failed (%s): out of memory, or out of mappings "
        "(vm.max_map_count)", size, strerror(errno));
}

// Blocks a thread caches per class: up to kThreadCacheBlocks, fewer for
// large classes so that a thread does not sit on megabytes.
int cache_capacity(int c) {
  size_t by_bytes = kThreadCacheBytes / class_size(c);
  return by_bytes < (size_t)kThreadCacheBlocks ? (by_bytes < 2 ? 2 : (int)by_bytes) : kThreadCacheBlocks;
}

void *map_aligned(size_t size) {
  // Over-allocate and trim so the result is aligned to `size`.
  void *p = mmap(nullptr, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) fatal_mmap(2 * size);
  uintptr_t base = (uintptr_t)p, aligned = (base + size - 1) & ~(size - 1);
  if (aligned > base) munmap(p, aligned - base);
  if (aligned + size < base + 2 * size) munmap((void *)(aligned + size), base + 2 * size - aligned - size);
  return (void *)aligned;
}

Chunk *chunk_of(void *block, int c) {
  size_t chunk_size = class_size(c) * kBlocksPerChunk;
  return (Chunk *)((uintptr_t)block & ~(chunk_size - 1));
}

void list_push(SizeClass &sc, Chunk *ch) {
  ch->prev = nullptr;
  ch->next = sc.partial;
  if (sc.partial) sc.partial->prev = ch;
  sc.partial = ch;
  ch->listed = true;
}

void list_remove(SizeClass &sc, Chunk *ch) {
  if (ch->prev) ch->prev->next = ch->next; else sc.partial = ch->next;
  if (ch->next) ch->next->prev = ch->prev;
  ch->listed = false;
}

// Completely free chunks a class keeps mapped (their touched pages
// resident and cleared), newest reused first: up to kSpareChunkBytes per
// class (at least one chunk). Fibers that park give their 2 KiB block back
// when compacted and take one again when resumed (stack.h), so a program
// whose fibers all park and resume in turn frees whole chunks and needs
// them again a moment later; unmapping all but one made each such round
// fault its pages in again (bench/daisy 9.4 s; with 8 MiB kept 8.7 s for
// 2 % more peak memory; keeping every free chunk for 5 s instead: 7.1 s
// but 47 % more).
constexpr size_t kSpareChunkBytes = 8 << 20;

size_t spare_limit(int c) {
  const size_t n = kSpareChunkBytes / (class_size(c) * kBlocksPerChunk);
  return n ? n : 1;
}

Chunk *new_chunk(int c) {
  size_t chunk_size = class_size(c) * kBlocksPerChunk;
  Chunk *ch = (Chunk *)map_aligned(chunk_size);
  ch->free_bits[0] = ~uint64_t(1);  // block 0 is the header
  ch->free_bits[1] = ~uint64_t(0);
  ch->free_count = kBlocksPerChunk - 1;
  add(bytes_mapped, chunk_size);
  add(chunks_mapped, 1);
  return ch;
}

// Take up to n blocks of class c from the shared pool. Called with no lock.
int take_blocks(int c, void **out, int n) {
  SizeClass &sc = classes[c];
  pthread_mutex_lock(&sc.lock);
  int got = 0;
  while (got < n) {
    Chunk *ch = sc.partial;
    if (!ch) {
      if (sc.spare) {
        ch = sc.spare;
        sc.spare = ch->next;
        --sc.spares;
      } else {
        ch = new_chunk(c);
      }
      list_push(sc, ch);
    }
    for (int w = 0; w < 2 && got < n; ++w) {
      while (ch->free_bits[w] && got < n) {
        int bit = __builtin_ctzll(ch->free_bits[w]);
        ch->free_bits[w] &= ch->free_bits[w] - 1;
        --ch->free_count;
        out[got++] = (char *)ch + (size_t)(w * 64 + bit) * class_size(c);
      }
    }
    if (ch->free_count == 0) list_remove(sc, ch);
  }
  pthread_mutex_unlock(&sc.lock);
  return got;
}

void give_blocks(int c, void **blocks, int n) {
  SizeClass &sc = classes[c];
  size_t chunk_size = class_size(c) * kBlocksPerChunk;
  pthread_mutex_lock(&sc.lock);
  for (int i = 0; i < n; ++i) {
    Chunk *ch = chunk_of(blocks[i], c);
    size_t idx = ((uintptr_t)blocks[i] - (uintptr_t)ch) / class_size(c);
    ch->free_bits[idx / 64] |= uint64_t(1) << (idx % 64);
    ++ch->free_count;
    if (!ch->listed) list_push(sc, ch);
    if (ch->free_count == kBlocksPerChunk - 1) {
      // Entirely free: a spare (spare_limit), or back to the OS.
      list_remove(sc, ch);
      if (sc.spares < spare_limit(c)) {
        ch->next = sc.spare;
        sc.spare = ch;
        ++sc.spares;
      } else {
        munmap(ch, chunk_size);
        add(bytes_mapped, -(long)chunk_size);
        add(chunks_mapped, -1);
      }
    }
  }
  pthread_mutex_unlock(&sc.lock);
}

struct ThreadCache {
  void *blocks[kNumClasses][kThreadCacheBlocks];
  int count[kNumClasses];
};

__thread ThreadCache cache __attribute__((tls_model("initial-exec")));

pthread_key_t flush_key;
pthread_once_t flush_once = PTHREAD_ONCE_INIT;

void flush_at_exit(void *) { pool_flush_thread_cache(); }
void make_flush_key() { pthread_key_create(&flush_key, flush_at_exit); }

void register_thread_cache() {
  static __thread bool registered __attribute__((tls_model("initial-exec")));
  if (registered) return;
  registered = true;
  pthread_once(&flush_once, make_flush_key);
  pthread_setspecific(flush_key, (void *)1);
}

void *large_alloc(size_t size) {
  void *p = mmap(nullptr, size + kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) fatal_mmap(size + kPage);
  mprotect(p, kPage, PROT_NONE);  // guard page: an overflow faults instead of corrupting
  add(bytes_mapped, size + kPage);
  return (char *)p + kPage;
}

void large_free(void *block, size_t size) {
  munmap((char *)block - kPage, size + kPage);
  add(bytes_mapped, -(long)(size + kPage));
}


// Clear a freed block for its next owner (see the header) without writing
// memory that was never written: a plain memset made every page of a freed
// block resident, so a fiber that used 2 KiB of a 32 KiB block cost 32 KiB
// of memory (and the page faults) once freed. Pages of an anonymous private
// mapping that are not resident were never written, or were written and
// then swapped out: without swap, they are zero, and only the resident
// pages of a block need clearing (mincore says which). With swap, or for
// blocks smaller than kClearByPageFrom (a mincore call costs about what
// clearing 16 KiB of resident memory does: bench/pingpong, whose blocks
// are resident, spent 16 % in it at 16 KiB), the whole block is cleared.
// (Reading a page to see whether it is zero is no cheaper: on this
// machine's kernel a read fault makes the page resident too.)
constexpr size_t kClearByPageFrom = 64 * 1024;

bool without_swap() {
  static int known = -1;  // a benign race: every thread computes the same
  if (known < 0) {
    struct sysinfo si;
    known = sysinfo(&si) == 0 && si.totalswap == 0;
  }
  return known;
}

// Returns how many bytes below the block's top were written (pool_free in
// stack_pool.h), to 64 bytes: the zero words below the lowest written one
// are read instead of cleared, which costs what clearing them would.
size_t clear_written(void *block, size_t size) {
  if (size < kClearByPageFrom || !without_swap()) {
    const size_t written = block_high_water(block, size);
    memset((char *)block + size - written, 0, written);
    return written;
  }
  unsigned char resident[kLargestSmallClass / kPage];
  size_t lowest = size;  // offset of the lowest written line found so far
  for (size_t off = 0; off < size; off += kLargestSmallClass) {  // a window at a time
    char *w = (char *)block + off;
    const size_t n = size - off < kLargestSmallClass ? size - off : kLargestSmallClass;
    if (mincore(w, n, resident) != 0) {
      memset(w, 0, n);
      if (lowest == size) lowest = off;
      continue;
    }
    for (size_t i = 0; i * kPage < n; ++i) {
      if (!(resident[i] & 1)) continue;
      char *page = w + i * kPage;
      size_t len = n - i * kPage < kPage ? n - i * kPage : kPage;
      if (lowest == size) {  // below the lowest written line: scan
        const size_t hw = block_high_water(page, len);
        if (!hw) continue;
        lowest = off + i * kPage + (len - hw);
        page += len - hw;
        len = hw;
      }
      memset(page, 0, len);
    }
  }
  return size - lowest;
}

// Ranges kept warm (stack_pool.h): released ranges wait here, cleared,
// their touched pages resident, for the next big stack; the newest first.
struct WarmRange {
  Range r;
  uintptr_t touched;   // the lowest address the stack used (page-aligned)
  uint64_t since_ns;   // when it was released
};
WarmRange warm[kWarmRanges];
int warm_count;
size_t warm_bytes;  // touched bytes of the warm ranges
pthread_mutex_t warm_lock = PTHREAD_MUTEX_INITIALIZER;

uint64_t monotonic_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void unmap_range(const Range &r) {
  munmap((void *)(r.lo - kRangeGuard), r.hi - r.lo + kRangeGuard);
  add(ranges_reserved, -1);
}

// The scavenger: a range unused for kWarmSeconds goes back to the OS. It
// runs whenever a range is reserved or released (no thread of its own).
void scavenge_locked(uint64_t now) {
  int kept = 0;
  for (int i = 0; i < warm_count; ++i) {
    if (now - warm[i].since_ns >= kWarmSeconds * 1000000000u) {
      warm_bytes -= warm[i].r.hi - warm[i].touched;
      unmap_range(warm[i].r);
    } else {
      warm[kept++] = warm[i];
    }
  }
  warm_count = kept;
}

// Verify mode: the page-sized block a smaller block is the top of.
size_t backing_size(size_t size) { return config.verify && size < kPage ? kPage : size; }

} // namespace

void *pool_alloc(size_t size) {
  const size_t backing = backing_size(size);
  if (backing != size) return (char *)pool_alloc(backing) + (backing - size);
  add(bytes_in_use, size);
  if (size > kLargestSmallClass) return large_alloc(size);
  int c = class_of(size);
  ThreadCache &tc = cache;
  if (tc.count[c] == 0) {
    register_thread_cache();
    tc.count[c] = take_blocks(c, tc.blocks[c], (cache_capacity(c) + 1) / 2);
  }
  return tc.blocks[c][--tc.count[c]];
}

size_t block_high_water(const void *block, size_t size) {
  const uint64_t *w = (const uint64_t *)block, *end = w + size / 8;
  while (w < end && !(w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])) w += 8;
  return (size_t)((const char *)end - (const char *)w);
}

size_t pool_free(void *block, size_t size) {
  const size_t backing = backing_size(size);
  if (backing != size) {
    const size_t written = pool_free((char *)block - (backing - size), backing);
    return written < size ? written : size;
  }
  add(bytes_in_use, -(long)size);
  if (size > kLargestSmallClass) {
    large_free(block, size);
    return size;
  }
  // Valgrind: the runtime's to read (the scan for the high-water mark) and write.
  valgrind_scanned(block, size);
  const size_t written = clear_written(block, size);  // blocks are handed out zero-filled (see header)
  valgrind_zeroed(block, size);
  int c = class_of(size);
  ThreadCache &tc = cache;
  if (tc.count[c] == cache_capacity(c)) {
    register_thread_cache();
    int keep = tc.count[c] / 2;
    give_blocks(c, tc.blocks[c] + keep, tc.count[c] - keep);
    tc.count[c] = keep;
  }
  tc.blocks[c][tc.count[c]++] = block;
  return written;
}

bool range_reserve(size_t usable, Range *out) {
  pthread_mutex_lock(&warm_lock);
  scavenge_locked(monotonic_ns());
  for (int i = warm_count - 1; i >= 0; --i) {
    if (warm[i].r.hi - warm[i].r.lo != usable) continue;  // reserved before the limit changed
    *out = warm[i].r;
    warm_bytes -= warm[i].r.hi - warm[i].touched;
    warm[i] = warm[--warm_count];
    pthread_mutex_unlock(&warm_lock);
    return true;
  }
  pthread_mutex_unlock(&warm_lock);
  void *p = mmap(nullptr, usable + kRangeGuard, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return false;
  if (mprotect(p, kRangeGuard, PROT_NONE) != 0) {
    int e = errno;
    munmap(p, usable + kRangeGuard);
    errno = e;
    return false;
  }
  add(ranges_reserved, 1);
  *out = {(uintptr_t)p + kRangeGuard, (uintptr_t)p + kRangeGuard + usable};
  return true;
}

void range_release(const Range &r, uintptr_t touched) {
  touched &= ~(kPage - 1);
  if (touched < r.lo) touched = r.lo;
  const size_t bytes = r.hi - touched;
  const uint64_t now = monotonic_ns();
  pthread_mutex_lock(&warm_lock);
  scavenge_locked(now);
  bool keep = warm_count < kWarmRanges && warm_bytes + bytes <= config.warm_bytes;
  if (keep) warm_bytes += bytes;  // claimed now, filled in below
  pthread_mutex_unlock(&warm_lock);
  if (!keep) {
    unmap_range(r);
    return;
  }
  // Handed out zero-filled, like every block (see the header): clear what
  // the stack wrote, outside the lock.
  valgrind_scanned((void *)touched, bytes);  // read (the scan below the mark) and written
  clear_written((void *)touched, bytes);
  valgrind_zeroed((void *)touched, bytes);
  pthread_mutex_lock(&warm_lock);
  if (warm_count < kWarmRanges) {
    warm[warm_count++] = {r, touched, now};
    pthread_mutex_unlock(&warm_lock);
    return;
  }
  warm_bytes -= bytes;  // another thread took the last slot meanwhile
  pthread_mutex_unlock(&warm_lock);
  unmap_range(r);
}

size_t range_scavenge(uint64_t now_ns) {
  pthread_mutex_lock(&warm_lock);
  scavenge_locked(now_ns ? now_ns : monotonic_ns());
  size_t left = warm_count;
  pthread_mutex_unlock(&warm_lock);
  return left;
}

void range_return_pages(uintptr_t lo, uintptr_t hi) {
  uintptr_t from = (lo + kPage - 1) & ~(kPage - 1), to = hi & ~(kPage - 1);
  if (from < to) madvise((void *)from, to - from, MADV_DONTNEED);
}

void pool_flush_thread_cache() {
  ThreadCache &tc = cache;
  for (int c = 0; c < kNumClasses; ++c) {
    give_blocks(c, tc.blocks[c], tc.count[c]);
    tc.count[c] = 0;
  }
}

PoolStats pool_stats() {
  return {__atomic_load_n(&bytes_mapped, __ATOMIC_RELAXED), __atomic_load_n(&bytes_in_use, __ATOMIC_RELAXED),
          __atomic_load_n(&chunks_mapped, __ATOMIC_RELAXED),
          __atomic_load_n(&ranges_reserved, __ATOMIC_RELAXED)};
}

} // namespace morestack

// runtime/quarantine.cpp: verify mode's inaccessible old blocks, and the
// history of retired blocks (see quarantine.h).
#include "quarantine.h"

#include "config.h"
#include "fatal.h"
#include "faults.h"
#include "stack_pool.h"

#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

namespace morestack {
namespace {

constexpr size_t kPage = 4096;

struct Retired {
  uintptr_t lo, hi;  // hi == 0: empty (written last, read first)
  intptr_t delta;    // the live part moved by this much
  uint64_t when_ns;  // CLOCK_MONOTONIC
  StackKind kind;
  uint64_t id;
};

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
Retired history[kRetiredHistory];  // a ring, newest at (next - 1)
size_t next_entry;

struct Held {
  uintptr_t lo, hi;  // the pages made inaccessible (a block's own pages)
  uintptr_t block, size;
};
Held held[kQuarantineBlocks];  // a ring
size_t oldest, count_held, bytes_held;

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void remember(const Stack &s, uintptr_t lo, uintptr_t hi, intptr_t delta) {
  Retired &r = history[next_entry % kRetiredHistory];
  __atomic_store_n(&r.hi, 0, __ATOMIC_RELEASE);
  r.lo = lo;
  r.delta = delta;
  r.when_ns = now_ns();
  r.kind = s.kind;
  r.id = s.id;
  __atomic_store_n(&r.hi, hi, __ATOMIC_RELEASE);
  ++next_entry;
}

void release_oldest() {
  Held &h = held[oldest];
  MS_CHECK(count_held > 0 && bytes_held >= h.size);
  mprotect((void *)h.lo, h.hi - h.lo, PROT_READ | PROT_WRITE);
  pool_free((void *)h.block, h.size);
  bytes_held -= h.size;
  oldest = (oldest + 1) % kQuarantineBlocks;
  --count_held;
}

// The newest remembered block holding addr, if any.
const Retired *lookup(uintptr_t addr) {
  for (size_t i = 0; i < kRetiredHistory; ++i) {
    const Retired &r = history[(next_entry + kRetiredHistory - 1 - i) % kRetiredHistory];
    uintptr_t hi = __atomic_load_n(&r.hi, __ATOMIC_ACQUIRE);
    if (hi && addr >= r.lo && addr < hi) return &r;
  }
  return nullptr;
}

} // namespace

void retire_block(const Stack &s, uintptr_t old_lo, uintptr_t old_hi, intptr_t delta) {
  const size_t size = old_hi - old_lo;
  pthread_mutex_lock(&lock);
  remember(s, old_lo, old_hi, delta);
  // Verify mode: a block has pages of its own (stack_pool.h); hold them.
  const uintptr_t page_lo = old_lo & ~(kPage - 1);
  if (!config.verify || (old_hi & (kPage - 1))) {
    pthread_mutex_unlock(&lock);
    pool_free((void *)old_lo, size);
    return;
  }
  while (count_held == kQuarantineBlocks || (count_held && bytes_held + size > kQuarantineBytes))
    release_oldest();
  mprotect((void *)page_lo, old_hi - page_lo, PROT_NONE);
  held[(oldest + count_held) % kQuarantineBlocks] = {page_lo, old_hi, old_lo, size};
  ++count_held;
  bytes_held += size;
  pthread_mutex_unlock(&lock);
}

void forget_retired(uintptr_t lo, uintptr_t hi) {
  pthread_mutex_lock(&lock);
  for (Retired &r : history)
    if (r.lo < hi && lo < __atomic_load_n(&r.hi, __ATOMIC_RELAXED))
      __atomic_store_n(&r.hi, 0, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&lock);
}

bool find_retired(uintptr_t addr, StackKind *kind, uint64_t *id, intptr_t *delta) {
  const Retired *r = lookup(addr);
  if (!r) return false;
  *kind = r->kind;
  *id = r->id;
  *delta = r->delta;
  return true;
}

void explain_stale_access(uintptr_t addr, const ucontext_t *uc) {
  const Retired *r = lookup(addr);
  if (!r) {
    // In verify mode a block's page may hold bytes below the block itself
    // (2 KiB blocks sit at the top of their page): the same page, the same
    // stack.
    if (!config.verify) return;
    r = lookup((addr | (kPage - 1)) - 2047);
    if (!r || (r->lo & ~(kPage - 1)) != (addr & ~(kPage - 1))) return;
  }
  Stack s;
  s.kind = r->kind;
  s.id = r->id;
  char name[64];
  uint64_t age_us = (now_ns() - r->when_ns) / 1000;
  print_fault_backtrace(uc);
  fatal("stale stack pointer: the program accessed %#lx, %lu bytes below the top of an old "
        "block of %s, freed when that stack moved %llu.%03llu ms ago (that byte is now at %#lx). "
        "A pointer to a stack variable was kept where a move cannot update it: in the heap, a "
        "global, another stack, or memory written by code built without the plugin",
        addr, r->hi - addr, describe(s, name, sizeof name), (unsigned long long)(age_us / 1000),
        (unsigned long long)(age_us % 1000), addr + r->delta);
}

} // namespace morestack

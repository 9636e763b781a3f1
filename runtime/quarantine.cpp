// runtime/quarantine.cpp: verify mode's inaccessible old blocks (see
// quarantine.h).
#include "quarantine.h"

#include "config.h"
#include "fatal.h"
#include "signals.h"
#include "stack_pool.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

namespace morestack {
namespace {

constexpr size_t kPage = 4096;

struct Held {
  uintptr_t lo, hi;
  intptr_t delta;   // the live part moved by this much
  StackKind kind;
  uint64_t id;
};

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
Held held[kQuarantineBlocks];  // a ring; entries are read by the SIGSEGV handler
size_t oldest, count_held, bytes_held;
bool handler_installed;
struct sigaction previous_segv;

void release_oldest() {
  Held &h = held[oldest];
  mprotect((void *)h.lo, h.hi - h.lo, PROT_READ | PROT_WRITE);
  pool_free((void *)h.lo, h.hi - h.lo);
  bytes_held -= h.hi - h.lo;
  __atomic_store_n(&h.hi, 0, __ATOMIC_RELEASE);
  oldest = (oldest + 1) % kQuarantineBlocks;
  --count_held;
}

void on_segv(int sig, siginfo_t *info, void *) {
  uintptr_t addr = (uintptr_t)info->si_addr;
  for (size_t i = 0; i < kQuarantineBlocks; ++i) {
    const Held &h = held[i];
    uintptr_t hi = __atomic_load_n(&h.hi, __ATOMIC_ACQUIRE);
    if (addr < h.lo || addr >= hi) continue;
    Stack s;
    s.kind = h.kind;
    s.id = h.id;
    char name[48];
    fatal("verify: stale stack pointer: the program accessed %#lx, %lu bytes below the top of "
          "an old block of %s; the stack has moved since (that byte is now at %#lx). A pointer "
          "to a stack variable was kept where a move cannot update it: in the heap, a global, "
          "another stack, or an object whose type says it holds no pointers (a double or an "
          "int holding pointer bits)", addr, hi - addr, describe(s, name, sizeof name),
          addr + h.delta);
  }
  // Not ours: put the previous action back and let the access fault again.
  restore_runtime_handler(sig, &previous_segv);
}

} // namespace

void retire_block(const Stack &s, uintptr_t old_lo, uintptr_t old_hi, intptr_t delta) {
  size_t size = old_hi - old_lo;
  if (!config.verify || size < kPage || (old_lo & (kPage - 1))) {
    pool_free((void *)old_lo, size);
    return;
  }
  pthread_mutex_lock(&lock);
  if (!handler_installed) {
    install_runtime_handler(SIGSEGV, on_segv, &previous_segv);
    handler_installed = true;
  }
  while (count_held == kQuarantineBlocks || (count_held && bytes_held + size > kQuarantineBytes))
    release_oldest();
  mprotect((void *)old_lo, size, PROT_NONE);
  Held &h = held[(oldest + count_held) % kQuarantineBlocks];
  h.lo = old_lo;
  h.delta = delta;
  h.kind = s.kind;
  h.id = s.id;
  __atomic_store_n(&h.hi, old_hi, __ATOMIC_RELEASE);
  ++count_held;
  bytes_held += size;
  pthread_mutex_unlock(&lock);
}

} // namespace morestack

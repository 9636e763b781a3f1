// runtime/side_stack.cpp: see side_stack.h.
//
// Chunks: the first one of a side stack is kFirstChunk bytes, each later
// one twice the size of the newest, or the power of two that holds the
// frame if that is larger. Chunks of the pool's classes (powers of two of
// 2 KiB or more) come from the stack pool (stack_pool.h), the others from
// malloc: the small first ones, and a chunk cut to the exact (page-rounded)
// size a frame needs when a power of two would pass the limit.
// __morestack_side_more is called on the caller's small stack and does all
// its work on the thread's system stack (taking a block may map memory,
// take a lock, or report an error).
#include "sanitizers.h"
#include "side_stack.h"

#include "config.h"
#include "fatal.h"
#include "fiber.h"
#include "signals.h"
#include "quarantine.h"
#include "stack_pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace morestack {
namespace {

// A side stack's first chunk. Most code keeps a few small objects there (a
// lock guard, an object passed by reference to a library): a fiber that
// needs a side stack at all pays this much, not a pool block. Chunks double
// from here; those smaller than the pool's smallest class come from malloc.
constexpr size_t kFirstChunk = 512;
static_assert(kFirstChunk % 16 == 0 && kFirstChunk > sizeof(SideChunk), "a first chunk has room");

// A chunk cut to a frame's size (near the limit) is rounded to pages: malloc
// maps such sizes, and a page is the least it can map.
constexpr size_t kPageSize = 4096;

size_t round_pow2(size_t n) {
  size_t p = kFirstChunk;
  while (p < n) p <<= 1;
  return p;
}


// Whether a chunk of this size is a pool block (else it is malloc'd).
bool from_pool(size_t size) { return size >= MORESTACK_MIN_STACK && (size & (size - 1)) == 0; }

// A chunk of `size` bytes (on the system stack: the pool may map memory).
SideChunk *allocate_chunk(size_t size) {
  const bool pooled = from_pool(size);
  SideChunk *c = (SideChunk *)(pooled ? pool_alloc(size) : malloc(size));
  if (!c) fatal("out of memory for a %zu-byte side stack chunk", size);
  // A pool block may have been a moving stack's old block: what lives here
  // now is no stale stack (jmp_bufs are checked against that history).
  if (pooled) forget_retired((uintptr_t)c, (uintptr_t)c + size);
  c->size = size;
  return c;
}

struct FreeChunk {
  SideChunk *chunk;
};

void *free_chunk(void *p) {
  SideChunk *c = ((FreeChunk *)p)->chunk;
  if (from_pool(c->size)) {
    sanitizer_block_released((uintptr_t)c, (uintptr_t)c + c->size);  // ASan frames' redzones
    pool_free(c, c->size);
  } else {
    free(c);
  }
  return nullptr;
}

void release(SideStack &s, SideChunk *c) {
  s.bytes -= c->size;
  FreeChunk f = {c};
  on_system_stack(free_chunk, &f);
}

// Drop the chunks newer than the one holding sp: keep the largest as the
// spare, free the others.
void trim_above(SideStack &s, uintptr_t sp) {
  while (s.newest && !s.newest->holds(sp)) {
    SideChunk *c = s.newest;
    s.newest = c->older;
    if (!s.spare || c->size > s.spare->size) {
      if (s.spare) release(s, s.spare);
      s.spare = c;
    } else {
      release(s, c);
    }
  }
}

// A thread's own side stack is freed when the thread ends (a thread-specific
// data destructor: it runs however the thread ends, after the destructors
// that may still have used it, or again if one of them started a chunk).
pthread_key_t thread_side_key;
pthread_once_t thread_side_once = PTHREAD_ONCE_INIT;

// The thread's side stack may be the running one here (no fiber runs): then
// the TCB slots go back to 0, so that a later destructor's side frame asks
// for a fresh chunk instead of using the freed one.
void release_thread_side(void *) {
  SideStack &s = thread_state().side;
  const bool running = &current_side_stack() == &s;
  side_release(s);
  if (running) write_side(0, 0);
}
void make_thread_side_key() { pthread_key_create(&thread_side_key, release_thread_side); }

void *arm_thread_release(void *) {
  pthread_once(&thread_side_once, make_thread_side_key);
  pthread_setspecific(thread_side_key, (void *)1);
  return nullptr;
}

[[noreturn]] void fatal_limit(const SideStack &s, size_t wanted) {
  char name[64];
  if (const Stack *m = thread_state().current) describe(*m, name, sizeof name);
  else snprintf(name, sizeof name, "thread %llu", (unsigned long long)current_thread_number());
  (void)s;
  fatal("side stack overflow: the side stack of %s (where objects whose address escapes live) "
        "needs %zu bytes, more than the limit of %zu bytes (MORESTACK_MAX_STACK, "
        "morestack_set_max_stack_size)", name, wanted, config.max_stack);
}

} // namespace

SideStack &current_side_stack() {
  Fiber *f = current_fiber();
  return f ? f->side : thread_state().side;
}

void side_switch(SideStack &from, SideStack &to) {
  from.sp = read_side_sp();
  from.limit = read_side_limit();
  write_side(to.sp, to.limit);
}

void side_trim(SideStack &s) {
  if (s.newest && s.newest->holds(s.sp) && !s.spare) return;  // the common case
  trim_above(s, s.sp);
  if (s.spare && !s.newest) {  // nothing in use: no spare either
    release(s, s.spare);
    s.spare = nullptr;
  }
}

void side_release(SideStack &s) {
  for (SideChunk *c = s.newest; c;) {
    SideChunk *older = c->older;
    release(s, c);
    c = older;
  }
  if (s.spare) release(s, s.spare);
  s.newest = s.spare = nullptr;
  s.sp = s.limit = 0;
}

} // namespace morestack

using namespace morestack;

namespace morestack {
namespace {

struct SideMore {
  size_t bytes;
  uintptr_t sp;  // the side pointer when the caller ran out
};

// The work of __morestack_side_more, on the thread's system stack.
void *side_more(void *p) {
  const SideMore &m = *(SideMore *)p;
  const Stack *running = thread_state().current;
  if (running && running->kind == StackKind::Signal)
    fatal("a signal handler needs more than its %zu-byte side stack (for objects whose address "
          "escapes): it recurses too deep", kSignalSideStackSize);
  SideStack &s = current_side_stack();
  trim_above(s, m.sp);
  // Compared before any arithmetic: a negative alloca size arrives as
  // nearly 2^64.
  if (m.bytes > config.max_stack - sizeof(SideChunk)) fatal_limit(s, m.bytes);
  const size_t need = m.bytes + sizeof(SideChunk);
  SideChunk *c = nullptr;
  if (s.spare && s.spare->size >= need) {
    c = s.spare;
    s.spare = nullptr;
  } else {
    if (s.spare) {  // too small; unused memory must not count against the limit
      release(s, s.spare);
      s.spare = nullptr;
    }
    if (s.bytes + need > config.max_stack) fatal_limit(s, s.bytes + need);
    size_t size = s.newest ? s.newest->size * 2 : kFirstChunk;
    if (size < need) size = round_pow2(need);
    if (s.bytes + size > config.max_stack)  // room for this frame only
      size = (need + kPageSize - 1) & ~(kPageSize - 1);
    if (s.bytes + size > config.max_stack) size = need;
    c = allocate_chunk(size);
    s.bytes += size;
  }
  if (!s.newest && &s == &thread_state().side) arm_thread_release(nullptr);
  MS_CHECK(c->hi() - c->limit() >= m.bytes);  // the frame that asked fits
  c->older = s.newest;
  c->started_at = m.sp;
  s.newest = c;
  write_side(c->hi(), c->limit());
  return nullptr;
}

} // namespace
} // namespace morestack

// Called by code built with the plugin when its side frame does not fit
// (plugin/SideStackPass.h), with the bytes of that frame. It runs on the
// caller's small stack, below a frame that passed its check or inside a
// nosplit chain, which counts a call as 8 + MORESTACK_SAVE_AREA + 8 bytes:
// so it does nothing here but move to the system stack (its frame and
// on_system_stack's stay within that; the runtime is built with frame
// pointers).
extern "C" void __morestack_side_more(size_t bytes) {
  const uintptr_t sp = read_side_sp();
  // The fast path: a boundary crossed again. The chunk a returned frame
  // started is still the newest, unused, right above the one holding the
  // side pointer (it is trimmed only at a yield or on the slow path): if it
  // fits, it is the new chunk again, with no allocation and no stack switch
  // (a loop that calls across a boundary pays this, bench/hotsplit.c).
  SideStack &s = current_side_stack();
  SideChunk *c = s.newest;
  if (c && c->older && !c->holds(sp) && c->older->holds(sp) && bytes <= c->size - sizeof(SideChunk)) {
    c->started_at = sp;
    write_side(c->hi(), c->limit());
    return;
  }
  SideMore m = {bytes, sp};
  on_system_stack(side_more, &m);
}
// Its twin for shared libraries' stubs (morestack.S, EXPORT_TWIN).
extern "C" void __morestack_side_more_export(size_t bytes)
    __attribute__((alias("__morestack_side_more")));

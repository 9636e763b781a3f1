// runtime/side_stack.h: the side stack, where the objects whose address
// escapes live (plugin/SideStackPass.h, plugin/EscapeAnalysis.h).
//
// Each thread has one for the code that runs on its own stacks (its OS
// stack, or the managed stack of main or of a thread), and each fiber one
// of its own. It is a chain of chunks that never move: a pointer to an
// object on it stays valid for the object's lifetime, wherever it is kept.
// Code built with the plugin bumps a pointer down from %fs:SIDE_SP, checks
// it against %fs:SIDE_LIMIT, and asks __morestack_side_more for a chunk
// with enough room when it would cross the limit.
//
// Invariants:
//  - While a side stack is in use by running code, its pointer and limit
//    are in the TCB slots (MORESTACK_SIDE_SP_TLS_OFFSET, ..._LIMIT_...);
//    otherwise (a suspended fiber, or a thread's own while one of its
//    fibers runs) in its SideStack record. Fiber switches and signal
//    handlers swap them.
//  - limit <= sp <= the top of the chunk holding sp; [sp, top) is in use by
//    live frames. A chunk newer than the one holding sp is unused (every
//    frame that allocated in it has returned: frames restore the side
//    pointer on the way out) and is freed, or kept as the spare, the next
//    time the runtime looks (a chunk switch, a yield).
//  - Every chunk records the side pointer at the moment it was started, so
//    the used part of each older chunk is known (verify mode reads it).
//  - The total size of a stack's chunks stays within MORESTACK_MAX_STACK.
#pragma once

#include "thread_state.h"

#include <stddef.h>
#include <stdint.h>

namespace morestack {

// The side stack of the code running now: the running fiber's, or the
// thread's own.
SideStack &current_side_stack();

// Fiber switches: put the TCB's pointer and limit into `from`, and load
// `to`'s.
void side_switch(SideStack &from, SideStack &to);

// Free unused chunks (above the side pointer), keeping one spare. At safe
// points, for a suspended side stack (its pointer in the record).
void side_trim(SideStack &s);

// Free every chunk (a finished fiber, an exiting thread). Not for the side
// stack in use.
void side_release(SideStack &s);

// The words of the used parts of `s` (in the TCB if `running`), in order:
// calls visit(begin, end) per chunk. For verify mode.
template <class Visit> void side_used_ranges(const SideStack &s, bool running, Visit &&visit);

// The TCB slots.
inline uintptr_t read_side_sp() {
  uintptr_t v;
  asm volatile("movq %%fs:%c1, %0" : "=r"(v) : "i"(MORESTACK_SIDE_SP_TLS_OFFSET));
  return v;
}
inline uintptr_t read_side_limit() {
  uintptr_t v;
  asm volatile("movq %%fs:%c1, %0" : "=r"(v) : "i"(MORESTACK_SIDE_LIMIT_TLS_OFFSET));
  return v;
}
inline void write_side(uintptr_t sp, uintptr_t limit) {
  asm volatile("movq %0, %%fs:%c1" : : "r"(sp), "i"(MORESTACK_SIDE_SP_TLS_OFFSET) : "memory");
  asm volatile("movq %0, %%fs:%c1" : : "r"(limit), "i"(MORESTACK_SIDE_LIMIT_TLS_OFFSET) : "memory");
}

// Chunk layout, for side_used_ranges.
struct SideChunk {
  SideChunk *older;
  size_t size;            // bytes of the block, header included
  uintptr_t started_at;   // the side pointer when this chunk was started
  uint64_t pad;           // keeps the usable part 16-aligned
  uintptr_t lo() const { return (uintptr_t)this; }
  uintptr_t hi() const { return (uintptr_t)this + size; }
  uintptr_t limit() const { return (uintptr_t)(this + 1); }
  bool holds(uintptr_t sp) const { return sp > lo() && sp <= hi(); }
};
static_assert(sizeof(SideChunk) % 16 == 0, "the usable part of a chunk stays 16-aligned");
static_assert(sizeof(SideChunk) == MORESTACK_SIDE_CHUNK_HEADER, "abi.h: the header plugin code skips");
static_assert(offsetof(SideChunk, size) - sizeof(SideChunk) == size_t(MORESTACK_SIDE_CHUNK_SIZE_AT),
              "abi.h: where plugin code reads a chunk's size");

template <class Visit> void side_used_ranges(const SideStack &s, bool running, Visit &&visit) {
  uintptr_t sp = running ? read_side_sp() : s.sp;
  const SideChunk *c = s.newest;
  while (c && !c->holds(sp)) c = c->older;  // newer chunks are unused
  for (; c; sp = c->started_at, c = c->older) {
    uintptr_t from = c->holds(sp) ? sp : c->hi();
    if (from < c->hi()) visit(from, c->hi());
  }
}

} // namespace morestack

// runtime/quarantine.h: what becomes of a stack's old block after a move,
// and what the runtime remembers of it.
//
// Normally the block goes straight back to the pool. Under MORESTACK_VERIFY
// it is instead made inaccessible and kept out of the pool for a while (the
// quarantine): a pointer to a stack variable that the move could not update
// (kept in the heap, a global, another stack, or hidden in memory the stack
// map says holds no pointers) then faults on its next use, and the fault
// handler (faults.h) reports which stack it belonged to and where the
// object is now, instead of the program silently reading or writing a dead
// block. In verify mode every block has pages of its own (stack_pool.h), so
// 2 KiB blocks are quarantined too.
//
// In every mode the runtime remembers the last kRetiredHistory retired
// blocks (which stack, when, by how much its live part moved): a fault in
// one that was unmapped (large blocks, freed chunks) is reported the same
// way.
//
// Invariants: at most kQuarantineBlocks blocks / kQuarantineBytes bytes are
// held; the oldest is made accessible again and returned to the pool when
// the quarantine is full. The history is a ring written under a lock and
// read without one by the fault handler (each entry's hi is stored last).
#pragma once

#include "thread_state.h"

#include <signal.h>
#include <ucontext.h>

namespace morestack {

constexpr size_t kQuarantineBlocks = 1024;
constexpr size_t kQuarantineBytes = size_t(1) << 30;
constexpr size_t kRetiredHistory = 256;

// Give back the old block [old_lo, old_hi) of `s`, whose live part moved by
// `delta` bytes.
void retire_block(const Stack &s, uintptr_t old_lo, uintptr_t old_hi, intptr_t delta);

// If `addr` lies in a remembered old block, describe the stale access (and
// where it was made) and stop the program; otherwise return.
void explain_stale_access(uintptr_t addr, const ucontext_t *uc);

// [lo, hi) is in use again (the pool gave it out as a side-stack chunk,
// where jmp_bufs and other live objects are): forget the old blocks that
// overlap it, so that nothing there is reported as stale.
void forget_retired(uintptr_t lo, uintptr_t hi);

// The remembered old block holding `addr`, if any: which stack and how far
// its live part moved. For messages (longjmp, say).
bool find_retired(uintptr_t addr, StackKind *kind, uint64_t *id, intptr_t *delta);

} // namespace morestack

// runtime/quarantine.h: what becomes of a stack's old block after a move.
//
// Normally it goes straight back to the pool. Under MORESTACK_VERIFY, a
// block that owns whole pages (4 KiB and up) is instead made inaccessible
// and kept out of the pool for a while (the quarantine): a pointer to a
// stack variable that the move could not update (kept in the heap, a
// global, another stack, or hidden in memory the stack map says holds no
// pointers) then faults on its next use, and the SIGSEGV handler reports
// which stack it belonged to and where the object is now, instead of the
// program silently reading or writing a dead block.
//
// Invariants: at most kQuarantineBlocks blocks / kQuarantineBytes bytes are
// held; the oldest is made accessible again and returned to the pool when
// the quarantine is full. 2 KiB blocks share pages and are never held.
#pragma once

#include "thread_state.h"

namespace morestack {

constexpr size_t kQuarantineBlocks = 1024;
constexpr size_t kQuarantineBytes = size_t(1) << 30;

// Give back the old block [old_lo, old_hi) of `s`, whose live part moved by
// `delta` bytes.
void retire_block(const Stack &s, uintptr_t old_lo, uintptr_t old_hi, intptr_t delta);

} // namespace morestack

// runtime/stack.h: creating, growing and freeing managed stacks.
//
// Invariants:
//  - A Stack's block comes from the pool; its size is a power of two
//    between MORESTACK_MIN_STACK and config.max_stack.
//  - Growth doubles the size until the live part, the faulting frame, the
//    requested extra room and StackGuard all fit (Go's newstack).
//  - Moving a stack copies only the live part [sp, hi) to the top of the new
//    block, relocates it, and frees the old block; the stack's offset from
//    its top is the same before and after.
#pragma once

#include "thread_state.h"

namespace morestack {

// Give `s` a fresh block of `size` bytes (rounded up to a power of two).
void stack_init(Stack &s, size_t size, StackKind kind, uint64_t id);

// Give the block back to the pool; `s` is empty afterwards.
void stack_release(Stack &s);

// Move the live part [sp, s.hi) into a new block of new_size bytes.
// Returns the new stack pointer (sp moved by the same delta as the block top).
uintptr_t stack_move(Stack &s, size_t new_size, uintptr_t sp);

// Process-wide counters (relaxed atomics).
struct GrowthTotals {
  uint64_t growths;
  uint64_t bytes_copied;
};
GrowthTotals growth_totals();

} // namespace morestack

// Called by morestack.S on the system stack (see there).
extern "C" uintptr_t __morestack_grow(uintptr_t sp, size_t frame, size_t extra);
extern "C" [[noreturn]] void __morestack_no_system_stack(uintptr_t sp);

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
//  - A stack bigger than kLargestSmallClass (256 KiB) lives in a range of
//    its own sized for config.max_stack (stack_pool.h; Stack::range_lo):
//    crossing that size moves it there once, and from then on it grows and
//    shrinks in place by moving its low end (no copy, no relocation; a
//    shrink gives the pages back with madvise). main and threads start at
//    8 MiB, so they start in ranges and never move. If the range cannot be
//    reserved (vm.max_map_count, address space), the stack takes an
//    ordinary block and keeps moving.
//  - The lowest MORESTACK_STACK_CANARY bytes of every block hold a canary
//    (a per-process secret mixed with the block's address), written when
//    the block is given to a stack and checked when the stack is switched
//    away from, moved and released: code that ran past the low end (code
//    without checks that needed more than was reserved for it) is reported
//    naming the stack instead of corrupting the neighbouring block silently.
//  - Shrinking (Go's shrinkstack) halves a stack whose live part is under a
//    quarter of it, never below its initial size, and only at safe points:
//    when a fiber yields (the stack is then suspended, every frame of it
//    below a switch) or when the program asks (morestack_shrink_stack). To
//    keep a stack that goes deep, yields shallow, and goes deep again from
//    bouncing between two sizes, a yield shrinks only after
//    `shrink_backoff` quiet safe points (no growth in between); the backoff
//    starts at kShrinkQuietSafePoints and doubles each time a stack has to
//    grow again after a shrink, up to kShrinkMaxBackoff; it doubles too
//    when a shrink is refused (a frame without a map below the park).
//  - A fiber that parks (yields) at its smallest size with a live part of
//    under 1 KiB is compacted: its live part moves into a 512-byte or 1 KiB
//    block (a parked fiber then costs that, not 2 KiB), which is too small
//    to run on (Stack::compacted(): size below min_size); resuming it moves
//    it back to min_size first. Same walk and relocation as any move, and
//    only if every frame is described (as for shrinks). So that a fiber
//    that parks often does not pay two moves per park, the first park
//    compacts and then only every compact_interval-th, the interval
//    doubling at each resume of a compacted stack (up to kShrinkMaxBackoff):
//    log2(parks) compactions in a fiber's life. MORESTACK_COMPACT_PARKED=0
//    turns this off. Scheduler tasks follow the same policy when they park
//    (scheduler.cpp run_task), with a MoveHook for the words the runtime
//    pointed into their stack (their Sudogs).
#pragma once

#include "frame_walk.h"
#include "thread_state.h"

namespace morestack {

// Give `s` a fresh block of `size` bytes (rounded up to a power of two).
void stack_init(Stack &s, size_t size, StackKind kind, uint64_t id);

// The size a new stack whose first frame is the function at `entry` (a
// thread's start routine, a fiber's function, main) starts with: `wanted`
// if that function was built with the plugin (it checks what it needs);
// otherwise it runs unchecked (a library's thread routine, say), so it gets
// at least what a call into unknown code keeps free
// (MORESTACK_UNKNOWN_CALLEE_NEED) above the guard.
size_t initial_stack_size(size_t wanted, uintptr_t entry);

// Give the block back to the pool; `s` is empty afterwards. Returns the
// most the stack needed in its life (StackStats::deepest, or its last
// block's high-water mark plus the guard region if that is more).
size_t stack_release(Stack &s);

// Stop the program, naming `s`, if its canary was overwritten. `when` says
// at what point the runtime looked ("when it yielded", ...).
void stack_check_canary(const Stack &s, const char *when);

// Words outside a stack that the runtime itself pointed into it and that
// must move with it (Go's adjustsudogs): a parked task's Sudogs and unlock
// argument (scheduler.cpp). relocate(ctx, lo, hi, delta) runs after the
// stack's own words were relocated, while the old block [lo, hi) is still
// there: it adds delta to every such word that points into it.
struct MoveHook {
  void (*relocate)(void *ctx, uintptr_t old_lo, uintptr_t old_hi, intptr_t delta);
  void *ctx;
};

// Move the live part [sp, s.hi) into a new block of new_size bytes.
// Returns the new stack pointer (sp moved by the same delta as the block top).
// `start` is the stack's first frame (frame_walk.h), for the frame-by-frame
// relocation; `vectors`, if not null, the saved vector registers of the
// stopped code (vector_state.h), relocated like the other saved registers;
// `hook`, if not null, the words outside the stack that move with it.
uintptr_t stack_move(Stack &s, size_t new_size, uintptr_t sp, const FrameCursor &start,
                     void *vectors = nullptr, const MoveHook *hook = nullptr);

constexpr uint32_t kShrinkQuietSafePoints = 4;
// A stack in a range keeps this much below its stack pointer resident when
// it shrinks (the rest of what lies below goes back with madvise): the
// shallow calls that follow a safe point do not fault.
constexpr size_t kShrinkKeepBelowSp = 64 * 1024;
constexpr uint32_t kShrinkMaxBackoff = 1u << 16;

// The size a stack with `used` live bytes may shrink to: halve while the
// live part is under a quarter, never below the initial size, and keep
// StackGuard plus the live part. `one_step` halves at most once.
size_t shrink_target(const Stack &s, size_t used, bool one_step);

// At a safe point of a suspended stack: apply the policy above and move
// the stack if it says so (updating s.saved_sp), with `hook` (above) if
// words outside point into it. Returns whether it moved. Cheap when
// nothing is to be done; the move itself runs on the system stack.
bool stack_shrink_at_safe_point(Stack &s, const MoveHook *hook = nullptr);

// Before resuming a compacted stack (see above): move it back to
// min_size. Runs the move on the system stack.
void stack_expand_parked(Stack &s);

// Process-wide counters (relaxed atomics).
struct GrowthTotals {
  uint64_t growths;
  uint64_t shrinks;
  uint64_t bytes_copied;
  uint64_t move_ns;              // time spent copying and relocating
  uint64_t frames_described;     // frames relocated with their stack map
  uint64_t frames_foreign;       // frames without maps walked over by unwind info
  uint64_t walks_undescribed;    // moves whose walk met a frame without a map
  uint64_t walks_broken;         // moves whose walk met a frame contradicting its map
  uint64_t pointer_free_words;   // words left alone as provably pointer-free
  uint64_t shrinks_refused;      // shrinks not done: a frame could not be walked
  uint64_t reserve_growths;      // growths asked for by call-site checks
  size_t largest_reserve;        // the most a call-site check asked for
  uint64_t compactions;          // parked stacks compacted (and expanded again when resumed)
};
GrowthTotals growth_totals();

} // namespace morestack

// The entry points morestack.S calls (__morestack_grow, ...): asm_entry.h.

// runtime/thread_state.h: what the runtime knows about each thread and stack.
//
// Invariants:
//  - Every thread has one ThreadState (initial-exec TLS, so the assembly in
//    morestack.S reaches it with one %fs-relative load).
//  - ThreadState::current is the managed Stack the thread runs on, or null
//    when it runs on its own OS stack (which the runtime never grows).
//  - %fs:MORESTACK_GUARD_TLS_OFFSET == current->guard() whenever current is
//    non-null and the thread runs ordinary code; 0 otherwise. Code that
//    switches stacks keeps this true (set_current()).
//  - ThreadState::os_sp is the stack pointer the thread had when it last left
//    its OS stack for a managed one. Below it the OS stack is free, so the
//    growth routine runs there ("the system stack", Go's g0).
//  - A Stack's block is [lo, hi); its contents above the saved or current
//    stack pointer are live; nothing outside the block points into it except
//    the runtime's records a move updates (saved stack pointers and
//    registers, registered setjmp buffers) and the cases docs/runtime.md
//    lists in "What a move may still touch" (locals whose address may
//    escape live on the side stack).
#pragma once

#include <morestack/abi.h>
#include <stddef.h>
#include <stdint.h>

namespace morestack {

// Signal: a thread's signal handler stack (signals.h), which never grows.
enum class StackKind : uint8_t { Main, Thread, Fiber, Signal };

// A side stack's record (side_stack.h): where it is while its pointer and
// limit are not in the TCB.
struct SideChunk;
struct SideStack {
  SideChunk *newest = nullptr;  // the chain, newest first
  SideChunk *spare = nullptr;   // one unused chunk kept for the next switch
  uintptr_t sp = 0, limit = 0;  // while not in the TCB
  size_t bytes = 0;             // all chunks, spare included
};

// The setjmp buffers registered on a moving stack (jmp_bufs.h).
struct JmpBufs;

struct StackStats {
  uint64_t growths = 0;
  uint64_t shrinks = 0;
  uint64_t bytes_copied = 0;
  size_t peak_size = 0;
  uint64_t reserve_growths = 0;  // growths asked for by a call-site check
  size_t largest_reserve = 0;    // the most such a check asked for, in bytes
  // The most this stack has needed, in bytes: at each growth its live part
  // plus the frame that asked plus the guard region; at each shrink its
  // high-water mark plus the guard region (fiber_kinds.h learns from it).
  size_t deepest = 0;
};

struct Stack {
  uintptr_t lo = 0;        // block start (lowest address)
  uintptr_t hi = 0;        // block end; the stack grows down from here
  uintptr_t saved_sp = 0;  // stack pointer while the stack is suspended
  size_t initial_size = 0; // the size it was created with
  StackKind kind = StackKind::Fiber;
  uint64_t id = 0;         // thread number or fiber number, for messages
  size_t min_size = 0;     // never shrink below this (initial_size, or less
                           // for a fiber born bigger: fiber_kinds.h)
  StackStats stats;
  // Shrink hysteresis (stack.h): safe points passed without a growth, how
  // many are needed before a shrink, and whether it shrank since it last grew.
  uint32_t quiet_safe_points = 0;
  uint32_t shrink_backoff = 0;
  bool shrank_since_growth = false;
  // A suspended fiber's stack is compacted to its live part (stack.h):
  // the parks left before the next compaction, and the interval between
  // compactions, which doubles each time a compacted stack is resumed.
  uint32_t parks_until_compact = 0;
  uint32_t compact_interval = 1;
  uint64_t growths_seen = 0;
  JmpBufs *jmp_bufs = nullptr;  // setjmp buffers to relocate (jmp_bufs.h)
  unsigned valgrind_id = 0;     // valgrind_requests.h
  // Past kLargestSmallClass a stack lives in a range of its own
  // (stack_pool.h), whose lowest usable address this is (0: an ordinary
  // block); lo moves within [range_lo, hi) and the stack never moves again.
  uintptr_t range_lo = 0;
  uintptr_t range_touched = 0;  // the lowest lo it had there (what a release clears)

  size_t size() const { return hi - lo; }
  // Compacted while parked: too small to run on until resumed (stack.h).
  bool compacted() const { return size() < min_size; }
  uintptr_t guard() const { return lo + MORESTACK_STACK_GUARD; }
  bool contains(uintptr_t p) const { return p >= lo && p < hi; }
};

struct ThreadState {
  uintptr_t os_sp = 0;          // offset 0, read by morestack.S
  Stack *current = nullptr;     // offset 8
  Stack *thread_stack = nullptr; // the thread's own growable stack (whole-program mode)
  uint64_t thread_number = 0;   // 1 for the main thread
  bool in_signal_altstack = false;
  SideStack side;         // the side stack of the thread's own stacks (side_stack.h)
  // Set by the scheduler's monitor thread (scheduler.cpp, "Preemption")
  // with the guard poisoned; the next stack check's __morestack_grow
  // takes it and has morestack.S yield the running task.
  uint32_t preempt_requested = 0;
};

// The thread's guard slot in its TCB, for another thread to write (the
// scheduler's monitor poisons it to preempt a task).
inline uintptr_t *guard_slot() {
  uintptr_t tcb;
  asm("movq %%fs:%c1, %0" : "=r"(tcb) : "i"(MORESTACK_GLIBC_TCB_SELF));
  return (uintptr_t *)(tcb + MORESTACK_GUARD_TLS_OFFSET);
}

// Defined in thread_state.cpp; named for the assembly.
extern "C" __thread ThreadState __morestack_thread
    __attribute__((tls_model("initial-exec")));

inline ThreadState &thread_state() { return __morestack_thread; }

inline uintptr_t read_guard() {
  uintptr_t g;
  asm volatile("movq %%fs:%c1, %0" : "=r"(g) : "i"(MORESTACK_GUARD_TLS_OFFSET));
  return g;
}

inline void write_guard(uintptr_t g) {
  asm volatile("movq %0, %%fs:%c1" : : "r"(g), "i"(MORESTACK_GUARD_TLS_OFFSET) : "memory");
}

// Make `s` (or the OS stack, if null) the stack the thread runs on from
// now on, as far as the guard is concerned.
inline void set_current(Stack *s) {
  thread_state().current = s;
  write_guard(s ? s->guard() : 0);
}

// Run fn(arg) on the thread's system stack (below ThreadState::os_sp) when
// the caller is on a managed stack, else directly; the guard is 0 meanwhile.
// For runtime work that may need more stack than a small stack has left
// (formatting an error, moving another stack).
void *on_system_stack(void *(*fn)(void *), void *arg);

// "main", "thread 3", "fiber 17": for messages.
const char *describe(const Stack &s, char *buf, size_t len);

// Number the calling thread (1 for the first thread that asks, normally main).
uint64_t current_thread_number();

} // namespace morestack

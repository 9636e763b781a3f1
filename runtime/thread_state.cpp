// runtime/thread_state.cpp: the per-thread record and stack names.
#include "thread_state.h"

#include "asm_entry.h"
#include "frames.h"

#include <stddef.h>
#include <stdio.h>

// The layout morestack.S relies on (frames.h).
static_assert(offsetof(morestack::ThreadState, os_sp) == THREAD_STATE_OS_SP, "frames.h");
static_assert(offsetof(morestack::ThreadState, current) == THREAD_STATE_CURRENT, "frames.h");
static_assert(offsetof(morestack::Stack, lo) == STACK_LO, "frames.h");
static_assert(offsetof(morestack::Stack, hi) == STACK_HI, "frames.h");
static_assert(offsetof(morestack::Stack, kind) == STACK_KIND, "frames.h");
static_assert(sizeof(morestack::StackKind) == 1, "morestack.S compares one byte");
static_assert((int)morestack::StackKind::Signal == STACK_KIND_SIGNAL, "frames.h");

extern "C" {
__thread morestack::ThreadState __morestack_thread __attribute__((tls_model("initial-exec")));
}

namespace morestack {
namespace {
uint64_t next_thread_number = 1;
}

void *on_system_stack(void *(*fn)(void *), void *arg) {
  ThreadState &t = thread_state();
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  if (!t.current || !t.os_sp || !t.current->contains(sp)) return fn(arg);
  uintptr_t guard = read_guard();
  write_guard(0);
  uintptr_t unused_os_sp;  // we stay below the recorded os_sp, which must not change
  void *result = __morestack_call_on_system_stack(fn, arg, t.os_sp & ~uintptr_t(15), &unused_os_sp);
  write_guard(guard);
  return result;
}

uint64_t current_thread_number() {
  ThreadState &t = thread_state();
  if (!t.thread_number) t.thread_number = __atomic_fetch_add(&next_thread_number, 1, __ATOMIC_RELAXED);
  return t.thread_number;
}

const char *describe(const Stack &s, char *buf, size_t len) {
  switch (s.kind) {
  case StackKind::Main: snprintf(buf, len, "main (thread 1)"); break;
  case StackKind::Thread: snprintf(buf, len, "thread %llu", (unsigned long long)s.id); break;
  case StackKind::Fiber: snprintf(buf, len, "fiber %llu", (unsigned long long)s.id); break;
  case StackKind::Signal:
    snprintf(buf, len, "the signal handler stack of thread %llu", (unsigned long long)s.id);
    break;
  }
  return buf;
}

} // namespace morestack

// runtime/thread_state.cpp: the per-thread record and stack names, and the
// compiler's check of every layout morestack.S shares with C++ (frames.h).
#include "thread_state.h"

#include "asm_entry.h"
#include "frames.h"

#include <stddef.h>
#include <stdio.h>

// The layouts morestack.S relies on: each #define of frames.h is the
// offset or size of the field C++ reads.
#define MORESTACK_LAYOUT(type, field, offset) \
  static_assert(offsetof(morestack::type, field) == (offset), "frames.h: " #type "::" #field)
MORESTACK_LAYOUT(ThreadState, os_sp, THREAD_STATE_OS_SP);
MORESTACK_LAYOUT(ThreadState, current, THREAD_STATE_CURRENT);
MORESTACK_LAYOUT(Stack, lo, STACK_LO);
MORESTACK_LAYOUT(Stack, hi, STACK_HI);
MORESTACK_LAYOUT(Stack, kind, STACK_KIND);
static_assert(sizeof(morestack::StackKind) == 1, "morestack.S compares one byte");
static_assert((int)morestack::StackKind::Signal == STACK_KIND_SIGNAL, "frames.h");

#define MORESTACK_SAVE_AREA_SLOT(reg, offset) MORESTACK_LAYOUT(SaveArea, reg, offset);
SAVE_AREA_REGISTERS(MORESTACK_SAVE_AREA_SLOT)
#undef MORESTACK_SAVE_AREA_SLOT
static_assert(sizeof(morestack::SaveArea) == MORESTACK_SAVE_AREA, "abi.h: the save area's size");
static_assert(MORESTACK_SAVE_AREA % 16 == 0, "the system stack switch keeps %rsp 16-aligned");

MORESTACK_LAYOUT(SwitchFrame, mxcsr, SWITCH_FRAME_MXCSR);
MORESTACK_LAYOUT(SwitchFrame, x87_cw, SWITCH_FRAME_X87CW);
#define MORESTACK_SWITCH_FRAME_SLOT(reg, offset) MORESTACK_LAYOUT(SwitchFrame, reg, offset);
SWITCH_FRAME_REGISTERS(MORESTACK_SWITCH_FRAME_SLOT)
#undef MORESTACK_SWITCH_FRAME_SLOT
MORESTACK_LAYOUT(SwitchFrame, ra, SWITCH_FRAME_RA);
static_assert(sizeof(morestack::SwitchFrame) == SWITCH_FRAME_SIZE, "frames.h: SWITCH_FRAME_SIZE");
static_assert(SWITCH_FRAME_RA + 8 == SWITCH_FRAME_SIZE, "the return address ends the switch frame");
#undef MORESTACK_LAYOUT

static_assert(XSAVE_HEADER == FXSAVE_AREA_SIZE, "the XSAVE header follows the legacy area");
static_assert(XSAVE_HEADER_SIZE % 8 == 0 && VECTOR_AREA_ALIGN % 16 == 0, "frames.h");

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

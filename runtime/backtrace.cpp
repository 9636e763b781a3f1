// runtime/backtrace.cpp: backtraces of any stack (morestack.h), walked with
// the stack maps (frame_walk.h). Walking reads the stack and writes only
// the caller's array, so it runs on the stack it is called on; printing
// needs stdio, so it moves to the system stack first.
#include <morestack/morestack.h>

#include "fiber.h"
#include "frame_walk.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// libstdc++'s demangler, when the program has it.
extern "C" char *__cxa_demangle(const char *, char *, size_t *, int *) __attribute__((weak));

namespace morestack {
namespace {

// The frames from `start` into out[0..max); returns how many there are.
// *stopped: whether the last one stands for the rest of the stack.
size_t collect(const FrameCursor &start, uintptr_t hi, morestack_frame *out, size_t max,
               bool *stopped = nullptr) {
  size_t n = 0;
  WalkResult w = walk_frames(start, hi, [&](const WalkedFrame &f) {
    if (!f.record && !f.foreign) return;  // the runtime's own frames
    if (n < max) {
      if (f.record) {
        out[n] = {(const void *)f.pc, record_name(f.record), f.cfa - f.sp, 1};
      } else {
        Dl_info info;
        const char *name = dladdr((void *)(f.pc - 1), &info) ? info.dli_sname : nullptr;
        out[n] = {(const void *)f.pc, name, f.cfa - f.sp, 0};
      }
    }
    ++n;
  });
  if (stopped) *stopped = w.end != WalkEnd::Base;
  if (w.end != WalkEnd::Base) {
    const MapRecord *r = w.end == WalkEnd::NoFramePointer ? map_lookup(w.end_pc - 1) : nullptr;
    size_t rest = hi == UINTPTR_MAX ? 0 : hi - w.end_sp;  // unmanaged: top unknown
    if (n < max) out[n] = {(const void *)w.end_pc, r ? record_name(r) : nullptr, rest, 0};
    ++n;
  }
  return n;
}

// The frame that called the runtime function whose frame address is `fp`
// (built with frame pointers: saved %rbp at fp, return address above).
FrameCursor caller_of(void *fp) {
  uintptr_t f = (uintptr_t)fp;
  return {load_word(f + 8), f + 16, load_word(f)};
}

uintptr_t current_top() {
  const Stack *s = thread_state().current;
  return s ? s->hi : UINTPTR_MAX;
}

constexpr size_t kPrintedFrames = 64;

struct PrintRequest {
  FrameCursor start;
  uintptr_t hi;
  const morestack_fiber *fiber;  // null: the calling stack
};

// Runs on the system stack: a 2 KiB fiber has no room for the frame array
// or for stdio.
void *print_backtrace(void *p) {
  const PrintRequest &r = *(const PrintRequest *)p;
  morestack_frame frames[kPrintedFrames];
  bool walk_stopped = false;
  size_t count = collect(r.start, r.hi, frames, kPrintedFrames, &walk_stopped);
  char what[64];
  if (r.fiber) snprintf(what, sizeof what, "fiber %llu", (unsigned long long)r.fiber->stack.id);
  else if (const Stack *s = thread_state().current) describe(*s, what, sizeof what);
  else snprintf(what, sizeof what, "an unmanaged stack");
  size_t shown = count < kPrintedFrames ? count : kPrintedFrames;
  fprintf(stderr, "morestack: backtrace of %s (%zu frames):\n", what, count);
  for (size_t i = 0; i < shown; ++i) {
    const morestack_frame &f = frames[i];
    char *demangled = nullptr;
    if (f.function && __cxa_demangle) {
      int status = 0;
      demangled = __cxa_demangle(f.function, nullptr, nullptr, &status);
    }
    const char *name = demangled ? demangled : f.function;
    bool rest = i + 1 == count && !f.described && walk_stopped;
    if (f.described)
      fprintf(stderr, "  #%zu %p %s, %zu bytes\n", i, f.pc, name, f.frame_size);
    else if (!rest)
      fprintf(stderr, "  #%zu %p %s (no stack map), %zu bytes\n", i, f.pc, name ? name : "?",
              f.frame_size);
    else if (f.frame_size)
      fprintf(stderr, "  #%zu %p %s%s(the walk stops here: the remaining %zu bytes)\n", i, f.pc,
              name ? name : "", name ? " " : "", f.frame_size);
    else
      fprintf(stderr, "  #%zu %p %s%s(the walk stops here)\n", i, f.pc, name ? name : "",
              name ? " " : "");
    free(demangled);
  }
  if (shown < count) fprintf(stderr, "  ... %zu more\n", count - shown);
  return nullptr;
}

} // namespace
} // namespace morestack

using namespace morestack;

extern "C" {

size_t morestack_fiber_backtrace(const morestack_fiber *f, morestack_frame *out, size_t max) {
  if (f->state != FiberState::Suspended) return 0;
  return collect(cursor_at_switch_frame(f->stack.saved_sp), f->stack.hi, out, max);
}

size_t morestack_backtrace(morestack_frame *out, size_t max) {
  return collect(caller_of(__builtin_frame_address(0)), current_top(), out, max);
}

void morestack_print_backtrace(const morestack_fiber *f) {
  PrintRequest r;
  if (f) {
    if (f->state != FiberState::Suspended) return;
    r = {cursor_at_switch_frame(f->stack.saved_sp), f->stack.hi, f};
  } else {
    r = {caller_of(__builtin_frame_address(0)), current_top(), nullptr};
  }
  on_system_stack(print_backtrace, &r);
}

} // extern "C"

// runtime/backtrace.cpp: backtraces of any stack (morestack.h), walked with
// the stack maps (frame_walk.h). Walking reads the stack and writes only
// the caller's array, so it runs on the stack it is called on; printing
// needs stdio, so it moves to the system stack first.
#include <morestack/morestack.h>

#include "faults.h"
#include "fiber.h"
#include "frame_walk.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// libstdc++'s demangler, when the program has it.
extern "C" char *__cxa_demangle(const char *, char *, size_t *, int *) __attribute__((weak));

namespace morestack {
namespace {

// The last frames of a walk longer than the frames asked for (a ring).
struct Tail {
  static constexpr size_t kFrames = 4;
  morestack_frame ring[kFrames];
  size_t count = 0;  // frames past `max`
  void add(const morestack_frame &f) { ring[count++ % kFrames] = f; }
  size_t kept() const { return count < kFrames ? count : kFrames; }
  const morestack_frame &at(size_t i) const {  // i-th of the kept ones, outermost last
    return ring[(count - kept() + i) % kFrames];
  }
};

// The frames from `start` into out[0..max) (and the outermost ones past
// that into *tail); returns how many there are. *stopped: whether the last
// one stands for the rest of the stack.
size_t collect(const FrameCursor &start, uintptr_t hi, morestack_frame *out, size_t max,
               bool *stopped = nullptr, Tail *tail = nullptr) {
  size_t n = 0;
  auto put = [&](const morestack_frame &f) {
    if (n < max) out[n] = f;
    else if (tail) tail->add(f);
    ++n;
  };
  WalkResult w = walk_frames(start, hi, [&](const WalkedFrame &f) {
    if (!f.record && !f.foreign) return;  // the runtime's own frames
    if (f.record) {
      put({(const void *)f.pc, record_name(f.record), f.cfa - f.sp, 1});
    } else {
      Dl_info info;
      const char *name = dladdr((void *)(f.pc - 1), &info) ? info.dli_sname : nullptr;
      put({(const void *)f.pc, name, f.cfa - f.sp, 0});
    }
  });
  if (stopped) *stopped = w.end != WalkEnd::Base;
  if (w.end != WalkEnd::Base) {
    const MapRecord *r = w.end == WalkEnd::NoFramePointer ? map_lookup(w.end_pc - 1) : nullptr;
    size_t rest = hi == UINTPTR_MAX ? 0 : hi - w.end_sp;  // unmanaged: top unknown
    put({(const void *)w.end_pc, r ? record_name(r) : nullptr, rest, 0});
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
  uintptr_t fault_pc;            // non-zero: frame #0 is the instruction at this address
};

// One line to stderr with write(2): no stdio lock (a fault may have
// interrupted stdio), no allocation.
__attribute__((format(printf, 1, 2))) void out(const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  for (size_t off = 0; off < len;) {
    ssize_t w = write(STDERR_FILENO, line + off, len - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
}

const char *symbol_at(uintptr_t pc) {
  if (const MapRecord *r = map_lookup(pc)) return record_name(r);
  Dl_info info;
  return dladdr((void *)pc, &info) ? info.dli_sname : nullptr;
}

// Runs on the system stack: a 2 KiB fiber has no room for the frame array
// or for stdio.
void *print_backtrace(void *p) {
  const PrintRequest &r = *(const PrintRequest *)p;
  morestack_frame frames[kPrintedFrames];
  bool walk_stopped = false;
  Tail tail;
  size_t count = collect(r.start, r.hi, frames, kPrintedFrames, &walk_stopped, &tail);
  char what[64];
  if (r.fiber) snprintf(what, sizeof what, "fiber %llu", (unsigned long long)r.fiber->stack.id);
  else if (const Stack *s = thread_state().current) describe(*s, what, sizeof what);
  else snprintf(what, sizeof what, "an unmanaged stack");
  size_t shown = count < kPrintedFrames ? count : kPrintedFrames;
  size_t first = r.fault_pc ? 1 : 0;
  out("morestack: backtrace of %s (%zu frames):\n", what, count + first);
  if (r.fault_pc) {
    const char *name = symbol_at(r.fault_pc);
    out("  #0 %p %s (the faulting instruction)\n", (void *)r.fault_pc, name ? name : "?");
  }
  auto same = [&](size_t a, size_t b) {
    return frames[a].function && frames[b].function && frames[a].described &&
           frames[b].described && !strcmp(frames[a].function, frames[b].function);
  };
  auto print = [&](const morestack_frame &f, size_t k, bool rest) {
    char *demangled = nullptr;
    if (f.function && __cxa_demangle) {
      int status = 0;
      demangled = __cxa_demangle(f.function, nullptr, nullptr, &status);
    }
    const char *name = demangled ? demangled : f.function;
    if (f.described)
      out("  #%zu %p %s, %zu bytes\n", k, f.pc, name, f.frame_size);
    else if (!rest)
      out("  #%zu %p %s (no stack map), %zu bytes\n", k, f.pc, name ? name : "?", f.frame_size);
    else if (f.frame_size)
      out("  #%zu %p %s%s(the walk stops here: the remaining %zu bytes)\n", k, f.pc,
          name ? name : "", name ? " " : "", f.frame_size);
    else
      out("  #%zu %p %s%s(the walk stops here)\n", k, f.pc, name ? name : "", name ? " " : "");
    free(demangled);
  };
  // A run of frames of one function (a recursion) is folded: its first two
  // frames, how many more, its last one.
  for (size_t i = 0; i < shown;) {
    size_t end = i;
    while (end + 1 < shown && same(end + 1, i)) ++end;
    if (end - i + 1 > 4) {
      print(frames[i], i + first, false);
      print(frames[i + 1], i + 1 + first, false);
      const bool open = end + 1 == shown && shown < count;  // the run may go on
      out("  ... %zu more frames of the same function%s\n", end - i - 2,
          open ? " (and perhaps beyond)" : "");
      print(frames[end], end + first, false);
      i = end + 1;
      continue;
    }
    print(frames[i], i + first, i + 1 == count && !frames[i].described && walk_stopped);
    ++i;
  }
  if (shown < count) {
    out("  ... %zu more frames\n", count - shown - tail.kept());
    for (size_t j = 0; j < tail.kept(); ++j) {
      const size_t k = count - tail.kept() + j;
      print(tail.at(j), k + first, k + 1 == count && !tail.at(j).described && walk_stopped);
    }
  }
  return nullptr;
}

} // namespace
} // namespace morestack

using namespace morestack;

extern "C" {

size_t morestack_fiber_backtrace(const morestack_fiber *f, morestack_frame *out, size_t max) {
  check_fiber(f, "morestack_fiber_backtrace");
  if (f->state != FiberState::Suspended) return 0;
  return collect(cursor_at_switch_frame(f->stack.saved_sp), f->stack.hi, out, max);
}

size_t morestack_backtrace(morestack_frame *out, size_t max) {
  return collect(caller_of(__builtin_frame_address(0)), current_top(), out, max);
}

void morestack_print_backtrace(const morestack_fiber *f) {
  PrintRequest r;
  if (f) {
    check_fiber(f, "morestack_print_backtrace");
    if (f->state != FiberState::Suspended) return;
    r = {cursor_at_switch_frame(f->stack.saved_sp), f->stack.hi, f, 0};
  } else {
    r = {caller_of(__builtin_frame_address(0)), current_top(), nullptr, 0};
  }
  on_system_stack(print_backtrace, &r);
}

} // extern "C"

namespace morestack {

void function_name_at(uintptr_t pc, char *buf, size_t len) {
  const char *name = symbol_at(pc);
  char *demangled = nullptr;
  if (name && __cxa_demangle) {
    int status = 0;
    demangled = __cxa_demangle(name, nullptr, nullptr, &status);
  }
  snprintf(buf, len, "%s", demangled ? demangled : name ? name : "?");
  free(demangled);
}

void print_stack_backtrace(const char *title, const FrameCursor &start, uintptr_t hi) {
  out("morestack: %s\n", title);
  PrintRequest r = {start, hi, nullptr, 0};
  print_backtrace(&r);
}

void print_fault_backtrace(const ucontext_t *uc) {
  const uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  const uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
  const uintptr_t rbp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
  const Stack *s = thread_state().current;
  const uintptr_t hi = s && s->contains(sp) ? s->hi : UINTPTR_MAX;
  out("morestack: the access was made at:\n");
  // The faulting frame is not at a call site: step over it with its unwind
  // information (pc + 1: the rules in force at the instruction itself).
  CfiStep step;
  PrintRequest r = {{0, 0, 0}, hi, nullptr, pc};
  if (cfi_step(pc + 1, sp, rbp, true, hi, &step))
    r.start = {load_word(step.cfa - 8), step.cfa, step.caller_rbp};
  else
    r.start = {0, hi == UINTPTR_MAX ? sp : hi, 0};  // no caller frames known
  print_backtrace(&r);
}

} // namespace morestack

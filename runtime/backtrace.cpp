// runtime/backtrace.cpp: backtraces of any stack (morestack.h), walked with
// the stack maps (frame_walk.h). Walking reads the stack and writes only
// the caller's array, so it runs on the stack it is called on; printing
// needs stdio, so it moves to the system stack first.
#include <morestack/morestack.h>

#include "faults.h"
#include "fiber.h"
#include "frame_walk.h"
#include "line_info.h"

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

// Call put(const morestack_frame &) for every frame from `start`, the last
// one standing for the rest of the stack if the walk stopped early;
// returns whether it did.
template <class Put> bool each_frame(const FrameCursor &start, uintptr_t hi, Put &&put) {
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
  if (w.end != WalkEnd::Base) {
    const MapRecord *r = w.end == WalkEnd::NoFramePointer ? map_lookup(w.end_pc - 1) : nullptr;
    size_t rest = hi == UINTPTR_MAX ? 0 : hi - w.end_sp;  // unmanaged: top unknown
    put({(const void *)w.end_pc, r ? record_name(r) : nullptr, rest, 0});
  }
  return w.end != WalkEnd::Base;
}

// The frames from `start` into out[0..max); returns how many there are.
size_t collect(const FrameCursor &start, uintptr_t hi, morestack_frame *out, size_t max) {
  size_t n = 0;
  each_frame(start, hi, [&](const morestack_frame &f) {
    if (n < max) out[n] = f;
    ++n;
  });
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

// "1,234,567"
const char *with_commas(size_t n, char *buf, size_t len) {
  char digits[32];
  int d = snprintf(digits, sizeof digits, "%zu", n);
  size_t o = 0;
  for (int i = 0; i < d && o + 2 < len; ++i) {
    if (i && (d - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = digits[i];
  }
  buf[o] = 0;
  return buf;
}

// Prints frames as the walk finds them, folding repetitions: once the
// frames have repeated a cycle of up to kMaxCycle functions twice (a
// recursion: one function; mutual recursion: two or more), the next
// frames that go on with the cycle are counted, not printed, and then
// summed up in one line followed by the last cycle. No frame limit: the
// output stays short however deep the stack, and nothing in it is cut.
struct Printer {
  static constexpr size_t kMaxCycle = 4;
  static constexpr size_t kHistory = 2 * kMaxCycle;
  size_t count = 0;        // frames in the walk (a first walk counts them)
  size_t first = 0;        // 1 when frame #0 is a faulting instruction
  bool walk_stopped = false;
  morestack_frame history[kHistory];  // the last frames, printed or not
  size_t seen = 0;
  size_t cycle = 0;        // 0: not folding, else the cycle's length
  size_t folded = 0;       // frames counted, not printed

  const morestack_frame &back(size_t k) const { return history[(seen - 1 - k) % kHistory]; }
  static bool same(const morestack_frame &a, const morestack_frame &b) {
    return a.function && b.function && a.described && b.described && !strcmp(a.function, b.function);
  }

  void print(const morestack_frame &f, size_t index) const {
    const bool rest = index + 1 == count && !f.described && walk_stopped;
    const size_t k = index + first;
    char *demangled = nullptr;
    if (f.function && __cxa_demangle) {
      int status = 0;
      demangled = __cxa_demangle(f.function, nullptr, nullptr, &status);
    }
    const char *name = demangled ? demangled : f.function;
    char where[512] = "";
    source_line((uintptr_t)f.pc - 1, where, sizeof where);
    const char *at = where[0] ? " at " : "";
    if (f.described)
      out("  #%zu %p %s%s%s, %zu bytes\n", k, f.pc, name, at, where, f.frame_size);
    else if (!rest)
      out("  #%zu %p %s%s%s (no stack map), %zu bytes\n", k, f.pc, name ? name : "?", at, where,
          f.frame_size);
    else if (f.frame_size)
      out("  #%zu %p %s%s(the walk stops here: the remaining %zu bytes)\n", k, f.pc,
          name ? name : "", name ? " " : "", f.frame_size);
    else
      out("  #%zu %p %s%s(the walk stops here)\n", k, f.pc, name ? name : "", name ? " " : "");
    free(demangled);
  }

  // The folded frames end: say how many, then print the last cycle.
  void flush() {
    if (!cycle) return;
    const size_t shown = folded < cycle ? folded : cycle;
    const size_t hidden = folded - shown;
    if (hidden) {
      char n[32], names[256] = "";
      size_t o = 0;
      for (size_t k = cycle; k-- > 0;) {  // the cycle in call order, innermost first
        const morestack_frame &f = back(k);
        char *demangled = nullptr;
        if (__cxa_demangle) {
          int status = 0;
          demangled = __cxa_demangle(f.function, nullptr, nullptr, &status);
        }
        int w = snprintf(names + o, sizeof names - o, "%s%s", k + 1 == cycle ? "" : " <- ",
                         demangled ? demangled : f.function);
        free(demangled);
        if (w > 0) o += (size_t)w < sizeof names - o ? (size_t)w : sizeof names - o - 1;
      }
      out("  ... %s more frames of %s%s\n", with_commas(hidden, n, sizeof n),
          cycle == 1 ? "" : "the cycle ", names);
    }
    for (size_t k = shown; k-- > 0;) print(back(k), seen - 1 - k);
    cycle = folded = 0;
  }

  void add(const morestack_frame &f) {
    const size_t index = seen;
    if (cycle) {
      if (same(f, back(cycle - 1))) {
        history[seen++ % kHistory] = f;
        ++folded;
        return;
      }
      flush();
    }
    for (size_t p = 1; p <= kMaxCycle && !cycle; ++p) {
      if (seen < 2 * p || !same(f, back(p - 1))) continue;
      bool repeated = true;
      for (size_t k = 0; k < p && repeated; ++k) repeated = same(back(k), back(k + p));
      if (repeated) cycle = p;
    }
    history[seen++ % kHistory] = f;
    if (cycle) folded = 1;
    else print(f, index);
  }
};

// Runs on the system stack: a 2 KiB fiber has no room for stdio.
void *print_backtrace(void *p) {
  const PrintRequest &r = *(const PrintRequest *)p;
  Printer printer;
  printer.count = collect(r.start, r.hi, nullptr, 0);
  printer.first = r.fault_pc ? 1 : 0;
  char what[64];
  if (r.fiber) snprintf(what, sizeof what, "fiber %llu", (unsigned long long)r.fiber->stack.id);
  else if (const Stack *s = thread_state().current) describe(*s, what, sizeof what);
  else snprintf(what, sizeof what, "an unmanaged stack");
  out("morestack: backtrace of %s (%zu frames):\n", what, printer.count + printer.first);
  if (r.fault_pc) {
    const char *name = symbol_at(r.fault_pc);
    char where[512] = "";
    source_line(r.fault_pc, where, sizeof where);
    out("  #0 %p %s%s%s (the faulting instruction)\n", (void *)r.fault_pc, name ? name : "?",
        where[0] ? " at " : "", where);
  }
  printer.walk_stopped = each_frame(r.start, r.hi, [&](const morestack_frame &f) { printer.add(f); });
  printer.flush();
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
  // Where the function starts: the address itself may be in code of no
  // line (the split-stack prologue's call).
  uintptr_t start = pc;
  Dl_info info;
  if (const MapRecord *r = map_lookup(pc)) start = record_code_start(r);
  else if (dladdr((void *)pc, &info) && info.dli_saddr) start = (uintptr_t)info.dli_saddr;
  char where[256];
  if (source_line(start, where, sizeof where))
    snprintf(buf, len, "%s (%s)", demangled ? demangled : name ? name : "?", where);
  else
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

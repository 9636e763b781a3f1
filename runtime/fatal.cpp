// runtime/fatal.cpp: fatal errors and warnings (see fatal.h).
//
// Formatting uses vsnprintf (about 3 KiB of stack) into a static buffer
// guarded by nothing: a fatal error ends the process, and two threads
// failing at once at worst interleave their lines. Runtime code may fail on
// a small managed stack, so the formatting runs on the thread's system
// stack (below ThreadState::os_sp) whenever the thread is on a managed one.
#include "fatal.h"

#include "thread_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace morestack {
namespace {

void format_and_write(const char *prefix, const char *fmt, va_list ap) {
  static char buf[1024];
  size_t n = strlen(prefix);
  memcpy(buf, prefix, n);
  int m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
  if (m < 0) m = 0;
  n += (size_t)m < sizeof(buf) - n - 1 ? (size_t)m : sizeof(buf) - n - 2;
  buf[n++] = '\n';
  for (size_t off = 0; off < n;) {
    ssize_t w = write(STDERR_FILENO, buf + off, n - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
}

struct Message {
  const char *prefix;
  const char *fmt;
  va_list *ap;
};

void *emit_thunk(void *p) {
  Message *m = (Message *)p;
  format_and_write(m->prefix, m->fmt, *m->ap);
  return nullptr;
}

void emit(const char *prefix, const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  Message m = {prefix, fmt, &copy};
  on_system_stack(emit_thunk, &m);
  va_end(copy);
}

void (*fatal_report)();
uint32_t reported;

void *run_report(void *) {
  fatal_report();
  return nullptr;
}

} // namespace

void set_fatal_report(void (*report)()) { __atomic_store_n(&fatal_report, report, __ATOMIC_RELEASE); }

void fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("morestack: fatal: ", fmt, ap);
  va_end(ap);
  if (__atomic_load_n(&fatal_report, __ATOMIC_ACQUIRE) &&
      !__atomic_exchange_n(&reported, 1, __ATOMIC_SEQ_CST))
    on_system_stack(run_report, nullptr);
  abort();
}

void warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("morestack: warning: ", fmt, ap);
  va_end(ap);
}

bool checks_on = false;

void check_failed(const char *file, int line, const char *cond) {
  fatal("internal check failed at %s:%d: %s", file, line, cond);
}

} // namespace morestack

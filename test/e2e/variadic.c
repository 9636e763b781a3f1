// Recursion through a variadic function on a 2 KiB stack. The backend cannot
// give variadic functions the split-stack prologue; the plugin outlines the
// body into a checked function that takes a va_list, and keeps a small
// unchecked thunk (within the nosplit budget) that does va_start. The thunk's
// register save area is relocated like any other frame when the body grows
// the stack, so va_arg keeps reading the right arguments.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
//
// CHECK: sum {{[0-9]+}} ok
// CHECK-NEXT: formatted: 3000 levels, last 'x=1 y=2.50 s=end'
// CHECK-NEXT: grew: yes

#include <morestack/morestack.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

// Sums its `count` long arguments plus everything below it.
__attribute__((noinline)) static long sum_down(int depth, int count, ...) {
  volatile char pad[64];
  va_list ap;
  va_start(ap, count);
  long s = 0;
  for (int i = 0; i < count; ++i) s += va_arg(ap, long);
  va_end(ap);
  pad[depth % 64] = (char)depth;
  if (depth == 0) return s;
  long r = sum_down(depth - 1, 3, (long)depth, (long)depth * 2, (long)pad[depth % 64]);
  return r + s - depth;
}

// The same computation without varargs, for the expected value.
static long reference(int depth, long s) {
  if (depth == 0) return s;
  long below = reference(depth - 1, depth + 2L * depth + (char)depth);
  return below + s - depth;
}

static char last[64];
__attribute__((noinline)) static int format_down(int depth, const char *fmt, ...) {
  char buf[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);  // uninstrumented, with a va_list into a moved frame
  va_end(ap);
  if (depth == 0) {
    strcpy(last, buf);
    return 0;
  }
  return format_down(depth - 1, fmt, 1, 2.5, "end") + 1;
}

int main(void) {
  long expect = reference(5000, 0);
  long got = sum_down(5000, 0);
  printf("sum %ld %s\n", got, got == expect ? "ok" : "BROKEN");
  int levels = format_down(3000, "x=%d y=%.2f s=%s", 1, 2.5, "end");
  printf("formatted: %d levels, last '%s'\n", levels, last);
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  printf("grew: %s\n", s.growths > 3 ? "yes" : "no");
  return 0;
}

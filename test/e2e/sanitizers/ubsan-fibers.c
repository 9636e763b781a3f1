// UndefinedBehaviorSanitizer in fibers whose stacks move: its checks are
// plain code and its handlers calls into code without checks, which keep
// the room an unknown callee needs; a report from a 2 KiB fiber that has
// moved prints (and, recovering, the fiber goes on), and a clean run
// reports nothing.
//
// REQUIRES: ubsan-runtime
// UNSUPPORTED: sanitizer
// RUN: %morestack_clang_nosan -fsanitize=undefined -g -O1 %s -o %t
// RUN: env MORESTACK_VERIFY=1 %t 0 2>&1 | FileCheck %s --check-prefix=CLEAN
// RUN: %t 1 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: %morestack_clang_nosan -fsanitize=undefined -fno-sanitize-recover=all -g -O0 %s -o %t.O0
// RUN: %t.O0 0 2>&1 | FileCheck %s --check-prefix=CLEAN
// RUN: not %t.O0 1 2>&1 | FileCheck %s --check-prefix=FATAL
//
// CLEAN-NOT: runtime error
// CLEAN: sum ok, moved: yes
// REPORT: runtime error: signed integer overflow
// REPORT: sum {{.*}}, moved: yes
// FATAL: runtime error: signed integer overflow
// FATAL-NOT: sum

#include <limits.h>
#include <morestack/morestack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void sink(void *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

static int base;

__attribute__((noinline)) static int grow(int n) {
  char buf[200];
  memset(buf, 1, sizeof buf);
  sink(buf);
  int below = n ? grow(n - 1) : base;  // INT_MAX at the bottom: overflows on the way up
  return below + buf[n % sizeof buf];
}

static int result;
static int moved;

static void body(void *arg) {
  (void)arg;
  result = grow(100);
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  moved = s.growths > 0;
}

int main(int argc, char **argv) {
  base = argc > 1 && atoi(argv[1]) ? INT_MAX : 0;
  morestack_fiber *f = morestack_fiber_create(body, NULL, 2048);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_fiber_destroy(f);
  printf("sum %s, moved: %s\n", result == 101 ? "ok" : "overflowed", moved ? "yes" : "no");
  return 0;
}

// Programs built with morestack run under valgrind (memcheck) with no
// errors: stacks that grow by copying, fibers that switch, the side stack,
// C library calls on the system stack, threads. The runtime registers every
// managed stack with valgrind (and re-registers it when it moves), marks
// what its conservative scans read as defined, and tells it when a stack
// block changes hands (runtime/valgrind_requests.h); it arms its alternate
// signal stack without SS_AUTODISARM where valgrind 3.19 refuses the flag
// (which stopped every program at start-up).
//
// REQUIRES: valgrind
// valgrind 3.19 cannot read the DWARF 5 clang 19 writes: no debug info.
// RUN: %morestack_clang -O2 %s -o %t -Wl,--strip-debug
// RUN: env MORESTACK_MAIN_STACK=2K valgrind -q --error-exitcode=9 --max-stackframe=16777216 %t > %t.out
// RUN: FileCheck %s < %t.out
// The C escapes of escape-c.c, on main, a thread and a fiber:
// RUN: %morestack_clang -O2 %S/escape-c.c -o %t.escape -pthread -Wl,--strip-debug
// RUN: env MORESTACK_MAIN_STACK=2K valgrind -q --error-exitcode=9 --max-stackframe=16777216 %t.escape main | FileCheck %S/escape-c.c
// RUN: env MORESTACK_THREAD_STACK=2K valgrind -q --error-exitcode=9 --max-stackframe=16777216 %t.escape thread | FileCheck %S/escape-c.c
// RUN: env valgrind -q --error-exitcode=9 --max-stackframe=16777216 %t.escape fiber | FileCheck %S/escape-c.c
//
// CHECK: fibers: 100 done, sum 5050
// CHECK-NEXT: deep: 500500
// CHECK-NEXT: formatted: 42 3.25
// CHECK-NOT: {{.}}

#include <morestack/morestack.h>
#include <stdio.h>

static char *volatile kept;

__attribute__((noinline)) static long deep(int n) {
  char buf[256];
  buf[n % 256] = (char)n;
  kept = buf;  // escapes: a side-stack object
  long r = n == 0 ? 0 : n + deep(n - 1);
  return r + (buf[n % 256] - (char)n);
}

static long sum;
static void fiber(void *arg) {
  long i = (long)arg;
  morestack_fiber_yield();
  sum += i + deep(20) - deep(20);
}

int main(void) {
  morestack_fiber *f[100];
  for (long i = 0; i < 100; ++i) {
    f[i] = morestack_fiber_create(fiber, (void *)(i + 1), 0);
    morestack_fiber_resume(f[i]);
  }
  int done = 0;
  for (int i = 0; i < 100; ++i) {
    done += morestack_fiber_resume(f[i]);
    morestack_fiber_destroy(f[i]);
  }
  printf("fibers: %d done, sum %ld\n", done, sum);
  printf("deep: %ld\n", deep(1000));
  char b[32];
  snprintf(b, sizeof b, "%d %.2f", 42, 3.25);
  printf("formatted: %s\n", b);
  return 0;
}

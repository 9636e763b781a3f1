// Programs built with morestack run under valgrind (memcheck) to the end
// with the right results: stacks that grow by copying, fibers that switch,
// the side stack, C library calls on the system stack, and the runtime's
// alternate signal stack (valgrind 3.19 refuses SS_AUTODISARM, which
// stopped every program at start-up: the runtime arms the stack without
// it). Memcheck still reports the conservative scan's reads of
// uninitialised stack words during a move ("Conditional jump or move
// depends on uninitialised value(s)" in relocate_words): not checked here.
//
// REQUIRES: valgrind
// valgrind 3.19 cannot read the DWARF 5 clang 19 writes: no debug info.
// RUN: %morestack_clang -O2 %s -o %t -Wl,--strip-debug
// RUN: env MORESTACK_MAIN_STACK=2K valgrind -q --max-stackframe=16777216 %t > %t.out
// RUN: FileCheck %s < %t.out
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

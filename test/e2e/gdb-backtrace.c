// gdb's backtrace goes from the runtime, on the system stack, back through
// __morestack into the checked code on the managed stack and down to main:
// the system-stack switch has CFI, and gdb accepts a frame named
// __morestack whose caller's stack looks inner (as for gcc's split stacks).
// Here at the overflow fatal of a deep recursion.
//
// REQUIRES: gdb
// RUN: %morestack_clang -O1 -g %s -o %t
// RUN: env MORESTACK_MAIN_STACK=64K MORESTACK_MAX_STACK=16M gdb -batch -nx -ex run -ex "bt 10" -ex "bt -2" %t 2>&1 | FileCheck %s
//
// CHECK: in __morestack_grow
// CHECK-NEXT: in __morestack ()
// CHECK-NEXT: in rec
// CHECK-NEXT: in rec
// CHECK: in rec (n=0)
// CHECK-NEXT: in main ()

#include <stdio.h>

__attribute__((noinline)) long rec(long n) {
  volatile char b[4000];
  b[n % 4000] = 1;
  return n + rec(n + 1) + b[7];
}

int main(void) {
  printf("%ld\n", rec(0));
  return 0;
}

// gdb's backtrace goes from the runtime, on the system stack, back through
// __morestack into the checked code on the managed stack and down to main:
// the system-stack switch has CFI, and gdb accepts a frame named
// __morestack whose caller's stack looks inner (as for gcc's split stacks).
// Here at the overflow fatal of a deep recursion, found by a prologue check
// and by a call-site check (before strtod: __morestack_reserve, whose slow
// path lies inside __morestack's symbol for that reason).
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
// CHECK-NEXT: in main (
// RUN: env MORESTACK_MAIN_STACK=64K MORESTACK_THREAD_STACK=64K MORESTACK_MAX_STACK=8M gdb -batch -nx -ex run -ex "bt 9" -ex "bt -2" --args %t reserve 2>&1 | FileCheck %s --check-prefix=RESERVE
// RESERVE: in __morestack_grow ({{.*}}frame=1792
// RESERVE-NEXT: in __morestack ()
// RESERVE-NEXT: in rec_calling
// RESERVE: in rec_calling (n=0)
// RESERVE-NEXT: in main (
//
// A C library function that runs on the system stack (snprintf, through
// __morestack_call_on_system, whose switch lies inside __morestack's symbol
// too): stopped inside it, the backtrace goes on into its caller.
// RUN: gdb -batch -nx -ex "break snprintf" -ex run -ex "bt 6" --args %t system 2>&1 | FileCheck %s --check-prefix=SYSTEM
// SYSTEM: #0 {{.*}}snprintf
// SYSTEM-NEXT: in __morestack ()
// SYSTEM-NEXT: in format_it
// SYSTEM-NEXT: in main (

#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) long rec(long n) {
  volatile char b[4000];
  b[n % 4000] = 1;
  return n + rec(n + 1) + b[7];
}

__attribute__((noinline)) double rec_calling(long n) {
  volatile char b[200];
  b[n % 200] = 1;
  return strtod("1.5", 0) + rec_calling(n + 1) + b[7];
}

__attribute__((noinline)) int format_it(char *buf, long n) {
  int r = snprintf(buf, 32, "%ld", n);
  return r + buf[0];  // not a tail call: format_it keeps its frame
}

int main(int argc, char **argv) {
  char buf[32];
  if (argc > 1 && argv[1][0] == 's') return format_it(buf, argc) > 0 ? 0 : 1;
  if (argc > 1) printf("%g\n", rec_calling(0));
  else printf("%ld\n", rec(0));
  return 0;
}

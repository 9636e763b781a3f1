// main runs on a growable stack (whole-program mode): a recursion that needs
// far more than the initial 2 KiB completes, pointers between frames stay
// valid across every growth, and the statistics count the growths.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
// Under a small OS stack limit too: main's stack is not the OS stack.
// RUN: sh -c 'ulimit -s 1024; env MORESTACK_MAIN_STACK=2K %t.O2' | FileCheck %s
// With the invariants checked after every move (MORESTACK_VERIFY=1):
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O0 | FileCheck %s
//
// CHECK: depth 20000 ok
// CHECK-NEXT: stack starts at 2048
// CHECK-NEXT: grew: yes

#include <morestack/morestack.h>
#include <stdio.h>

static long walk(int n, long *parent_slot) {
  long slot[8];
  slot[0] = n;
  if (parent_slot && parent_slot[0] != n + 1) return -1000000;  // pointer went stale
  if (n == 0) return 0;
  long below = walk(n - 1, slot);
  return below < 0 ? below : below + slot[0] - n + 1;
}

int main(void) {
  long r = walk(20000, 0);
  printf("depth 20000 %s\n", r == 20000 ? "ok" : "BROKEN");
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  printf("stack starts at %zu\n", s.initial_size);
  printf("grew: %s\n", s.growths > 0 && s.size >= 512 * 1024 ? "yes" : "no");
  return 0;
}

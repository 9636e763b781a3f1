// An instrumented comparator called by uninstrumented qsort grows the stack:
// qsort's own frames (no prologue, no map) are moved along and qsort keeps
// working with its relocated pointers and registers.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
//
// CHECK: qsort sorted 20000 ints correctly
// CHECK-NEXT: comparator grew the stack: yes

#include <morestack/morestack.h>
#include <stdio.h>
#include <stdlib.h>
#include "Inputs/grow.h"

static int calls;
static int compare(const void *a, const void *b) {
  ++calls;
  if (calls % 1000 == 0) grow(calls / 100);  // ever deeper: forces growth inside qsort
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(void) {
  static int v[20000];
  for (int i = 0; i < 20000; ++i) v[i] = (int)((i * 7919L) % 20000);
  morestack_stack_stats before, after;
  morestack_current_stack_stats(&before);
  qsort(v, 20000, sizeof v[0], compare);
  morestack_current_stack_stats(&after);
  int ok = 1;
  for (int i = 0; i < 20000; ++i) ok &= v[i] == i;
  printf("qsort sorted 20000 ints %s\n", ok ? "correctly" : "WRONGLY");
  printf("comparator grew the stack: %s\n", after.growths > before.growths ? "yes" : "no");
  return !ok;
}

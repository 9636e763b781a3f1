// Frames the stack maps do not describe: a fiber grows inside a qsort()
// comparator, so the walk of its stack meets glibc's qsort frame. Everything
// from there up is scanned conservatively (the pointer in the fiber's own
// frame, above qsort, is still relocated) and the move is counted as
// undescribed. A shrink asked for inside the comparator is refused (the
// runtime will not shrink a stack it cannot walk); the same request after
// qsort returns shrinks it.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: %t.O2 | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
//
// CHECK: sorted: yes
// CHECK-NEXT: local reachable after the move: yes
// CHECK-NEXT: undescribed walks: some
// CHECK-NEXT: shrink inside qsort refused: yes
// CHECK-NEXT: shrink after qsort: yes

#include <morestack/morestack.h>
#include <stdio.h>
#include <stdlib.h>

#include "Inputs/grow.h"

static int calls;
static size_t size_in_comparator;
static morestack_fiber *fiber;

static int compare(const void *a, const void *b) {
  if (calls++ == 0) {
    grow(200);  // ~100 KiB: 2 KiB -> 128 KiB, with qsort's frame on the stack
    morestack_stack_stats st;
    morestack_current_stack_stats(&st);
    size_in_comparator = st.size;
    morestack_shrink_stack();  // refused: qsort's frame cannot be walked
  }
  return *(const int *)a - *(const int *)b;
}

static void body(void *arg) {
  int local = 5;
  int *volatile p = &local;
  int values[32];
  for (int i = 0; i < 32; i++) values[i] = (i * 7) % 32;
  qsort(values, 32, sizeof values[0], compare);
  int sorted = 1;
  for (int i = 0; i < 32; i++) sorted &= values[i] == i;
  printf("sorted: %s\n", sorted ? "yes" : "no");
  printf("local reachable after the move: %s\n", p == &local && *p == 5 ? "yes" : "no");
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  printf("undescribed walks: %s\n", ps.walks_undescribed ? "some" : "none");
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  printf("shrink inside qsort refused: %s\n",
         ps.shrinks_refused >= 1 && st.shrinks == 0 && st.size == size_in_comparator ? "yes" : "no");
  morestack_shrink_stack();
  morestack_current_stack_stats(&st);
  printf("shrink after qsort: %s\n", st.shrinks == 1 && st.size < size_in_comparator ? "yes" : "no");
  (void)arg;
}

int main(void) {
  fiber = morestack_fiber_create(body, NULL, 0);
  morestack_fiber_resume(fiber);
  morestack_fiber_destroy(fiber);
  return 0;
}

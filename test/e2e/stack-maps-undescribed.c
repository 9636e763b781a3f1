// Frames the stack maps do not describe: a fiber grows inside a qsort()
// comparator, so the walk of its stack meets glibc's qsort frames. The walk
// steps over them with their unwind information and scans them whole
// (counted as foreign frames), and goes on precisely above. The fiber's
// local whose address escapes lives on the side stack and stays where it
// is; a double holding its address bits is left alone, like every
// pointer-free word. A shrink asked for inside the comparator is
// refused (the runtime does not shrink a stack with frames it can only
// guess about); the same request after qsort returns shrinks it.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: %t.O2 | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
//
// CHECK: sorted: yes
// CHECK-NEXT: local reachable after the move: yes
// CHECK-NEXT: double above qsort untouched: yes
// CHECK-NEXT: foreign frames: some, stopped walks: none
// CHECK-NEXT: shrink inside qsort refused: yes
// CHECK-NEXT: shrink after qsort: yes

#include <morestack/morestack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void opaque(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }
uintptr_t original;  /* a global, which no move changes */

static void body(void *arg) {
  int local = 5;
  int *volatile p = &local;
  opaque(&original);
  original = (uintptr_t)&local;
  double bits[2];  /* pointer-free: holds &local's bits, must not follow it */
  memcpy(&bits[0], &original, sizeof original);
  opaque(bits);
  int values[32];
  for (int i = 0; i < 32; i++) values[i] = (i * 7) % 32;
  qsort(values, 32, sizeof values[0], compare);
  int sorted = 1;
  for (int i = 0; i < 32; i++) sorted &= values[i] == i;
  printf("sorted: %s\n", sorted ? "yes" : "no");
  printf("local reachable after the move: %s\n", p == &local && *p == 5 ? "yes" : "no");
  uintptr_t kept;
  memcpy(&kept, &bits[0], sizeof kept);
  printf("double above qsort untouched: %s\n",
         (uintptr_t)&local == original && kept == original ? "yes" : "no");
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  printf("foreign frames: %s, stopped walks: %s\n", ps.frames_foreign ? "some" : "none",
         ps.walks_undescribed ? "some" : "none");
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

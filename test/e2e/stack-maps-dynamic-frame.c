// A VLA in the middle of the stack. It lives on the side stack
// (docs/escape-analysis.md), so the frame of the function that has it is
// static like every other and found from its size: the walk goes on
// precisely above it, with or without frame pointers. main's local, whose
// address escapes, stays where it is, and so does the double holding its
// address bits; the VLA's contents survive the moves; no walk stops.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=4K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=4K %t.O2 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=4K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
// RUN: %morestack_clang -O2 -fplugin-arg-morestack-frame-pointers %s -o %t.fp
// RUN: env MORESTACK_MAIN_STACK=4K %t.fp | FileCheck %s
//
// CHECK: vla sum: ok
// CHECK-NEXT: local stayed: yes, pointer right: yes, double untouched: yes
// CHECK-NEXT: stopped walks: none, described frames: some

#include <morestack/morestack.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "Inputs/grow.h"

static void opaque(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }
uintptr_t original;  // a global, which no move changes

// A static frame with many live values: at -O2 it may use %rbp as an
// ordinary register (saving the caller's somewhere only the unwind
// information says).
__attribute__((noinline)) static long middle(long n, long a, long b, long c, long d) {
  long e = a * 3, f = b * 5, g = c * 7, h = d * 11, i = a ^ b, j = c ^ d;
  long r = grow((int)n);
  return r + e + f + g + h + i + j - (a * 3 + b * 5 + c * 7 + d * 11 + (a ^ b) + (c ^ d));
}

__attribute__((noinline)) static long with_vla(int n) {
  char v[n];
  memset(v, 1, (size_t)n);
  opaque(v);
  long r = middle(300, n, n + 1, n + 2, n + 3);
  long sum = 0;
  for (int k = 0; k < n; k++) sum += v[k];
  return r + sum;
}

int main(void) {
  int local = 9;
  int *volatile p = &local;
  opaque(&original);
  original = (uintptr_t)&local;
  double bits;
  memcpy(&bits, &original, sizeof bits);
  opaque(&bits);
  long r = with_vla(100);
  printf("vla sum: %s\n", r == 100 + grow(300) ? "ok" : "wrong");
  uintptr_t kept;
  memcpy(&kept, &bits, sizeof kept);
  printf("local stayed: %s, pointer right: %s, double untouched: %s\n",
         (uintptr_t)&local == original ? "yes" : "no", p == &local && *p == 9 ? "yes" : "no",
         kept == original ? "yes" : "no");
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  printf("stopped walks: %s, described frames: %s\n", s.walks_undescribed ? "some" : "none",
         s.frames_described ? "some" : "none");
  return 0;
}

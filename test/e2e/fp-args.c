// Floating-point and vector arguments live in xmm registers across a growth:
// __morestack saves xmm0-7 with the integer argument registers and restores
// them on the new stack (a live xmm0 across __morestack is a known GCC bug).
// An x87 long double travels in memory (10 bytes in a 16-byte slot) and is
// moved with the frame.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
//
// CHECK: doubles ok
// CHECK-NEXT: floats and vectors ok
// CHECK-NEXT: long double ok

#include <morestack/morestack.h>
#include <stdio.h>

typedef float v4f __attribute__((vector_size(16)));

// Eight double arguments: every xmm argument register is live at entry.
__attribute__((noinline)) static double eight(double a, double b, double c, double d, double e,
                                              double f, double g, double h, int n) {
  volatile char pad[200];  // indexed by n: the whole array stays
  pad[n % 200] = 1;
  if (n == 0) return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + (pad[0] - 1);
  double r = eight(a, b, c, d, e, f, g, h, n - 1);  // not a tail call: frames pile up
  return r + (pad[n % 200] - 1);
}

__attribute__((noinline)) static float vec(v4f v, float x, v4f w, int n) {
  volatile char pad[200];
  pad[n % 200] = 1;
  if (n == 0) return v[0] + v[1] + v[2] + v[3] + x + w[0] * w[3] + (pad[0] - 1);
  float r = vec(v, x, w, n - 1);
  return r + (pad[n % 200] - 1);
}

__attribute__((noinline)) static long double ld(long double x, int n) {
  volatile char pad[200];
  pad[n % 200] = 1;
  if (n == 0) return x + (pad[0] - 1);
  long double r = ld(x, n - 1);
  return r + (pad[n % 200] - 1);
}

int main(void) {
  double d = eight(1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 3000);
  printf("doubles %s\n", d == 1.5 + 5 + 10.5 + 18 + 27.5 + 39 + 52.5 + 68 ? "ok" : "BROKEN");
  v4f v = {1, 2, 3, 4}, w = {0.5f, 0, 0, 4};
  float f = vec(v, 0.25f, w, 3000);
  printf("floats and vectors %s\n", f == 10 + 0.25f + 2 ? "ok" : "BROKEN");
  long double l = ld(1.0L / 3, 3000);
  printf("long double %s\n", l == 1.0L / 3 ? "ok" : "BROKEN");
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  return s.growths > 3 ? 0 : 2;  // the recursion must really have grown the stack
}

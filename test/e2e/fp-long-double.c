// KNOWN BUG of conservative relocation (runtime/relocate.h): a long double
// argument is passed in memory as 10 bytes in a 16-byte slot. The 6 padding
// bytes keep whatever was there before, typically the upper bytes of a saved
// frame pointer of an earlier call, so the word holding the exponent reads
// as an address inside the live stack and the scan "relocates" it,
// corrupting the exponent. Precise stack maps (which know the slot holds an
// x86_fp80) are the fix; until then this test is expected to fail, and lit
// reports an unexpected pass once it is fixed.
//
// XFAIL: *
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
// CHECK: long double ok

#include <stdio.h>

__attribute__((noinline)) static long double ld(long double x, int n) {
  volatile char pad[200];  // indexed by n: the whole array stays
  pad[n % 200] = 1;
  if (n == 0) return x + pad[0] - 1;
  long double r = ld(x, n - 1);
  return r + pad[n % 200] - 1;
}

int main(void) {
  long double l = ld(1.0L / 3, 3000);
  printf("long double %s\n", l == 1.0L / 3 ? "ok" : "BROKEN");
  return 0;
}

// Code built with -fcf-protection=full (the default of several
// distributions' compilers) gets endbr64 before its stack check, and runs:
// growth, the side stack, setjmp/longjmp after a move and variadic calls, on
// main, threads and fibers (the programs of escape-c.c and vararg.c).
//
// RUN: %morestack_clang -O2 -fcf-protection=full %S/escape-c.c -o %t.escape -pthread
// RUN: env MORESTACK_MAIN_STACK=2K %t.escape main | FileCheck %S/escape-c.c
// RUN: env MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t.escape thread | FileCheck %S/escape-c.c
// RUN: env MORESTACK_FIBER_STACK=2K %t.escape fiber | FileCheck %S/escape-c.c
// RUN: %morestack_clang -O0 -fcf-protection=full %s -o %t -pthread
// RUN: env MORESTACK_MAIN_STACK=2K %t | FileCheck %s
// RUN: llvm-objdump -d --no-show-raw-insn %t | FileCheck %s --check-prefix=ASM
//
// CHECK: depth 2000: sum 2001000
// ASM-LABEL: <depth>:
// ASM-NEXT: endbr64
// ASM-NEXT: cmpq %fs:0x70, %rsp

#include <stdio.h>

__attribute__((noinline)) long depth(int n) {
  volatile char pad[200];
  pad[n % 200] = (char)n;
  return n == 0 ? 0 : n + depth(n - 1) + pad[(n * 3) % 200] - pad[(n * 3) % 200];
}

int main(void) {
  long (*volatile f)(int) = depth;  // an indirect call: the target needs its endbr64
  printf("depth 2000: sum %ld\n", f(2000));
  return 0;
}

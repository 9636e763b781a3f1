// morestack-clang compiles and links a C program: the plugin instruments every
// function, lld rewrites the prologue of functions that call libc, and main
// runs on the runtime's stack (--wrap=main), at -O0 and at -O2.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: llvm-objdump -d --no-show-raw-insn %t.O0 | FileCheck %s
// RUN: %t.O0
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: llvm-objdump -d --no-show-raw-insn %t.O2 | FileCheck %s
// RUN: %t.O2

// Whole-program mode: _start hands __wrap_main (the runtime's) to libc, not main.
// CHECK-LABEL: <_start>:
// CHECK: {{lea|mov}}{{.*}}<__wrap_main>

// A function that calls only instrumented code keeps the plugin's check
// (the split-stack prologue, guard at %fs:0x70).
// CHECK-LABEL: <helper>:
// CHECK-NEXT: cmpq %fs:{{0x70|112}}, %rsp

// A function that calls libc: lld (and only lld) rewrote its prologue.
// CHECK-LABEL: <call_libc>:
// CHECK-NEXT: stc
// CHECK-NEXT: nopl

#include <stdio.h>

__attribute__((noinline)) static int leaf(int x) {
  volatile int a[4];
  a[x & 3] = x;
  return a[x & 3];
}

__attribute__((noinline)) int helper(int x) { return leaf(x) * 2 + 1; }

__attribute__((noinline)) int call_libc(const char *s) { return puts(s) + 1; }

int main(int argc, char **argv) {
  if (argc > 5) // never: keep the libc call out of the run
    return call_libc(argv[0]);
  return helper(argc) == 3 ? 0 : 1;
}

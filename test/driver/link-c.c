// morestack-clang compiles and links a C program: the plugin instruments every
// function and checks the stack before each call into libc that needs more
// than the nosplit budget, the linker leaves every prologue alone, and main
// runs on a growable stack (whole-program mode: the runtime's
// __libc_start_main), at -O0 and at -O2.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: llvm-objdump -d --no-show-raw-insn %t.O0 | FileCheck %s
// RUN: %t.O0 | FileCheck %s --check-prefix=OUT
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: llvm-objdump -d --no-show-raw-insn %t.O2 | FileCheck %s
// RUN: %t.O2 | FileCheck %s --check-prefix=OUT

// Whole-program mode: _start (crt1) passes main itself and calls the
// executable's own __libc_start_main (the runtime's) directly; libc's would be
// called through the GOT (callq *...(%rip)).
// CHECK-LABEL: <_start>:
// CHECK: leaq {{.*}} <main>
// CHECK-NEXT: callq {{0x[0-9a-f]+}} <__libc_start_main>

// A function that calls only instrumented code keeps the plugin's check
// (the split-stack prologue, guard at %fs:0x70).
// CHECK-LABEL: <helper>:
// CHECK-NEXT: cmpq %fs:{{0x70|112}}, %rsp

// A function that calls libc keeps its prologue; the call to puts (which
// needs 0x380 bytes, plugin/LibraryStackNeeds.inc) is checked where it is
// made.
// CHECK-LABEL: <call_libc>:
// CHECK-NEXT: cmpq %fs:{{0x70|112}}, %rsp
// CHECK: {{(addq \$-0x380|subq \$0x380)}}, %r
// CHECK: callq {{.*}} <puts@plt>

// main calls libc too: its prologue is not rewritten either.
// CHECK-LABEL: <main>:
// CHECK-NEXT: cmpq %fs:{{0x70|112}}, %rsp

// And main really runs on a managed (growable) stack.
// OUT: managed=1

#include <morestack/morestack.h>
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
  morestack_stack_stats st;
  printf("managed=%d\n", morestack_current_stack_stats(&st));
  return helper(argc) == 3 ? 0 : 1;
}

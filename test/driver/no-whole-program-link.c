// -morestack-no-whole-program must link and run: main keeps its own stack and
// _start calls it directly, not the runtime's __wrap_main.
// (The whole-archive runtime must refer to __real_main weakly: without
// --wrap=main nothing defines it.)
//
// RUN: %morestack_clang -morestack-no-whole-program -O1 %s -o %t
// RUN: llvm-objdump -d --no-show-raw-insn %t | FileCheck %s
// RUN: %t
// CHECK-LABEL: <_start>:
// CHECK: {{lea|mov}}{{.*}}<main>

int main(void) { return 0; }

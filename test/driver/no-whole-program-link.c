// -morestack-no-whole-program must link and run, with main on its ordinary
// (OS) stack: the link defines __morestack_no_whole_program (an absolute
// symbol, 1), which the runtime's __libc_start_main reads to leave main alone.
// The same program linked by default runs main on a managed stack.
//
// RUN: %morestack_clang -morestack-no-whole-program -O1 %s -o %t.nwp
// RUN: %t.nwp | FileCheck %s --check-prefix=NWP
// RUN: llvm-nm %t.nwp | FileCheck %s --check-prefix=NWPSYM
// NWP: managed=0
// NWPSYM: {{0+1}} A __morestack_no_whole_program
//
// RUN: %morestack_clang -O1 %s -o %t.wp
// RUN: %t.wp | FileCheck %s --check-prefix=WP
// RUN: llvm-nm %t.wp | FileCheck %s --check-prefix=WPSYM
// WP: managed=1
// WPSYM: {{^ +}}w __morestack_no_whole_program
//
// Both ways, _start calls the runtime's __libc_start_main (the executable
// defines it) with main itself.
// RUN: llvm-objdump -d --no-show-raw-insn %t.nwp | FileCheck %s --check-prefix=START
// RUN: llvm-objdump -d --no-show-raw-insn %t.wp | FileCheck %s --check-prefix=START
// START-LABEL: <_start>:
// START: leaq {{.*}} <main>
// START-NEXT: callq {{0x[0-9a-f]+}} <__libc_start_main>

#include <morestack/morestack.h>
#include <stdio.h>

int main(void) {
  morestack_stack_stats st;
  printf("managed=%d\n", morestack_current_stack_stats(&st));
  return 0;
}

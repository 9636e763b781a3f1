// MORESTACK_VERIFY catches a real violation of the one rule for users (no
// pointer to a stack variable where the runtime cannot see it): a global
// keeps the address of a local across a growth. Without verify mode the
// read goes to the old, recycled block and silently returns garbage; with it
// the old block is made inaccessible and the access is reported, naming the
// stack and where the variable went.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=8K %t.O0 | FileCheck %s --check-prefix=SILENT
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O0 2>&1 | FileCheck %s --check-prefix=VERIFY
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O2 2>&1 | FileCheck %s --check-prefix=VERIFY
//
// SILENT: read through the stale pointer: {{-?[0-9]+}}, expected 7
// VERIFY: morestack: fatal: verify: stale stack pointer: the program accessed 0x[[ADDR:[0-9a-f]+]], {{[0-9]+}} bytes below the top of an old block of main (thread 1); the stack has moved since (that byte is now at 0x{{[0-9a-f]+}})
// VERIFY-NOT: read through the stale pointer

#include <stdio.h>

#include "Inputs/grow.h"

int *volatile saved;  // a global: the runtime cannot update it

int main(void) {
  int local = 7;
  saved = &local;
  grow(100);  // ~53 KiB: the stack moves
  printf("read through the stale pointer: %d, expected %d\n", *saved, local);
  return 0;
}

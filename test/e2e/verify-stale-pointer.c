// A stale pointer to a stack variable is reported, naming the stack, how
// long ago it moved, where the variable went, and where the access was
// made. A local whose address escapes lives on the side stack and never
// moves (docs/escape-analysis.md), so the one way left to a stale pointer
// is a function that promises not to keep its argument (noescape, or a
// library's nocapture) and keeps it anyway, here in a global:
//  - under MORESTACK_VERIFY old blocks are made inaccessible, 2 KiB blocks
//    included (each has a page of its own in verify mode);
//  - in the default mode, an old block that was unmapped (over 256 KiB)
//    faults too, and is reported the same way; a small block goes back to
//    the pool and the read silently returns whatever is there.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=8K %t.O0 | FileCheck %s --check-prefix=SILENT
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O0 2>&1 | FileCheck %s --check-prefix=VERIFY
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 not --crash %t.O0 2>&1 | FileCheck %s --check-prefix=VERIFY
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O2 2>&1 | FileCheck %s --check-prefix=VERIFY
// RUN: env MORESTACK_MAIN_STACK=512K not --crash %t.O2 big 2>&1 | FileCheck %s --check-prefix=VERIFY
//
// SILENT: read through the stale pointer: {{-?[0-9]+}}, expected 7
// VERIFY: morestack: the access was made at:
// VERIFY-NEXT: morestack: backtrace of main (thread 1)
// VERIFY-NEXT: #0 0x{{[0-9a-f]+}} main (the faulting instruction)
// VERIFY: morestack: fatal: stale stack pointer: the program accessed 0x{{[0-9a-f]+}}, {{[0-9]+}} bytes below the top of an old block of main (thread 1), freed when that stack moved {{[0-9]+\.[0-9]+}} ms ago (that byte is now at 0x{{[0-9a-f]+}})
// VERIFY-NOT: read through the stale pointer

#include <stdio.h>

#include "Inputs/grow.h"

int *volatile saved;  // a global: the runtime cannot update it

// Breaks its promise: p is kept after the call.
__attribute__((noinline)) void keep(int *p __attribute__((noescape))) { saved = p; }

int main(int argc, char **argv) {
  (void)argv;
  int local = 7;
  keep(&local);
  grow(argc > 1 ? 1200 : 100);  // ~53 KiB (or ~640 KiB): the stack moves
  printf("read through the stale pointer: %d, expected %d\n", *saved, local);
  return 0;
}

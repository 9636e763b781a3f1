// A stale pointer to a stack variable is reported, naming the stack, how
// long ago it moved, where the variable went, and where the access was
// made. A local whose address escapes lives on the side stack and never
// moves (docs/escape-analysis.md), so the one way left to a stale pointer
// is a function that promises not to keep its argument (noescape, or a
// library's nocapture) and keeps it anyway, here in a global:
//  - under MORESTACK_VERIFY old blocks are made inaccessible, 2 KiB blocks
//    included (each has a page of its own in verify mode);
//  - in the default mode, the old block goes back to the pool and the read
//    silently returns whatever is there;
//  - a stack past 256 KiB lives in a range of its own and grows in place
//    (docs/runtime.md): started at 512 KiB, it never moves, and the kept
//    pointer stays good.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=8K %t.O0 | FileCheck %s --check-prefix=SILENT
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O0 2>&1 | FileCheck %s --check-prefix=VERIFY
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 not --crash %t.O0 2>&1 | FileCheck %s --check-prefix=VERIFY
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O2 2>&1 | FileCheck %s --check-prefix=VERIFY
// RUN: env MORESTACK_MAIN_STACK=512K %t.O2 big 2>&1 | FileCheck %s --check-prefix=INPLACE
// RUN: env MORESTACK_MAIN_STACK=512K MORESTACK_VERIFY=1 %t.O2 big 2>&1 | FileCheck %s --check-prefix=INPLACE
// INPLACE: read through the stale pointer: 7, expected 7
//
// Under MORESTACK_VERIFY, a move also checks that no word of the thread's
// side stacks or thread-local storage points into the old block: such a
// word is reported at the move, before anything reads it, with where the
// stack moved.
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O0 tls 2>&1 | FileCheck %s --check-prefix=TLS
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O2 tls 2>&1 | FileCheck %s --check-prefix=TLS
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O0 side 2>&1 | FileCheck %s --check-prefix=SIDE
// RUN: env MORESTACK_MAIN_STACK=8K MORESTACK_VERIFY=1 not --crash %t.O2 side 2>&1 | FileCheck %s --check-prefix=SIDE
// TLS: morestack: the stack moved at:
// TLS-NEXT: morestack: backtrace of main (thread 1)
// TLS: grow
// TLS: morestack: fatal: verify: after moving the stack of main (thread 1), 1 word(s) outside it still point into its old block [0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}): the first, in the thread-local storage of the program at 0x{{[0-9a-f]+}}, holds 0x{{[0-9a-f]+}}.
// SIDE: morestack: fatal: verify: after moving the stack of main (thread 1), 1 word(s) outside it still point into its old block [0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}): the first, in the side stack (objects whose address escapes) at 0x{{[0-9a-f]+}}
//
// SILENT: read through the stale pointer: {{-?[0-9]+}}, expected 7
// VERIFY: morestack: the access was made at:
// VERIFY-NEXT: morestack: backtrace of main (thread 1)
// VERIFY-NEXT: #0 0x{{[0-9a-f]+}} main (the faulting instruction)
// VERIFY: morestack: fatal: stale stack pointer: the program accessed 0x{{[0-9a-f]+}}, {{[0-9]+}} bytes below the top of an old block of main (thread 1), freed when that stack moved {{[0-9]+\.[0-9]+}} ms ago (that byte is now at 0x{{[0-9a-f]+}})
// VERIFY-NOT: read through the stale pointer

#include <stdio.h>
#include <string.h>

#include "Inputs/grow.h"

int *volatile saved;  // a global: the runtime cannot update it

// Break their promise: p is kept after the call.
__attribute__((noinline)) void keep(int *p __attribute__((noescape))) { saved = p; }
_Thread_local int *tls_saved;
__attribute__((noinline)) void keep_tls(int *p __attribute__((noescape))) { tls_saved = p; }
struct holder { int *p; };
__attribute__((noinline)) void keep_in(struct holder *h, int *p __attribute__((noescape))) { h->p = p; }
__attribute__((noinline)) void opaque(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

int main(int argc, char **argv) {
  int local = 7;
  if (argc > 1 && !strcmp(argv[1], "tls")) {
    keep_tls(&local);
    grow(100);
    printf("not reported: %d\n", *tls_saved);
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "side")) {
    struct holder h;  // its address escapes: on the side stack
    opaque(&h);
    keep_in(&h, &local);
    grow(100);
    printf("not reported: %d\n", *h.p);
    return 0;
  }
  keep(&local);
  grow(argc > 1 ? 1200 : 100);  // ~53 KiB (or ~640 KiB): the stack moves
  printf("read through the stale pointer: %d, expected %d\n", *saved, local);
  return 0;
}

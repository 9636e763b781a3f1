// Linkers: lld (the default, and what LTO needs) and gold link code built
// with morestack; GNU ld (bfd) cannot (it refuses the link-time constants
// the call-site checks read, absolute symbols, in a position-independent
// executable), so the wrapper refuses it with the reason before clang runs
// (even for a compile-only step).
//
// RUN: not %morestack_clang -fuse-ld=bfd %s -o %t 2>&1 | FileCheck %s --check-prefixes=ERR,BFD
// RUN: not %morestack_clang -c -fuse-ld=bfd %s -o %t.o 2>&1 | FileCheck %s --check-prefixes=ERR,BFD
// RUN: not %morestack_clang --ld-path=/usr/bin/ld.bfd %s -o %t 2>&1 | FileCheck %s --check-prefixes=ERR,LDPATH
// RUN: not %morestack_clang -fuse-ld= %s -o %t 2>&1 | FileCheck %s --check-prefix=EMPTY
// BFD: morestack-clang: error: '-fuse-ld=bfd': GNU ld (bfd) cannot link code built with morestack
// LDPATH: morestack-clang: error: '--ld-path=/usr/bin/ld.bfd': GNU ld (bfd) cannot link code built with morestack
// ERR-SAME: use lld (the default here) or gold
// ERR-NOT: clang: error
// EMPTY: morestack-clang: error: '-fuse-ld=': no linker named
//
// Static linking cannot interpose __libc_start_main: refused with the reason.
// RUN: not %morestack_clang -static %s -o %t 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: not %morestack_clang -static-pie %s -o %t 2>&1 | FileCheck %s --check-prefix=STATIC
// STATIC: morestack-clang: error: '-static{{(-pie)?}}': static linking is not supported: the runtime puts main and threads on growable stacks by interposing __libc_start_main
//
// lld, however spelled, and gold link it, and the program's calls into
// libc are checked at the call (no prologue rewriting by the linker: the
// split-stack notes are excluded from the link).
// RUN: %morestack_clang -O2 -fuse-ld=lld %s -o %t.lld
// RUN: %t.lld | FileCheck %s
// RUN: %morestack_clang -O2 --ld-path=ld.lld %s -o %t.lld2
// RUN: %t.lld2 | FileCheck %s
// RUN: %morestack_clang -O2 -fuse-ld=gold %s -o %t.gold
// RUN: %t.gold | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t.gold | FileCheck %s
// CHECK: fiber formatted: 3.14 1e+300

#include <morestack/morestack.h>
#include <stdio.h>

static char text[64];
static void body(void *arg) {
  (void)arg;
  snprintf(text, sizeof text, "%g %Lg", 3.14, 1e300L);  // from a 2 KiB fiber
}

int main(void) {
  morestack_fiber *f = morestack_fiber_create(body, NULL, 0);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
  printf("fiber formatted: %s\n", text);
  return 0;
}

// morestack needs lld: a non-lld linker is an error from the wrapper, with
// the reason, before clang runs (even for a compile-only step).
//
// RUN: not %morestack_clang -fuse-ld=bfd %s -o %t 2>&1 | FileCheck %s --check-prefixes=ERR,BFD
// RUN: not %morestack_clangxx -x c++ -fuse-ld=gold %s -o %t 2>&1 | FileCheck %s --check-prefixes=ERR,GOLD
// RUN: not %morestack_clang -c -fuse-ld=bfd %s -o %t.o 2>&1 | FileCheck %s --check-prefixes=ERR,BFD
// RUN: not %morestack_clang -fuse-ld= %s -o %t 2>&1 | FileCheck %s --check-prefixes=ERR,EMPTY
// BFD: morestack-clang: error: '-fuse-ld=bfd': morestack needs lld
// GOLD: morestack-clang++: error: '-fuse-ld=gold': morestack needs lld
// EMPTY: morestack-clang: error: '-fuse-ld=': morestack needs lld
// ERR-SAME: rewrites the prologue of every instrumented function that calls uninstrumented code
// ERR-NOT: clang: error
//
// RUN: not %morestack_clang --ld-path=/usr/bin/ld.bfd %s -o %t 2>&1 | FileCheck %s --check-prefix=LDPATH
// LDPATH: morestack-clang: error: '--ld-path=/usr/bin/ld.bfd' is not lld: morestack needs lld
//
// lld itself, however spelled, is fine.
// RUN: %morestack_clang -fuse-ld=lld %s -o %t
// RUN: %t
// RUN: %morestack_clang --ld-path=ld.lld %s -o %t
// RUN: %t

int main(void) { return 0; }

// LTO is refused by default (diag-config.c). With allow-lto the
// "split-stack" attribute, the nosplit marks, the outlined variadic bodies,
// the side stack's code and the call-site checks travel in the bitcode, and
// lld's LTO code generation emits the prologues. The module assembly that
// excludes the .note.GNU-split-stack travels too: lld leaves the prologues
// of functions calling non-split code (here: puts, printf) alone; printf
// runs on the system stack through the module's stub.
// RUN: rm -rf %t && mkdir %t
// RUN: %clang -fplugin=%plugin -fplugin-arg-morestack-allow-lto -flto -O2 -c %s -o %t/full.o
// RUN: llvm-dis %t/full.o -o - | FileCheck %s --check-prefix=BC
// RUN: %clang -flto -fuse-ld=lld -O2 %t/full.o %S/Inputs/morestack-stub.s -o %t/full
// RUN: llvm-objdump -d --no-show-raw-insn %t/full | FileCheck %s --check-prefix=LINKED
// RUN: %t/full | FileCheck %s --check-prefix=OUT
// RUN: %clang -fplugin=%plugin -fplugin-arg-morestack-allow-lto -flto=thin -O2 -c %s -o %t/thin.o
// RUN: llvm-dis %t/thin.o -o - | FileCheck %s --check-prefix=BC
// RUN: %clang -flto=thin -fuse-ld=lld -O2 %t/thin.o %S/Inputs/morestack-stub.s -o %t/thin
// RUN: llvm-objdump -d --no-show-raw-insn %t/thin | FileCheck %s --check-prefix=LINKED
// RUN: %t/thin | FileCheck %s --check-prefix=OUT

#include <stdio.h>
#include <stdarg.h>

__attribute__((noinline)) int big_frame(int i) {
  volatile char buf[2000];
  buf[i] = (char)i;
  puts(buf[i] == 1 ? "big 1" : "big ?");
  return buf[i];
}

__attribute__((noinline, nosplit)) int quick(int i) { return i + 1; }

__attribute__((noinline)) int sum(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  while (n--)
    s += va_arg(ap, int);
  va_end(ap);
  return s;
}

int main(int argc, char **argv) {
  printf("sum %d\n", sum(3, 1, 2, 3) + quick(argc) + big_frame(argc));
  return 0;
}

// BC: define{{.*}} i32 @big_frame({{.*}} [[SPLIT:#[0-9]+]]
// BC: define{{.*}} i32 @quick({{.*}} [[NOSPLIT:#[0-9]+]]
// BC: define internal i32 @sum.morestack.body(
// BC: attributes [[SPLIT]] = {{{.*}}"split-stack"
// BC: attributes [[NOSPLIT]] = {{{.*}}"morestack-nosplit"

// Without stack maps (the LTO backend has no GC strategy) every object
// lives on the side stack: big_frame's 2000-byte buffer is there, its
// moving frame is small, and the call to puts is checked at the call
// with puts's own need.
// LINKED-LABEL: <big_frame>:
// LINKED-NEXT: cmpq %fs:0x70, %rsp
// LINKED: movq %fs:0x60,
// LINKED: cmpq $0x7cf,
// LINKED: addq $-0x{{[0-9a-f]+}}, %rax
// LINKED-NEXT: cmpq %fs:0x70, %rax
// LINKED: callq {{.*}} <puts@plt>
// LINKED-NOT: __morestack_non_split
// LINKED: callq {{.*}} <__morestack>
// LINKED-LABEL: <quick>:
// LINKED-NOT: %fs:0x70
// LINKED: retq
// LINKED-LABEL: <main>:
// LINKED-NEXT: cmpq %fs:0x70, %rsp

// OUT: big 1
// OUT: sum 9

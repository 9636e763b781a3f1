// The three prologue shapes of the Go-style check, at -O0 and -O2, from the
// "split-stack" attribute the plugin adds (X86FrameLowering emits them).
// RUN: %clang -fplugin=%plugin -O2 -S %s -o - | FileCheck %s --check-prefixes=CHECK,O2
// RUN: %clang -fplugin=%plugin -O0 -fomit-frame-pointer -S %s -o - | FileCheck %s --check-prefixes=CHECK,O0
// Without the plugin there is no check at all:
// RUN: %clang -O2 -S %s -o - | FileCheck %s --check-prefix=NOPLUGIN
// The object has the split-stack note section (excluded from links, below),
// and the guard is %fs:0x70:
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o
// RUN: llvm-readelf -S %t.o | FileCheck %s --check-prefix=NOTE
// RUN: llvm-objdump -d --no-show-raw-insn %t.o | FileCheck %s --check-prefix=OBJ

int callee(int);

// Frameless leaf: no frame, no call, so no check.
// CHECK-LABEL: leaf:
// CHECK-NOT: %fs:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end0:
int leaf(void) { return 42; }

// Frame < 256 bytes: compare %rsp itself.
// CHECK-LABEL: small_frame:
// CHECK-NOT: %r11
// CHECK: cmpq %fs:112, %rsp
// O2-NEXT: jbe
// O0-NEXT: ja
// CHECK: movl ${{[0-9]+}}, %r10d
// CHECK-NEXT: movl $0, %r11d
// CHECK-NEXT: callq __morestack
// CHECK-NEXT: retq
// CHECK: .Lfunc_end1:
int small_frame(int i) {
  volatile int a[16];
  a[i] = i;
  return callee(a[3]);
}

// Frame >= 256 bytes: compare %rsp - frame, computed in %r11.
// CHECK-LABEL: large_frame:
// CHECK: leaq -[[FRAME:[0-9]+]](%rsp), %r11
// CHECK-NEXT: cmpq %fs:112, %r11
// CHECK: movl $[[FRAME]], %r10d
// CHECK-NEXT: movl $0, %r11d
// CHECK-NEXT: callq __morestack
// CHECK-NEXT: retq
// CHECK: .Lfunc_end2:
int large_frame(int i) {
  volatile int a[1000];
  a[i] = i;
  return callee(a[3]);
}

// Stack arguments: their size goes to %r11 for __morestack to copy.
// CHECK-LABEL: stack_args:
// CHECK: cmpq %fs:112, %rsp
// CHECK: movl $16, %r11d
// CHECK-NEXT: callq __morestack
// CHECK-NEXT: retq
int stack_args(int a, int b, int c, int d, int e, int f, int g, int h) {
  return callee(a + b + c + d + e + f + g + h);
}

// The split-stack notes are there (the AsmPrinter writes them), but
// excluded from links (flag "e"): no linker rewrites these prologues; calls
// into code without checks are checked where they are made
// (call-site-reserve.c).
// CHECK: .section ".note.GNU-split-stack","e",@progbits
// NOPLUGIN-NOT: __morestack
// NOPLUGIN-NOT: %fs:112
// NOPLUGIN-NOT: GNU-split-stack

// NOTE: .note.GNU-split-stack

// OBJ-LABEL: <small_frame>:
// OBJ-NEXT: cmpq %fs:0x70, %rsp
// OBJ-LABEL: <large_frame>:
// OBJ-NEXT: leaq -0x{{[0-9a-f]+}}(%rsp), %r11
// OBJ-NEXT: cmpq %fs:0x70, %r11

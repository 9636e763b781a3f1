// Calls into code without checks are checked where they are made
// (plugin/CallSiteReserve.h): each call reserves what its callee needs.
//
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=MASM
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o
// RUN: llvm-readelf -s %t.o | FileCheck %s --check-prefix=SYM
// RUN: llvm-objdump -d -r --no-show-raw-insn %t.o | FileCheck %s --check-prefix=DIS
// Switched off (for debugging), nothing is checked:
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - -mllvm -morestack-call-site-reserve=0 | FileCheck %s --check-prefix=OFF

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ext(int);                                  // defined elsewhere
__attribute__((nosplit)) int ext_nosplit(int); // declared nosplit
int (*volatile fp)(int);

__attribute__((noinline)) int here(int x) { return x + 1; }

// malloc, free, strlen need less than the nosplit budget (768 bytes,
// LibraryStackNeeds.inc): no check.
// CHECK-LABEL: define{{.*}} i64 @small(
// CHECK-NOT: morestack
// CHECK: ret i64
size_t small(const char *s) {
  char *p = malloc(strlen(s) + 1);
  strcpy(p, s);
  size_t n = strlen(p);
  free(p);
  return n;
}

// snprintf needs 37760 bytes: %rsp - 37760 must stay above the guard.
// CHECK-LABEL: define{{.*}} i32 @known(
// CHECK: [[SP:%.*]] = call i64 @llvm.read_register.i64(metadata [[RSP:![0-9]+]])
// CHECK-NEXT: [[G:%.*]] = load i64, ptr addrspace(257) inttoptr (i64 112 to ptr addrspace(257))
// CHECK-NEXT: [[LIM:%.*]] = sub i64 [[SP]], 37760
// CHECK-NEXT: [[OK:%.*]] = icmp ugt i64 [[LIM]], [[G]]
// CHECK-NEXT: br i1 [[OK]], label %[[CALL:.*]], label %[[GROW:.*]], !prof
// CHECK: [[GROW]]:
// CHECK-NEXT: call void @__morestack_reserve(i64 37760)
// CHECK: [[CALL]]:
// CHECK: call i32 (ptr, i64, ptr, ...) @snprintf(
int known(char *buf, int x) { return snprintf(buf, 64, "%d", x); }

// A function defined elsewhere: the linker says what it needs, through the
// immediate value of "ext.morestack_need" (0: unknown, 16 KiB).
// CHECK-LABEL: define{{.*}} i32 @unknown(
// CHECK: call i32 asm "movl $$\22ext.morestack_need\22, $0", "=r"()
// CHECK: [[NEED:%.*]] = select i1 {{.*}}, i64 16384, i64
// CHECK: call void @__morestack_reserve(i64 [[NEED]])
// CHECK: call i32 @ext(
int unknown(int x) { return ext(x) + 1; }

// Defined here, or declared nosplit: no check.
// CHECK-LABEL: define{{.*}} i32 @local_and_nosplit(
// CHECK-NOT: morestack
// CHECK: ret i32
int local_and_nosplit(int x) { return here(x) + ext_nosplit(x); }

// Through a pointer: 16 KiB, or the runtime decides from the target.
// CHECK-LABEL: define{{.*}} i32 @indirect(
// CHECK: icmp ugt i64 {{.*}}
// CHECK: call void @__morestack_reserve_call(ptr [[TARGET:%.*]])
// CHECK: call i32 [[TARGET]](
int indirect(int x) { return fp(x); }

// A nosplit function gets no checks (its chain is the budget check's).
// CHECK-LABEL: define{{.*}} i32 @quiet(
// CHECK-NOT: morestack
// CHECK: ret i32
__attribute__((nosplit)) int quiet(int x) { return ext(x); }

// The module defines the marker of each external function it checks, and
// refers weakly to the markers its calls read:
// MASM: module asm ".weak \22here.morestack_need\22"
// MASM: module asm ".set \22here.morestack_need\22, 1"
// MASM: module asm ".weak \22ext.morestack_need\22"
// CHECK: [[RSP]] = !{!"rsp"}
// SYM-DAG: 0000000000000001 0 NOTYPE WEAK HIDDEN ABS here.morestack_need
// SYM-DAG: 0000000000000001 0 NOTYPE WEAK HIDDEN ABS quiet.morestack_need
// SYM-DAG: 0000000000000000 0 NOTYPE WEAK HIDDEN UND ext.morestack_need
// DIS-LABEL: <unknown>:
// DIS: movl $0x0, %e{{..}}
// DIS-NEXT: R_X86_64_32 ext.morestack_need

// OFF-NOT: call void @__morestack_reserve
// OFF-NOT: asm "movl

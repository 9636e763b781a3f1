// Calls into code without checks are checked where they are made
// (plugin/CallSiteReserve.h): each call reserves what its callee needs.
//
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=MASM
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o
// RUN: llvm-readelf -s %t.o | FileCheck %s --check-prefix=SYM
// RUN: llvm-objdump -d -r --no-show-raw-insn %t.o | FileCheck %s --check-prefix=DIS
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - -mllvm -morestack-system-stack-calls=0 | FileCheck %s --check-prefix=NOSYS
// Switched off (for debugging), nothing is checked:
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - -mllvm -morestack-call-site-reserve=0 | FileCheck %s --check-prefix=OFF
// RUN: %clang -fplugin=%plugin -fplugin-arg-morestack-report -O2 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=STUB

#include <err.h>
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

// strtod needs 1792 bytes: %rsp - 1792 must stay above the guard.
// CHECK-LABEL: define{{.*}} double @known(
// CHECK: [[SP:%.*]] = call i64 @llvm.read_register.i64(metadata [[RSP:![0-9]+]])
// CHECK-NEXT: [[G:%.*]] = load i64, ptr addrspace(257) inttoptr (i64 112 to ptr addrspace(257))
// CHECK-NEXT: [[LIM:%.*]] = sub i64 [[SP]], 1792
// CHECK-NEXT: [[OK:%.*]] = icmp ugt i64 [[LIM]], [[G]]
// CHECK-NEXT: br i1 [[OK]], label %[[CALL:.*]], label %[[GROW:.*]], !prof
// CHECK: [[GROW]]:
// CHECK-NEXT: call void @__morestack_reserve(i64 1792)
// CHECK: [[CALL]]:
// CHECK: call double @strtod(
double known(const char *s) { return strtod(s, 0); }

// snprintf needs 37760 bytes, calls nothing back, cannot throw and takes
// its arguments in registers: it runs on the system stack, through the
// module's stub, with no check.
// CHECK-LABEL: define{{.*}} i32 @formatted(
// CHECK-NOT: read_register
// CHECK: call i32 (ptr, i64, ptr, ...) @__morestack_on_system.snprintf(
// NOSYS-LABEL: define{{.*}} i32 @formatted(
// NOSYS: call void @__morestack_reserve(i64 37760)
// NOSYS: call i32 (ptr, i64, ptr, ...) @snprintf(
int formatted(char *buf, int x, double d) { return snprintf(buf, 64, "%d %g", x, d); }

// The stub carries snprintf's attributes (nocapture): a local buffer it
// formats into does not escape, and stays on the moving stack.
// STUB: define{{.*}} i32 @__morestack_on_system.snprintf(ptr noalias nocapture noundef writeonly
// REPORT: local_buffer: instrumented, frame {{[0-9]+}} bytes, objects: 1 moving, 0 side
int local_buffer(int x) {
  char buf[128];
  snprintf(buf, sizeof buf, "%d", x);
  return buf[x & 7];
}

// A long double goes in memory: reserved instead.
// CHECK-LABEL: define{{.*}} i32 @in_memory(
// CHECK: call void @__morestack_reserve(i64 46848)
// CHECK: call i32 (ptr, ...) @printf(
int in_memory(long double x) { return printf("%Lf", x); }

// Seven integer arguments: one goes on the stack: reserved.
// CHECK-LABEL: define{{.*}} i32 @seven(
// CHECK: call void @__morestack_reserve(i64 37760)
// CHECK: call i32 (ptr, i64, ptr, ...) @snprintf(
int seven(char *b, int x) { return snprintf(b, 9, "%d%d%d%d", x, x, x, x); }

// qsort calls the program back (its comparator is checked code, which must
// run on the fiber's stack): reserved.
// CHECK-LABEL: define{{.*}} void @sorted(
// CHECK: call void @__morestack_reserve(i64 2752)
// CHECK: call void @qsort(
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
void sorted(int *v, size_t n) { qsort(v, n, sizeof *v, cmp); }

// err does not return (it runs atexit handlers): reserved.
// CHECK-LABEL: define{{.*}} void @fails(
// CHECK: call void @__morestack_reserve(i64 12416)
// CHECK: call void (i32, ptr, ...) @err(
void fails(int x) { err(x, "x"); }

// A function defined elsewhere: the linker says what it needs, through the
// immediate value of "ext.morestack_need" (1 + the need; 0: unknown, 16 KiB).
// The fast path is that value - 1 compared with the budget (0 wraps to
// 2^64 - 1, above it); the unknown case picks its default off that path.
// The load has side effects, so it is not hoisted away from its call.
// CHECK-LABEL: define{{.*}} i32 @unknown(
// CHECK: [[PUB:%.*]] = call i64 asm sideeffect "movl $$\22ext.morestack_need\22, ${0:k}", "=r"()
// CHECK-NEXT: [[M1:%.*]] = sub i64 [[PUB]], 1
// CHECK-NEXT: [[FREE:%.*]] = icmp ule i64 [[M1]], 768
// CHECK-NEXT: br i1 [[FREE]], label %[[CALL:.*]], label %[[SLOW:.*]], !prof
// CHECK: [[SLOW]]:
// CHECK-NEXT: [[UNK:%.*]] = icmp eq i64 [[M1]], -1
// CHECK-NEXT: [[NEED:%.*]] = select i1 [[UNK]], i64 16384, i64 [[M1]]
// CHECK: call void @__morestack_reserve(i64 [[NEED]])
// CHECK: [[CALL]]:
// CHECK-NEXT: call i32 @ext(
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
// The stub: the function's address in %r10, then the runtime entry.
// DIS-LABEL: <__morestack_on_system.snprintf>:
// DIS-NEXT: movq (%rip), %r10
// DIS-NEXT: R_X86_64_REX_GOTPCRELX snprintf-0x4
// DIS-NEXT: jmp
// DIS-NEXT: R_X86_64_PLT32 __morestack_call_on_system-0x4

// OFF-NOT: call void @__morestack_reserve
// OFF-NOT: asm "movl

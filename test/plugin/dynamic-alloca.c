// Dynamic allocas (VLAs, alloca(n)) in a checked function: a call to
// __morestack_reserve(bytes) right before each one, so that the backend's
// own split-stack check for the allocation always passes and its
// __morestack_allocate_stack_space fallback is never taken.
// RUN: %clang -fplugin=%plugin -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clang -fplugin=%plugin -O0 -S %s -o - 2>/dev/null | FileCheck %s --check-prefix=ASM
// RUN: %clang -fplugin=%plugin -O2 -S %s -o - 2>/dev/null | FileCheck %s --check-prefix=ASM
// RUN: %clang -fplugin=%plugin -O2 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: %clang -fplugin=%plugin -O2 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=REPORT

int use(void *, long);

// IR-LABEL: define{{.*}} @vla(
// IR: [[N:%[0-9]+]] = zext i32 %{{[0-9]+}} to i64
// IR: [[B:%[0-9]+]] = mul i64 [[N]], 4
// IR-NEXT: [[C:%[0-9]+]] = add i64 [[B]], 15
// IR-NEXT: [[D:%[0-9]+]] = and i64 [[C]], -16
// IR-NEXT: call void @__morestack_reserve(i64 [[D]])
// IR-NEXT: alloca i32, i64 %
int vla(unsigned n) {
  int a[n];
  return use(a, n);
}

// alloca(n) and an over-aligned VLA (extra room for the realignment).
// IR-LABEL: define{{.*}} @builtin_alloca(
// IR-NOT: mul
// IR: [[S:%[0-9]+]] = add i64 %{{[0-9]+}}, 15
// IR-NEXT: [[T:%[0-9]+]] = and i64 [[S]], -16
// IR-NEXT: call void @__morestack_reserve(i64 [[T]])
// IR-NEXT: alloca i8, i64 %
// IR-LABEL: define{{.*}} @aligned_vla(
// IR: mul i64 %{{.*}}, 8
// IR-NEXT: add i64 %{{.*}}, 63
// IR-NEXT: and i64 %{{.*}}, -16
// IR-NEXT: call void @__morestack_reserve(i64 [[B:%[0-9]+]])
// LLVM's split-stack alloca lowering ignores over-alignment: the plugin
// allocates the reserved bytes at the stack's alignment and aligns by hand.
// IR-NEXT: [[RAW:%.*]] = alloca i8, i64 [[B]], align 16
// IR-NEXT: [[UP:%.*]] = getelementptr i8, ptr [[RAW]], i64 63
// IR-NEXT: call ptr @llvm.ptrmask.p0.i64(ptr [[UP]], i64 -64)
// IR-NOT: align 64
int builtin_alloca(long n) { return use(__builtin_alloca(n), n); }
int aligned_vla(unsigned n) {
  double a[n] __attribute__((aligned(64)));
  return use(a, n);
}

// A fixed-size array is part of the frame: no reserve call.
// IR-LABEL: define{{.*}} @fixed(
// IR-NOT: @__morestack_reserve(i64 %morestack.reserve
// IR: ret
int fixed(int i) {
  int a[64];
  return use(a, i);
}

// nosplit: no check, no reserve, but a warning (the budget cannot cover it).
// IR-LABEL: define{{.*}} @nosplit_vla(
// IR-NOT: __morestack_reserve
// IR: ret
__attribute__((nosplit)) int nosplit_vla(unsigned n) {
  char a[n];
  return use(a, n);
}
// WARN: warning: morestack: nosplit function 'nosplit_vla' has 1 dynamic alloca(s)/VLA(s): their size is not covered by the nosplit budget of 768 bytes

// A frame of 2 GiB or more would wrap the prologue's 32-bit displacement:
// the largest static allocas become dynamic (moved out of the entry block)
// and get the reserve call, which handles any size.
// IR-LABEL: define{{.*}} @huge(
// IR-NOT: alloca [3221225472 x i8]
// IR: br label
// IR: call void @__morestack_reserve(i64 3221225472)
// IR-NEXT: alloca [3221225472 x i8]
int huge(int i) {
  char big[3UL << 30];
  return use(big, i);
}

// The module's own stub of the runtime entry (plugin/RuntimeStubs.h):
// IR: define linkonce_odr hidden void @__morestack_reserve(i64 %0) [[ATTR:#[0-9]+]] comdat {
// IR-NEXT: call void asm sideeffect "movq __morestack_reserve_export@GOTPCREL(%rip), %r11
// IR: attributes [[ATTR]] = { naked noinline nounwind

// The reserve call precedes the allocation; the backend's own check for it
// (against %fs:0x70, with the __morestack_allocate_stack_space fallback)
// stays, and now always passes.
// ASM-LABEL: vla:
// ASM: callq __morestack
// ASM: callq __morestack_reserve
// ASM: cmpq %{{[a-z0-9]+}}, %fs:112
// ASM: callq __morestack_allocate_stack_space
// ASM: .Lfunc_end
// The over-aligned VLA's address is aligned after the allocation:
// ASM-LABEL: aligned_vla:
// ASM: callq __morestack_reserve
// ASM: callq __morestack_allocate_stack_space
// ASM: addq $63, %[[P:[a-z0-9]+]]
// ASM-NEXT: andq $-64, %[[P]]
// ASM: .Lfunc_end
// ASM-LABEL: nosplit_vla:
// ASM-NOT: __morestack
// ASM: .Lfunc_end

// REPORT: morestack-report: vla: instrumented, frame {{[0-9]+}} bytes, 1 dynamic alloca(s) reserved
// REPORT: morestack-report: builtin_alloca: instrumented, frame {{[0-9]+}} bytes, 1 dynamic alloca(s) reserved


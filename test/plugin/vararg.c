// Variadic functions: the backend cannot give them a split-stack prologue,
// so the plugin moves the body into f.morestack.body (checked) and leaves f
// as a nosplit thunk: va_start, call, va_end.
// RUN: %clang -fplugin=%plugin -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clang -fplugin=%plugin -O0 -S %s -o - | FileCheck %s --check-prefix=ASM
// RUN: %clang -fplugin=%plugin -O2 -S %s -o - | FileCheck %s --check-prefix=ASM
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=REPORT
// It runs (recursion, va_list restarts, sret, byval), with a stub runtime:
// RUN: %clang -fplugin=%plugin -O0 -DMAIN -fuse-ld=lld %s %S/Inputs/morestack-stub.s -o %t0 && %t0 | FileCheck %s --check-prefix=OUT
// RUN: %clang -fplugin=%plugin -O2 -DMAIN -fuse-ld=lld %s %S/Inputs/morestack-stub.s -o %t2 && %t2 | FileCheck %s --check-prefix=OUT
// Without outlining it is an error, not unchecked code:
// RUN: not %clang -fplugin=%plugin -fplugin-arg-morestack-no-vararg-outlining -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOOUTLINE

#include <stdarg.h>

// Recursive, and calls va_start twice (each restarts from the first vararg).
int vsum(int n, ...) {
  va_list ap;
  int s = 0, t = 0;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    s += va_arg(ap, int);
  va_end(ap);
  va_start(ap, n);
  if (n > 0)
    t = va_arg(ap, int);
  va_end(ap);
  return n > 0 ? s + t + vsum(n - 1, 1, 1, 1, 1, 1, 1, 1, 1) : 0;
}

// Never calls va_start: the thunk has no va_list.
int first_only(int x, ...) { return x * 2 + vsum(0); }

// sret return and byval parameter.
struct Big { long a, b, c, d; };
struct Big make_big(struct Big seed, int n, ...) {
  va_list ap;
  va_start(ap, n);
  struct Big r = seed;
  for (int i = 0; i < n; i++)
    r.a += va_arg(ap, long);
  r.d = va_arg(ap, double) > 1.5;
  va_end(ap);
  return r;
}

// (clang discards IR value names, so the checks use positions.)
// IR-LABEL: define{{.*}} i32 @vsum(i32 noundef %{{.*}}, ...)
// IR-NOT: split-stack
// IR: [[AP:%[0-9]+]] = alloca [24 x i8], align 16
// (its stack map root, StackMapPass.h, may come between)
// IR: call void @llvm.va_start.p0(ptr [[AP]])
// IR-NEXT: [[R:%[0-9]+]] = call i32 @vsum.morestack.body(i32 %0, ptr [[AP]])
// IR-NEXT: call void @llvm.va_end.p0(ptr [[AP]])
// IR-NEXT: ret i32 [[R]]
// IR: define internal i32 @vsum.morestack.body(i32 {{[^,]*}}, ptr [[VA:%[0-9]+]]){{.*}} [[BODY:#[0-9]+]]
// IR-NOT: llvm.va_start
// IR: call void @llvm.va_copy.p0(ptr {{.*}}, ptr [[VA]])
// IR-NOT: llvm.va_start
// IR: call void @llvm.va_copy.p0(ptr {{.*}}, ptr [[VA]])
// IR-NOT: llvm.va_start
// IR: call i32 (i32, ...) @vsum(
// IR-LABEL: define{{.*}} i32 @first_only(i32 noundef %{{.*}}, ...)
// IR-NEXT: [[R2:%[0-9]+]] = call i32 @first_only.morestack.body(i32 %0)
// IR-NEXT: ret i32 [[R2]]
// IR: define internal i32 @first_only.morestack.body(i32 {{[^,]*}})
// IR-LABEL: define{{.*}} void @make_big(ptr {{.*}}sret(%struct.Big){{.*}}, ptr {{.*}}byval(%struct.Big){{.*}}, i32 noundef %{{.*}}, ...)
// The byval argument is passed on by address: where the body may keep that
// address (at -O0 nothing says it does not), the thunk passes a copy on the
// side stack instead (docs/escape-analysis.md).
// IR: call void @make_big.morestack.body(ptr %0, ptr %{{[0-9]+}}, i32 %2, ptr %{{[0-9]+}})
// IR: define internal void @make_big.morestack.body(
// IR-NOT: sret
// IR-NOT: byval
// IR-SAME: ptr %{{[0-9]+}})
// IR: attributes [[BODY]] = {{{.*}}noinline{{.*}}"split-stack"

// ASM-LABEL: vsum:
// ASM-NOT: __morestack
// ASM: callq vsum.morestack.body
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: vsum.morestack.body:
// ASM: cmpq %fs:112, %rsp
// ASM: callq __morestack
// ASM-NEXT: retq
// ASM-LABEL: first_only:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: first_only.morestack.body:
// ASM: cmpq %fs:112, %rsp
// ASM-LABEL: make_big:
// ASM-NOT: __morestack{{$}}
// ASM: .Lfunc_end
// ASM-LABEL: make_big.morestack.body:
// ASM: cmpq %fs:112, %rsp
// ASM: callq __morestack

// The thunk's frame (register save area + va_list) fits the nosplit budget:
// its chain is 8 (return address) + 216 (frame) + 8 + 120 (the call to its
// checked body, whose check may call __morestack).
// REPORT: morestack-report: vsum: skipped (vararg-thunk), frame 216 bytes, nosplit chain 352 of 768 bytes, objects: 1 moving, 0 side, 1 scanned: body in vsum.morestack.body
// REPORT: morestack-report: vsum.morestack.body: instrumented, frame {{[0-9]+}} bytes{{.*}}: outlined body of variadic 'vsum'
// REPORT: morestack-report: first_only: skipped (vararg-thunk), frame {{[0-9]+}} bytes, nosplit chain {{[0-9]+}} of 768 bytes: body in first_only.morestack.body
// REPORT: morestack-report: make_big: skipped (vararg-thunk), frame {{[0-9]+}} bytes, nosplit chain {{[0-9]+}} of 768 bytes, objects: {{.*}}: body in make_big.morestack.body

// NOOUTLINE: error: morestack: variadic function 'vsum' cannot have a stack check (vararg outlining is disabled by -fplugin-arg-morestack-no-vararg-outlining)

#ifdef MAIN
#include <stdio.h>
int main(void) {
  struct Big seed = {1, 2, 3, 4};
  struct Big r = make_big(seed, 3, 10L, 20L, 30L, 2.5);
  printf("vsum=%d first=%d big=%ld,%ld,%ld,%ld\n", vsum(3, 5, 6, 7),
         first_only(21, 1.0), r.a, r.b, r.c, r.d);
  return 0;
}
// vsum(3,5,6,7)=18+5+vsum(2,1..)=(2+1+vsum(1,..)=(1+1+vsum(0)=0)) = 23+3+2 = 28
// OUT: vsum=28 first=42 big=61,2,3,1
#endif

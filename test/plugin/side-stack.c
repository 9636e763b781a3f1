// The escape analysis and the side stack (plugin/EscapeAnalysis.h,
// plugin/SideStackPass.h, docs/escape-analysis.md): objects whose address
// may escape, dynamic and over-aligned objects, setjmp buffers and huge
// arrays leave the moving stack for the side stack, whose pointer and limit
// are %fs:0x60 and %fs:0x68; the rest stay.
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefixes=IR,IR2
// RUN: %clang -fplugin=%plugin -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefixes=IR,IR0
// RUN: %clang -fplugin=%plugin -O2 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: %clang -fplugin=%plugin -O0 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=REPORT0
// Without stack maps every object goes (the moving frame is scanned whole):
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - -fplugin-arg-morestack-no-stack-maps | FileCheck %s --check-prefix=WHOLE
// The ELF: the runtime entries this code calls get module stubs.
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o && llvm-nm %t.o | FileCheck %s --check-prefix=SYMS

#include <setjmp.h>

void use(void *);
int take(int);
struct Big { long a[8]; };

// A local read and written through volatile accesses only: its address is
// never kept anywhere; it stays, and the function touches no side stack.
// IR-LABEL: define{{.*}} i32 @stays(
// IR-NOT: inttoptr (i64 96 to ptr addrspace(257))
// IR: alloca [4 x i32]
// IR-NOT: inttoptr (i64 96 to ptr addrspace(257))
// IR: ret i32
int stays(int n) { volatile int v[4]; v[n & 3] = n; return v[0] + take(n); }

// Passed to a function that may keep it: the side frame is allocated after
// the prologue (room check, the runtime when it does not fit), and the side
// pointer and limit are put back before the return.
// IR-LABEL: define{{.*}} i32 @escapes(
// IR2-NOT: alloca
// IR: [[SP:%.*]] = load ptr, ptr addrspace(257) inttoptr (i64 96 to ptr addrspace(257))
// IR-NEXT: [[LIM:%.*]] = load ptr, ptr addrspace(257) inttoptr (i64 104 to ptr addrspace(257))
// IR: [[ROOM:%.*]] = sub i64
// IR-NEXT: [[FITS:%.*]] = icmp uge i64 [[ROOM]], 16
// IR-NEXT: br i1 [[FITS]], label %[[ALLOC:.*]], label %[[MORE:.*]], !prof
// IR: [[MORE]]:
// IR-NEXT: call void @__morestack_side_more(i64 16)
// IR: [[ALLOC]]:
// IR-NEXT: [[TOP:%.*]] = phi ptr [ [[SP]], %{{.*}} ], [ %{{.*}}, %[[MORE]] ]
// IR-NEXT: [[TOPLIM:%.*]] = phi ptr [ [[LIM]], %{{.*}} ], [ %{{.*}}, %[[MORE]] ]
// IR-NEXT: [[BASE:%.*]] = getelementptr i8, ptr [[TOP]], i64 -16
// IR-NEXT: store ptr [[BASE]], ptr addrspace(257) inttoptr (i64 96 to ptr addrspace(257))
// IR: call void @use(ptr {{.*}}
// IR: store ptr [[TOP]], ptr addrspace(257) inttoptr (i64 96 to ptr addrspace(257))
// IR-NEXT: store ptr [[TOPLIM]], ptr addrspace(257) inttoptr (i64 104 to ptr addrspace(257))
// IR-NEXT: ret i32
int escapes(int n) { int x = n; use(&x); return x; }

// A VLA is bumped off the side stack where it is made, rounded to 16 bytes.
// IR-LABEL: define{{.*}} i32 @vla(
// IR-NOT: alloca i8
// IR: [[N:%.*]] = add i64 %{{.*}}, 15
// IR-NEXT: [[BYTES:%.*]] = and i64 [[N]], -16
// IR: icmp uge i64 %{{.*}}, [[BYTES]]
// IR: call void @__morestack_side_more(i64 [[BYTES]])
// IR: [[NEG:%.*]] = sub i64 0, [[BYTES]]
// IR-NEXT: [[P:%.*]] = getelementptr i8, ptr %{{.*}}, i64 [[NEG]]
// IR-NEXT: store ptr [[P]], ptr addrspace(257) inttoptr (i64 96 to ptr addrspace(257))
// IR-NOT: alloca i8
// IR: ret i32
int vla(unsigned n) { char a[n]; use(a); return a[0]; }

// A VLA in a loop: llvm.stacksave / llvm.stackrestore become a read and a
// checked write of the side pointer (written back only when the saved value
// is in the chunk in use: from its limit up to limit - 32 + its size, read
// at limit - 24), so the loop does not pile objects up.
// IR2-LABEL: define{{.*}} i32 @loop_vla(
// IR2-NOT: llvm.stacksave
// IR2-NOT: llvm.stackrestore
// IR2: [[NZ:%.*]] = icmp ne i64 [[LI:%.*]], 0
// IR2-NEXT: [[GE:%.*]] = icmp uge i64 [[SAVED:%.*]], [[LI]]
// IR2-NEXT: and i1 [[NZ]], [[GE]]
// IR2: add i64 [[LI]], -24
// IR2: [[TOP:%.*]] = add i64 {{.*}}
// IR2: icmp ule i64 [[SAVED]], [[TOP]]
// IR2: store ptr %{{.*}}, ptr addrspace(257) inttoptr (i64 96 to ptr addrspace(257))
// IR2-NOT: llvm.stackrestore
int loop_vla(unsigned n) {
  int s = 0;
  for (unsigned i = 0; i < n; ++i) { char a[i + 1]; use(a); s += a[0]; }
  return s;
}

// Over-aligned: the side frame is aligned by hand; the moving frame is
// never realigned.
// IR-LABEL: define{{.*}} i32 @aligned(
// IR-NOT: alloca [64 x i8]
// IR: call void @__morestack_side_more(i64 112)
// IR: [[B:%.*]] = getelementptr i8, ptr %{{.*}}, i64 -64
// IR-NEXT: call ptr @llvm.ptrmask.p0.i64(ptr [[B]], i64 -64)
int aligned(int n) { _Alignas(64) char a[64]; use(a); return a[n & 63]; }

// A byval argument (in the caller's outgoing area, on the moving stack)
// whose address escapes is copied to the side frame at entry; one that
// does not escape is used in place.
// IR-LABEL: define{{.*}} i64 @byval_escapes(
// IR: call void @__morestack_side_more(i64 64)
// IR: call void @llvm.memcpy.p0.p0.i64(ptr align 16 [[COPY:%.*]], ptr align 8 %0, i64 64, i1 false)
// IR: call void @use(ptr {{.*}}[[COPY]])
long byval_escapes(struct Big b) { use(&b); return b.a[1]; }
// IR-LABEL: define{{.*}} i64 @byval_stays(
// IR-NOT: inttoptr (i64 96 to ptr addrspace(257))
// IR: ret i64
long byval_stays(struct Big b) { return b.a[1] + take(1); }

// A jmp_buf is registered with the runtime before setjmp (which relocates
// the stack and frame pointers saved in it when the stack moves); after
// setjmp returns (twice), the side pointer and limit are the function's own.
jmp_buf *global_jb;
// IR-LABEL: define{{.*}} i32 @sj(
// IR: [[TOP:%.*]] = phi ptr
// IR-NEXT: [[LIM:%.*]] = phi ptr
// IR-NEXT: [[FRAME:%.*]] = getelementptr i8, ptr [[TOP]], i64 -{{[0-9]+}}
// IR: call void @__morestack_register_jmp_buf(ptr [[JB:%.*]])
// IR-NEXT: call i32 @_setjmp(ptr {{.*}}[[JB]])
// IR-NEXT: store ptr [[FRAME]], ptr addrspace(257) inttoptr (i64 96 to ptr addrspace(257))
// IR-NEXT: store ptr [[LIM]], ptr addrspace(257) inttoptr (i64 104 to ptr addrspace(257))
// On the way out the registers saved in the buffer are cleared (a dead
// buffer's bytes must not linger in side memory), then the side state is
// put back:
// IR: call void @llvm.memset.p0.i64(ptr align 8 %{{.*}}, i8 0, i64 64, i1 true)
// IR-NEXT: store ptr [[TOP]], ptr addrspace(257) inttoptr (i64 96 to ptr addrspace(257))
// IR-NEXT: store ptr [[LIM]], ptr addrspace(257) inttoptr (i64 104 to ptr addrspace(257))
// IR-NEXT: ret i32
int sj(int n) { jmp_buf jb; global_jb = &jb; if (setjmp(jb)) return 1; use(&n); return 0; }

// 3 GiB would wrap the prologue's 32-bit displacement: the array goes to
// the side stack, whose runtime checks its size against the limit.
// IR-LABEL: define{{.*}} i32 @huge(
// IR-NOT: alloca [3221225472 x i8]
// IR: call void @__morestack_side_more(i64 3221225472)
int huge(int i) { char big[3UL << 30]; big[i] = 1; use(big); return big[i + 1]; }

// nosplit functions run on the moving stack too: the same rule.
// IR-LABEL: define{{.*}} i32 @quiet(
// IR: call void @__morestack_side_more(i64 16)
__attribute__((no_split_stack)) int quiet(int n) { int x = n; use(&x); return x; }

// A pointer argument stored in a slot of the function's own (every
// argument at -O0) may be a caller's moving-stack address (passed to a
// parameter that does not keep it): the slot stays and is scanned, not
// skipped; so is a va_list, and a slot holding a va_list's address.
// IR0-LABEL: define{{.*}} i32 @deref(
// IR0: alloca ptr, align 8, !morestack.scanned
int deref(int *p) { return *p + take(1); }
// IR-LABEL: define{{.*}} i32 @va_pointer(
// IR: alloca [1 x %struct.__va_list_tag]{{.*}}!morestack.scanned
// IR0: alloca ptr, align 8, !morestack.scanned
int va_first(__builtin_va_list *ap);
int va_pointer(int n, __builtin_va_list ap) {
  __builtin_va_list mine;
  __builtin_va_copy(mine, ap);
  __builtin_va_list *p = &mine;
  return va_first(p) + n;
}

// The report counts the objects of each function by placement, with the
// reasons of those that left, and the moving ones that are scanned.
// REPORT: stays: instrumented, frame {{[0-9]+}} bytes, objects: 1 moving, 0 side{{$}}
// REPORT: escapes: instrumented, frame {{[0-9]+}} bytes, objects: 0 moving, 1 side (address captured: 1){{$}}
// REPORT: vla: instrumented, frame {{[0-9]+}} bytes, objects: 0 moving, 1 side (dynamic size: 1){{$}}
// REPORT: aligned: instrumented, frame {{[0-9]+}} bytes, objects: 0 moving, 1 side (over-aligned: 1){{$}}
// REPORT: byval_escapes: instrumented, frame {{[0-9]+}} bytes, objects: 0 moving, 1 side (byval argument: 1){{$}}
// REPORT: byval_stays: instrumented, frame {{[0-9]+}} bytes{{$}}
// REPORT: sj: instrumented, frame {{[0-9]+}} bytes, objects: 0 moving, 2 side (address captured: 1, setjmp buffer: 1){{$}}
// REPORT: huge: instrumented, frame {{[0-9]+}} bytes, objects: 0 moving, 1 side (too large for the moving frame: 1){{$}}
// REPORT: quiet: skipped (nosplit), frame {{[0-9]+}} bytes, nosplit chain {{[0-9]+}} of 768 bytes, objects: 0 moving, 1 side (address captured: 1){{$}}
// REPORT: va_pointer: instrumented, frame {{[0-9]+}} bytes, objects: 1 moving, 0 side, 1 scanned{{$}}
// At -O0 nothing infers nocapture: an argument's own slot stays (only
// loads and stores), an object passed on leaves.
// REPORT0: stays: instrumented, frame {{[0-9]+}} bytes, objects: 2 moving, 0 side
// REPORT0: escapes: instrumented, frame {{[0-9]+}} bytes, objects: 1 moving, 1 side (address captured: 1){{$}}
// REPORT0: deref: instrumented, frame {{[0-9]+}} bytes, objects: 1 moving, 0 side, 1 scanned{{$}}

// WHOLE-LABEL: define{{.*}} i32 @stays(
// WHOLE-NOT: alloca [4 x i32]
// WHOLE: call void @__morestack_side_more(i64 16)

// SYMS-DAG: W __morestack_side_more
// SYMS-DAG: W __morestack_register_jmp_buf
// SYMS-DAG: W __morestack_side_fallback
// SYMS-DAG: U mmap

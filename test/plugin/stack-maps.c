// Stack map records (docs/stack-maps.md): what StackMapPass asks of the
// backend, and what FrameMapWriter writes from the final frames.
//
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clang -fplugin=%plugin -fplugin-arg-morestack-frame-pointers -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=FP
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o
// RUN: %dump_maps %t.o | FileCheck %s --check-prefixes=MAP,MAP2
// RUN: llvm-readelf -S %t.o | FileCheck %s --check-prefix=SEC
// RUN: llvm-readelf -r %t.o | FileCheck %s --check-prefix=REL
// RUN: %clang -fplugin=%plugin -O0 -c %s -o %t0.o
// RUN: %dump_maps %t0.o | FileCheck %s --check-prefixes=MAP,MAP0
// No maps on request, and none for LTO (the LTO backend has no GC strategy):
// RUN: %clang -fplugin=%plugin -fplugin-arg-morestack-no-stack-maps -O2 -c %s -o %t.none.o
// RUN: %dump_maps %t.none.o | FileCheck %s --check-prefix=NONE
// RUN: %clang -fplugin=%plugin -fplugin-arg-morestack-allow-lto -flto -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=LTO
// Textual assembly gets code ranges too (local labels, no symbol sizes):
// RUN: %clang -fplugin=%plugin -O2 -S %s -o - | FileCheck %s --check-prefix=ASM

#include <stdint.h>
#include <string.h>

#include <stdarg.h>

void use(void *);
int take(int);
struct S { double d; int *p; double e[3]; };
union U { double d; void *p; };

// Objects left on the moving stack hold no moving-stack address (storing
// an object's address anywhere sends that object to the side stack), so
// the map lists every one of them as pointer-free, whatever its type: the
// runtime skips them. (Volatile accesses keep them in memory without
// sending them away.) Objects whose address escapes (v) are not in the
// frame at all.
int kinds(int n) {
  volatile double arr[8];
  volatile struct S s;
  volatile union U u;
  volatile char buf[32];
  int v;
  arr[n & 7] = 1; s.e[n & 1] = 2; u.d = 3; buf[n & 31] = 4;
  use(&v);
  return n + v + (int)arr[1] + (int)s.e[0] + (int)u.d + buf[2];
}
// MAP-LABEL: kinds: frame {{[0-9]+}}, split frame-known
// MAP0-DAG: object cfa-{{[0-9]+}} size 64 ptrfree
// MAP0-DAG: object cfa-{{[0-9]+}} size 40 ptrfree
// MAP0-DAG: object cfa-{{[0-9]+}} size 32 ptrfree
// MAP0-DAG: object cfa-{{[0-9]+}} size 8 ptrfree
// MAP2-NEXT: object cfa-{{[0-9]+}} size {{32|40|64|8}} ptrfree
// MAP2-NEXT: object cfa-{{[0-9]+}} size {{32|40|64|8}} ptrfree
// MAP2-NEXT: object cfa-{{[0-9]+}} size {{32|40|64|8}} ptrfree
// MAP2-NEXT: object cfa-{{[0-9]+}} size {{32|40|64|8}} ptrfree
// MAP2-NOT: object
// MAP-LABEL: varargs

// A va_list holds addresses of the register save area and the stack
// arguments, in the moving stack: it is not listed (scanned with the
// frame's other words); the other objects are.
int varargs(int n, ...) {
  va_list ap;
  volatile int k = n;
  va_start(ap, n);
  int r = va_arg(ap, int);
  va_end(ap);
  return r + k;
}
// MAP-LABEL: varargs.morestack.body: frame {{[0-9]+}}, split frame-known
// MAP-NOT: size 24
// MAP: object cfa-{{[0-9]+}} size 4 ptrfree
// MAP-NOT: size 24
// MAP-LABEL: frame:

// A function that takes its own frame's address may keep it anywhere: none
// of its objects is listed.
void *frame(int n) {
  volatile int k = n;
  return (char *)__builtin_frame_address(0) + k;
}
// MAP-SAME: frame {{[0-9]+}}, split frame-known
// MAP-NOT: object

// A leaf keeps its frameless form at -O2 (no frame pointer, no check).
int leaf(int a) { return a * 3; }
// MAP0-LABEL: leaf: frame {{[0-9]+}}, split frame-known
// MAP2-LABEL: leaf: frame 8, split frame-known

// Inline assembly that may move %rsp around a call of its own: the frame
// keeps a frame pointer and the runtime finds it from %rbp. An empty asm (a
// compiler barrier) cannot, and changes nothing.
int with_asm(int a) { __asm__ volatile("pushq %%rax; popq %%rax" : "+r"(a)); return a; }
// MAP-LABEL: with_asm: frame {{[0-9]+}}, split frame-known rbp-frame
int with_barrier(int a) { __asm__ volatile("" : "+r"(a) : : "memory"); return a; }
// MAP-LABEL: with_barrier: frame {{[0-9]+}}, split frame-known{{$}}

// nosplit functions are described too.
__attribute__((no_split_stack)) int quiet(int a) { volatile int v = a; return take(v) + v; }
// MAP-LABEL: quiet: frame {{[0-9]+}}, nosplit frame-known
// MAP-NEXT: object cfa-{{[0-9]+}} size 4 ptrfree

// A VLA lives on the side stack: the moving frame keeps a static size.
int vla(int n) { char v[n]; volatile double d[4]; d[n & 3] = 1; use(v); return v[0] + (int)d[0]; }
// MAP-LABEL: vla: frame {{[0-9]+}}, split frame-known{{$}}
// MAP: object cfa-{{[0-9]+}} size 32 ptrfree

// A 32-byte vector live across a call is spilled to a 32-byte aligned slot,
// which realigns the frame: %rsp, not the CFA, locates the objects.
// (Over-aligned locals live on the side stack and realign nothing.)
typedef double v4 __attribute__((vector_size(32)));
__attribute__((target("avx"))) v4 vext(v4);
__attribute__((target("avx"))) int realigned(int n) {
  volatile double d[4];
  d[n & 3] = 1;
  v4 x = vext((v4){d[0], 0, 0, 0});
  x = vext(x) + x;
  return (int)x[0] + (int)d[1];
}
// MAP-LABEL: realigned: frame dynamic, split sp-objects
// MAP: object sp+{{[0-9]+}} size 32 ptrfree

// A spill slot narrower than a word holds stale bytes beside the value: it
// is listed as pointer-free (O0 spills everything).
int spills(int a, long b) { use(&b); return a + (int)b; }
// MAP0-LABEL: spills: frame {{[0-9]+}}, split frame-known
// MAP0: object cfa-{{[0-9]+}} size 4 ptrfree

// No gcroot, no store: the functions are only marked, and their frames
// are read after frame lowering.
// IR: define{{.*}} i32 @kinds({{.*}} #[[KINDS:[0-9]+]] {
// IR-NOT: llvm.gcroot
// Objects keep their lifetime markers (every listed one is pointer-free,
// so stack colouring may share their slots); a va_list loses its markers
// (it is scanned: no listed object may share its slot).
// IR: call void @llvm.lifetime.start.p0(i64 64
// IR-LABEL: define{{.*}} i32 @varargs.morestack.body(
// IR-NOT: @llvm.lifetime.start.p0(i64 24
// IR-LABEL: define{{.*}} i32 @leaf(
// IR: define{{.*}} i32 @with_asm({{.*}} #[[ASMATTR:[0-9]+]] {
// The registration constructor is the only function with the GC (it makes
// the backend create the printer that writes the records):
// IR: define{{.*}} void @morestack.register_maps() {{.*}}comdat gc "morestack"
// IR: call void @__morestack_register_maps(ptr @__start_morestack_maps, ptr @__stop_morestack_maps)
// IR: attributes #[[KINDS]] = {{{.*}}"morestack-describe"
// IR: attributes #[[ASMATTR]] = {{{.*}}"frame-pointer"="all"{{.*}}"morestack-rbp-frame"
// Other functions are found from their frame size: no frame pointer is
// added, unless asked for (frame-pointers):
// IR-NOT: "frame-pointer"="non-leaf"
// FP: define{{.*}} i32 @kinds({{.*}} #[[KINDS:[0-9]+]] {
// FP: attributes #[[KINDS]] = {{{.*}}"frame-pointer"="non-leaf"

// ASM-LABEL: kinds:
// ASM-NEXT: .Lmorestack_begin[[N:[0-9]+]]:
// ASM: .section morestack_maps,"ao",@progbits,.text
// ASM: .long .Lfunc_end[[E:[0-9]+]]-.Ltmp{{[0-9]+}}
// ASM-NEXT: .long .Lfunc_end[[E]]-.Lmorestack_begin[[N]]

// One section per text section, SHF_ALLOC | SHF_LINK_ORDER, 4-aligned:
// SEC: morestack_maps PROGBITS {{[0-9a-f]+}} {{[0-9a-f]+}} {{[0-9a-f]+}} 00 AL {{[0-9]+}} 0 4
// The code ranges are PC-relative to the function's end label, resolved
// against the text section (never a preemptible symbol):
// REL: Relocation section '.relamorestack_maps'
// REL: R_X86_64_PC32 {{[0-9a-f]+}} .text
// REL-NOT: R_X86_64_64
// REL: Relocation section

// NONE: no stack maps
// LTO-NOT: gc "morestack"
// LTO-NOT: morestack-describe

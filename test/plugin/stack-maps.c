// Stack map records (docs/stack-maps.md): what StackMapPass asks of the
// backend, and what the "morestack" GC printer writes.
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

#include <stdint.h>
#include <string.h>

void use(void *);
struct S { double d; int *p; double e[3]; };
union U { double d; void *p; };

// Every kind of object: PTRFREE (doubles, ints), POINTERS (a struct with
// one pointer field: bitmap 01000), UNKNOWN (byte buffer, union).
int kinds(int n) {
  double arr[8];
  struct S s;
  union U u;
  char buf[32];
  int x;
  use(arr); use(&s); use(&u); use(buf); use(&x);
  return n + x;
}
// MAP-LABEL: kinds: frame {{[0-9]+}}, split frame-known
// MAP-DAG: object cfa-{{[0-9]+}} size 64 ptrfree
// MAP-DAG: object cfa-{{[0-9]+}} size 40 pointers 01000
// MAP-DAG: object cfa-{{[0-9]+}} size 8 unknown
// MAP-DAG: object cfa-{{[0-9]+}} size 32 unknown
// MAP-DAG: object cfa-{{[0-9]+}} size 4 ptrfree

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
__attribute__((no_split_stack)) int quiet(int a) { int v = a; use(&v); return v; }
// MAP-LABEL: quiet: frame {{[0-9]+}}, nosplit frame-known
// MAP-NEXT: object cfa-{{[0-9]+}} size 4 ptrfree

// A VLA: no static frame size, so no objects (the frame is scanned whole).
int vla(int n) { char v[n]; use(v); return v[0]; }
// MAP-LABEL: vla: frame dynamic, split{{$}}
// MAP-NOT: object

// IR-LABEL: define{{.*}} i32 @kinds(
// IR-SAME: gc "morestack" !morestack.objects
// IR: call void @llvm.gcroot(ptr {{.*}}, ptr inttoptr (i64 1 to ptr))
// Precisely described objects lose their lifetime markers (no stack colouring
// may give their slot to an object of another kind).
// IR-NOT: @llvm.lifetime.start.p0(i64 64
// IR-LABEL: define{{.*}} i32 @leaf(
// IR-SAME: #[[LEAF:[0-9]+]] gc "morestack"
// IR-LABEL: define{{.*}} i32 @with_asm(
// IR-SAME: #[[ASM:[0-9]+]] gc "morestack"
// IR: define{{.*}} void @morestack.register_maps() {{.*}}comdat
// IR: call void @__morestack_register_maps(ptr @__start_morestack_maps, ptr @__stop_morestack_maps)
// IR: attributes #[[ASM]] = {{{.*}}"frame-pointer"="all"{{.*}}"morestack-rbp-frame"
// Other functions are found from their frame size: no frame pointer is
// added, unless asked for (frame-pointers):
// IR-NOT: "frame-pointer"="non-leaf"
// FP: define{{.*}} i32 @kinds({{.*}} #[[KINDS:[0-9]+]] gc "morestack"
// FP: attributes #[[KINDS]] = {{{.*}}"frame-pointer"="non-leaf"

// One section per text section, SHF_ALLOC | SHF_LINK_ORDER, 4-aligned:
// SEC: morestack_maps PROGBITS {{[0-9a-f]+}} {{[0-9a-f]+}} {{[0-9a-f]+}} 00 AL {{[0-9]+}} 0 4
// The code ranges are PC-relative to the function's end label, resolved
// against the text section (never a preemptible symbol):
// REL: Relocation section '.relamorestack_maps'
// REL: R_X86_64_PC32 {{[0-9a-f]+}} .text
// REL-NOT: R_X86_64_64

// NONE: no stack maps
// LTO-NOT: gc "morestack"
// LTO-NOT: llvm.gcroot

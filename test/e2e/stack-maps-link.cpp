// Stack maps survive a PIE link and follow the linker's decisions: COMDAT
// deduplication keeps one record for an inline function defined in two
// files, and --gc-sections drops the records of the functions it removes
// (each record is SHF_LINK_ORDER-linked to its function's section).
//
// RUN: %morestack_clangxx -O0 %s %S/Inputs/stack-maps-link-b.cpp -o %t.all
// RUN: %t.all | FileCheck %s --check-prefix=ALL
// RUN: %dump_maps %t.all | FileCheck %s --check-prefixes=MAPS,MAPS-ALL
// RUN: llvm-readelf -h %t.all | FileCheck %s --check-prefix=PIE
// RUN: %morestack_clangxx -O0 -ffunction-sections -Wl,--gc-sections %s %S/Inputs/stack-maps-link-b.cpp -o %t.gc
// RUN: %t.gc | FileCheck %s --check-prefix=GC
// RUN: %dump_maps %t.gc | FileCheck %s --check-prefixes=MAPS,MAPS-GC
//
// ALL: records 5 modules 1
// GC: records 3 modules 1
// PIE: Type: DYN
// MAPS-ALL-DAG: _Z8unused_ai:
// MAPS-ALL-DAG: _Z8unused_bi:
// MAPS-GC-NOT: unused
// MAPS-DAG: main: frame {{[0-9]+}}, split frame-known, code 0x
// MAPS-DAG: _Z6from_bi: frame {{[0-9]+}}, split frame-known, code 0x
// MAPS-DAG: _Z13shared_inlinei: frame {{[0-9]+}}, split frame-known, code 0x
// MAPS-NOT: _Z13shared_inlinei
#include <morestack/morestack.h>
#include <stdio.h>
inline int shared_inline(int x) { volatile int v[4]; v[x & 3] = x; return v[x & 3] + 1; }
int from_b(int);
int unused_a(int x) { volatile double d[8]; d[x & 7] = x; return d[1]; }
int main() {
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  printf("records %zu modules %zu\n", s.map_records, s.map_modules);
  return shared_inline(3) + from_b(2) > 0 ? 0 : 1;
}

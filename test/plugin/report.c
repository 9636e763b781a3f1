// -fplugin-arg-morestack-report: one line per defined function, after code
// generation, with the frame size the prologue checks (the number the
// prologue loads into %r10). report-file= appends to a file. help prints
// the options and lets the compilation go on.
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o -fplugin-arg-morestack-report 2>&1 | FileCheck %s
// RUN: %clang -fplugin=%plugin -O2 -S %s -o - | FileCheck %s --check-prefix=ASM
// RUN: rm -f %t.txt
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o -fplugin-arg-morestack-report-file=%t.txt 2>&1 | count 0
// RUN: FileCheck %s < %t.txt
// A user's own -fstack-usage file is used, and kept:
// RUN: rm -rf %t.dir && mkdir %t.dir
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.dir/r.o -fstack-usage -fplugin-arg-morestack-report 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=SU < %t.dir/r.su
// Without code generation, frames are unknown:
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=NOCG
// RUN: %clang -fplugin=%plugin -c %s -o /dev/null -fplugin-arg-morestack-help | FileCheck %s --check-prefix=HELP
// Nothing is printed unless asked for:
// RUN: %clang -fplugin=%plugin -O2 -c %s -o /dev/null 2>&1 | count 0

int callee(int);
int leaf(void) { return 1; }
int medium(int i) { volatile int a[20]; a[i] = i; return callee(a[0]); }
int large(int i) { volatile int a[300]; a[i] = i; return callee(a[0]); }
__attribute__((nosplit)) int quick(int i) { volatile int a[4]; a[i] = i; return callee(a[0]); }
int _Z7mangledv(void) { return callee(1); }

// CHECK: morestack-report: {{.*}}report.c: 5 function(s)
// CHECK-NEXT: morestack-report: leaf: instrumented, frame 0 bytes
// CHECK-NEXT: morestack-report: medium: instrumented, frame [[MEDIUM:[0-9]+]] bytes
// CHECK-NEXT: morestack-report: large: instrumented, frame 1224 bytes
// CHECK-NEXT: morestack-report: quick: skipped (nosplit), frame {{[0-9]+}} bytes
// Mangled names are followed by their demangled form:
// CHECK-NEXT: morestack-report: _Z7mangledv (mangled()): instrumented, frame {{[0-9]+}} bytes

// ASM-LABEL: large:
// ASM: leaq -1224(%rsp), %r11
// ASM: movl $1224, %r10d

// SU: large{{[[:space:]]}}1224{{[[:space:]]}}static

// NOCG: morestack-report: large: instrumented, frame ? bytes

// HELP: morestack: Go-style growable stacks (clang plugin)
// HELP: help
// HELP: report
// HELP: report-file=<path>
// HELP: no-vararg-outlining
// HELP: allow-lto
// HELP: nosplit budget
// HELP-NEXT: 768 bytes

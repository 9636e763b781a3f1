// nosplit in every C spelling: no prologue for those, a prologue for the
// rest (static, inline, declared-then-defined included).
// RUN: %clang -std=c2x -fplugin=%plugin -O0 -S %s -o - | FileCheck %s
// RUN: %clang -std=c2x -fplugin=%plugin -O2 -S %s -o - | FileCheck %s
// RUN: %clang -std=c2x -fplugin=%plugin -O2 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=REPORT

int callee(int);
#define BODY { volatile int a[8]; a[x & 7] = x; return callee(a[1]); }

// CHECK-LABEL: gnu_nosplit:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
__attribute__((nosplit)) int gnu_nosplit(int x) BODY

// CHECK-LABEL: c23_nosplit:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
[[morestack::nosplit]] int c23_nosplit(int x) BODY

// clang's own spelling, without -fsplit-stack, means the same.
// CHECK-LABEL: clang_no_split_stack:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
__attribute__((no_split_stack)) int clang_no_split_stack(int x) BODY

// The attribute on a prior declaration only.
int declared_nosplit(int x) __attribute__((nosplit));
[[morestack::nosplit]] int declared_nosplit2(int x);
// CHECK-LABEL: declared_nosplit:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
int declared_nosplit(int x) BODY
// CHECK-LABEL: declared_nosplit2:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
int declared_nosplit2(int x) BODY

// Static functions, called through a pointer so that -O2 keeps them.
__attribute__((nosplit)) static int static_nosplit(int x) BODY
static int static_split(int x) BODY
// CHECK-LABEL: static_nosplit:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
// CHECK-LABEL: static_split:
// CHECK: cmpq %fs:112, %rsp
// CHECK: callq __morestack
// CHECK: .Lfunc_end
int (*get_static(int w))(int) { return w ? static_nosplit : static_split; }

// Inline functions (C99 inline + extern declaration emits them).
__attribute__((nosplit)) inline int inline_nosplit(int x) BODY
extern int inline_nosplit(int x);
inline int inline_split(int x) BODY
extern int inline_split(int x);
// CHECK-LABEL: inline_nosplit:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
// CHECK-LABEL: inline_split:
// CHECK: cmpq %fs:112, %rsp
// CHECK: callq __morestack
// CHECK: .Lfunc_end

// And an ordinary function does get the check.
// CHECK-LABEL: plain:
// CHECK: cmpq %fs:112, %rsp
// CHECK: callq __morestack
// CHECK: .Lfunc_end
int plain(int x) BODY

// REPORT-DAG: morestack-report: gnu_nosplit: skipped (nosplit)
// REPORT-DAG: morestack-report: c23_nosplit: skipped (nosplit)
// REPORT-DAG: morestack-report: clang_no_split_stack: skipped (nosplit)
// REPORT-DAG: morestack-report: declared_nosplit: skipped (nosplit)
// REPORT-DAG: morestack-report: declared_nosplit2: skipped (nosplit)
// REPORT-DAG: morestack-report: static_nosplit: skipped (nosplit)
// REPORT-DAG: morestack-report: inline_nosplit: skipped (nosplit)
// REPORT-DAG: morestack-report: static_split: instrumented, frame {{[0-9]+}} bytes
// REPORT-DAG: morestack-report: inline_split: instrumented, frame {{[0-9]+}} bytes
// REPORT-DAG: morestack-report: plain: instrumented, frame {{[0-9]+}} bytes

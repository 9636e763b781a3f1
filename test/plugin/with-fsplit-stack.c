// -fsplit-stack together with the plugin: same result as the plugin alone
// (clang's own marking is a subset of the plugin's; nosplit and variadic
// functions are still handled; no double prologue).
// RUN: %clang -fplugin=%plugin -fsplit-stack -O2 -S %s -o %t.both.s
// RUN: %clang -fplugin=%plugin -O2 -S %s -o %t.plugin.s
// RUN: diff %t.both.s %t.plugin.s
// RUN: FileCheck %s < %t.both.s
// RUN: %clang -fplugin=%plugin -fsplit-stack -O0 -S %s -o - | FileCheck %s
#include <stdarg.h>
int callee(int);

// One prologue check (the call to callee, defined elsewhere, is checked
// separately, against %rax: plugin/CallSiteReserve.h).
// CHECK-LABEL: checked:
// CHECK: cmpq %fs:112, %rsp
// CHECK-NOT: %fs:112, %rsp
// CHECK: callq __morestack
// CHECK-NOT: %fs:112, %rsp
// CHECK: .Lfunc_end
int checked(int x) { volatile int a[4]; a[x] = x; return callee(a[0]) + 1; }

// CHECK-LABEL: unchecked:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
__attribute__((nosplit)) int unchecked(int x) { return callee(x) + 1; }

// clang alone would stop here with "Segmented stacks do not support vararg
// functions".
// CHECK-LABEL: variadic:
// CHECK-NOT: __morestack
// CHECK: .Lfunc_end
// CHECK-LABEL: variadic.morestack.body:
// CHECK: callq __morestack
int variadic(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int r = callee(va_arg(ap, int));
  va_end(ap);
  return r;
}

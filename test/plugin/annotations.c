// The nosplit annotations are consumed and erased early: they do not keep an
// inlined static nosplit function alive, and the user's own annotations are
// kept intact.
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang -fplugin=%plugin -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=O0

int callee(int);

static __attribute__((nosplit)) int helper(int x) { return callee(x) * 2; }
__attribute__((annotate("user-annotation"))) int annotated(int x) { return helper(x) + 1; }

// CHECK: @llvm.global.annotations = appending global [1 x { ptr, ptr, ptr, i32, ptr }] [{ ptr, ptr, ptr, i32, ptr } { ptr @annotated,
// CHECK-NOT: morestack.nosplit
// CHECK-NOT: define{{.*}} @helper(
// CHECK: define{{.*}} i32 @annotated(
// CHECK-NOT: define{{.*}} @helper(

// At -O0 nothing is inlined: helper is there, marked, and not annotated.
// O0: @llvm.global.annotations = appending global [1 x { ptr, ptr, ptr, i32, ptr }] [{ ptr, ptr, ptr, i32, ptr } { ptr @annotated,
// O0-NOT: morestack.nosplit
// O0: define internal i32 @helper({{.*}} [[H:#[0-9]+]]
// O0: attributes [[H]] = {{{.*}}"morestack-nosplit"

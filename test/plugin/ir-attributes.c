// IR level: every defined function gets "split-stack", at -O0 (optnone) and
// -O2; nosplit functions get "morestack-nosplit" instead, and the
// @llvm.global.annotations entries that carried it are gone.
// RUN: %clang -fplugin=%plugin -O0 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s
// Without the plugin, no attribute:
// RUN: %clang -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=NOPLUGIN

int callee(int);

// CHECK-NOT: llvm.global.annotations
// CHECK-NOT: morestack.nosplit

// CHECK: define{{.*}} i32 @plain({{.*}}){{.*}} [[PLAIN:#[0-9]+]]
int plain(int x) { return callee(x) + 1; }

// Declarations get nothing.
// CHECK: declare{{.*}} i32 @callee(i32 noundef){{.*}} [[DECL:#[0-9]+]]

// CHECK: define{{.*}} i32 @no_split({{.*}}){{.*}} [[NOSPLIT:#[0-9]+]]
__attribute__((nosplit)) int no_split(int x) { return callee(x) + 2; }

// The groups are numbered in order of first use: plain, callee, no_split.
// CHECK: attributes [[PLAIN]] = {{{.*}}"split-stack"
// CHECK: attributes [[DECL]] = {
// CHECK-NOT: split-stack
// CHECK-SAME: }
// CHECK: attributes [[NOSPLIT]] = {
// CHECK-NOT: "split-stack"
// CHECK-SAME: "morestack-nosplit"
// CHECK-NOT: "split-stack"
// CHECK-SAME: }

// NOPLUGIN-NOT: split-stack

// When clang fails or crashes, its reproducer preprocesses every input of
// the command again. The wrapper hands its archives to the linker only
// (-Xlinker), so the reproducer holds the user's source and nothing else
// (it used to try to preprocess libmorestack_rt.a as C, for minutes).
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: not %morestack_clang -O1 %s -o %t/prog -gen-reproducer=always -fcrash-diagnostics-dir=%t 2> %t/err
// RUN: FileCheck %s --check-prefix=ERR < %t/err
// RUN: ls %t | FileCheck %s --implicit-check-not=libmorestack --implicit-check-not=morestack_rt
// ERR: failing because '-gen-reproducer' is used
// CHECK: crash-reproducer-{{.*}}.c
// CHECK: crash-reproducer-{{.*}}.sh

int main(void) { return 0; }

// morestack-clang++ compiles and links a C++ program: the plugin instruments
// every function and checks the stack before calls into libstdc++ and libc
// that need more than the nosplit budget (the linker rewrites no
// prologue), and main runs on a growable stack (whole-program mode: the
// runtime's __libc_start_main), at -O0 and at -O2.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: llvm-objdump -d --no-show-raw-insn %t.O0 | FileCheck %s
// RUN: %t.O0 | FileCheck %s --check-prefix=OUT
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: llvm-objdump -d --no-show-raw-insn %t.O2 | FileCheck %s
// RUN: %t.O2 | FileCheck %s --check-prefix=OUT

// _start passes main itself and calls the runtime's __libc_start_main
// directly (libc's would be called through the GOT).
// CHECK-LABEL: <_start>:
// CHECK: leaq {{.*}} <main>
// CHECK-NEXT: callq {{0x[0-9a-f]+}} <__libc_start_main>

// CHECK-LABEL: <_ZN3Acc3addEi>:
// CHECK-NEXT: cmpq %fs:{{0x70|112}}, %rsp

// Growing a std::string calls libstdc++'s _M_create, which may throw: the
// call keeps free what a throw needs on the thrower's stack (0x640 bytes,
// MORESTACK_LIBRARY_THROW_NEED), more than _M_create's own need.
// CHECK-LABEL: <call_libstdcxx>:
// CHECK-NEXT: cmpq %fs:{{0x70|112}}, %rsp
// CHECK: {{(addq \$-0x640|subq \$0x640)}}, %r

// CHECK-LABEL: <main>:
// CHECK-NEXT: cmpq %fs:{{0x70|112}}, %rsp

// OUT: managed=1

#include <morestack/morestack.h>

#include <cstddef>
#include <cstdio>
#include <string>

namespace {
__attribute__((noinline)) int leaf(int x) {
  volatile int a[4];
  a[x & 3] = x;
  return a[x & 3];
}
} // namespace

struct Acc {
  int v = 1;
  __attribute__((noinline)) int add(int x);
};

int Acc::add(int x) { return v + leaf(x) * 2; }

extern "C" __attribute__((noinline)) std::size_t call_libstdcxx(const char *s) {
  std::string str(s);
  str += s;
  return str.size();
}

int main(int argc, char **argv) {
  if (argc > 5) // never: keep libstdc++ out of the run
    return static_cast<int>(call_libstdcxx(argv[0]));
  morestack_stack_stats st;
  std::printf("managed=%d\n", morestack_current_stack_stats(&st));
  Acc acc;
  return acc.add(argc) == 3 ? 0 : 1;
}

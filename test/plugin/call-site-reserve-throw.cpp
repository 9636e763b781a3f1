// A C++ library function that may throw needs at least what a throw needs
// on the thrower's stack: the table measures what its test calls do,
// usually the path that does not throw (std::string::at: a few hundred
// bytes), while a throw formats its message and allocates the exception
// below it (std::__throw_out_of_range_fmt: 1600 bytes with the margin,
// MORESTACK_LIBRARY_THROW_NEED; plugin/CallSiteReserve.cpp). The unwinder
// itself runs on the system stack (runtime/unwinder.cpp): a 2 KiB fiber
// throws and catches at -O0 without growing past 4 KiB.
//
// RUN: %clangxx -fplugin=%plugin -I%S/../../include -std=c++17 -O0 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %morestack_clangxx -std=c++17 -O0 %s -o %t && %t | FileCheck %s --check-prefix=OUT
// RUN: env MORESTACK_VERIFY=1 %t | FileCheck %s --check-prefix=OUT

#include <morestack/morestack.h>
#include <cstdio>
#include <stdexcept>
#include <string>

// CHECK-LABEL: define{{.*}} @_Z2atRNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEm(
// CHECK: call void @__morestack_reserve(i64 1600)
// CHECK-NEXT: br label
// CHECK: call {{.*}} @_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE2atEm(
char at(std::string &s, size_t i) { return s.at(i); }

// A cleanup ends in `resume`, which code generation lowers to a call to
// _Unwind_Resume after the plugin's passes ran: no check can precede it,
// and none is needed, since that call reaches the runtime's entry, which
// runs the unwinder on the system stack (the OUT lines below).
// CHECK-LABEL: define{{.*}} @_Z7cleanupv(
// CHECK-NOT: __morestack_reserve
// CHECK: resume
struct Noisy {
  ~Noisy() { std::puts("cleanup ran"); }
};
void cleanup() {
  Noisy n;
  std::string s = "abc";
  at(s, 20);
}

// OUT: cleanup ran
// OUT-NEXT: caught out_of_range, fiber stack 4096 bytes or less: yes
static void body(void *) {
  std::string s = "abc";
  const char *what = "no exception";
  try {
    cleanup();
  } catch (const std::out_of_range &) {
    what = "caught out_of_range";
  }
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  std::printf("%s, fiber stack 4096 bytes or less: %s\n", what, st.size <= 4096 ? "yes" : "no");
}

int main() {
  morestack_fiber *f = morestack_fiber_create(body, nullptr, 2048);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
}

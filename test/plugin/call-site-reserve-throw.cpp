// A C++ library function that may throw needs at least what a throw needs
// (the unwinder runs below it): the table measures what its test calls do,
// usually the path that does not throw (std::string::at: 320 bytes), so the
// call reserves at least __cxa_throw's need (plugin/CallSiteReserve.cpp).
//
// RUN: %clangxx -fplugin=%plugin -I%S/../../include -std=c++17 -O0 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %morestack_clangxx -std=c++17 -O0 %s -o %t && %t | FileCheck %s --check-prefix=OUT

#include <morestack/morestack.h>
#include <cstdio>
#include <stdexcept>
#include <string>

// CHECK-LABEL: define{{.*}} @_Z2atRNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEm(
// CHECK: call void @__morestack_reserve(i64 5888)
// CHECK-NEXT: br label
// CHECK: call {{.*}} @_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE2atEm(
char at(std::string &s, size_t i) { return s.at(i); }

// OUT: caught out_of_range, fiber grew to hold the throw: yes
static void body(void *) {
  std::string s = "abc";
  const char *what = "no exception";
  try {
    at(s, 10);
  } catch (const std::out_of_range &) {
    what = "caught out_of_range";
  }
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  std::printf("%s, fiber grew to hold the throw: %s\n", what, st.size >= 8192 ? "yes" : "no");
}

int main() {
  morestack_fiber *f = morestack_fiber_create(body, nullptr, 2048);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
}

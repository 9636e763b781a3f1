// C++ variadic functions: members, lambdas, a body with exception handling
// (the personality moves with the body), and an inline one in a comdat.
// RUN: %clangxx -fplugin=%plugin -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clangxx -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// RUN: %clangxx -fplugin=%plugin -O0 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=INL
// RUN: %clangxx -fplugin=%plugin -O2 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s
#include <cstdarg>

int callee(int);
void may_throw(int);

struct Logger {
  int log(int n, ...);
};
int Logger::log(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int r = 0;
  try {
    may_throw(va_arg(ap, int));
  } catch (...) {
    r = -1;
  }
  va_end(ap);
  return r;
}

inline int inline_variadic(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int r = callee(va_arg(ap, int));
  va_end(ap);
  return r;
}

int use() {
  auto l = [](int n, ...) {
    va_list ap;
    va_start(ap, n);
    int r = callee(va_arg(ap, int));
    va_end(ap);
    return r;
  };
  return l(1, 2) + inline_variadic(1, 3) + Logger().log(1, 4);
}

// IR: define{{.*}} i32 @_ZN6Logger3logEiz(ptr {{.*}}, i32 {{.*}}, ...)
// IR-NOT: personality
// IR-SAME: {
// IR: define internal{{.*}} i32 @_ZN6Logger3logEiz.morestack.body({{.*}}) {{.*}}personality ptr @__gxx_personality_v0
// INL: define linkonce_odr{{.*}} i32 @_Z15inline_variadiciz(i32 {{.*}}, ...){{.*}} comdat
// INL: define internal{{.*}} i32 @_Z15inline_variadiciz.morestack.body({{.*}}) {{.*}}comdat($_Z15inline_variadiciz)

// CHECK-DAG: morestack-report: _ZN6Logger3logEiz (Logger::log(int, ...)): skipped (vararg-thunk)
// CHECK-DAG: morestack-report: _ZN6Logger3logEiz.morestack.body (Logger::log(int, ...) (.morestack.body)): instrumented
// CHECK-DAG: morestack-report: _Z15inline_variadiciz (inline_variadic(int, ...)): skipped (vararg-thunk)
// CHECK-DAG: morestack-report: _Z15inline_variadiciz.morestack.body {{.*}}: instrumented
// CHECK-DAG: morestack-report: _ZZ3usevENK3$_0clEiz {{.*}}: skipped (vararg-thunk)
// CHECK-DAG: morestack-report: _ZZ3usevENK3$_0clEiz.morestack.body {{.*}}: instrumented

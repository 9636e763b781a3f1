// nosplit in C++: both spellings, member functions, ctors/dtors (every
// variant), templates, lambdas, static and inline functions, attribute on a
// prior declaration. Everything else gets the check.
// RUN: %clangxx -std=c++23 -fplugin=%plugin -O0 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s
// RUN: %clangxx -std=c++23 -fplugin=%plugin -O0 -S %s -o - | FileCheck %s --check-prefix=ASM
// RUN: %clangxx -std=c++23 -fplugin=%plugin -O2 -S %s -o - | FileCheck %s --check-prefix=ASM

int callee(int);

struct S {
  S();
  ~S();
  [[morestack::nosplit]] S(int);
  __attribute__((nosplit)) void m() { callee(1); }
  void n() { callee(2); }
};
S::S() { callee(3); }
S::~S() { callee(4); }
S::S(int x) { callee(x); }

// Virtual bases: complete and base ctor/dtor variants are distinct bodies,
// plus the deleting destructor.
struct V { virtual ~V(); int v; };
struct D : virtual V {
  [[morestack::nosplit]] D();
  [[morestack::nosplit]] ~D() override;
};
D::D() { callee(5); }
D::~D() { callee(6); }

template <class T> [[morestack::nosplit]] T tmpl_nosplit(T x) { return callee(x); }
template <class T> T tmpl_split(T x) { return callee(x); }
template <class T> struct Box {
  __attribute__((nosplit)) T get() { return callee(val); }
  T put() { return callee(val + 1); }
  T val;
};

void declared_first(int) __attribute__((nosplit));
void declared_first(int x) { callee(x); }

__attribute__((nosplit)) static int static_nosplit(int x) { return callee(x); }
inline __attribute__((nosplit)) int inline_nosplit(int x) { return callee(x); }
inline int inline_split(int x) { return callee(x); }

int use() {
  S s;
  s.m();
  s.n();
  Box<int> b{7};
  auto gnu_lambda = [](int x) __attribute__((nosplit)) { return callee(x); };
  auto std_lambda = [] [[morestack::nosplit]] (int x) { return callee(x); };
  auto plain_lambda = [](int x) { return callee(x); };
  return tmpl_nosplit(1) + tmpl_split(2) + b.get() + b.put() +
         static_nosplit(3) + inline_nosplit(4) + inline_split(5) +
         gnu_lambda(6) + std_lambda(7) + plain_lambda(8);
}

// CHECK-DAG: morestack-report: _ZN1SC2Ev (S::S()): instrumented
// CHECK-DAG: morestack-report: _ZN1SD2Ev (S::~S()): instrumented
// CHECK-DAG: morestack-report: _ZN1SC2Ei (S::S(int)): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZN1S1mEv (S::m()): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZN1S1nEv (S::n()): instrumented
// CHECK-DAG: morestack-report: _ZN1DC1Ev (D::D()): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZN1DC2Ev (D::D()): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZN1DD0Ev (D::~D()): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZN1DD1Ev (D::~D()): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZN1DD2Ev (D::~D()): skipped (nosplit)
// CHECK-DAG: morestack-report: _Z12tmpl_nosplitIiET_S0_ (int tmpl_nosplit<int>(int)): skipped (nosplit)
// CHECK-DAG: morestack-report: _Z10tmpl_splitIiET_S0_ (int tmpl_split<int>(int)): instrumented
// CHECK-DAG: morestack-report: _ZN3BoxIiE3getEv (Box<int>::get()): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZN3BoxIiE3putEv (Box<int>::put()): instrumented
// CHECK-DAG: morestack-report: _Z14declared_firsti (declared_first(int)): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZL14static_nospliti (static_nosplit(int)): skipped (nosplit)
// CHECK-DAG: morestack-report: _Z14inline_nospliti (inline_nosplit(int)): skipped (nosplit)
// CHECK-DAG: morestack-report: _Z12inline_spliti (inline_split(int)): instrumented
// CHECK-DAG: morestack-report: _ZZ3usevENK3$_0clEi (use()::$_0::operator()(int) const): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZZ3usevENK3$_1clEi (use()::$_1::operator()(int) const): skipped (nosplit)
// CHECK-DAG: morestack-report: _ZZ3usevENK3$_2clEi (use()::$_2::operator()(int) const): instrumented
// CHECK-DAG: morestack-report: _Z3usev (use()): instrumented

// In assembly: the nosplit out-of-line functions have no check, their
// neighbours do.
// ASM-LABEL: _ZN1SC2Ev:
// ASM: callq __morestack
// ASM-LABEL: _ZN1SC2Ei:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: _ZN1DC2Ev:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: _ZN1DD2Ev:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: _Z14declared_firsti:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: _Z3usev:
// ASM: callq __morestack

// The nosplit budget check in C++: chains through member functions,
// template instantiations and lambdas are named by their IR (mangled) name
// and demangled; a variadic function's thunk is unchecked, so it is part of
// the chain, which ends at its checked body; operator new is a C library
// function (warning). noinline keeps the chains at -O2.
// RUN: not %clangxx -fplugin=%plugin -O0 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefixes=CHECK,O0
// RUN: not %clangxx -fplugin=%plugin -O2 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefixes=CHECK,O2
// RUN: %clangxx -fplugin=%plugin -O2 -c %s -o /dev/null -fplugin-arg-morestack-nosplit-budget=warn 2>&1 | FileCheck %s --check-prefix=WARN

#define NOINLINE __attribute__((noinline))
#define LOCALS(n) volatile char b[n]; b[i & 7] = (char)i
int ext(int);

struct Widget {
  [[morestack::nosplit]] NOINLINE int leafy(int i);
};
int Widget::leafy(int i) { LOCALS(300); return b[1]; }

template <class T> [[morestack::nosplit]] NOINLINE T tmpl(T i) {
  LOCALS(200);
  Widget w;
  return w.leafy(b[1]) + b[2];
}

// root -> tmpl<int> -> Widget::leafy is the worst chain; the lambda's
// (-> ext) is shorter.
[[morestack::nosplit]] int root(int i) {
  LOCALS(240);
  auto lambda = [](int i) __attribute__((nosplit, noinline)) { LOCALS(100); return ext(b[1]); };
  return tmpl<int>(b[1]) + lambda(b[2]);
}

int logf(int n, ...) NOINLINE;
int logf(int n, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, n);
  int r = __builtin_va_arg(ap, int);
  __builtin_va_end(ap);
  return r + ext(n);
}
[[morestack::nosplit]] int logs(int i) { LOCALS(444); return logf(b[1], 1, 2, 3) + b[2]; }

[[morestack::nosplit]] int *allocates(int i) { return new int(i); }

// A member function declared nosplit, defined in another file.
struct Elsewhere {
  [[morestack::nosplit]] int get(int i);
};
[[morestack::nosplit]] int across(Elsewhere &e, int i) { return e.get(i) + 1; }

// CHECK: warning: morestack: nosplit function '_Z9allocatesi (allocates(int))' calls '_Znwm (operator new(unsigned long))', a C library function without a stack check
// At -O0 (no attribute inference) the objects whose address is passed on
// (w, the lambda) live on the side stack: the frames hold its bookkeeping.
// O0-NEXT: error: morestack: nosplit stack over 768 byte limit in '_Z4rooti (root(int))': [[T:[0-9]+]] bytes, over by {{[0-9]+}} bytes
// O0-NEXT: {{^ +[0-9]+}}  _Z4rooti (root(int)): 8 return address + {{[0-9]+}} frame{{$}}
// O0-NEXT: {{^ +[0-9]+}}  _Z4tmplIiET_S0_ (int tmpl<int>(int)): 8 return address + {{[0-9]+}} frame{{$}}
// O0-NEXT: {{^ +}}[[T]]  _ZN6Widget5leafyEi (Widget::leafy(int)): 8 return address + 200 frame + 128 red zone{{$}}
// O2-NEXT: error: morestack: nosplit stack over 768 byte limit in '_Z4rooti (root(int))': 784 bytes, over by 16 bytes
// O2-NEXT: {{^}}     256  _Z4rooti (root(int)): 8 return address + 248 frame{{$}}
// O2-NEXT: {{^}}     464  _Z4tmplIiET_S0_ (int tmpl<int>(int)): 8 return address + 200 frame{{$}}
// O2-NEXT: {{^}}     784  _ZN6Widget5leafyEi (Widget::leafy(int)): 8 return address + 184 frame + 128 red zone{{$}}
// CHECK-NEXT: error: morestack: nosplit stack over 768 byte limit in '_Z4logsi (logs(int))': 816 bytes, over by 48 bytes
// CHECK-NEXT: {{^}}     464  _Z4logsi (logs(int)): 8 return address + 456 frame{{$}}
// CHECK-NEXT: {{^}}     688  _Z4logfiz (logf(int, ...)) [vararg-thunk]: 8 return address + 216 frame{{$}}
// CHECK-NEXT: {{^}}     816  calls '_Z4logfiz.morestack.body (logf(int, ...) (.morestack.body))' (checked): 8 return address + 120 __morestack if its check fails{{$}}
// CHECK-NEXT: error: morestack: nosplit stack over 768 byte limit in '_Z6acrossR9Elsewherei (across(Elsewhere&, int))'
// CHECK-NEXT: _Z6acrossR9Elsewherei (across(Elsewhere&, int)): 8 return address + {{[0-9]+}} frame
// CHECK-NEXT: calls '_ZN9Elsewhere3getEi (Elsewhere::get(int))' (nosplit, defined in another file): up to 768
// CHECK-NEXT: 1 warning and 3 errors generated.

// WARN: warning: morestack: nosplit stack over 768 byte limit in '_Z4rooti (root(int))'
// WARN: warning: morestack: nosplit stack over 768 byte limit in '_Z4logsi (logs(int))'
// WARN: warning: morestack: nosplit stack over 768 byte limit in '_Z6acrossR9Elsewherei (across(Elsewhere&, int))'
// WARN: 4 warnings generated.

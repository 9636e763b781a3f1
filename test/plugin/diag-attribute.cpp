// C++: the same errors, plus types and lambda function types.
// RUN: not %clangxx -std=c++23 -fplugin=%plugin -fsyntax-only %s 2>&1 | FileCheck %s

// CHECK: diag-attribute.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
[[morestack::nosplit]] int w;
// CHECK: diag-attribute.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
class [[morestack::nosplit]] C {};
// CHECK: diag-attribute.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
using T [[morestack::nosplit]] = int;
// CHECK: diag-attribute.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute cannot be applied to types
int [[morestack::nosplit]] h;
// In C++11 syntax, an attribute after a lambda's parameters is on its type:
// CHECK: diag-attribute.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute cannot be applied to types
auto l = [](int x) [[morestack::nosplit]] { return x; };
int g(int x) {
  // CHECK: diag-attribute.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions, not to statements
  [[morestack::nosplit]] return x;
}
// CHECK-NOT: error:

// nosplit on anything but a function is an error, in every spelling.
// RUN: not %clang -std=c2x -fplugin=%plugin -fsyntax-only %s 2>&1 | FileCheck %s
// RUN: not %clang -std=c2x -fplugin=%plugin -fplugin-arg-morestack-report -c %s -o /dev/null 2>&1 | FileCheck %s

// CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
int v __attribute__((nosplit));
// CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
[[morestack::nosplit]] int w;
// CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
struct [[morestack::nosplit]] T { int x; };
// CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
typedef int __attribute__((nosplit)) myint;
// CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
struct F { int f __attribute__((nosplit)); };
// CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions
void (*fp)(void) __attribute__((nosplit));
int g(int x) {
  // CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute only applies to functions, not to statements
  [[morestack::nosplit]] return x;
}
// CHECK: diag-attribute.c:[[@LINE+1]]:{{[0-9]+}}: error: 'nosplit' attribute takes no arguments
__attribute__((nosplit(1))) void k(void);
// CHECK-NOT: error:

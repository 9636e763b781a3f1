// Verify mode must not call dead setjmp bytes stale. A function with a
// jmp_buf (on the side stack) calls setjmp deep in main's stack and
// returns; the buffer's bytes (the mangled stack pointer, pointing deep into
// main's stack) stay in side-stack memory. A later side object at the same
// place that is never fully written still holds them when main's stack
// moves again. (Found running Lua's test suite with 2 KiB stacks and
// MORESTACK_VERIFY=1: the char buffer of luaO_pushvfstring.)
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t | FileCheck %s
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O0 | FileCheck %s
//
// CHECK: ok {{-?[0-9]+}}

#include <setjmp.h>
#include <stdio.h>

__attribute__((noinline)) static void sink(void *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

__attribute__((noinline)) static int use_setjmp(void) {
  jmp_buf jb; /* on the side stack, at the side stack's first place */
  if (setjmp(jb) == 0) return 1;
  return 2;
}

/* recursion without side-stack objects, calling `leaf` at the bottom */
__attribute__((noinline)) static int deep(int n, int (*leaf)(void)) {
  volatile char buf[64];
  buf[0] = (char)n;
  if (n == 0) return leaf();
  return deep(n - 1, leaf) + buf[0];
}

static jmp_buf many[10];

__attribute__((noinline)) static int nothing(void) { return 0; }

__attribute__((noinline)) static int later(void) {
  char space[sizeof(jmp_buf)]; /* escapes: side stack, where jb was; never written */
  sink(space);
  return deep(8000, nothing); /* main's stack moves while space is live */
}

int main(void) {
  int r = deep(2000, use_setjmp);           /* dead jmp_buf bytes, saved deep in main's stack */
  for (int i = 0; i < 10; ++i)              /* fill the registry: the dead buffer is forgotten */
    if (setjmp(many[i])) return 1;
  r += later();
  printf("ok %d\n", r);
  return 0;
}

// setjmp/longjmp across a growth: a jmp_buf on the stack moves with it (the
// relocation rewrites glibc's mangled stack and frame pointers), so the jump
// lands on the new stack. A jmp_buf in a global does not move: after a growth
// its target is a freed block, and longjmp stops with a clear message instead
// of jumping there.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K not --crash %t.O2 global 2>&1 | FileCheck %s --check-prefix=GLOBAL
//
// CHECK: longjmp returned 42 after 1 growths or more, local 7
// CHECK-NEXT: sigsetjmp/siglongjmp returned 9
//
// GLOBAL: morestack: fatal: longjmp: the target was saved with setjmp at sp={{0x[0-9a-f]+}}, outside the current stack of main (thread 1)
// GLOBAL-SAME: keep the jmp_buf in a local variable

#include <morestack/morestack.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include "Inputs/grow.h"

static unsigned long long growths(void) {
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  return s.growths;
}

static void descend_and_jump(jmp_buf *env, int n) {
  if (n == 0) {
    grow(300);  // 150 KiB: the stack moves, with env's frame on it
    longjmp(*env, 42);
  }
  descend_and_jump(env, n - 1);
}

static jmp_buf global_env;

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "global") == 0) {
    if (setjmp(global_env) == 0) {
      grow(300);
      longjmp(global_env, 1);
    }
    puts("UNREACHABLE");
    return 0;
  }
  jmp_buf env;
  volatile int local = 7;
  unsigned long long g0 = growths();
  int r = setjmp(env);
  if (r == 0) {
    descend_and_jump(&env, 20);
    return 1;
  }
  printf("longjmp returned %d after %s growths or more, local %d\n", r, growths() > g0 ? "1" : "0", local);

  sigjmp_buf senv;
  r = sigsetjmp(senv, 1);
  if (r == 0) {
    grow(1000);
    siglongjmp(senv, 9);
  }
  printf("sigsetjmp/siglongjmp returned %d\n", r);
  return 0;
}

// setjmp/longjmp across a growth: every buffer passed to setjmp is
// registered with the runtime (runtime/jmp_bufs.h), which moves the stack
// and frame pointers saved in it (mangled by glibc) when the stack moves,
// wherever the buffer is: a local (on the side stack: its address went to
// setjmp), a global, the heap. A jump to a buffer that does not belong to
// the running stack (here, across fibers) stops with a message instead.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 global | FileCheck %s --check-prefix=GLOBAL
// RUN: env MORESTACK_MAIN_STACK=2K not --crash %t.O2 across 2>&1 | FileCheck %s --check-prefix=ACROSS
//
// CHECK: longjmp returned 42 after 1 growths or more, local 7
// CHECK-NEXT: sigsetjmp/siglongjmp returned 9
//
// GLOBAL: global and heap jmp_bufs: landed 2 times after growths
//
// ACROSS: morestack: fatal: longjmp: the target was saved with setjmp at sp={{0x[0-9a-f]+}}, outside the current stack of fiber 1
// ACROSS-SAME: a jump across fibers

#include <morestack/morestack.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
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

static void jump_out(void *arg) {
  (void)arg;
  longjmp(global_env, 1);  // from a fiber to main: not its stack
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "global") == 0) {
    int landed = 0;
    if (setjmp(global_env) == 0) {
      grow(300);
      longjmp(global_env, 1);
    }
    ++landed;
    jmp_buf *heap_env = malloc(sizeof(jmp_buf));
    if (setjmp(*heap_env) == 0) {
      grow(2000);
      longjmp(*heap_env, 1);
    }
    ++landed;
    free(heap_env);
    printf("global and heap jmp_bufs: landed %d times after %s\n", landed, growths() ? "growths" : "no growth");
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "across") == 0) {
    if (setjmp(global_env) == 0) morestack_fiber_resume(morestack_fiber_create(jump_out, NULL, 0));
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

// Signal handlers get the stack they need (runtime/signals.h): they run on
// the thread's handler stack (8 MiB reserved, like a thread's default
// stack), not on the 64 KiB alternate stack where the kernel puts its frame,
// and not on whatever small stack the thread was on.
//  - a handler that recurses 230 KiB deep, in main and in a 2 KiB fiber;
//  - a signal raised inside a handler (nested delivery);
//  - siglongjmp out of a handler, then more signals;
//  - a program that disables its alternate stack (SS_DISABLE): the runtime
//    keeps one armed (the kernel would otherwise write its frame onto the
//    2 KiB fiber) and reports the program's view back;
//  - a handler that recurses without end: a message naming the cause, not
//    a crash in a guard page.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K not --crash %t.O2 endless 2>&1 | FileCheck %s --check-prefix=ENDLESS
//
// CHECK: deep handler in main: 230 KiB ok
// CHECK-NEXT: deep handler in a fiber: 230 KiB ok
// CHECK-NEXT: nested signal: outer and inner ran
// CHECK-NEXT: siglongjmp out of a handler: 3 times, then a handler still runs
// CHECK-NEXT: after SS_DISABLE: reported disabled, handler in a fiber ok
// (Under a sanitizer the handler's frames may fill its side stack first.)
// ENDLESS: morestack: fatal: a signal handler needs more than {{the 8388608 bytes of the signal handler stack of thread 1|its 1048576-byte side stack}}

#include <morestack/morestack.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile int depth_reached;

static int recurse(int n) {
  volatile char block[1024];
  block[n & 1023] = (char)n;
  if (n == 0) return block[0];
  return recurse(n - 1) + block[n & 1023];
}

static void deep_handler(int sig) {
  (void)sig;
  recurse(230);  // ~230 KiB
  depth_reached = 230;
}

static void endless(int n) {
  volatile char block[4096];
  block[n & 4095] = 1;
  endless(n + 1);
  block[0] = 0;
}
static void endless_handler(int sig) {
  (void)sig;
  endless(0);
}

static volatile int outer_ran, inner_ran;
static void inner_handler(int sig) {
  (void)sig;
  inner_ran = 1;
}
static void outer_handler(int sig) {
  (void)sig;
  raise(SIGUSR2);  // delivered while this handler runs
  outer_ran = inner_ran;
}

static sigjmp_buf escape;
static void jumping_handler(int sig) {
  (void)sig;
  siglongjmp(escape, 1);
}

static void in_fiber(void *arg) {
  raise(*(int *)arg);
}

static void run_in_fiber(int sig) {
  morestack_fiber *f = morestack_fiber_create(in_fiber, &sig, 0);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_fiber_destroy(f);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "endless") == 0) {
    signal(SIGUSR1, endless_handler);
    raise(SIGUSR1);
    return 0;
  }
  signal(SIGUSR1, deep_handler);
  raise(SIGUSR1);
  printf("deep handler in main: %s\n", depth_reached == 230 ? "230 KiB ok" : "wrong");
  depth_reached = 0;
  run_in_fiber(SIGUSR1);
  printf("deep handler in a fiber: %s\n", depth_reached == 230 ? "230 KiB ok" : "wrong");

  signal(SIGUSR1, outer_handler);
  signal(SIGUSR2, inner_handler);
  raise(SIGUSR1);
  printf("nested signal: %s\n", outer_ran && inner_ran ? "outer and inner ran" : "wrong");

  signal(SIGUSR1, jumping_handler);
  volatile int jumps = 0;
  if (sigsetjmp(escape, 1)) ++jumps;
  if (jumps < 3) raise(SIGUSR1);
  signal(SIGUSR1, deep_handler);
  depth_reached = 0;
  run_in_fiber(SIGUSR1);
  printf("siglongjmp out of a handler: %d times, then a handler %s\n", jumps,
         depth_reached == 230 ? "still runs" : "failed");

  stack_t off = {.ss_flags = SS_DISABLE}, seen;
  sigaltstack(&off, NULL);
  sigaltstack(NULL, &seen);
  depth_reached = 0;
  run_in_fiber(SIGUSR1);
  printf("after SS_DISABLE: reported %s, handler in a fiber %s\n",
         (seen.ss_flags & SS_DISABLE) ? "disabled" : "enabled", depth_reached == 230 ? "ok" : "wrong");
  return 0;
}

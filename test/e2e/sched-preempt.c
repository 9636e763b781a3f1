// Preemption (MORESTACK_PREEMPT=1): on one worker, a task that never blocks or yields but calls
// functions (with stack checks) is preempted after its time slice, so the
// task that tells it to stop gets to run. Without preemption this never
// ends (`timeout` turns that into a failure). The spinner's arithmetic goes
// through double arguments (vector registers live at the prologue where
// the yield happens) and must come out exact.
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: env MORESTACK_PREEMPT=1 MORESTACK_WORKERS=1 timeout 300 %t | FileCheck %s
// RUN: env MORESTACK_PREEMPT=1 MORESTACK_WORKERS=1 MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 timeout 300 %t | FileCheck %s
// Off by default (a task must not yield inside a pthread mutex's critical
// section, sched-pthread-mutex.c): then the spinner never stops.
// RUN: env MORESTACK_WORKERS=1 not timeout 3 %t
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_PREEMPT=1 MORESTACK_WORKERS=1 timeout 300 %t.O0 | FileCheck %s
// CHECK: stopper ran
// CHECK: spinner stopped after {{[1-9][0-9]*}} calls, sum exact

#include <morestack/sched.h>
#include <stdio.h>

static volatile int stop;

__attribute__((noinline)) static double add(double a, double b) {
  volatile char pad[64];  // a frame of its own, so that it is checked
  pad[0] = 1;
  return a + b + (pad[0] - 1);
}

__attribute__((noinline)) static double step(double sum, double x, double y, double z) {
  return add(add(sum, x), add(y, z) - y - z);
}

static long calls;
static double sum;

static void spinner(void *arg) {
  (void)arg;
  while (!stop) {
    sum = step(sum, 0.5 * (double)calls, 1.25, 2.5);
    ++calls;
  }
}

static void stopper(void *arg) {
  (void)arg;
  printf("stopper ran\n");
  stop = 1;
}

int main(void) {
  morestack_task *a = morestack_go(spinner, NULL);
  morestack_task *b = morestack_go(stopper, NULL);
  morestack_join(b);
  morestack_join(a);
  const double want = 0.5 * (double)calls * (double)(calls - 1) / 2;
  printf("spinner stopped after %ld calls, sum %s\n", calls, sum == want ? "exact" : "WRONG");
  return sum == want ? 0 : 1;
}

// Tasks that share a pthread mutex around a long CPU-bound critical
// section, with no blocking call in it: at the default settings they run
// to the end. With preemption they did not (found in SQLite run in tasks):
// the holder yielded inside the section, the other task then blocked the
// only worker's thread in pthread_mutex_lock, and the holder never ran
// again. Preemption is therefore off unless MORESTACK_PREEMPT=1
// (runtime/scheduler.cpp, "Preemption"). `timeout` turns a hang into a
// failure.
//
// RUN: %morestack_clang -O2 %s -o %t -lpthread
// RUN: env MORESTACK_WORKERS=1 timeout 120 %t | FileCheck %s
// RUN: env MORESTACK_WORKERS=2 timeout 120 %t | FileCheck %s
// CHECK: both done, 20 sections

#include <morestack/sched.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static volatile long sink, arg = 15;
static int sections;

__attribute__((noinline)) static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void task(void *unused) {
  (void)unused;
  for (int round = 0; round < 10; ++round) {
    pthread_mutex_lock(&m);
    for (int k = 0; k < 3000; ++k) sink += fib(arg);  // tens of ms of checked calls
    ++sections;
    pthread_mutex_unlock(&m);
  }
}

int main(void) {
  morestack_task *a = morestack_go(task, NULL), *b = morestack_go(task, NULL);
  morestack_join(a);
  morestack_join(b);
  printf("both done, %d sections\n", sections);
  return 0;
}

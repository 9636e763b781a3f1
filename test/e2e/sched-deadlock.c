// When every task is blocked, nothing can wake one and main waits for
// them, the runtime stops like Go ("all goroutines are asleep - deadlock!")
// and prints each task with its backtrace. A task asleep on a timer is not
// a deadlock, nor is one that a thread not yet waiting may still wake.
//
// RUN: %morestack_clang -O1 %s -o %t
// RUN: env MORESTACK_WORKERS=2 not --crash %t 2>&1 | FileCheck %s
// RUN: env MORESTACK_WORKERS=2 %t sleeper 2>&1 | FileCheck %s --check-prefix=SLEEP
// RUN: env MORESTACK_WORKERS=2 %t late-thread 2>&1 | FileCheck %s --check-prefix=LATE
// RUN: env MORESTACK_WORKERS=0 not %t 2>&1 | FileCheck %s --check-prefix=BADWORKERS
// RUN: env MORESTACK_DEADLOCK=yes not %t 2>&1 | FileCheck %s --check-prefix=BADFLAG
// CHECK: all tasks are asleep - deadlock! (2 tasks blocked; 1 threads outside the scheduler wait for them)
// CHECK-DAG: task {{[0-9]+}} (waiter) [blocked]:
// CHECK-DAG: wait_forever
// CHECK: morestack: fatal: all tasks are asleep - deadlock!
// SLEEP: slept and joined
// LATE: the late thread's value: 7
// BADWORKERS: MORESTACK_WORKERS="0": use a number of worker threads from 1 to 1024
// BADFLAG: MORESTACK_DEADLOCK="yes": use 0 to turn the deadlock check off, 1 for on

#include <morestack/sched.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <string.h>

static morestack_chan *never;

__attribute__((noinline)) static void wait_forever(void *arg) {
  long v;
  morestack_chan_recv(never, &v);  // nobody sends
  printf("unreachable %p\n", arg);
}

static void sleeper(void *arg) {
  (void)arg;
  morestack_sleep_ns(20 * 1000 * 1000);
}

static long got;
static void receiver(void *arg) {
  (void)arg;
  morestack_chan_recv(never, &got);
}
// A thread that sends only after main already waits: not a deadlock.
static void *late_thread(void *arg) {
  (void)arg;
  struct timespec ts = {0, 50 * 1000 * 1000};
  nanosleep(&ts, 0);
  long v = 7;
  morestack_chan_send(never, &v);
  return 0;
}

int main(int argc, char **argv) {
  never = morestack_chan_new(sizeof(long), 0);
  if (argc > 1 && strcmp(argv[1], "sleeper") == 0) {
    morestack_task *t = morestack_go(sleeper, 0);
    morestack_join(t);
    printf("slept and joined\n");
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "late-thread") == 0) {
    morestack_task *t = morestack_go(receiver, 0);
    pthread_t th;
    pthread_create(&th, 0, late_thread, 0);
    morestack_join(t);
    pthread_join(th, 0);
    printf("the late thread's value: %ld\n", got);
    return 0;
  }
  morestack_task *a = morestack_go(wait_forever, 0);
  morestack_task_set_name(a, "waiter");
  morestack_task *b = morestack_go(wait_forever, 0);
  morestack_join(a);
  morestack_join(b);
  return 0;
}

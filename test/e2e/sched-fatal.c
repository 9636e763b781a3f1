// A fatal error in a program with tasks lists every task (Go prints every
// goroutine): here a task passes a bogus fiber to the runtime while three
// others wait on a channel; each waiter's backtrace names its function.
//
// The culprit also starts a task just before: on one worker it has not run
// yet, so it has no stack (tasks get theirs when they first run) and is
// listed as such.
//
// RUN: %morestack_clang -O1 %s -o %t
// RUN: env MORESTACK_WORKERS=2 not --crash %t 2>&1 | FileCheck %s
// RUN: env MORESTACK_WORKERS=1 not --crash %t 2>&1 | FileCheck %s --check-prefixes=CHECK,ONE
// CHECK: morestack: fatal: morestack_fiber_resume: {{.*}} is not a live fiber
// CHECK: morestack: 5 tasks alive:
// ONE: task {{[0-9]+}} (queued) [runnable]:
// ONE-NEXT: (not started yet: no stack)
// CHECK-DAG: task {{[0-9]+}} (culprit) [running here]:
// CHECK-DAG: task {{[0-9]+}} (waiter) [blocked]:
// CHECK-DAG: wait_on_channel
// CHECK-NOT: tasks not listed

#include <morestack/morestack.h>
#include <morestack/sched.h>

static morestack_chan *ch;
static long not_a_fiber[64];
static morestack_waitgroup ready;

__attribute__((noinline)) static void wait_on_channel(void *arg) {
  (void)arg;
  morestack_task_set_name(morestack_task_self(), "waiter");
  morestack_waitgroup_done(&ready);
  long v;
  morestack_chan_recv(ch, &v);
}

static void also_waits(void *arg) {
  (void)arg;
  long v;
  morestack_chan_recv(ch, &v);
}

static void culprit(void *arg) {
  (void)arg;
  morestack_task_set_name(morestack_task_self(), "culprit");
  morestack_waitgroup_wait(&ready);
  morestack_task *queued = morestack_go(also_waits, NULL);
  morestack_task_set_name(queued, "queued");
  morestack_detach(queued);
  morestack_fiber_resume((morestack_fiber *)not_a_fiber);  // fatal
}

int main(void) {
  ch = morestack_chan_new(sizeof(long), 0);
  morestack_waitgroup_add(&ready, 3);
  for (int i = 0; i < 3; ++i) morestack_detach(morestack_go(wait_on_channel, NULL));
  morestack_join(morestack_go(culprit, NULL));
  return 0;
}

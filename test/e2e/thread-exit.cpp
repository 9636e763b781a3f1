// Threads leave their managed stacks however they end: returning,
// pthread_exit (a forced unwind that crosses from the managed stack back to
// the OS stack through the runtime's CFI, running destructors on the way),
// or cancellation. Afterwards the stack is back in the pool and the guard is
// 0, so thread_local destructors run unchecked on the OS stack.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: env MORESTACK_THREAD_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: env MORESTACK_THREAD_STACK=2K %t.O2 | FileCheck %s
//
// CHECK: return: result 1, local dtor 1, thread_local dtor 1, guard in dtor 0
// CHECK-NEXT: pthread_exit: result 42, local dtor 1, thread_local dtor 1, guard in dtor 0
// CHECK-NEXT: cancel: result canceled, local dtor 1, thread_local dtor 1, guard in dtor 0
// CHECK-NEXT: thread stacks still in use: 0

#include "Inputs/grow.h"
#include <morestack/morestack.h>
#include <pthread.h>
#include <unistd.h>
#include <cstdio>

static int local_dtors, tl_dtors, guard_in_dtor = -1;

struct Tl {
  int used = 0;
  ~Tl() {
    ++tl_dtors;
    morestack_stack_stats s;
    guard_in_dtor = morestack_current_stack_stats(&s);  // 0: on an unmanaged stack
  }
};
thread_local Tl tl;
struct Local {
  ~Local() { ++local_dtors; }
};

static void *returns(void *) {
  tl.used = 1;
  Local l;
  grow(100);  // the stack grows to 64 KiB first
  return (void *)1;
}
static void *exits(void *) {
  tl.used = 1;
  Local l;
  grow(100);
  pthread_exit((void *)42);
}
static void *cancelled(void *) {
  tl.used = 1;
  Local l;
  grow(100);
  for (;;) pause();  // a cancellation point
}

static void run(const char *name, void *(*fn)(void *), bool cancel) {
  local_dtors = tl_dtors = 0;
  guard_in_dtor = -1;
  pthread_t t;
  void *result;
  pthread_create(&t, nullptr, fn, nullptr);
  if (cancel) {
    usleep(20000);
    pthread_cancel(t);
  }
  pthread_join(t, &result);
  char r[32];
  if (result == PTHREAD_CANCELED) snprintf(r, sizeof r, "canceled");
  else snprintf(r, sizeof r, "%ld", (long)result);
  std::printf("%s: result %s, local dtor %d, thread_local dtor %d, guard in dtor %d\n", name, r,
              local_dtors, tl_dtors, guard_in_dtor);
}

int main() {
  morestack_process_stats before;
  morestack_get_process_stats(&before);
  run("return", returns, false);
  run("pthread_exit", exits, false);
  run("cancel", cancelled, true);
  morestack_process_stats after;
  morestack_get_process_stats(&after);
  std::printf("thread stacks still in use: %zu\n", after.pool_bytes_in_use - before.pool_bytes_in_use);
}

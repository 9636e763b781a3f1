// Signals that arrive while a fiber runs on its small stack: the runtime
// installs handlers with SA_ONSTACK behind a trampoline, gives each thread
// that runs fibers an alternate signal stack, and runs handlers on the
// thread's handler stack, so a handler that uses 8 KiB of stack runs fine
// while the fiber's stack is 2 KiB. sigaction() reports the user's own
// handler back, not the trampoline.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: %t.O2 | FileCheck %s
// Without whole-program mode (fibers resumed from the OS stack) as well:
// RUN: %morestack_clang -O2 -morestack-no-whole-program %s -o %t.nwp
// RUN: %t.nwp | FileCheck %s
//
// CHECK: old handler reported: on_signal
// CHECK-NEXT: handler ran 40 times, never on the fiber's stack: yes
// CHECK-NEXT: fiber finished: yes

#include <morestack/morestack.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "Inputs/grow.h"

static volatile sig_atomic_t hits, on_fiber_stack;

static void on_signal(int sig) {
  char big[8192];  // four times the fiber's whole stack
  memset(big, sig, sizeof big);
  // The stack the handler runs on is not a fiber's: fibers start at 2 KiB.
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  if (st.initial_size == morestack_fiber_stack_size()) on_fiber_stack = 1;
  hits += big[4000] == sig;
}

static void fiber_body(void *done) {
  for (int i = 0; i < 20; ++i) {
    raise(SIGUSR1);
    grow(i * 4);
    raise(SIGUSR2);
    morestack_fiber_yield();
  }
  *(int *)done = 1;
}

int main(void) {
  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_handler = on_signal;
  sigaction(SIGUSR1, &act, NULL);
  signal(SIGUSR2, on_signal);
  sigaction(SIGUSR1, &act, &old);
  printf("old handler reported: %s\n", old.sa_handler == on_signal ? "on_signal" : "something else");
  int done = 0;
  morestack_fiber *f = morestack_fiber_create(fiber_body, &done, 0);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_fiber_destroy(f);
  printf("handler ran %d times, never on the fiber's stack: %s\n", (int)hits, on_fiber_stack ? "no" : "yes");
  printf("fiber finished: %s\n", done ? "yes" : "no");
  return 0;
}

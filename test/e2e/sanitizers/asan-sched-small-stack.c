// The scheduler's API on a task's 2 KiB stack writes nothing below that
// stack's block under ASan. A sender's copy into a parked receiver (memcpy),
// a close's zeroing of one (memset), morestack_task_set_name (strnlen,
// memcpy) and morestack_now_ns (clock_gettime) call libc functions that ASan
// intercepts; its interceptors keep room for a stack trace in their frames
// (2.1 KiB for memcpy) and ran on the task's stack, where the call-site
// check promises far less (MORESTACK_API_NEEDS): each wrote its return
// address some 300 bytes below the block, into the stack of the task below,
// and sched-daisy.c under ASan crashed most runs (a parked task's saved
// register overwritten). The runtime makes those calls on the system stack
// under a sanitizer (runtime/scheduler.h, libc_call).
//
// One worker: the receivers park first, the sender finds them parked and
// copies on its own stack; nothing else runs meanwhile, so the 1 KiB below
// its block (another block of the same pool chunk) must not change. Blocks
// are aligned to their size (runtime/stack_pool.h), which gives the block.
//
// REQUIRES: asan-runtime
// UNSUPPORTED: sanitizer
// RUN: %morestack_clang_nosan -fsanitize=address -g -O2 %s -o %t
// RUN: env ASAN_OPTIONS=detect_leaks=0 MORESTACK_WORKERS=1 %t | FileCheck %s
// RUN: %morestack_clang_nosan -g -O2 %s -o %t.plain
// RUN: env MORESTACK_WORKERS=1 %t.plain | FileCheck %s
// CHECK: stack 2048 bytes, copies made on it: 2
// CHECK-NEXT: below the block: unchanged

#include <morestack/morestack.h>
#include <morestack/sched.h>
#include <stdint.h>
#include <stdio.h>

#include "../Inputs/below_block.h"

// Globals, not locals: the copies must write no stack.
static morestack_chan *values, *closing;
static long received, zeroed = 1, sent = 42;
static volatile int receiver_ran, closer_ran;
static unsigned char before[BELOW], after[BELOW];
static size_t stack_size;
static int copies, moved;

static void receiver(void *arg) {
  (void)arg;
  morestack_chan_recv(values, &received);
  receiver_ran = 1;
}

static void closer(void *arg) {
  (void)arg;
  morestack_chan_recv(closing, &zeroed);
  closer_ran = 1;
}

static void sender(void *arg) {
  (void)arg;
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  stack_size = st.size;
  const uintptr_t lo = (uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)(st.size - 1);
  snapshot_below(lo, before);
  morestack_chan_send(values, &sent);  // into the parked receiver: memcpy here
  copies += !receiver_ran && received == 42;
  morestack_chan_close(closing);       // zeroes the parked closer's long: memset here
  copies += !closer_ran && zeroed == 0;
  morestack_task_set_name(morestack_task_self(), "sender");
  (void)morestack_now_ns();
  snapshot_below(lo, after);
  morestack_stack_stats now;
  morestack_current_stack_stats(&now);
  moved = now.growths != st.growths || now.shrinks != st.shrinks ||
          ((uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)(st.size - 1)) != lo;
}

int main(void) {
  values = morestack_chan_new(sizeof(long), 0);
  closing = morestack_chan_new(sizeof(long), 0);
  morestack_task *r = morestack_go(receiver, NULL);
  morestack_task *c = morestack_go(closer, NULL);
  morestack_task *s = morestack_go(sender, NULL);
  morestack_join(s);
  morestack_join(r);
  morestack_join(c);
  printf("stack %zu bytes, copies made on it: %d\n", stack_size, copies);
  if (moved) printf("the stack moved: no verdict\n");
  const int changed = report_below(before, after);
  morestack_chan_free(values);
  morestack_chan_free(closing);
  return changed || moved;
}

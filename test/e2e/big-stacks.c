// Big stacks grow in place (runtime/stack.h): main and threads start at
// 8 MiB in ranges of their own and never move, however deep they recurse
// (100 MB here, at the default settings); fibers move once into a range
// when they pass 256 KiB (1,000 of them at once here), then grow in place.
// Every frame's array survives (the recursion checks it on the way back),
// and in-place growth copies nothing.
//
// RUN: %morestack_clang -O2 %s -o %t -lpthread
// RUN: %t | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t | FileCheck %s
// Main's stack is not the OS stack: a small ulimit changes nothing.
// RUN: sh -c 'ulimit -s 1024; %t' | FileCheck %s
//
// CHECK: main: 100 MB deep ok, grew in place: yes, copied 0 bytes
// CHECK-NEXT: thread: 100 MB deep ok, grew in place: yes, copied 0 bytes
// CHECK-NEXT: 1000 fibers parked 1 MiB deep: ok, each in a range: yes
// CHECK-NEXT: copied while growing from 512 KiB to 1 MiB: 0 bytes

#include <morestack/morestack.h>
#include <pthread.h>
#include <stdio.h>

// About 530 bytes per level of the stack itself (Inputs/grow.h keeps its
// array on the stack: its address does not escape); at the bottom,
// optionally, a call (to park there).
static int walk(int n, void (*at_bottom)(void)) {
  volatile char pad[512];
  pad[n % 512] = (char)n;
  if (n == 0) {
    if (at_bottom) at_bottom();
    return 0;
  }
  int r = walk(n - 1, at_bottom);
  return r + (pad[n % 512] == (char)n);
}

static void deep(const char *who) {
  morestack_stack_stats a, b;
  morestack_current_stack_stats(&a);
  int levels = 100 * 1000 * 1000 / 530;
  int r = walk(levels, 0);
  morestack_current_stack_stats(&b);
  printf("%s: 100 MB deep %s, grew in place: %s, copied %llu bytes\n", who,
         r == levels ? "ok" : "BROKEN", b.growths > a.growths && b.peak_size >= (100 << 20) ? "yes" : "no",
         (unsigned long long)(b.bytes_copied - a.bytes_copied));
}

static void *thread_main(void *arg) {
  (void)arg;
  deep("thread");
  return 0;
}

static int parked_in_range, fibers_ok;
static unsigned long long copied_late;
static void park_at_bottom(void) {
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  parked_in_range += s.size >= (1 << 20);
  morestack_fiber_yield();
}

static void fiber_body(void *arg) {
  (void)arg;
  morestack_stack_stats a, b;
  walk(512 * 1024 / 530, 0);  // past 256 KiB: into a range
  morestack_current_stack_stats(&a);
  int levels = 1024 * 1024 / 530;
  int got = walk(levels, park_at_bottom);
  fibers_ok += got == levels;
  morestack_current_stack_stats(&b);
  copied_late += b.bytes_copied - a.bytes_copied;
}

int main(void) {
  deep("main");
  pthread_t t;
  pthread_create(&t, 0, thread_main, 0);
  pthread_join(t, 0);

  enum { N = 1000 };
  static morestack_fiber *f[N];
  for (int i = 0; i < N; ++i) {
    f[i] = morestack_fiber_create(fiber_body, 0, 2048);
    morestack_fiber_resume(f[i]);  // parks 1 MiB deep
  }
  int in_range = parked_in_range;
  for (int i = 0; i < N; ++i) {
    morestack_fiber_resume(f[i]);
    morestack_fiber_destroy(f[i]);
  }
  printf("%d fibers parked 1 MiB deep: %s, each in a range: %s\n", N, fibers_ok == N ? "ok" : "BROKEN",
         in_range == N ? "yes" : "no");
  printf("copied while growing from 512 KiB to 1 MiB: %llu bytes\n", copied_late);
  return 0;
}

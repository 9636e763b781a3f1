// When the kernel refuses a big stack's range (here: address space capped
// with ulimit -v; in practice vm.max_map_count), the runtime says so once
// and such stacks keep growing by moving, in ordinary blocks: the program
// goes on (runtime/stack.cpp, new_home).
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: sh -c 'ulimit -v 1500000; env MORESTACK_MAX_STACK=64M %t' 2>&1 | FileCheck %s
//
// CHECK: morestack: warning: cannot reserve 67174400 bytes of address space for a big stack
// CHECK-NOT: morestack: warning
// CHECK: 40 fibers 1 MiB deep: ok, in ranges: {{[0-9]+}}, moving: {{[1-9][0-9]*}}

#include <morestack/morestack.h>
#include <stdio.h>

static int walk(int n) {
  volatile char pad[512];
  pad[n % 512] = (char)n;
  if (n == 0) return 0;
  int r = walk(n - 1);
  return r + (pad[n % 512] == (char)n);
}

static int ok, big;
static void body(void *arg) {
  (void)arg;
  int levels = 1024 * 1024 / 530;
  ok += walk(levels) == levels;
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  big += s.bytes_copied > 512 * 1024;  // kept moving past 256 KiB
  morestack_fiber_yield();
}

int main(void) {
  enum { N = 40 };
  static morestack_fiber *f[N];
  for (int i = 0; i < N; ++i) {
    f[i] = morestack_fiber_create(body, 0, 2048);
    morestack_fiber_resume(f[i]);  // each holds its stack while parked
  }
  printf("%d fibers 1 MiB deep: %s, in ranges: %d, moving: %d\n", N, ok == N ? "ok" : "BROKEN", N - big, big);
  for (int i = 0; i < N; ++i) {
    morestack_fiber_resume(f[i]);
    morestack_fiber_destroy(f[i]);
  }
  return 0;
}

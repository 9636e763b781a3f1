// A fiber's stack grows (its old 2 KiB blocks go back to the pool), then a
// chain of frames with escaping locals takes side-stack chunks, which the
// pool may carve from those same old blocks; a setjmp buffer there is live.
// longjmp to it must work: the runtime's history of freed blocks (used to
// explain stale accesses) must not call a live buffer in a reused block
// stale. (Found running Lua's test suite with 2 KiB stacks.)
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: %t | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t | FileCheck %s
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: %t.O0 | FileCheck %s
//
// CHECK: jumped: 1

#include <morestack/morestack.h>
#include <setjmp.h>
#include <stdio.h>

__attribute__((noinline)) static void sink(void *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

__attribute__((noinline)) static int deep(int n) {
  volatile char buf[64];
  buf[0] = (char)n;
  if (n == 0) return buf[0];
  return deep(n - 1) + buf[0];
}

__attribute__((noinline)) static int try_jump(int depth) {
  jmp_buf jb;
  char pad[200];
  pad[0] = 0;  // (summed below: never read uninitialised, ASan's side frames are not zero)
  sink(pad);
  if (depth > 0) return try_jump(depth - 1) + pad[0];
  if (setjmp(jb) == 0) longjmp(jb, 1);
  return 1;
}

static void body(void *arg) {
  deep(200);  // grows 2 -> 16 KiB: old blocks back to the pool
  *(int *)arg = try_jump(10) > 0;
}

int main(void) {
  int ok = 0;
  morestack_fiber *f = morestack_fiber_create(body, &ok, 0);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_fiber_destroy(f);
  printf("jumped: %d\n", ok);
  return 0;
}

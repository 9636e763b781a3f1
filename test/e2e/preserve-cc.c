// preserve_most and preserve_all functions keep every register they
// promise: they have no prologue check (the check's slow path sets %r10 to
// the frame size), run within the nosplit budget, and the checked functions
// they call grow the stack as usual. The caller here keeps a value in %r10
// across each call; it used to come back as the frame size when the
// callee's prologue grew the stack.
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: env MORESTACK_MAIN_STACK=2K %t | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t | FileCheck %s
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// CHECK: preserve_most: r10 kept at every level, grew
// CHECK-NEXT: preserve_all: r10 kept at every level, grew

#include <morestack/morestack.h>
#include <stdio.h>

__attribute__((noinline)) static int leaf(int n) {
  volatile char pad[64];
  pad[n & 63] = (char)n;
  return pad[n & 63];
}

__attribute__((preserve_most, noinline)) int pm(int n) { return leaf(n) + 1; }
__attribute__((preserve_all, noinline)) int pa(int n) { return leaf(n) + 2; }

static int bad;

// Each level calls the preserve_* function with a live value in %r10, then
// recurses with 300 bytes of frame, so that calls happen at every depth
// and some cross the guard.
__attribute__((noinline)) static int walk(int depth, int which) {
  volatile char pad[300];
  pad[depth % 300] = 1;
  register long r10 asm("r10") = 0x5eed0000 + depth;
  asm volatile("" : "+r"(r10));
  int v = which ? pa(depth) : pm(depth);
  asm volatile("" : "+r"(r10));
  if (r10 != 0x5eed0000 + depth) ++bad;
  if (depth == 0) return v + pad[0];
  return walk(depth - 1, which) + v + pad[depth % 300];
}

// Each variant runs in a fresh fiber (2 KiB stack), so that both grow.
static void run(void *arg) {
  int which = (int)(long)arg;
  const char *names[] = {"preserve_most", "preserve_all"};
  bad = 0;
  walk(200, which);
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  printf("%s: r10 %s, %s\n", names[which], bad ? "lost" : "kept at every level",
         st.growths ? "grew" : "did not grow");
}

int main(void) {
  for (long which = 0; which < 2; ++which) {
    morestack_fiber *f = morestack_fiber_create(run, (void *)which, 0);
    while (!morestack_fiber_resume(f)) {
    }
    morestack_fiber_destroy(f);
  }
  return 0;
}

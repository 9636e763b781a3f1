// morestack_fiber_destroy and morestack_fiber_create, called as low on a
// fiber's stack as their call-site checks allow, write nothing below its
// block under ASan. Both call malloc or free, whose ASan interceptors keep
// room for a stack trace in their frames (~2.1 KiB), more than the checks
// promise (MORESTACK_API_NEEDS: 1536 and 1024 bytes above the guard); the
// runtime runs them on the system stack when a sanitizer is linked
// (runtime/fiber.cpp). Same method as asan-sched-small-stack.c: the fiber
// descends with small frames until a call to destroy (or create) just
// passes its check, and the 1 KiB below its 4 KiB block (another block of
// the pool) must be unchanged. (On a 2 KiB stack neither call passes its
// check at all: the stack grows first.)
//
// REQUIRES: asan-runtime
// UNSUPPORTED: sanitizer
// RUN: %morestack_clang_nosan -fsanitize=address -g -O2 %s -o %t
// RUN: env ASAN_OPTIONS=detect_leaks=0 %t | FileCheck %s
// RUN: %morestack_clang_nosan -g -O2 %s -o %t.plain
// RUN: %t.plain | FileCheck %s
// CHECK: stack 4096 bytes; destroyed: 1, created: 1
// CHECK-NEXT: below the block: unchanged

#include <morestack/abi.h>
#include <morestack/morestack.h>
#include <stdint.h>
#include <stdio.h>

#include "../Inputs/below_block.h"

static morestack_fiber *victim, *created;
static unsigned char before[BELOW], after[BELOW];
static size_t stack_size;
static uintptr_t lo;
static int moved;

static void nothing(void *arg) { (void)arg; }

// Down to just above where a call needing `need` bytes passes its check
// (sp - need >= lo + MORESTACK_STACK_GUARD), then the call.
__attribute__((noinline)) static int descend(uintptr_t target, int create) {
  volatile char pad[16];
  pad[0] = 1;
  if ((uintptr_t)__builtin_frame_address(0) - lo > target) return descend(target, create) + pad[0];
  if (create) created = morestack_fiber_create(nothing, NULL, 0);
  else morestack_fiber_destroy(victim);
  return pad[0];
}

static void body(void *arg) {
  (void)arg;
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  stack_size = st.size;
  lo = (uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)(st.size - 1);
  snapshot_below(lo, before);
  descend(MORESTACK_STACK_GUARD + 1024 + 96, 0);
  descend(MORESTACK_STACK_GUARD + 1536 + 96, 1);
  snapshot_below(lo, after);
  morestack_stack_stats now;
  morestack_current_stack_stats(&now);
  moved = now.growths != st.growths || now.shrinks != st.shrinks;
}

int main(void) {
  victim = morestack_fiber_create(nothing, NULL, 0);
  morestack_fiber *f = morestack_fiber_create(body, NULL, 4096);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
  printf("stack %zu bytes; destroyed: 1, created: %d\n", stack_size, created != NULL);
  if (moved) printf("the stack moved: no verdict\n");
  const int changed = report_below(before, after);
  morestack_fiber_destroy(created);
  return changed || moved;
}

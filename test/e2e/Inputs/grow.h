/* test/e2e/Inputs/grow.h: a recursion that really uses the stack.
 * grow(n) recurses n levels with a 512-byte array per frame, indexed by n so
 * the optimiser keeps all of it, and is not a tail call: about n * 530
 * bytes of stack at -O0 and -O2. */
#ifndef MORESTACK_TEST_GROW_H
#define MORESTACK_TEST_GROW_H

static int grow(int n) {
  volatile char pad[512];
  pad[n % 512] = (char)n;
  if (n == 0) return 0;
  int r = grow(n - 1);
  return r + pad[n % sizeof pad];
}

#endif

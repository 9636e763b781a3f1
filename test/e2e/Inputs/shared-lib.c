/* A shared library built with morestack-clang -shared (shared-library.c). */
#include <morestack/morestack.h>
#include <stdint.h>
#include <string.h>

/* Recursion inside the library: grows whatever stack calls it. Each level
 * keeps a pointer to its caller's local and a double holding that local's
 * address bits; after the growth the pointer follows, the double does not. */
#ifdef EXPORT_ONE /* built with -fvisibility=hidden */
__attribute__((visibility("default")))
#endif
int lib_deep(int n, int *parent, uintptr_t *bits_ok) {
  int local = n;
  double shadow;
  uintptr_t addr = (uintptr_t)parent;
  memcpy(&shadow, &addr, sizeof shadow);
  volatile char pad[200];
  pad[n % 200] = (char)n;
  int below = n ? lib_deep(n - 1, &local, bits_ok) : 0;
  uintptr_t after;
  memcpy(&after, &shadow, sizeof after);
  if (after != addr) *bits_ok = 0;  /* a pointer-free double was changed */
  /* 0 when every level saw its parent's local (n + 1) through the pointer */
  return below + (parent ? *parent - n - 1 : 0) + pad[n % 200] - (char)n;
}

#ifndef SECOND /* the second library uses no runtime API: it also loads into plain programs */
void lib_print_backtrace(int depth) {
  if (depth) {
    volatile int keep = depth;
    lib_print_backtrace(depth - 1);
    (void)keep;
    return;
  }
  morestack_print_backtrace(0);
  __asm__ volatile("");  /* not a tail call: keep this frame */
}
#endif

/* test/e2e/Inputs/below_block.h: did anything write below a stack's block?
 * For the sanitizer tests that call the runtime as low on a small stack as
 * its call-site checks allow (sanitizers/asan-*-small-stack.c). The bytes
 * below a block belong to another block of the pool, so they are read with
 * volatile byte loads outside ASan's checks (a loop the compiler turned
 * into memcpy would call ASan's interceptor, which itself writes below). */
#ifndef MORESTACK_TEST_BELOW_BLOCK_H
#define MORESTACK_TEST_BELOW_BLOCK_H

#include <stdint.h>
#include <stdio.h>

enum { BELOW = 1024 };

__attribute__((no_sanitize("address"), noinline)) static void snapshot_below(uintptr_t lo,
                                                                             unsigned char *out) {
  const volatile unsigned char *p = (const volatile unsigned char *)(lo - BELOW);
  for (int i = 0; i < BELOW; ++i) out[i] = p[i];
}

/* Print every word that changed and the verdict line; 1 if any did. */
static int report_below(const unsigned char *before, const unsigned char *after) {
  int changed = 0;
  for (int i = 0; i + 8 <= BELOW; i += 8) {
    const uint64_t *b = (const uint64_t *)(before + i), *a = (const uint64_t *)(after + i);
    if (*a != *b) {
      printf("%d bytes below the block: %#llx became %#llx\n", BELOW - i, (unsigned long long)*b,
             (unsigned long long)*a);
      changed = 1;
    }
  }
  printf("below the block: %s\n", changed ? "CHANGED" : "unchanged");
  return changed;
}

#endif

#include <stdio.h>

__attribute__((noinline)) static int leaf(int x) {
  volatile int a[4];
  a[x & 3] = x;
  return a[x & 3];
}

int util_helper(int x) { return leaf(x) * 2 + 1; }

int util_calls_libc(const char *s) { return puts(s) + 1; }

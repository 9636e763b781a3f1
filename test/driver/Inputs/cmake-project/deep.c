/* A shared library with a deep recursion (cmake-package.test). */
int deep_sum(int n) {
  volatile char pad[256];
  pad[n % 256] = (char)n;
  return n ? deep_sum(n - 1) + 1 + pad[n % 256] - (char)n : 0;
}

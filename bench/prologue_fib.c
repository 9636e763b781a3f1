/* bench/prologue_fib.c: naive recursive Fibonacci, the most call-heavy
 * program there is (a handful of instructions per call), so the split-stack
 * prologue (cmp %fs:0x70,%rsp ; jbe) is the largest share it can be.
 *
 *   prologue_fib [n=37] [reps=3]
 * bench_kernel is what bench/run.sh times and counts instructions of. */
#include "common.h"

__attribute__((noinline)) static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) long bench_kernel(long n) { return fib(n); }

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 37), result = 0;
  double ns = bench_time(bench_kernel, n, (int)bench_arg(argc, argv, 2, 3), &result);
  fprintf(stderr, "fib(%ld) = %ld\n", n, result);
  bench_report("prologue", "fib", BENCH_VARIANT, ns, "ns");
  return 0;
}

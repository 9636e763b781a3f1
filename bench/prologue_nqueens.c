/* bench/prologue_nqueens.c: the textbook N-queens backtracking search
 * (count every placement of N queens on an N x N board), as found in any
 * algorithms course: one recursive call per placed queen.
 *
 *   prologue_nqueens [n=12] [reps=3] */
#include "common.h"

static int safe(const int *cols, int row, int col) {
  for (int r = 0; r < row; ++r) {
    int c = cols[r];
    if (c == col || abs(c - col) == row - r) return 0;
  }
  return 1;
}

static long place(int *cols, int row, int n) {
  if (row == n) return 1;
  long count = 0;
  for (int col = 0; col < n; ++col) {
    if (safe(cols, row, col)) {
      cols[row] = col;
      count += place(cols, row + 1, n);
    }
  }
  return count;
}

__attribute__((noinline)) long bench_kernel(long n) {
  int cols[32];
  return place(cols, 0, (int)n);
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 12), result = 0;
  double ns = bench_time(bench_kernel, n, (int)bench_arg(argc, argv, 2, 3), &result);
  fprintf(stderr, "%ld-queens: %ld solutions\n", n, result);
  bench_report("prologue", "nqueens", BENCH_VARIANT, ns, "ns");
  return 0;
}

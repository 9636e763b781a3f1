/* bench/deep_main.c: main recursing 100 MB deep, at the default settings.
 *
 * With morestack, main's stack starts at 8 MiB in a range of its own and
 * grows in place (docs/runtime.md, "Big stacks grow in place"); the plain
 * build re-executes itself under an unlimited stack rlimit (`ulimit -s
 * unlimited`), the only way an ordinary program survives this depth. The
 * recursion's arrays stay on the stack (their addresses do not escape).
 * Reported: the time of the recursion, and (morestack) the resident memory
 * after it returned and the stack was shrunk at a safe point
 * (morestack_shrink_stack), minus before it.
 *
 *   deep_main [megabytes=100] [reps=3] */
#include "common.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifdef BENCH_MORESTACK
#include <morestack/morestack.h>
#endif

__attribute__((noinline)) static int rec(int n) {
  volatile char pad[480];
  pad[n % 480] = (char)n;
  if (n == 0) return 0;
  int r = rec(n - 1);
  return r + (pad[n % 480] == (char)n);
}

int main(int argc, char **argv) {
#ifndef BENCH_MORESTACK
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    rl.rlim_cur = RLIM_INFINITY;
    if (setrlimit(RLIMIT_STACK, &rl) != 0) {
      perror("deep_main: setrlimit(RLIMIT_STACK, unlimited)");
      return 1;
    }
    execv("/proc/self/exe", argv);
    perror("deep_main: execv");
    return 1;
  }
#endif
  long mb = argc > 1 ? atol(argv[1]) : 100;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  int levels = (int)(mb * 1000 * 1000 / 512);  // each frame is a little over 480 bytes
  for (int i = 0; i < reps; ++i) {
    long rss0 = bench_rss_bytes();
    uint64_t t0 = bench_now_ns();
    int got = rec(levels);
    uint64_t t1 = bench_now_ns();
    if (got != levels) {
      fprintf(stderr, "deep_main: the recursion lost frames (%d of %d)\n", got, levels);
      return 1;
    }
    char kase[32];
    snprintf(kase, sizeof kase, "%ldMB", mb);
    /* The first repetition touches the pages; later ones reuse them (plain)
     * or find them returned (morestack, after the shrink). */
    bench_report("deep_main", kase, i == 0 ? BENCH_VARIANT "-first" : BENCH_VARIANT, (double)(t1 - t0), "ns");
#ifdef BENCH_MORESTACK
    morestack_shrink_stack();
    bench_report("deep_main", kase, "rss-after-shrink", (double)(bench_rss_bytes() - rss0), "B");
#else
    (void)rss0;
#endif
  }
  return 0;
}

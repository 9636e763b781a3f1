/* bench/switch.c: fiber switch and fiber spawn, morestack's C API.
 *
 *   switch   a fiber that yields in a loop, resumed `n` times: ns per
 *            switch (each resume + yield is two switches)
 *   spawn    morestack_fiber_create + resume (runs to the end) + destroy of
 *            a fiber that increments a counter: ns per fiber
 *
 *   switch [n=5000000] [reps=5] [switch|spawn] (only one of them: profiling) */
#include "common.h"

#include <morestack/morestack.h>

static void yielder(void *arg) {
  long *count = (long *)arg;
  for (;;) {
    ++*count;
    morestack_fiber_yield();
  }
}

static void trivial(void *arg) { ++*(long *)arg; }

static double switch_ns(long n) {
  long count = 0;
  morestack_fiber *f = morestack_fiber_create(yielder, &count, 0);
  morestack_fiber_resume(f); /* warm up: the first switch enters the fiber */
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; ++i) morestack_fiber_resume(f);
  double ns = (double)(bench_now_ns() - t0) / (2.0 * (double)n);
  morestack_fiber_destroy(f);
  BENCH_KEEP(count);
  return ns;
}

static double spawn_ns(long n) {
  long count = 0;
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; ++i) {
    morestack_fiber *f = morestack_fiber_create(trivial, &count, 0);
    morestack_fiber_resume(f);
    morestack_fiber_destroy(f);
  }
  double ns = (double)(bench_now_ns() - t0) / (double)n;
  BENCH_KEEP(count);
  return ns;
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 5000000);
  int reps = bench_reps(argc, argv, 2, 5);
  const char *only = argc > 3 ? argv[3] : "";
  double sw[64], sp[64];
  for (int r = 0; r < reps; ++r) {
    if (strcmp(only, "spawn")) sw[r] = switch_ns(n);
    if (strcmp(only, "switch")) sp[r] = spawn_ns(n / 5);
  }
  if (*only) return 0;
  bench_report("switch", "switch", "morestack", bench_median(sw, reps), "ns");
  bench_report("switch", "spawn", "morestack", bench_median(sp, reps), "ns");
  return 0;
}

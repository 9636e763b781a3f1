/* bench/growth.c: the cost of growing a stack to 1 MiB and to 64 MiB.
 *
 * The same recursion (a zero-initialised 96-byte array per frame, like the
 * Go version in go/growth.go) runs until it has used 15/16 of the target
 * size, timed from inside the task that recurses:
 *
 *   built with morestack-clang (BENCH_MORESTACK):
 *     grow           a fresh fiber starting at 2 KiB, grown by copying
 *     presized-cold  a fresh fiber created with stack_size = target: the
 *                    same stack already that large, pages touched first here
 *     presized-warm  one fiber of the target size, reused (pages resident)
 *   built with gcc -fsplit-stack:
 *     gcc-split      a fresh thread per run: libgcc's segmented stack (the
 *                    thread starts with 16 KiB above its guard, then links
 *                    segments allocated on demand)
 *
 *   growth <target_bytes> [reps=5] */
#include "common.h"

#ifdef BENCH_MORESTACK
#include <morestack/morestack.h>
#else
#include <pthread.h>
#endif

/* Frame size the recursion really uses, measured at its two deepest calls
 * with bench_caller_sp() (the address of a local would now put the local
 * on the side stack; common.h). */
static uintptr_t sp_at[2];

__attribute__((noinline)) static long rec(long n, const long *up) {
  long buf[12] = {0};
  buf[0] = n;
  buf[11] = up[11] + 1;
  if (n <= 1) sp_at[n] = bench_caller_sp();
  if (n == 0) return buf[11];
  return rec(n - 1, buf) + buf[0];
}

static const long seed[12];

typedef struct {
  long depth;
  long result;
} Job;

/* Calibrate on the current (large enough) stack: bytes per frame. */
static long frame_bytes(void) {
  BENCH_KEEP(rec(20, seed));
  return (long)(sp_at[1] - sp_at[0]);
}

static const char *case_name(long target) {
  static char name[32];
  if (target >= (1L << 20)) snprintf(name, sizeof name, "%ldMiB", target >> 20);
  else snprintf(name, sizeof name, "%ldKiB", target >> 10);
  return name;
}

#ifdef BENCH_MORESTACK

/* The fibers run nothing but the recursion. They are timed from outside,
 * from resume() until they yield after the recursion, so that freeing the
 * stack (munmap) is not part of the figure. */
static void fiber_loop(void *p) {
  Job *job = (Job *)p;
  for (;;) {
    job->result = rec(job->depth, seed);
    morestack_fiber_yield();
  }
}

static double timed_resume(morestack_fiber *f) {
  uint64_t t0 = bench_now_ns();
  morestack_fiber_resume(f);
  return (double)(bench_now_ns() - t0);
}

/* A fresh fiber with `stack_size` (0: the 2 KiB default) runs the job once. */
static double fresh_fiber(Job *job, size_t stack_size, morestack_stack_stats *stats) {
  morestack_fiber *f = morestack_fiber_create(fiber_loop, job, stack_size);
  double ns = timed_resume(f);
  morestack_fiber_stats(f, stats);
  morestack_fiber_destroy(f);
  return ns;
}

int main(int argc, char **argv) {
  long target = bench_arg(argc, argv, 1, 1L << 20);
  int reps = bench_reps(argc, argv, 2, 5);
  const char *only = argc > 3 ? argv[3] : ""; /* "grow", "cold", "warm": for profiling */
  Job job = {0, 0};
  long frame = frame_bytes();
  job.depth = target / 16 * 15 / frame;
  const char *kase = case_name(target);
  double grow[64], cold[64], warm[64];
  morestack_stack_stats st;
  uint64_t growths = 0, copied = 0;
  size_t peak = 0;

  morestack_fiber *reused = morestack_fiber_create(fiber_loop, &job, (size_t)target);
  morestack_fiber_resume(reused); /* first run touches the pages: not counted */
  for (int r = 0; r < reps; ++r) {
    /* interleaved, so that machine noise hits every variant alike */
    if (!*only || !strcmp(only, "grow")) {
      grow[r] = fresh_fiber(&job, 0, &st);
      growths = st.growths;
      copied = st.bytes_copied;
      peak = st.peak_size;
    }
    if (!*only || !strcmp(only, "cold")) {
      cold[r] = fresh_fiber(&job, (size_t)target, &st);
      if (st.growths) fprintf(stderr, "growth: the pre-sized fiber grew\n");
    }
    if (!*only || !strcmp(only, "warm")) warm[r] = timed_resume(reused);
  }
  morestack_fiber_stats(reused, &st);
  if (st.growths) fprintf(stderr, "growth: the reused fiber grew\n");
  morestack_fiber_destroy(reused);
  if (*only) return 0;
  fprintf(stderr, "growth %s: frame %ld B, depth %ld; from 2 KiB: %llu growths, %llu bytes copied, final %zu B\n",
          kase, frame, job.depth, (unsigned long long)growths, (unsigned long long)copied, peak);
  bench_report("growth", kase, "grow", bench_median(grow, reps), "ns");
  bench_report("growth", kase, "presized-cold", bench_median(cold, reps), "ns");
  bench_report("growth", kase, "presized-warm", bench_median(warm, reps), "ns");
  bench_report("growth", kase, "grow-count", (double)growths, "growths");
  return 0;
}

#else /* gcc -fsplit-stack */

/* On a fresh thread, which starts with 16 KiB above its guard. */
static void run_job(void *p) {
  Job *job = (Job *)p;
  job->result = rec(job->depth, seed);
}

int main(int argc, char **argv) {
  long target = bench_arg(argc, argv, 1, 1L << 20);
  int reps = bench_reps(argc, argv, 2, 5);
  Job job = {0, 0};
  long frame = frame_bytes();
  job.depth = target / 16 * 15 / frame;
  double t[64];
  for (int r = 0; r < reps; ++r) t[r] = bench_time_on_thread(run_job, &job);
  fprintf(stderr, "growth %s (gcc -fsplit-stack): frame %ld B, depth %ld\n", case_name(target), frame, job.depth);
  bench_report("growth", case_name(target), "gcc-split", bench_median(t, reps), "ns");
  return 0;
}

#endif

/* bench/hotsplit.c: a loop calling a function right at a stack boundary.
 *
 * approach() recurses until fewer than `room` bytes are left above the
 * running stack's guard (%fs:0x70), then spin() calls big_callee() (a
 * 512-byte frame) `calls` times. At room = 300 the callee's prologue check
 * fails on the first call:
 *
 *   built with morestack-clang (BENCH_MORESTACK), in a 2 KiB fiber:
 *     boundary      the first call grows the stack (2 -> 4 KiB) by copying;
 *                   the stack does not shrink, so the other calls are
 *                   ordinary calls (there is no boundary any more)
 *     no-boundary   the same loop with room to spare (a 4 KiB fiber, same
 *                   depth): the baseline
 *     split-once    a fresh 2 KiB fiber per iteration, at the boundary,
 *                   calls big_callee once: one 2 -> 4 KiB growth each
 *     nosplit-once  the same with a 4 KiB fiber (no growth): its baseline.
 *                   split-once - nosplit-once = the cost of one growth,
 *                   i.e. what every call would cost if the boundary stayed
 *     boundary-yield  like boundary, but the fiber yields after each call
 *                   (1/10 as many calls) and is resumed: a yield is where
 *                   the runtime shrinks a stack again, so the boundary can
 *                   come back (the runtime's backoff limits how often)
 *     no-boundary-yield  its baseline (4 KiB fiber, same depth)
 *   built with gcc -fsplit-stack, on a thread:
 *     gcc-boundary     every call allocates (or reuses) the next segment,
 *                      switches to it and back: the boundary stays
 *     gcc-no-boundary  the same loop far from the guard
 *
 *   hotsplit [calls=10000000] [reps=3]
 * All figures are nanoseconds per call (per iteration for *-once). */
#include "common.h"

#ifdef BENCH_MORESTACK
#include <morestack/morestack.h>
#else
#include <pthread.h>
#endif

__attribute__((noinline)) static long big_callee(long i) {
  volatile char buf[512];
  buf[i & 511] = (char)i;
  return buf[(i * 7) & 511];
}

#ifdef BENCH_MORESTACK
static int yield_each_call; /* the *-yield variants */
#endif

__attribute__((noinline)) static long spin(long calls) {
  long sum = 0;
  for (long i = 0; i < calls; ++i) {
    sum += big_callee(i);
#ifdef BENCH_MORESTACK
    if (yield_each_call) morestack_fiber_yield();
#endif
  }
  return sum;
}

/* Recurse (small frames) until at most `room` bytes remain above the guard.
 * The room is measured from a local of the frame, a few bytes above the
 * stack pointer, rather than with bench_sp(): inline assembly would make
 * the plugin keep a frame pointer here, which ordinary code does not. */
__attribute__((noinline)) static long approach(long calls, uintptr_t room) {
  volatile long pad = calls;
  if ((uintptr_t)&pad - bench_guard() > room) return approach(calls, room) + pad - calls;
  return spin(calls);
}

typedef struct {
  long calls;
  uintptr_t room;
  long result;
} Job;

/* Close enough to the guard that big_callee's check fails, far enough that
 * approach() and spin() pass theirs. */
#define ROOM_AT_BOUNDARY 300

#ifdef BENCH_MORESTACK

/* Nothing on the fiber calls uninstrumented code (which would make lld's
 * non-split reserve grow the stack first): the clock is read outside. */
static void fiber_job(void *p) {
  Job *job = (Job *)p;
  job->result = approach(job->calls, job->room);
}

static uint64_t total_shrinks;

/* Run a job to its end on a fresh fiber of `stack_size` (0: 2 KiB); adds
 * its growths (and its shrinks to total_shrinks). */
static void on_fiber(Job *job, size_t stack_size, uint64_t *growths) {
  morestack_stack_stats st;
  morestack_fiber *f = morestack_fiber_create(fiber_job, job, stack_size);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_fiber_stats(f, &st);
  morestack_fiber_destroy(f);
  *growths += st.growths;
  total_shrinks += st.shrinks;
}

/* ns per call of `job` run `iterations` times, each on a fresh fiber. */
static double timed(Job *job, long iterations, size_t stack_size, uint64_t *growths) {
  *growths = 0;
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < iterations; ++i) on_fiber(job, stack_size, growths);
  return (double)(bench_now_ns() - t0) / (double)(iterations * job->calls);
}

int main(int argc, char **argv) {
  long calls = bench_arg(argc, argv, 1, 10000000);
  int reps = bench_reps(argc, argv, 2, 3);
  long once = calls / 50;
  double hot[64], far[64], split[64], nosplit[64], hot_y[64], far_y[64];
  uint64_t g_hot = 0, g_far = 0, g_split = 0, g_nosplit = 0, g_hot_y = 0, g_far_y = 0, s_hot_y = 0;
  /* A fiber's stack starts at the same depth whatever its size, so a 4 KiB
   * fiber with `room` + 2 KiB descends exactly as deep as a 2 KiB one. */
  Job at_boundary = {calls, ROOM_AT_BOUNDARY, 0}, away = {calls, ROOM_AT_BOUNDARY + 2048, 0};
  Job one_at_boundary = {1, ROOM_AT_BOUNDARY, 0}, one_away = {1, ROOM_AT_BOUNDARY + 2048, 0};
  Job y_at_boundary = {calls / 10, ROOM_AT_BOUNDARY, 0}, y_away = {calls / 10, ROOM_AT_BOUNDARY + 2048, 0};
  for (int r = 0; r < reps; ++r) {
    hot[r] = timed(&at_boundary, 1, 2048, &g_hot);
    far[r] = timed(&away, 1, 4096, &g_far);
    split[r] = timed(&one_at_boundary, once, 2048, &g_split);
    nosplit[r] = timed(&one_away, once, 4096, &g_nosplit);
    yield_each_call = 1;
    total_shrinks = 0;
    hot_y[r] = timed(&y_at_boundary, 1, 2048, &g_hot_y);
    s_hot_y = total_shrinks;
    far_y[r] = timed(&y_away, 1, 4096, &g_far_y);
    yield_each_call = 0;
  }
  fprintf(stderr, "hotsplit: growths: boundary %llu, no-boundary %llu; %ld fresh fibers: split-once %llu, nosplit-once %llu\n",
          (unsigned long long)g_hot, (unsigned long long)g_far, once, (unsigned long long)g_split,
          (unsigned long long)g_nosplit);
  fprintf(stderr, "hotsplit: with a yield after each of %ld calls: at the boundary %llu growths, %llu shrinks; "
          "away from it %llu growths\n", calls / 10, (unsigned long long)g_hot_y, (unsigned long long)s_hot_y,
          (unsigned long long)g_far_y);
  bench_report("hotsplit", "call", "boundary", bench_median(hot, reps), "ns");
  bench_report("hotsplit", "call", "no-boundary", bench_median(far, reps), "ns");
  bench_report("hotsplit", "call", "split-once", bench_median(split, reps), "ns");
  bench_report("hotsplit", "call", "nosplit-once", bench_median(nosplit, reps), "ns");
  bench_report("hotsplit", "call", "boundary-yield", bench_median(hot_y, reps), "ns");
  bench_report("hotsplit", "call", "no-boundary-yield", bench_median(far_y, reps), "ns");
  return 0;
}

#else /* gcc -fsplit-stack */

/* On a fresh thread (it starts with 16 KiB above its guard). */
static void run_job(void *p) {
  Job *job = (Job *)p;
  job->result = approach(job->calls, job->room);
}

static double on_thread(Job *job) { return bench_time_on_thread(run_job, job) / (double)job->calls; }

int main(int argc, char **argv) {
  long calls = bench_arg(argc, argv, 1, 1000000);
  int reps = bench_reps(argc, argv, 2, 3);
  double hot[64], cold[64];
  Job at_boundary = {calls, ROOM_AT_BOUNDARY, 0}, far = {calls, 8192, 0};
  for (int r = 0; r < reps; ++r) {
    hot[r] = on_thread(&at_boundary);
    cold[r] = on_thread(&far);
  }
  bench_report("hotsplit", "call", "gcc-boundary", bench_median(hot, reps), "ns");
  bench_report("hotsplit", "call", "gcc-no-boundary", bench_median(cold, reps), "ns");
  return 0;
}

#endif

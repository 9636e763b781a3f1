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
 *   the same on the side stack (runtime/side_stack.h: the chunks where the
 *   plugin puts locals whose address escapes), in a 16 KiB fiber (its
 *   moving stack never grows): side_approach() recurses, each level with a
 *   16-byte escaping local, until at most `room` bytes are left in the side
 *   chunk (%fs:0x60 - %fs:0x68), then a loop calls side_callee(), whose
 *   128-byte escaping buffer does not fit at room = 96:
 *     side-boundary          the loop calls side_callee() directly: the
 *                            first call starts a new chunk, and the chunk
 *                            stays the caller's ("sticky": a frame puts
 *                            back the side pointer it allocated from), so
 *                            the boundary is crossed once per activation
 *                            of the loop's function
 *     side-no-boundary       the same with room = 320 (no crossing)
 *     side-boundary-every    the loop calls side_mid(), whose own 16-byte
 *                            escaping local fits in the old chunk, and
 *                            which calls side_callee(): side_mid's return
 *                            puts the old chunk back, so every iteration
 *                            crosses the boundary (a __morestack_side_more
 *                            call that reuses the spare chunk)
 *     side-no-boundary-every its baseline (room = 320)
 *   built with gcc -fsplit-stack, on a thread:
 *     gcc-boundary     every call allocates (or reuses) the next segment,
 *                      switches to it and back: the boundary stays
 *     gcc-no-boundary  the same loop far from the guard
 *
 *   hotsplit [calls=10000000] [reps=3] [side-every]
 * (side-every, for profiling: only the side-boundary-every loop, once,
 * and nothing reported.)
 * All figures are nanoseconds per call (per iteration for *-once). */
#include "common.h"

#ifdef BENCH_MORESTACK
#include <morestack/abi.h> /* the side stack's TCB slots */
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
 * The room is measured with bench_caller_sp() rather than bench_sp():
 * inline assembly would make the plugin keep a frame pointer here, which
 * ordinary code does not. (Until the side stack it was measured from the
 * address of a local; that local now lives on the side stack.) */
__attribute__((noinline)) static long approach(long calls, uintptr_t room) {
  volatile long pad = calls;
  if (bench_caller_sp() - bench_guard() > room) return approach(calls, room) + pad - calls;
  return spin(calls);
}

typedef struct {
  long calls;
  uintptr_t room;
  long result;
  int side;  /* 0: the moving stack (approach); 1: side, direct; 2: side, through side_mid */
} Job;

/* Close enough to the guard that big_callee's check fails, far enough that
 * approach() and spin() pass theirs. */
#define ROOM_AT_BOUNDARY 300

#ifdef BENCH_MORESTACK

/* ---- the side stack ---- */

/* Bytes left in the running side chunk (0 before the first chunk). */
static inline uintptr_t side_room(void) {
  const volatile uintptr_t __seg_fs *tcb = 0;
  return tcb[MORESTACK_SIDE_SP_TLS_OFFSET / 8] - tcb[MORESTACK_SIDE_LIMIT_TLS_OFFSET / 8];
}

/* bench_escape() keeps the address (inline assembly may store it), so
 * these buffers go to the side stack. */
__attribute__((noinline)) static long side_callee(long i) {
  char buf[128];
  buf[i & 127] = (char)i;
  bench_escape(buf);
  return buf[(i * 7) & 127];
}

__attribute__((noinline)) static long side_mid(long i) {
  long tag[2] = {i, 0};
  bench_escape(tag);
  return side_callee(i) + tag[1];
}

__attribute__((noinline)) static long side_spin(long calls) {
  long sum = 0;
  for (long i = 0; i < calls; ++i) sum += side_callee(i);
  return sum;
}

__attribute__((noinline)) static long side_spin_mid(long calls) {
  long sum = 0;
  for (long i = 0; i < calls; ++i) sum += side_mid(i);
  return sum;
}

/* Recurse (16-byte side frames) until at most `room` bytes remain in the
 * side chunk; then the loop. */
__attribute__((noinline)) static long side_approach(long calls, uintptr_t room, int mid) {
  long pad[2] = {calls, 0};
  bench_escape(pad);
  if (side_room() > room) return side_approach(calls, room, mid) + pad[1];
  return mid ? side_spin_mid(calls) : side_spin(calls);
}

#define SIDE_ROOM_AT_BOUNDARY 96 /* side_mid's 16 bytes fit, side_callee's 128 do not */
#define SIDE_ROOM_AWAY 320       /* both fit */

/* Nothing on the fiber calls uninstrumented code (whose call-site check
 * could grow the stack first): the clock is read outside. */
static void fiber_job(void *p) {
  Job *job = (Job *)p;
  job->result = job->side ? side_approach(job->calls, job->room, job->side == 2) : approach(job->calls, job->room);
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
  if (argc > 3 && strcmp(argv[3], "side-every") == 0) {
    Job job = {calls, SIDE_ROOM_AT_BOUNDARY, 0, 2};
    uint64_t g = 0;
    fprintf(stderr, "hotsplit side-every: %.3g ns per call\n", timed(&job, 1, 16384, &g));
    return 0;
  }
  double hot[64], far[64], split[64], nosplit[64], hot_y[64], far_y[64];
  uint64_t g_hot = 0, g_far = 0, g_split = 0, g_nosplit = 0, g_hot_y = 0, g_far_y = 0, s_hot_y = 0;
  /* A fiber's stack starts at the same depth whatever its size, so a 4 KiB
   * fiber with `room` + 2 KiB descends exactly as deep as a 2 KiB one. */
  Job at_boundary = {calls, ROOM_AT_BOUNDARY, 0}, away = {calls, ROOM_AT_BOUNDARY + 2048, 0};
  Job one_at_boundary = {1, ROOM_AT_BOUNDARY, 0}, one_away = {1, ROOM_AT_BOUNDARY + 2048, 0};
  Job y_at_boundary = {calls / 10, ROOM_AT_BOUNDARY, 0}, y_away = {calls / 10, ROOM_AT_BOUNDARY + 2048, 0};
  Job side_at = {calls, SIDE_ROOM_AT_BOUNDARY, 0, 1}, side_away = {calls, SIDE_ROOM_AWAY, 0, 1};
  Job side_every = {calls, SIDE_ROOM_AT_BOUNDARY, 0, 2}, side_every_away = {calls, SIDE_ROOM_AWAY, 0, 2};
  double s_hot[64], s_far[64], s_hot_every[64], s_far_every[64];
  uint64_t g_side = 0;
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
    s_hot[r] = timed(&side_at, 1, 16384, &g_side);
    s_far[r] = timed(&side_away, 1, 16384, &g_side);
    s_hot_every[r] = timed(&side_every, 1, 16384, &g_side);
    s_far_every[r] = timed(&side_every_away, 1, 16384, &g_side);
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
  bench_report("hotsplit", "call", "side-boundary", bench_median(s_hot, reps), "ns");
  bench_report("hotsplit", "call", "side-no-boundary", bench_median(s_far, reps), "ns");
  bench_report("hotsplit", "call", "side-boundary-every", bench_median(s_hot_every, reps), "ns");
  bench_report("hotsplit", "call", "side-no-boundary-every", bench_median(s_far_every, reps), "ns");
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

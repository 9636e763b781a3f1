/* bench/pingpong.c: a fiber that goes deep and comes back up, over and
 * over, across a stack-size boundary: does the stack thrash?
 *
 * Each cycle the fiber recurses until it uses about 40 KiB (so its stack
 * needs 64 KiB), returns to the top and yields there, shallow; the resumer
 * resumes it again, `cycles` times. At each yield the runtime may shrink
 * the stack (a yield is a safe point): a stack under a quarter used is
 * halved, but only after `shrink_backoff` quiet yields, a number that
 * starts at 4 and doubles each time the stack has to grow back after a
 * shrink (runtime/stack.h). So the 64 KiB stack shrinks to 32 KiB after 4
 * cycles, grows back on the next, shrinks again after 8, then 16, ...:
 * about 2 * log2(cycles / 4) moves in all, up to the backoff's cap of
 * 65,536 quiet yields (beyond about 131,000 cycles: 2 moves per 65,537).
 *
 *   policy          a 2 KiB fiber (the default), the runtime's policy
 *   presized        a fiber created with 64 KiB: it can neither grow nor
 *                   shrink (never below its initial size): the baseline,
 *                   the same cycles with no move at all
 *   naive           a 2 KiB fiber calling morestack_shrink_stack() at the
 *                   top of every cycle: the stack shrinks to fit every time
 *                   (64 -> 2 KiB in one move), then grows 2 -> 4 -> ... ->
 *                   64 KiB again (5 growths): what shrinking without a
 *                   backoff costs (1/10 as many cycles: it is slow)
 *   naive-boundary  the same with a 32 KiB fiber: it shrinks only to
 *                   32 KiB, so every cycle is exactly one 32 -> 64 KiB
 *                   growth and one shrink back: the pure boundary ping-pong
 *
 * Timed from the resumer (resume to the yield, cycles in a row), in ns per
 * cycle, median of the repetitions. The move counts come from
 * morestack_fiber_stats; `moves-after-first` leaves out the growths of the
 * first cycle (2 -> 64 KiB, which any stack that starts small must make).
 *
 *   pingpong [cycles=100000] [reps=3]
 * Built with morestack-clang only. */
#include "common.h"

#include <morestack/morestack.h>

#define DEEP_BYTES (40 * 1024)
#define WORDS 28 /* a frame of about 256 bytes */

/* Frames measured with bench_caller_sp(), and the array handed to
 * bench_use(), not bench_escape(): a local whose address is kept now lives
 * on the side stack (common.h), and this recursion must fill the stack
 * that moves. */
static uintptr_t sp_at[2];

__attribute__((noinline)) static long deep(long n, const long *up) {
  long a[WORDS];
  for (int i = 0; i < WORDS; ++i) a[i] = n + i;
  long used = bench_use(a, sizeof a);
  if (n <= 1) sp_at[n] = bench_caller_sp();
  if (n == 0) return a[0] + up[1] + used;
  return deep(n - 1, a) + a[n % WORDS] + used;
}

static const long seed[WORDS];

typedef struct {
  long depth;
  long cycles;
  int explicit_shrink; /* the naive variants */
  long sum;
} Job;

/* Nothing here calls libc (a call-site check for a library function's
 * need could grow the fiber): the recursion and the runtime only. */
static void cycler(void *p) {
  Job *job = (Job *)p;
  for (long i = 0; i < job->cycles; ++i) {
    job->sum += deep(job->depth, seed);
    if (job->explicit_shrink) morestack_shrink_stack();
    morestack_fiber_yield();
  }
}

typedef struct {
  double ns_per_cycle;
  uint64_t growths, shrinks, first_growths;
} Outcome;

static Outcome run(Job *job, size_t stack_size) {
  morestack_stack_stats st;
  Outcome o;
  job->sum = 0;
  morestack_fiber *f = morestack_fiber_create(cycler, job, stack_size);
  uint64_t t0 = bench_now_ns();
  int done = morestack_fiber_resume(f);
  morestack_fiber_stats(f, &st); /* inside the timed span: it only reads counters */
  o.first_growths = st.growths;
  while (!done) done = morestack_fiber_resume(f);
  o.ns_per_cycle = (double)(bench_now_ns() - t0) / (double)job->cycles;
  morestack_fiber_stats(f, &st);
  o.growths = st.growths;
  o.shrinks = st.shrinks;
  morestack_fiber_destroy(f);
  return o;
}

int main(int argc, char **argv) {
  long cycles = bench_arg(argc, argv, 1, 100000);
  int reps = bench_reps(argc, argv, 2, 3);
  BENCH_KEEP(deep(20, seed)); /* calibrate on main's stack: bytes per frame */
  uintptr_t leaf_frame = sp_at[1] - sp_at[0];
  long depth = DEEP_BYTES / (long)leaf_frame;
  Job job = {depth, cycles, 0, 0};
  Job naive_job = {depth, cycles / 10 > 0 ? cycles / 10 : 1, 1, 0};
  double policy[64], presized[64], naive[64], boundary[64];
  Outcome p = {0}, s = {0}, n = {0}, b = {0};
  for (int r = 0; r < reps; ++r) { /* interleaved */
    p = run(&job, 0);
    policy[r] = p.ns_per_cycle;
    s = run(&job, 64 * 1024);
    presized[r] = s.ns_per_cycle;
    n = run(&naive_job, 0);
    naive[r] = n.ns_per_cycle;
    b = run(&naive_job, 32 * 1024);
    boundary[r] = b.ns_per_cycle;
  }
  fprintf(stderr, "pingpong: frame %lu B, depth %ld; %ld cycles: policy %llu growths (%llu in the first cycle), "
          "%llu shrinks; presized %llu growths %llu shrinks; %ld naive cycles: %llu growths "
          "%llu shrinks (2 KiB), %llu growths %llu shrinks (32 KiB)\n",
          (unsigned long)leaf_frame, depth, cycles, (unsigned long long)p.growths,
          (unsigned long long)p.first_growths, (unsigned long long)p.shrinks,
          (unsigned long long)s.growths, (unsigned long long)s.shrinks, naive_job.cycles,
          (unsigned long long)n.growths, (unsigned long long)n.shrinks, (unsigned long long)b.growths,
          (unsigned long long)b.shrinks);
  bench_report("pingpong", "cycle", "policy", bench_median(policy, reps), "ns");
  bench_report("pingpong", "cycle", "presized", bench_median(presized, reps), "ns");
  bench_report("pingpong", "cycle", "naive", bench_median(naive, reps), "ns");
  bench_report("pingpong", "cycle", "naive-boundary", bench_median(boundary, reps), "ns");
  bench_report("pingpong", "moves", "cycles", (double)cycles, "cycles");
  bench_report("pingpong", "moves", "policy-growths", (double)p.growths, "moves");
  bench_report("pingpong", "moves", "policy-shrinks", (double)p.shrinks, "moves");
  bench_report("pingpong", "moves", "policy-after-first", (double)(p.growths - p.first_growths + p.shrinks),
               "moves");
  bench_report("pingpong", "moves", "naive-per-cycle", (double)(n.growths + n.shrinks) / naive_job.cycles, "moves");
  bench_report("pingpong", "moves", "naive-boundary-per-cycle", (double)(b.growths + b.shrinks) / naive_job.cycles,
               "moves");
  return 0;
}

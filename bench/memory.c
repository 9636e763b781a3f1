/* bench/memory.c: what a parked fiber costs, all in.
 *
 * N fibers (default 2 KiB stacks) each recurse a few frames and yield at
 * the bottom. With all of them parked, the growth of the resident set since
 * before the first was created, divided by N, is the cost of one: its
 * stack, its control block (malloc), and the pool's overhead. The array of
 * handles is allocated and touched before the first reading.
 *
 * With `side`, every frame also keeps a 16-byte object whose address
 * escapes (handed to bench_escape()), which the plugin puts on the fiber's
 * side stack (runtime/side_stack.h): the parked fiber then also holds its
 * side stack's first chunk (512 bytes, from malloc). Reported as variant
 * "morestack-side".
 *
 *   memory <fibers> [side] */
#include "common.h"

#include <morestack/morestack.h>

enum { DEPTH = 5 };

/* A few frames of ordinary locals; nothing that calls libc (whose
 * call-site checks could grow the stack). */
__attribute__((noinline)) static long descend(long depth, long id) {
  volatile long local[4] = {depth, id, 0, 0};
  if (depth == 0) {
    morestack_fiber_yield(); /* parked here */
    return local[1];
  }
  return descend(depth - 1, id) + local[0];
}

/* The same frames, each with an object whose address escapes. */
__attribute__((noinline)) static long descend_side(long depth, long id) {
  volatile long local[4] = {depth, id, 0, 0};
  long kept[2] = {id, depth};
  bench_escape(kept);
  if (depth == 0) {
    morestack_fiber_yield(); /* parked here */
    return local[1] + kept[1];
  }
  return descend_side(depth - 1, id) + local[0] + kept[0];
}

static int side;

static void body(void *arg) {
  BENCH_KEEP(side ? descend_side(DEPTH, (long)(intptr_t)arg) : descend(DEPTH, (long)(intptr_t)arg));
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 100000);
  side = argc > 2 && strcmp(argv[2], "side") == 0;
  morestack_fiber **fibers = (morestack_fiber **)malloc((size_t)n * sizeof *fibers);
  memset(fibers, 0, (size_t)n * sizeof *fibers);
  long before = bench_rss_bytes();
  for (long i = 0; i < n; ++i) {
    fibers[i] = morestack_fiber_create(body, (void *)(intptr_t)i, 0);
    morestack_fiber_resume(fibers[i]);
  }
  long parked = bench_rss_bytes();
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  morestack_stack_stats st;
  morestack_fiber_stats(fibers[n - 1], &st);
  for (long i = 0; i < n; ++i) {
    if (!morestack_fiber_resume(fibers[i])) fprintf(stderr, "memory: a fiber did not finish\n");
    morestack_fiber_destroy(fibers[i]);
  }
  fprintf(stderr, "memory%s: %ld fibers, stack %zu B each, pool mapped %zu B (%.0f B per fiber)\n",
          side ? " (side)" : "", n, st.size, ps.pool_bytes_mapped, (double)ps.pool_bytes_mapped / (double)n);
  char kase[32];
  snprintf(kase, sizeof kase, "%ld", n);
  bench_report("memory", kase, side ? "morestack-side" : "morestack", (double)(parked - before) / (double)n, "B");
  free(fibers);
  return 0;
}

/* bench/skynet.c: the "skynet" benchmark with morestack fibers. A tree of
 * tasks of fan-out 10: each task creates its 10 children (fibers), runs
 * them, and returns the sum of theirs; the 1,000,000 leaves return their
 * index, so the root returns 499999500000. 1,111,111 fibers in all.
 *
 * Fibers need no scheduler here: a child runs to its end when its parent
 * resumes it. With 2 threads, each thread runs five of the root's ten
 * subtrees (two independent halves) and main adds them up.
 *
 *   skynet [threads=1] [reps=3] [leaf-split] */
#include "common.h"

#include <morestack/morestack.h>
#include <pthread.h>

enum { FANOUT = 10, LEAVES = 1000000 };

typedef struct {
  long num, size, result;
} Task;

/* Create the 10 children of `t` running `child_fn`, run them, sum them. */
static inline __attribute__((always_inline)) void run_children(Task *t, morestack_fiber_fn child_fn) {
  /* Children's records on the heap: a fiber's arguments must not point into
   * a stack that may move (the parent's grows when it calls the runtime). */
  Task *kids = (Task *)malloc(FANOUT * sizeof *kids);
  morestack_fiber *f[FANOUT];
  long child = t->size / FANOUT, sum = 0;
  for (int i = 0; i < FANOUT; ++i) {
    kids[i].num = t->num + i * child;
    kids[i].size = child;
    f[i] = morestack_fiber_create(child_fn, &kids[i], 0);
  }
  for (int i = 0; i < FANOUT; ++i) {
    morestack_fiber_resume(f[i]);
    morestack_fiber_destroy(f[i]);
    sum += kids[i].result;
  }
  free(kids);
  t->result = sum;
}

/* A task, written the obvious way: one function. */
static void skynet(void *arg) {
  Task *t = (Task *)arg;
  if (t->size == 1) {
    t->result = t->num;
    return;
  }
  run_children(t, skynet);
}

/* The "leaf-split" variant (for context, not for the target): the same
 * task with the code that calls libc and the runtime moved out of the
 * fiber's entry function. It dates from when lld made the prologue of a
 * function calling uninstrumented code ask for the non-split reserve
 * (16 KiB), which grew every 2 KiB fiber to 32 KiB on entry. Calls are now
 * checked where they are made (plugin/CallSiteReserve.h), so in both
 * variants only the 111,111 interior tasks, which make those calls, grow,
 * not the 1,000,000 leaves. */
static void skynet_leaf_split(void *arg);
__attribute__((noinline)) static void run_children_apart(Task *t) { run_children(t, skynet_leaf_split); }
static void skynet_leaf_split(void *arg) {
  Task *t = (Task *)arg;
  if (t->size == 1) {
    t->result = t->num;
    return;
  }
  run_children_apart(t);
}

static morestack_fiber_fn task_fn = skynet;

/* Run the subtrees [first, last) of the root on this thread. */
typedef struct {
  int first, last;
  long sum;
} Half;

static void *run_subtrees(void *arg) {
  Half *h = (Half *)arg;
  h->sum = 0;
  for (int i = h->first; i < h->last; ++i) {
    Task *t = (Task *)malloc(sizeof *t);
    t->num = (long)i * (LEAVES / FANOUT);
    t->size = LEAVES / FANOUT;
    morestack_fiber *f = morestack_fiber_create(task_fn, t, 0);
    morestack_fiber_resume(f);
    morestack_fiber_destroy(f);
    h->sum += t->result;
    free(t);
  }
  return NULL;
}

static long run_once(int threads) {
  if (threads == 1) {
    Task root = {0, LEAVES, 0};
    morestack_fiber *f = morestack_fiber_create(task_fn, &root, 0);
    morestack_fiber_resume(f);
    morestack_fiber_destroy(f);
    return root.result;
  }
  Half halves[2] = {{0, FANOUT / 2, 0}, {FANOUT / 2, FANOUT, 0}};
  pthread_t th;
  pthread_create(&th, NULL, run_subtrees, &halves[1]);
  run_subtrees(&halves[0]);
  pthread_join(th, NULL);
  return halves[0].sum + halves[1].sum;
}

int main(int argc, char **argv) {
  int threads = (int)bench_arg(argc, argv, 1, 1);
  int reps = bench_reps(argc, argv, 2, 3);
  int leaf_split = argc > 3 && !strcmp(argv[3], "leaf-split");
  double t[64];
  long result = 0;
  if (threads != 1 && threads != 2) {
    fprintf(stderr, "skynet: 1 or 2 threads\n");
    return 2;
  }
  if (leaf_split) task_fn = skynet_leaf_split;
  for (int r = 0; r < reps; ++r) {
    uint64_t t0 = bench_now_ns();
    result = run_once(threads);
    t[r] = (double)(bench_now_ns() - t0);
  }
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  fprintf(stderr, "skynet (%d thread%s): %ld; %llu fibers, %llu growths\n", threads, threads > 1 ? "s" : "",
          result, (unsigned long long)ps.fibers_created, (unsigned long long)ps.growths);
  char kase[32];
  snprintf(kase, sizeof kase, "%dthread", threads);
  bench_report("skynet", kase, leaf_split ? "morestack-leaf-split" : "morestack", bench_median(t, reps), "ns");
  return 0;
}

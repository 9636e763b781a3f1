/* bench/skynet_tasks.c: skynet in Go's own form on morestack's scheduler
 * (include/morestack/sched.h): a tree of tasks of fan-out 10 with
 * 1,000,000 leaves, each leaf sending its index up an unbuffered channel,
 * each parent the sum of its children's; 1,111,111 tasks, detached.
 * Compare bench/go/skynet.go line for line. MORESTACK_WORKERS (set by
 * bench/run.sh) is the number of worker threads.
 *
 *   skynet_tasks [reps=3] */
#include "common.h"

#include <morestack/sched.h>

typedef struct {
  morestack_chan *up;
  long num, size;
} Node;

static void skynet(void *arg) {
  Node n = *(Node *)arg;
  free(arg);
  if (n.size == 1) {
    morestack_chan_send(n.up, &n.num);
    return;
  }
  morestack_chan *rc = morestack_chan_new(sizeof(long), 0);
  long child = n.size / 10, sum = 0;
  for (int i = 0; i < 10; ++i) {
    Node *c = (Node *)malloc(sizeof *c);
    *c = (Node){rc, n.num + i * child, child};
    morestack_detach(morestack_go(skynet, c));
  }
  for (int i = 0; i < 10; ++i) {
    long v;
    morestack_chan_recv(rc, &v);
    sum += v;
  }
  morestack_chan_free(rc);
  morestack_chan_send(n.up, &sum);
}

int main(int argc, char **argv) {
  int reps = (int)bench_arg(argc, argv, 1, 3);
  double times[16];
  long result = 0;
  if (reps > 16) reps = 16;
  for (int r = 0; r < reps; ++r) {
    morestack_chan *c = morestack_chan_new(sizeof(long), 0);
    Node *root = (Node *)malloc(sizeof *root);
    *root = (Node){c, 0, 1000000};
    uint64_t t0 = bench_now_ns();
    morestack_detach(morestack_go(skynet, root));
    morestack_chan_recv(c, &result);
    times[r] = (double)(bench_now_ns() - t0);
    morestack_chan_free(c);
  }
  fprintf(stderr, "skynet (tasks, %d workers): %ld\n", morestack_workers(), result);
  char kase[32];
  snprintf(kase, sizeof kase, "%dthread", morestack_workers());
  bench_report("skynet", kase, "morestack-tasks", bench_median(times, reps), "ns");
  return result != 499999500000L;
}

/* bench/chanping.c: unbuffered channel ping-pong between two tasks on
 * morestack's scheduler: the time of one round trip (two messages).
 * Compare bench/go/chanping.go. MORESTACK_WORKERS (bench/run.sh) is the
 * number of worker threads.
 *
 *   chanping [round trips=200000] [reps=3] */
#include "common.h"

#include <morestack/sched.h>

static morestack_chan *ping, *pong;
static long trips;

static void echo(void *arg) {
  (void)arg;
  long v;
  while (morestack_chan_recv(ping, &v)) morestack_chan_send(pong, &v);
}

static void driver(void *arg) {
  double *out = (double *)arg;
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < trips; ++i) {
    morestack_chan_send(ping, &i);
    long v;
    morestack_chan_recv(pong, &v);
  }
  *out = (double)(bench_now_ns() - t0) / (double)trips;
}

int main(int argc, char **argv) {
  trips = bench_arg(argc, argv, 1, 200000);
  int reps = (int)bench_arg(argc, argv, 2, 3);
  double times[16];
  if (reps > 16) reps = 16;
  for (int r = 0; r < reps; ++r) {
    ping = morestack_chan_new(sizeof(long), 0);
    pong = morestack_chan_new(sizeof(long), 0);
    morestack_task *e = morestack_go(echo, 0);
    morestack_task *d = morestack_go(driver, &times[r]);
    morestack_join(d);
    morestack_chan_close(ping);
    morestack_join(e);
    morestack_chan_free(ping);
    morestack_chan_free(pong);
  }
  char kase[32];
  snprintf(kase, sizeof kase, "%dthread", morestack_workers());
  fprintf(stderr, "chanping (tasks, %d workers): %.0f ns per round trip\n", morestack_workers(),
          bench_median(times, reps));
  bench_report("chanping", kase, "morestack", bench_median(times, reps), "ns");
  return 0;
}

/* bench/memory_pthread.c: what a parked thread costs, all in: N threads with
 * default attributes (8 MiB stacks reserved, touched on demand) each recurse
 * a few frames, then wait on a condition variable. Resident set growth / N.
 * Built with plain clang: these are ordinary threads.
 *
 *   memory_pthread <threads> */
#include "common.h"

#include <pthread.h>

enum { DEPTH = 5 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_parked = PTHREAD_COND_INITIALIZER, release = PTHREAD_COND_INITIALIZER;
static long parked, expected;
static int released;

static void park(void) {
  pthread_mutex_lock(&lock);
  if (++parked == expected) pthread_cond_signal(&all_parked);
  while (!released) pthread_cond_wait(&release, &lock);
  pthread_mutex_unlock(&lock);
}

__attribute__((noinline)) static long descend(long depth, long id) {
  volatile long local[4] = {depth, id, 0, 0};
  if (depth == 0) {
    park();
    return local[1];
  }
  return descend(depth - 1, id) + local[0];
}

static void *body(void *arg) {
  BENCH_KEEP(descend(DEPTH, (long)(intptr_t)arg));
  return NULL;
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 10000), started = 0;
  pthread_t *threads = (pthread_t *)malloc((size_t)n * sizeof *threads);
  memset(threads, 0, (size_t)n * sizeof *threads);
  expected = n;
  long before = bench_rss_bytes();
  for (; started < n; ++started)
    if (pthread_create(&threads[started], NULL, body, (void *)(intptr_t)started) != 0) break;
  pthread_mutex_lock(&lock);
  expected = started;
  while (parked < started) pthread_cond_wait(&all_parked, &lock);
  pthread_mutex_unlock(&lock);
  long after = bench_rss_bytes();
  pthread_mutex_lock(&lock);
  released = 1;
  pthread_cond_broadcast(&release);
  pthread_mutex_unlock(&lock);
  for (long i = 0; i < started; ++i) pthread_join(threads[i], NULL);
  char kase[32];
  snprintf(kase, sizeof kase, "%ld", n);
  if (started < n) {
    fprintf(stderr, "memory_pthread: only %ld of %ld threads could be created\n", started, n);
    return 1;
  }
  bench_report("memory", kase, "pthread", (double)(after - before) / (double)n, "B");
  free(threads);
  return 0;
}

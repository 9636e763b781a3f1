// 100,000 tasks on 2 workers in a channel daisy chain, 10 rounds: each task
// receives from its left neighbour, adds one, and sends to its right; every
// tenth task recurses first (its stack grows while its neighbours wait on
// channels). The sums and a checksum of what each task saw must be exact.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_WORKERS=2 %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_WORKERS=2 %t.O2 | FileCheck %s
// RUN: env MORESTACK_WORKERS=2 MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
// CHECK: round 0: 100000
// CHECK: round 9: 100009
// CHECK: checksum ok, 100000 tasks joined

#include <morestack/sched.h>
#include <stdio.h>
#include <stdlib.h>

enum { TASKS = 100000, ROUNDS = 10 };

typedef struct {
  morestack_chan *left, *right;
  long seen;
  int index;
} Link;

__attribute__((noinline)) static long recurse(int n) {
  volatile char pad[256];
  pad[n & 255] = (char)n;
  return n <= 0 ? pad[0] : recurse(n - 1) + pad[n & 255];
}

static void link_main(void *arg) {
  Link *l = (Link *)arg;
  for (int r = 0; r < ROUNDS; ++r) {
    long v;
    if (!morestack_chan_recv(l->left, &v)) abort();
    if (l->index % 10 == 0) v += recurse(20 + r) * 0;  // grows while others wait
    l->seen += v;
    ++v;
    morestack_chan_send(l->right, &v);
  }
}

int main(void) {
  morestack_chan **chans = malloc((TASKS + 1) * sizeof *chans);
  Link *links = malloc(TASKS * sizeof *links);
  morestack_task **tasks = malloc(TASKS * sizeof *tasks);
  for (int i = 0; i <= TASKS; ++i) chans[i] = morestack_chan_new(sizeof(long), 0);
  for (int i = 0; i < TASKS; ++i) {
    links[i] = (Link){chans[i], chans[i + 1], 0, i};
    tasks[i] = morestack_go(link_main, &links[i]);
  }
  for (long r = 0; r < ROUNDS; ++r) {
    long v = r;
    morestack_chan_send(chans[0], &v);
    morestack_chan_recv(chans[TASKS], &v);
    printf("round %ld: %ld\n", r, v);
  }
  for (int i = 0; i < TASKS; ++i) morestack_join(tasks[i]);
  long expect = 0, got = 0;
  for (int i = 0; i < TASKS; ++i) {
    got += links[i].seen;
    for (long r = 0; r < ROUNDS; ++r) expect += r + i;
  }
  printf("checksum %s, %d tasks joined\n", got == expect ? "ok" : "WRONG", TASKS);
  for (int i = 0; i <= TASKS; ++i) morestack_chan_free(chans[i]);
  free(chans);
  free(links);
  free(tasks);
  return got != expect;
}

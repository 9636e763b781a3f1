/* bench/prologue_bintree.c: the "binary-trees" program of the Computer
 * Language Benchmarks Game, written again here: build complete binary trees
 * with malloc, walk them, free them. make() and release() call malloc and
 * free (uninstrumented libc, within the nosplit budget: no call-site
 * check); until the call-site checks (a790d4a), lld rewrote their
 * prologues to always call __morestack_non_split.
 *
 *   prologue_bintree [max_depth=17] [reps=3] */
#include "common.h"

typedef struct Node {
  struct Node *left, *right;
} Node;

static Node *make(int depth) {
  Node *n = (Node *)malloc(sizeof *n);
  if (depth > 0) {
    n->left = make(depth - 1);
    n->right = make(depth - 1);
  } else {
    n->left = n->right = NULL;
  }
  return n;
}

static long check(const Node *n) { return n->left ? 1 + check(n->left) + check(n->right) : 1; }

static void release(Node *n) {
  if (n->left) {
    release(n->left);
    release(n->right);
  }
  free(n);
}

__attribute__((noinline)) long bench_kernel(long max_depth) {
  long total = 0;
  Node *long_lived = make((int)max_depth);
  for (int depth = 4; depth <= max_depth; depth += 2) {
    long iterations = 1L << (max_depth - depth + 4);
    for (long i = 0; i < iterations; ++i) {
      Node *t = make(depth);
      total += check(t);
      release(t);
    }
  }
  total += check(long_lived);
  release(long_lived);
  return total;
}

int main(int argc, char **argv) {
  long depth = bench_arg(argc, argv, 1, 17), result = 0;
  double ns = bench_time(bench_kernel, depth, (int)bench_arg(argc, argv, 2, 3), &result);
  fprintf(stderr, "binary trees to depth %ld: %ld nodes checked\n", depth, result);
  bench_report("prologue", "bintree", BENCH_VARIANT, ns, "ns");
  return 0;
}

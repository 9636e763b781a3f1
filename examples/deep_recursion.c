/* examples/deep_recursion.c: a recursion that needs about 100 MB of stack.
 *
 * Built plainly and run under `ulimit -s 8192`, it dies with SIGSEGV. Built
 * with morestack-clang (whole-program mode), main runs on a growable stack
 * and the recursion completes; the program prints how far its stack grew.
 */
#include <stdio.h>
#include <stdlib.h>
#if __has_include(<morestack/morestack.h>) && defined(MORESTACK_EXAMPLE)
#include <morestack/morestack.h>
#endif

/* About 112 bytes of frame per level: a small array, kept live across the call. */
static unsigned long walk(unsigned long depth, const unsigned long *parent) {
  unsigned long frame[10];
  for (int i = 0; i < 10; ++i) frame[i] = depth * 31 + (unsigned long)i + (parent ? parent[i] : 0) % 7;
  if (depth == 0) return frame[9];
  unsigned long below = walk(depth - 1, frame);
  return below + frame[depth % 10] % 3;
}

int main(int argc, char **argv) {
  unsigned long depth = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
  unsigned long result = walk(depth, NULL);
  printf("recursed %lu levels, result %lu\n", depth, result);
#ifdef MORESTACK_EXAMPLE
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  printf("main's stack grew %llu times to %zu MiB, copying %llu MiB in all\n",
         (unsigned long long)s.growths, s.size >> 20, (unsigned long long)(s.bytes_copied >> 20));
  fflush(stdout);
  morestack_print_summary();  /* process-wide, on stderr: growths, stack maps, memory */
#endif
  return 0;
}

/* bench/nonsplit_return_experiment.c: what returning to "return address + 1"
 * costs (bench/profile.sh runs this; not part of the table).
 *
 * After lld's rewrite, a function that calls uninstrumented code starts with
 * `stc ; nopl ; jbe .Lmore`, so it always calls __morestack_non_split, whose
 * fast path returns past the one-byte `ret` that follows the call:
 * `addq $1,(%rsp) ; ret`. The return-stack buffer predicted the address
 * pushed by the call, so that `ret` mispredicts every time. This times a
 * call whose callee does just that against one that returns normally
 * (plain clang, no runtime involved). */
#include "common.h"

__asm__(
    ".text\n"
    "  .p2align 4\n"
    "ret_plus_one: addq $1, (%rsp); ret\n"
    "  .p2align 4\n"
    "ret_plain: ret\n"
    "  .p2align 4\n"
    "call_plus_one: call ret_plus_one; ret; jmp 1f\n" /* resumes at the jmp */
    "1: ret\n"
    "  .p2align 4\n"
    "call_plain: call ret_plain; jmp 2f\n"
    "2: ret\n");
void call_plus_one(void);
void call_plain(void);

static double ns_per_call(void (*f)(void), long n) {
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; ++i) f();
  return (double)(bench_now_ns() - t0) / (double)n;
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 100000000);
  for (int round = 0; round < 2; ++round)
    printf("round %d: return to +1 %.2f ns, plain return %.2f ns per call\n", round + 1,
           ns_per_call(call_plus_one, n), ns_per_call(call_plain, n));
  return 0;
}

/* bench/switch_return_experiment.c: why morestack's fiber switch is slower
 * than Boost.Context's (bench/profile.sh runs this; not part of the table).
 *
 * Three copies of a stack switch, ping-ponging between main and one
 * coroutine, built with plain clang (no runtime involved):
 *   ret        runtime/morestack.S's __morestack_switch as it is: callee-
 *              saved registers, MXCSR and x87 control word, then `ret` into
 *              the other context. The return-stack buffer predicted the
 *              caller of the switch, so every switch mispredicts.
 *   pop-jmp    the same, ending in `pop %r8; jmp *%r8` like Boost.Context's
 *              jump_fcontext: an indirect jump the branch predictor learns.
 *   ret-nofp   the `ret` version without saving MXCSR / the x87 control
 *              word (Go does not save them either).
 * Prints ns per switch for each. */
#include "common.h"

__asm__(
    ".text\n"
    "  .p2align 4\n"
    "sw_ret:\n"
    "  pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n"
    "  subq $8, %rsp; stmxcsr (%rsp); fnstcw 4(%rsp)\n"
    "  movq %rsp, (%rdi); movq %rsi, %rsp\n"
    "  ldmxcsr (%rsp); fldcw 4(%rsp); addq $8, %rsp\n"
    "  popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n"
    "  ret\n"
    "  .p2align 4\n"
    "sw_popjmp:\n"
    "  pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n"
    "  subq $8, %rsp; stmxcsr (%rsp); fnstcw 4(%rsp)\n"
    "  movq %rsp, (%rdi); movq %rsi, %rsp\n"
    "  ldmxcsr (%rsp); fldcw 4(%rsp); addq $8, %rsp\n"
    "  popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n"
    "  popq %r8; jmp *%r8\n"
    "  .p2align 4\n"
    "sw_nofp:\n"
    "  pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n"
    "  movq %rsp, (%rdi); movq %rsi, %rsp\n"
    "  popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n"
    "  ret\n");

typedef void (*switch_fn)(uintptr_t *save_sp, uintptr_t new_sp);
void sw_ret(uintptr_t *, uintptr_t);
void sw_popjmp(uintptr_t *, uintptr_t);
void sw_nofp(uintptr_t *, uintptr_t);

static switch_fn sw;
static uintptr_t main_sp, co_sp;

static void coroutine(void) {
  for (;;) sw(&co_sp, main_sp);
}

static uintptr_t stack[8192] __attribute__((aligned(64)));

static double ns_per_switch(switch_fn f, int saves_fp, long n) {
  uint32_t csr[2];
  uintptr_t *top = stack + 8192;
  __asm__ volatile("stmxcsr %0; fnstcw %1" : "=m"(csr[0]), "=m"(csr[1]));
  sw = f;
  top[-1] = top[-2] = 0;
  top[-3] = (uintptr_t)coroutine; /* "returned" to by the first switch */
  for (int i = 4; i <= 9; ++i) top[-i] = 0;
  top[-10] = csr[0] | ((uintptr_t)(csr[1] & 0xffff) << 32);
  co_sp = (uintptr_t)(saves_fp ? &top[-10] : &top[-9]);
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; ++i) sw(&main_sp, co_sp);
  return (double)(bench_now_ns() - t0) / (2.0 * (double)n);
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 20000000);
  for (int round = 0; round < 2; ++round) {
    printf("round %d: ret %.2f ns, pop-jmp %.2f ns, ret-nofp %.2f ns per switch\n", round + 1,
           ns_per_switch(sw_ret, 1, n), ns_per_switch(sw_popjmp, 1, n), ns_per_switch(sw_nofp, 0, n));
  }
  return 0;
}

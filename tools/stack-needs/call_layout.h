/* tools/stack-needs/call_layout.h: the layout of struct Call (harness.h)
 * that ms_call_on_stack (call_on_stack.S) reads and writes, written once:
 * the assembly includes this file, and harness.h checks each offset with
 * static_assert against the struct.
 *
 * Invariants: every CALL_* below is the offsetof of the Call field it
 * names (CALL_LAYOUT pairs them); plain #defines only, so that the assembler can include it. */
#ifndef STACKNEEDS_CALL_LAYOUT_H
#define STACKNEEDS_CALL_LAYOUT_H

#define CALL_FN 0          /* callee */
#define CALL_GPR 8         /* rdi rsi rdx rcx r8 r9, 8 bytes each */
#define CALL_XMM 56        /* xmm0..xmm7, 16 bytes each */
#define CALL_NXMM 184      /* %al for variadic callees */
#define CALL_NSTK 192      /* words in stk */
#define CALL_STK 200       /* stack arguments, lowest address first */
#define CALL_CALL_RSP 584  /* out: %rsp at the call instruction */
#define CALL_RET_RAX 592
#define CALL_RET_RDX 600
#define CALL_RET_XMM0 608
#define CALL_X87_POPS 624  /* in: x87 registers the callee returns */
#define CALL_RET_ST0 640
#define CALL_RET_ST1 656

/* X(field, offset) for each of them: harness.h checks them all. */
#define CALL_LAYOUT(X)                                                          \
  X(fn, CALL_FN) X(gpr, CALL_GPR) X(xmm, CALL_XMM) X(nxmm, CALL_NXMM)           \
  X(nstk, CALL_NSTK) X(stk, CALL_STK) X(call_rsp, CALL_CALL_RSP)                \
  X(ret_rax, CALL_RET_RAX) X(ret_rdx, CALL_RET_RDX) X(ret_xmm0, CALL_RET_XMM0)  \
  X(x87_pops, CALL_X87_POPS) X(ret_st0, CALL_RET_ST0) X(ret_st1, CALL_RET_ST1)

#endif

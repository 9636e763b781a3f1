/*
 * runtime/frames.h: where the runtime's own code leaves a stopped stack's
 * registers, shared by morestack.S and the C++ that walks those stacks
 * (frame_walk.h). Plain #defines so that the assembler can include it.
 *
 * The growth save area (morestack.S, SAVE_REGISTERS), at the `sp` that
 * __morestack_grow and __morestack_shrink_current receive: the general
 * registers only (vector registers are saved on the system stack, see
 * vector_state.h), so that the save area is small (it counts against the
 * nosplit budget) and the registers that hold stack addresses move with the
 * stack:
 *     sp + 0 .. 103      %rdi %rsi %rdx %rcx %r8 %r9 %rax %rbx %rbp %r12..%r15
 *     sp + 112           return address of the call into the runtime
 *     sp + 120           (prologue entries only) the checked function's own
 *                        return address: that function has no frame yet
 *
 * A suspended stack (__morestack_switch), at Stack::saved_sp:
 *     +0 mxcsr and x87 control word, +8 %r15, +16 %r14, +24 %r13, +32 %r12,
 *     +40 %rbx, +48 %rbp, +56 return address of the call to the switch
 */
#ifndef MORESTACK_RUNTIME_FRAMES_H
#define MORESTACK_RUNTIME_FRAMES_H

#include <morestack/abi.h>

#define SAVE_RDI 0
#define SAVE_RSI 8
#define SAVE_RDX 16
#define SAVE_RCX 24
#define SAVE_R8 32
#define SAVE_R9 40
#define SAVE_RAX 48
#define SAVE_RBX 56
#define SAVE_RBP 64
#define SAVE_R12 72
#define SAVE_R13 80
#define SAVE_R14 88
#define SAVE_R15 96
/* 104..111: padding (MORESTACK_SAVE_AREA is a multiple of 16) */

/* Offset from the save area to the return address of the first frame that
 * exists: for the prologue entry points the function being checked has not
 * built its frame, so its caller's frame is the first one. */
#define SAVE_AREA_RA_BODY MORESTACK_SAVE_AREA
#define SAVE_AREA_RA_PROLOGUE (MORESTACK_SAVE_AREA + 8)

#define SWITCH_FRAME_RBP 48
#define SWITCH_FRAME_RA 56

/* Preemption (scheduler.cpp, "Preemption"): __morestack_grow returns in
 * %rdx whether morestack.S is to yield the running task before it returns
 * into it (.Lpreempt, asm_entry.h's MoveResult). That keeps %zmm0-7
 * (MORESTACK_PREEMPT_VECTORS bytes, 64-aligned) on the task's stack and
 * calls __morestack_preempted; MORESTACK_PREEMPT_ROOM is what all that
 * needs below the save area: the vectors, their alignment, .Lpreempt's own
 * words, and the yield (morestack_yield's need in MORESTACK_API_NEEDS,
 * abi.h). XCR0_*: the XCR0 bits of __morestack_xsave_mask that say how
 * wide the registers are (vector_state.cpp). */
#define MORESTACK_PREEMPT_VECTORS 512
#define MORESTACK_PREEMPT_ROOM (MORESTACK_PREEMPT_VECTORS + 64 + 16 + 512)
#define XCR0_AVX 0x4
#define XCR0_ZMM_HI256 0x40

/* The fields of ThreadState and Stack (thread_state.h) that morestack.S
 * reads (checked by static_asserts in thread_state.cpp). */
#define THREAD_STATE_OS_SP 0
#define THREAD_STATE_CURRENT 8
#define STACK_LO 0
#define STACK_HI 8
#define STACK_KIND 32
#define STACK_KIND_SIGNAL 3

#endif /* MORESTACK_RUNTIME_FRAMES_H */

#ifndef __ASSEMBLER__
/* Runtime functions that run on managed stacks with user frames above them
 * (fiber_main, call_main, resume/yield) live in this section, as do the
 * stack bases in morestack.S; the runtime is built with frame pointers, so
 * the walker steps over them by %rbp (frame_walk.h). */
#define MORESTACK_RUNTIME_FRAME __attribute__((section("morestack_runtime_frames"), noinline))
#endif

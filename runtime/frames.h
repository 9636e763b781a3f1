/*
 * runtime/frames.h: where the runtime's own code leaves a stopped stack's
 * registers, shared by morestack.S and the C++ that walks those stacks
 * (frame_walk.h). Plain #defines so that the assembler can include it.
 *
 * The growth save area (morestack.S, SAVE_REGISTERS), at the `sp` that
 * __morestack_grow and __morestack_shrink_current receive:
 *     sp + 0 .. 127      %xmm0..%xmm7
 *     sp + 128 .. 231    %rdi %rsi %rdx %rcx %r8 %r9 %rax %rbx %rbp %r12..%r15
 *     sp + 256           return address of the call into the runtime
 *     sp + 264           (prologue entries only) the checked function's own
 *                        return address: that function has no frame yet
 *
 * A suspended stack (__morestack_switch), at Stack::saved_sp:
 *     +0 mxcsr and x87 control word, +8 %r15, +16 %r14, +24 %r13, +32 %r12,
 *     +40 %rbx, +48 %rbp, +56 return address of the call to the switch
 */
#ifndef MORESTACK_RUNTIME_FRAMES_H
#define MORESTACK_RUNTIME_FRAMES_H

#include <morestack/abi.h>

#define SAVE_XMM 0 /* xmm0..xmm7, 16 bytes each */
#define SAVE_RDI 128
#define SAVE_RSI 136
#define SAVE_RDX 144
#define SAVE_RCX 152
#define SAVE_R8 160
#define SAVE_R9 168
#define SAVE_RAX 176
#define SAVE_RBX 184
#define SAVE_RBP 192
#define SAVE_R12 200
#define SAVE_R13 208
#define SAVE_R14 216
#define SAVE_R15 224
/* 232..255: padding, keeps %rsp 16-byte aligned */

/* Offset from the save area to the return address of the first frame that
 * exists: for the prologue entry points the function being checked has not
 * built its frame, so its caller's frame is the first one. */
#define SAVE_AREA_RA_BODY MORESTACK_SAVE_AREA
#define SAVE_AREA_RA_PROLOGUE (MORESTACK_SAVE_AREA + 8)

#define SWITCH_FRAME_RBP 48
#define SWITCH_FRAME_RA 56

#endif /* MORESTACK_RUNTIME_FRAMES_H */

#ifndef __ASSEMBLER__
/* Runtime functions that run on managed stacks with user frames above them
 * (fiber_main, call_main, resume/yield) live in this section, as do the
 * stack bases in morestack.S; the runtime is built with frame pointers, so
 * the walker steps over them by %rbp (frame_walk.h). */
#define MORESTACK_RUNTIME_FRAME __attribute__((section("morestack_runtime_frames"), noinline))
#endif

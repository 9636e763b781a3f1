/*
 * runtime/frames.h: the binary layouts that morestack.S shares with the
 * runtime's C++: where the runtime's own code leaves a stopped stack's
 * registers (read by frame_walk.h, written by fiber.cpp), the vector
 * register area, and the fields of ThreadState and Stack the assembly
 * reads. The #defines are for the assembler (and this is the only place
 * the numbers are written); the C++ part below gives each layout a struct,
 * and thread_state.cpp checks with static_assert that every #define is the
 * offsetof / sizeof of its field.
 *
 * Invariants: every offset here is a field of a struct below (or of
 * ThreadState / Stack) and checked; C++ reads these layouts through the
 * structs, the assembly through the #defines.
 *
 * The growth save area (morestack.S, SAVE_REGISTERS; SaveArea), at the `sp`
 * that __morestack_grow and __morestack_shrink_current receive: the general
 * registers only (vector registers are saved on the system stack, see
 * vector_state.h), so that the save area is small (it counts against the
 * nosplit budget) and the registers that hold stack addresses move with the
 * stack:
 *     sp + 0 .. 103      %rdi %rsi %rdx %rcx %r8 %r9 %rax %rbx %rbp %r12..%r15
 *     sp + 112           return address of the call into the runtime
 *     sp + 120           (prologue entries only) the checked function's own
 *                        return address: that function has no frame yet
 *
 * A suspended stack (__morestack_switch; SwitchFrame), at Stack::saved_sp:
 *     +0 mxcsr, +4 x87 control word, +8 %r15, +16 %r14, +24 %r13, +32 %r12,
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
/* 104..111: padding (MORESTACK_SAVE_AREA, the size, is a multiple of 16) */
/* X(register, offset) for each of them, by offset. */
#define SAVE_AREA_REGISTERS(X)                                                  \
  X(rdi, SAVE_RDI) X(rsi, SAVE_RSI) X(rdx, SAVE_RDX) X(rcx, SAVE_RCX)           \
  X(r8, SAVE_R8) X(r9, SAVE_R9) X(rax, SAVE_RAX) X(rbx, SAVE_RBX)               \
  X(rbp, SAVE_RBP) X(r12, SAVE_R12) X(r13, SAVE_R13) X(r14, SAVE_R14)           \
  X(r15, SAVE_R15)

/* Offset from the save area to the return address of the first frame that
 * exists: for the prologue entry points the function being checked has not
 * built its frame, so its caller's frame is the first one. */
#define SAVE_AREA_RA_BODY MORESTACK_SAVE_AREA
#define SAVE_AREA_RA_PROLOGUE (MORESTACK_SAVE_AREA + 8)

#define SWITCH_FRAME_MXCSR 0
#define SWITCH_FRAME_X87CW 4
#define SWITCH_FRAME_R15 8
#define SWITCH_FRAME_R14 16
#define SWITCH_FRAME_R13 24
#define SWITCH_FRAME_R12 32
#define SWITCH_FRAME_RBX 40
#define SWITCH_FRAME_RBP 48
#define SWITCH_FRAME_RA 56
#define SWITCH_FRAME_SIZE 64
/* X(register, offset) for each callee-saved register in it, by offset. */
#define SWITCH_FRAME_REGISTERS(X)                                               \
  X(r15, SWITCH_FRAME_R15) X(r14, SWITCH_FRAME_R14) X(r13, SWITCH_FRAME_R13)    \
  X(r12, SWITCH_FRAME_R12) X(rbx, SWITCH_FRAME_RBX) X(rbp, SWITCH_FRAME_RBP)

/* The vector register area (vector_state.h) on the system stack: FXSAVE's
 * 512-byte legacy area, followed in XSAVE's standard format by the 64-byte
 * XSAVE header (XSTATE_BV first; Intel SDM vol. 1, 13.4.2), which XRSTOR
 * needs zeroed but for what XSAVE writes. Both need 64-byte alignment. */
#define VECTOR_AREA_ALIGN 64
#define FXSAVE_AREA_SIZE 512
#define XSAVE_HEADER 512
#define XSAVE_HEADER_SIZE 64

/* Preemption (scheduler.cpp, "Preemption"): __morestack_grow returns in
 * %rdx whether morestack.S is to yield the running task before it returns
 * into it (.Lpreempt, asm_entry.h's MoveResult). That keeps %zmm0-7
 * (MORESTACK_PREEMPT_VECTORS bytes, MORESTACK_PREEMPT_ALIGN-aligned) on
 * the task's stack and calls __morestack_preempted; MORESTACK_PREEMPT_ROOM
 * is what all that needs below the save area: the vectors, their
 * alignment, .Lpreempt's own words, and the yield (morestack_yield's need
 * in MORESTACK_API_NEEDS, abi.h). */
#define MORESTACK_PREEMPT_VECTORS 512
#define MORESTACK_PREEMPT_ALIGN 64
#define MORESTACK_PREEMPT_ROOM (MORESTACK_PREEMPT_VECTORS + MORESTACK_PREEMPT_ALIGN + 16 + 512)

/* XCR0's state components (Intel SDM vol. 1, 13.1), as in
 * __morestack_xsave_mask: the ones that hold vector registers
 * (vector_state.cpp saves them all), and the two that say how wide the
 * registers are (.Lpreempt tests them). */
#define XCR0_SSE 0x2
#define XCR0_AVX 0x4
#define XCR0_OPMASK 0x20
#define XCR0_ZMM_HI256 0x40
#define XCR0_HI16_ZMM 0x80

/* The fields of ThreadState and Stack (thread_state.h) that morestack.S
 * reads. */
#define THREAD_STATE_OS_SP 0
#define THREAD_STATE_CURRENT 8
#define STACK_LO 0
#define STACK_HI 8
#define STACK_KIND 32
#define STACK_KIND_SIGNAL 3

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Runtime functions that run on managed stacks with user frames above them
 * (fiber_main, call_main, resume/yield) live in this section, as do the
 * stack bases in morestack.S; the runtime is built with frame pointers, so
 * the walker steps over them by %rbp (frame_walk.h). */
#define MORESTACK_RUNTIME_FRAME __attribute__((section("morestack_runtime_frames"), noinline))

#ifdef __cplusplus
namespace morestack {

#define MORESTACK_REGISTER_FIELD(reg, offset) uintptr_t reg;

// The growth save area, SAVE_* above.
struct SaveArea {
  SAVE_AREA_REGISTERS(MORESTACK_REGISTER_FIELD)
  uintptr_t padding;
};

// The switch frame, SWITCH_FRAME_* above: what __morestack_switch leaves
// at a suspended stack's saved_sp, and what it loads when it resumes one.
struct SwitchFrame {
  uint32_t mxcsr;
  uint16_t x87_cw;
  uint16_t unused;
  SWITCH_FRAME_REGISTERS(MORESTACK_REGISTER_FIELD)
  uintptr_t ra;  // where the switch "returns" to
};

#undef MORESTACK_REGISTER_FIELD

} // namespace morestack
#endif /* __cplusplus */
#endif /* __ASSEMBLER__ */

#endif /* MORESTACK_RUNTIME_FRAMES_H */

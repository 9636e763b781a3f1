/*
 * runtime/morestack.S: the entry points the prologue calls, and the stack
 * switches. Everything here is on a hot path or must control %rsp exactly.
 *
 * Protocol (LLVM's split-stack prologue, see include/morestack/abi.h):
 *   on entry to __morestack / __morestack_non_split
 *     %r10      = bytes the faulting function's frame needs
 *     %r11      = bytes of its stack arguments (unused: a copying stack
 *                 moves the caller's frame, arguments and all)
 *     (%rsp)    = address of the one-byte `ret` after the call; the body
 *                 resumes at (%rsp)+1
 *     8(%rsp)   = the faulting function's own return address
 *     %rdi..%r9, %rax, %xmm0..7: the faulting function's arguments (%rax is
 *                 also the static chain saved from %r10 for `nest`)
 *
 * Growth (the slow path):
 *   1. push every argument and callee-saved register into a save area on the
 *      small stack (MORESTACK_SAVE_AREA bytes; the StackGuard budget covers
 *      it), so that pointers held in registers are relocated with the stack;
 *   2. switch to the thread's system stack (ThreadState::os_sp) and call
 *      __morestack_grow(save_area, frame, extra), which copies the stack to a
 *      block at least twice the size, relocates pointers into the old block
 *      and returns where the save area now is;
 *   3. set %rsp to that, restore the registers, and return to (%rsp)+1 on the
 *      new stack. No frame of the runtime stays on the new stack.
 *
 * Invariants: nothing here uses more than MORESTACK_SAVE_AREA + 8 bytes of
 * the small stack; the guard (%fs:MORESTACK_GUARD_TLS_OFFSET) is only read
 * here (C++ owns writes).
 */
#include <morestack/abi.h>
#include "frames.h"

#define GUARD %fs:MORESTACK_GUARD_TLS_OFFSET

/* Save-area layout: frames.h. General registers only: they may hold
 * pointers into the stack, so they are saved on it and move with it. */
#define STORE_REGISTER(reg, offset) movq %reg, offset(%rsp);
#define LOAD_REGISTER(reg, offset) movq offset(%rsp), %reg;

.macro SAVE_REGISTERS
	subq	$MORESTACK_SAVE_AREA, %rsp
	.cfi_adjust_cfa_offset MORESTACK_SAVE_AREA
	SAVE_AREA_REGISTERS(STORE_REGISTER)
	/* From here on the callee-saved registers are read from the save area
	 * by unwinders: it is relocated with the stack, the registers are not
	 * (%rbp still holds an old-stack address after a move until restored). */
	.cfi_rel_offset %rbx, SAVE_RBX
	.cfi_rel_offset %rbp, SAVE_RBP
	.cfi_rel_offset %r12, SAVE_R12
	.cfi_rel_offset %r13, SAVE_R13
	.cfi_rel_offset %r14, SAVE_R14
	.cfi_rel_offset %r15, SAVE_R15
.endm

.macro RESTORE_REGISTERS
	SAVE_AREA_REGISTERS(LOAD_REGISTER)
	addq	$MORESTACK_SAVE_AREA, %rsp
	.cfi_adjust_cfa_offset -MORESTACK_SAVE_AREA
	.cfi_restore %rbx
	.cfi_restore %rbp
	.cfi_restore %r12
	.cfi_restore %r13
	.cfi_restore %r14
	.cfi_restore %r15
.endm

/* Save / restore the vector registers (all of %xmm/%ymm/%zmm state the
 * machine has, and the mask registers: vector_state.h) at %rsp, which is
 * VECTOR_AREA_ALIGN-aligned with __morestack_vector_area_size bytes above
 * it (layout: frames.h). The
 * runtime's C++ is free to clobber any of them. %rax, %rdx and %r11 are
 * scratch here. */
.macro SAVE_VECTORS
	movl	__morestack_xsave_mask(%rip), %eax
	movl	__morestack_xsave_mask+4(%rip), %edx
	testl	%eax, %eax
	jz	1f
	/* XSAVE writes XSTATE_BV; the rest of the 64-byte header must be 0 for
	 * XRSTOR, and this memory is whatever the system stack held before. */
	xorl	%r11d, %r11d
	.irp	word, 0, 8, 16, 24, 32, 40, 48, 56
	movq	%r11, XSAVE_HEADER+\word(%rsp)
	.endr
	.if	XSAVE_HEADER_SIZE != 64
	.error	"frames.h: XSAVE_HEADER_SIZE changed: clear every word of it here"
	.endif
	xsave64	(%rsp)
	jmp	2f
1:	fxsave64 (%rsp)          /* no XSAVE: %xmm0..15 and MXCSR */
2:
.endm

.macro RESTORE_VECTORS
	movl	__morestack_xsave_mask(%rip), %eax
	movl	__morestack_xsave_mask+4(%rip), %edx
	testl	%eax, %eax
	jz	1f
	xrstor64 (%rsp)
	jmp	2f
1:	fxrstor64 (%rsp)
2:
.endm

/* With the save area at %rsp and (frame, extra, ra_offset) in %rsi/%rdx/%rcx:
 * run `fn` (__morestack_grow, or __morestack_shrink_current) on the system
 * stack as fn(save area, frame, extra, ra_offset, vector area); it returns
 * where the save area is now; restore from there. */
.macro MOVE_ON_SYSTEM_STACK fn
	movq	%rsp, %rdi
	/* While on the system stack the CFA is found from %rbx, which holds the
	 * save area (the caller's %rbx is in it; fn preserves %rbx), so that
	 * debuggers and unwinders step from fn back into the checked code. */
	movq	%rsp, %rbx
	.cfi_remember_state
	.cfi_def_cfa %rbx, MORESTACK_SAVE_AREA + 8
	movq	__morestack_thread@GOTTPOFF(%rip), %rax
	movq	%fs:(%rax), %rax            /* ThreadState::os_sp */
	testq	%rax, %rax
	jnz	8f
	andq	$-16, %rsp
	call	__morestack_no_system_stack  /* (save area in %rdi): aborts */
8:	movq	%rax, %rsp
	subq	__morestack_vector_area_size(%rip), %rsp
	andq	$-VECTOR_AREA_ALIGN, %rsp
	movq	%rdx, %r9                   /* `extra`: SAVE_VECTORS uses %rdx */
	SAVE_VECTORS
	movq	%r9, %rdx
	movq	%rsp, %r8
	call	\fn                         /* -> new address of the save area */
	/* The stack may have moved: the save area is where %rax says, and %rbx
	 * (the old one) is stale. %rdx nonzero: the scheduler asked this
	 * thread's task to yield (asm_entry.h's MoveResult); %r12, free until
	 * restored from the save area, keeps it. */
	.cfi_def_cfa %rax, MORESTACK_SAVE_AREA + 8
	movq	%rax, %rbx
	.cfi_def_cfa %rbx, MORESTACK_SAVE_AREA + 8
	movq	%rdx, %r12
	RESTORE_VECTORS
	movq	%rbx, %rsp
	.cfi_restore_state
	testq	%r12, %r12
	jz	7f
	call	.Lpreempt
7:
	RESTORE_REGISTERS
	/* Wipe the save area, now below %rsp: it holds pointers into the stack,
	 * and the frame about to be built on top of it would otherwise start
	 * with pointer-shaped garbage in its uninitialised bytes, which a later
	 * conservative scan could take for live pointers. %r10 and %r11 are free
	 * here (the prologue keeps a `nest` chain in %rax). */
	xorl	%r11d, %r11d
	movq	$-MORESTACK_SAVE_AREA, %r10
9:	movq	%r11, (%rsp,%r10)
	addq	$8, %r10
	jnz	9b
.endm

/* The body of __morestack_call_on_stack (below), with its CFI. It keeps
 * ON_STACK_TOP bytes at stack_top, the caller's %rbp in the word at
 * ON_STACK_OS_RBP above the %rsp fn is called with (the CFI reads it
 * there; no C++ reads these words). */
#define ON_STACK_TOP 16
#define ON_STACK_OS_RBP 8
.macro CALL_ON_STACK
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	movq	%rsp, (%rcx)
	movq	%rdi, %rax
	movq	%rsi, %rdi
	leaq	-ON_STACK_TOP(%rdx), %rsp
	movq	%rbp, ON_STACK_OS_RBP(%rsp)
	/* CFA = *(%rsp + ON_STACK_OS_RBP) + 16 (%rbp + 16 in the caller's frame):
	 * DW_OP_breg7 ON_STACK_OS_RBP, DW_OP_deref, DW_OP_plus_uconst 16 */
	.cfi_escape 0x0f, 0x05, 0x77, ON_STACK_OS_RBP, 0x06, 0x23, 0x10
	call	*%rax
	movq	ON_STACK_OS_RBP(%rsp), %rsp
	.cfi_def_cfa %rsp, 16
	popq	%rbp
	.cfi_def_cfa_offset 8
	.cfi_restore %rbp
	ret
.endm

	.text

/* void __morestack(void): called by the prologue when the guard is crossed. */
	.globl	__morestack
	.type	__morestack,@function
	.p2align 4
__morestack:
	.cfi_startproc
	SAVE_REGISTERS
	movq	%r10, %rsi      /* frame */
	xorl	%edx, %edx      /* extra */
	movl	$SAVE_AREA_RA_PROLOGUE, %ecx
	MOVE_ON_SYSTEM_STACK __morestack_grow
	addq	$1, (%rsp)      /* skip the `ret` after the call */
	ret
	.cfi_endproc

/* One width of VECTOR_ARGS: `insn` between %<reg>0-7 and `width`-byte
 * slots at %rsp. */
.macro VECTOR_REGS dir, insn, reg, width
.irp n,0,1,2,3,4,5,6,7
.ifc \dir,save
	\insn	%\reg\()\n, (\width*\n)(%rsp)
.else
	\insn	(\width*\n)(%rsp), %\reg\()\n
.endif
.endr
.endm

/* Store (`save`) or load (`load`) %xmm/%ymm/%zmm0-7, at the width the
 * machine has (XCR0 bits of __morestack_xsave_mask), at %rsp. %eax is
 * scratch. For .Lpreempt. */
.macro VECTOR_ARGS dir
	movl	__morestack_xsave_mask(%rip), %eax
	testl	$XCR0_ZMM_HI256, %eax
	jnz	3f
	testl	$XCR0_AVX, %eax
	jnz	2f
	VECTOR_REGS \dir, movdqu, xmm, 16
	jmp	4f
2:
	VECTOR_REGS \dir, vmovdqu, ymm, 32
	jmp	4f
3:
	VECTOR_REGS \dir, vmovdqu64, zmm, 64
4:
.endm

/* The yield of a preempted task, called from MOVE_ON_SYSTEM_STACK's way
 * back with the save area above (frames.h; scheduler.cpp, "Preemption").
 * It runs on the
 * task's stack (the task may resume on another thread, with another
 * system stack) in room __morestack_grow made sure of
 * (MORESTACK_PREEMPT_ROOM). Of the vector registers only %xmm/%ymm/%zmm0-7
 * can be live: at a prologue they may hold the faulting function's
 * arguments; everything else is caller-saved, dead at a function's entry
 * and at a call-site check (an ordinary call). They are kept here, at
 * their full width, across the yield, and the area is wiped afterwards
 * (what stays below %rsp must not look like pointers to a later scan). */
.Lpreempt:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	subq	$MORESTACK_PREEMPT_VECTORS, %rsp
	andq	$-MORESTACK_PREEMPT_ALIGN, %rsp
	VECTOR_ARGS save
	call	__morestack_preempted
	VECTOR_ARGS load
	movq	%rsp, %rdi      /* wipe: %rdi, %rcx, %rax come back from the save area */
	movq	%rbp, %rcx
	subq	%rsp, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq
	movq	%rbp, %rsp
	.cfi_def_cfa_register %rsp
	popq	%rbp
	.cfi_def_cfa_offset 8
	.cfi_restore %rbp
	ret
	.cfi_endproc

/* The slow paths of __morestack_non_split and __morestack_reserve, each a
 * function of its own for the unwinder (entered with nothing pushed), but
 * inside __morestack's symbol: gdb lets a backtrace go on from a frame it
 * names "__morestack" into a stack it considers inner (gcc's split
 * stacks), and these frames call the runtime on the system stack too. */
.Lnon_split_slow:
	.cfi_startproc
	SAVE_REGISTERS
	movq	%r10, %rsi
	movq	__morestack_nonsplit_reserve(%rip), %rdx
	movl	$SAVE_AREA_RA_PROLOGUE, %ecx
	MOVE_ON_SYSTEM_STACK __morestack_grow
	addq	$1, (%rsp)
	ret
	.cfi_endproc

.Lreserve_slow:
	.cfi_startproc
	SAVE_REGISTERS
	movq	%rdi, %rsi
	xorl	%edx, %edx
	movl	$SAVE_AREA_RA_BODY, %ecx
	MOVE_ON_SYSTEM_STACK __morestack_grow
	ret
	.cfi_endproc

/* The switch of __morestack_call_on_system (below), entered by a jump with
 * the top of the system stack in %r11, for the same reason: a debugger's
 * backtrace from inside the function goes on into its caller. */
.Lcall_on_system:
	.cfi_startproc
	andq	$-16, %r11
	movq	%rsp, -16(%r11)             /* the caller's %rsp, at its return address */
	leaq	-16(%r11), %rsp
	/* CFA = *%rsp + 8: DW_OP_breg7 0, DW_OP_deref, DW_OP_plus_uconst 8 */
	.cfi_escape 0x0f, 0x05, 0x77, 0x00, 0x06, 0x23, 0x08
	call	*%r10
	movq	(%rsp), %rsp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc

/* morestack_shrink_stack's work (below), here for the same reason. */
.Lshrink:
	.cfi_startproc
	SAVE_REGISTERS
	MOVE_ON_SYSTEM_STACK __morestack_shrink_current
	ret
	.cfi_endproc

/* __morestack_call_on_stack for a switch from a managed stack down to the
 * system stack (on_system_stack in thread_state.cpp), entered by a jump
 * from __morestack_call_on_system_stack: here too so that a backtrace from
 * the runtime's work there (a fatal error's, a backtrace's) goes on. */
.Lcall_on_system_stack:
	.cfi_startproc
	CALL_ON_STACK
	.cfi_endproc
	.size	__morestack, .-__morestack

/* void __morestack_non_split(void): lld's replacement for __morestack in
 * functions that call uninstrumented code. Fast path: return into the body
 * when the frame plus the non-split reserve fits above the guard. */
	.globl	__morestack_non_split
	.type	__morestack_non_split,@function
	.p2align 4
__morestack_non_split:
	.cfi_startproc
	movq	%rsp, %r11
	subq	%r10, %r11
	subq	__morestack_nonsplit_reserve(%rip), %r11
	jb	.Lnon_split_slow        /* wrapped below zero: grow (and fail) */
	cmpq	GUARD, %r11
	jbe	.Lnon_split_slow
	addq	$1, (%rsp)
	ret
	.cfi_endproc
	.size	__morestack_non_split, .-__morestack_non_split

/* void __morestack_reserve(size_t bytes): an ordinary call (the plugin's
 * call-site checks make it before calls into code without checks).
 * Returns, on a grown stack if need be, with at least `bytes` + StackGuard
 * free below the caller's %rsp. */
	.globl	__morestack_reserve
	.type	__morestack_reserve,@function
	.p2align 4
__morestack_reserve:
	.cfi_startproc
	movq	%rsp, %r11
	subq	%rdi, %r11
	jb	.Lreserve_slow
	cmpq	GUARD, %r11
	jbe	.Lreserve_slow
	ret
	.cfi_endproc
	.size	__morestack_reserve, .-__morestack_reserve

/* void __morestack_reserve_call(void *target): before a call through a
 * pointer, when less than MORESTACK_UNKNOWN_CALLEE_NEED is free below the
 * caller: reserve that much unless the target is a function built with the
 * plugin (which checks its own stack). An ordinary call. */
	.globl	__morestack_reserve_call
	.type	__morestack_reserve_call,@function
	.p2align 4
__morestack_reserve_call:
	.cfi_startproc
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
	call	__morestack_target_need    /* -> bytes the target needs here */
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
	movq	%rax, %rdi
	jmp	__morestack_reserve
	.cfi_endproc
	.size	__morestack_reserve_call, .-__morestack_reserve_call

/* void morestack_shrink_stack(void): an ordinary call. Moves the calling
 * stack to a smaller block if its live part is under a quarter of it
 * (stack.h); returns on whichever block the stack is then on. */
	.globl	morestack_shrink_stack
	.type	morestack_shrink_stack,@function
	.p2align 4
morestack_shrink_stack:
	.cfi_startproc
	jmp	.Lshrink
	.cfi_endproc
	.size	morestack_shrink_stack, .-morestack_shrink_stack

/* void *__morestack_call_on_system_stack(fn, arg, stack_top, os_sp): as
 * __morestack_call_on_stack, for stack_top on the system stack. */
	.globl	__morestack_call_on_system_stack
	.hidden	__morestack_call_on_system_stack
	.type	__morestack_call_on_system_stack,@function
	.p2align 4
__morestack_call_on_system_stack:
	.cfi_startproc
	jmp	.Lcall_on_system_stack
	.cfi_endproc
	.size	__morestack_call_on_system_stack, .-__morestack_call_on_system_stack

/* void __morestack_switch(uintptr_t *save_sp, uintptr_t new_sp)
 * Save the callee-saved state on the current stack, store %rsp in *save_sp,
 * and continue on new_sp (a stack saved by this function, or one prepared
 * by fiber.cpp). Both stacks hold the same switch frame (frames.h), so the
 * same CFI rules describe the one being left and the one resumed: a
 * debugger's backtrace is right at every instruction. A debugger shows a
 * parked stack by setting %rip to __morestack_switch_resume and %rsp to
 * its saved_sp (gdb/morestack-gdb.py). */
#define SWITCH_SAVE(reg, offset) STORE_REGISTER(reg, offset) .cfi_rel_offset %reg, offset;
#define SWITCH_RESTORE(reg, offset) LOAD_REGISTER(reg, offset) .cfi_restore %reg;
	.globl	__morestack_switch
	.hidden	__morestack_switch
	.globl	__morestack_switch_resume
	.hidden	__morestack_switch_resume
	.type	__morestack_switch,@function
	.p2align 4
__morestack_switch:
	.cfi_startproc
	subq	$SWITCH_FRAME_RA, %rsp
	.cfi_adjust_cfa_offset SWITCH_FRAME_RA
	SWITCH_FRAME_REGISTERS(SWITCH_SAVE)
	stmxcsr	SWITCH_FRAME_MXCSR(%rsp)
	fnstcw	SWITCH_FRAME_X87CW(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
__morestack_switch_resume:
	ldmxcsr	SWITCH_FRAME_MXCSR(%rsp)
	fldcw	SWITCH_FRAME_X87CW(%rsp)
	SWITCH_FRAME_REGISTERS(SWITCH_RESTORE)
	/* load + jmp, not ret: a ret here always lands somewhere other than
	 * where the return-stack predictor expects (the other context's call
	 * site), costing a misprediction per switch (bench/switch_return_
	 * experiment.c: 14.7 ns with ret, 7 ns with pop + jmp). %r11 is free. */
	movq	SWITCH_FRAME_RA(%rsp), %r11
	.cfi_register %rip, %r11
	addq	$SWITCH_FRAME_SIZE, %rsp
	.cfi_adjust_cfa_offset -SWITCH_FRAME_SIZE
	jmp	*%r11
	.cfi_endproc
	.size	__morestack_switch, .-__morestack_switch

/* The bases of managed stacks: the frame walker (frame_walk.h) stops at a
 * return address in this section. */
	.section morestack_runtime_frames,"ax",@progbits

/* First code a fiber runs: __morestack_switch "returns" here with the fiber
 * in %r12 and its main function in %r13. The fiber's main never returns.
 * %rip is undefined here, so unwinders and debuggers stop at this frame. */
	.globl	__morestack_fiber_base
	.hidden	__morestack_fiber_base
	.globl	__morestack_fiber_entry
	.hidden	__morestack_fiber_entry
	.type	__morestack_fiber_base,@function
	.p2align 4
__morestack_fiber_base:
	.cfi_startproc
	.cfi_undefined rip
	/* The switch "returns" to __morestack_fiber_entry: a debugger looks
	 * up the function of a return address at the byte before it, which
	 * must be in this function (with the CFI that ends the backtrace). */
	nop
__morestack_fiber_entry:
	movq	%r12, %rdi
	call	*%r13
	ud2
	.cfi_endproc
	.size	__morestack_fiber_base, .-__morestack_fiber_base

/* void *__morestack_call_on_stack(void *(*fn)(void *), void *arg,
 *                                 uintptr_t stack_top, uintptr_t *os_sp)
 * Run fn(arg) on a managed stack whose top is stack_top (16-aligned) and
 * return its result on the OS stack. *os_sp receives where the OS stack is
 * left, so that growth can run below it. The saved OS %rbp is kept at the
 * top of the managed stack (copied along when it grows), and the CFI below
 * reads it, so unwinders cross from the managed stack back to the OS one. */
	.globl	__morestack_call_on_stack
	.hidden	__morestack_call_on_stack
	.type	__morestack_call_on_stack,@function
	.p2align 4
__morestack_call_on_stack:
	.cfi_startproc
	CALL_ON_STACK
	.cfi_endproc
	.size	__morestack_call_on_stack, .-__morestack_call_on_stack

/* __morestack_call_on_system: the plugin calls a C library function that
 * needs much stack and calls nothing back (printf and friends: plugin/
 * CallSiteReserve.h) through a per-module stub that loads the function's
 * address into %r10 and jumps here, with every argument still in its
 * register and none on the stack. On a managed stack (not a signal
 * handler's) with a system stack, the function runs on the system stack
 * (below ThreadState::os_sp, where the runtime's own work runs: nothing else
 * uses it while ordinary code runs) and returns here; anywhere else it is
 * simply jumped to. The caller's stack pointer is kept on the system stack,
 * described by the CFI, so unwinders and debuggers step from the function
 * back into its caller. The guard is left alone: the function runs no
 * checked code. Argument registers (and %rax, the vector-register count of
 * a variadic call) are not touched; %r11 is scratch. */
	.globl	__morestack_call_on_system
	.type	__morestack_call_on_system,@function
	.p2align 4
__morestack_call_on_system:
	.cfi_startproc
	movq	__morestack_thread@GOTTPOFF(%rip), %r11
	movq	%fs:THREAD_STATE_CURRENT(%r11), %r11
	testq	%r11, %r11
	jz	1f                          /* on the OS stack: no managed stack */
	cmpb	$STACK_KIND_SIGNAL, STACK_KIND(%r11)
	je	1f                          /* in a handler: the system stack may be in use */
	cmpq	STACK_LO(%r11), %rsp
	jb	1f
	cmpq	STACK_HI(%r11), %rsp
	jae	1f                          /* not on the current stack: already off it */
	movq	__morestack_thread@GOTTPOFF(%rip), %r11
	movq	%fs:THREAD_STATE_OS_SP(%r11), %r11
	testq	%r11, %r11
	jnz	.Lcall_on_system
1:	jmp	*%r10
	.cfi_endproc
	.size	__morestack_call_on_system, .-__morestack_call_on_system

/* The unwinder's entry points (runtime/unwinder.cpp): libstdc++'s throws
 * and compiled landing pads reach these instead of libgcc's, which run on
 * the system stack through the trampolines __morestack_unwinder_<name>.
 * The argument stays in %rdi. */
.macro UNWINDER_ENTRY name
	.globl	\name
	.type	\name,@function
	.p2align 4
\name:
	.cfi_startproc
	leaq	__morestack_unwinder_\name(%rip), %r10
	jmp	__morestack_call_on_system
	.cfi_endproc
	.size	\name, .-\name
.endm
#define MORESTACK_UNWINDER_ASM(name) UNWINDER_ENTRY name;
	MORESTACK_UNWINDER_ENTRIES(MORESTACK_UNWINDER_ASM)

/* The twins that the stubs in shared libraries jump to (plugin/
 * RuntimeStubs.h, MORESTACK_STUBBED_ENTRIES): same code, a name the
 * executable exports to them (the wrappers link it with
 * --export-dynamic-symbol=__morestack*). In the executable the plain names
 * may end up hidden, merged with the stubs of its own objects. */
.macro EXPORT_TWIN name
	.globl	\name\()_export
	.type	\name\()_export,@function
	.set	\name\()_export, \name
.endm
	/* __morestack's twin is a jump of its own, not an alias: gdb lets a
	 * backtrace go on from a frame whose PC it names "__morestack" into a
	 * stack it considers inner (gcc's split stacks), and an alias at the
	 * same address may be the name it picks. */
	.globl	__morestack_export
	.type	__morestack_export,@function
	.p2align 4
__morestack_export:
	.cfi_startproc
	jmp	__morestack
	.cfi_endproc
	.size	__morestack_export, .-__morestack_export
	EXPORT_TWIN __morestack_non_split
	EXPORT_TWIN __morestack_reserve
	EXPORT_TWIN __morestack_reserve_call
	EXPORT_TWIN __morestack_call_on_system

	/* Callable from small stacks without lld's non-split reserve, and no
	 * split-stack prologue here for lld to adjust (split_stack_note.h). */
	.section .note.GNU-split-stack,"",@progbits
	.section .note.GNU-no-split-stack,"",@progbits
	.section .note.GNU-stack,"",@progbits

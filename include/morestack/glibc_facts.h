/*
 * morestack/glibc_facts.h: what morestack relies on about glibc on x86-64
 * Linux, each fact written once, with where in glibc's source it comes
 * from. Checked against Debian 12's glibc 2.36; test/unit/glibc_facts_test.cpp
 * checks them against the glibc the tests run with. Plain #defines, so that
 * C, C++ and assembly can include it: abi.h builds the TCB slots of the
 * contract on it, the runtime reads jmp_bufs and mangled pointers with it,
 * the plugin sizes jmp_bufs with it.
 *
 * Invariants: no other file of the project writes these numbers or
 * re-derives them (code says MORESTACK_GLIBC_*, comments name this file).
 */
#ifndef MORESTACK_GLIBC_FACTS_H
#define MORESTACK_GLIBC_FACTS_H

/* ---- The thread control block ----
 * tcbhead_t (sysdeps/x86_64/nptl/tls.h), at %fs:0 of every thread; byte
 * offsets. glibc leaves the two reserved fields below alone, and reuses a
 * thread's descriptor, those fields included, for a later thread without
 * clearing them (nptl/allocatestack.c, get_cached_stack). */

/* tcbhead_t.tcb: the TCB's own address (the x86-64 TLS ABI's thread
 * pointer, which its first word holds), so that %fs-relative slots have
 * an ordinary address too. */
#define MORESTACK_GLIBC_TCB_SELF 0x0

/* tcbhead_t.pointer_guard: the per-thread key of PTR_MANGLE (below);
 * POINTER_GUARD in sysdeps/x86_64/nptl/tcb-offsets.sym. */
#define MORESTACK_GLIBC_TCB_POINTER_GUARD 0x30

/* tcbhead_t.__private_tm[4], "reservation of some values for the TM ABI":
 * four pointers. GCC's libitm uses the first two. */
#define MORESTACK_GLIBC_TCB_PRIVATE_TM 0x50

/* tcbhead_t.__private_ss, "GCC split stack support": the split-stack
 * guard. LLVM's split-stack prologue reads the same slot (the TLS offset
 * of X86FrameLowering::adjustForSegmentedStacks for LP64 Linux). */
#define MORESTACK_GLIBC_TCB_PRIVATE_SS 0x70

/* ---- Pointer mangling ----
 * PTR_MANGLE (sysdeps/unix/sysv/linux/x86_64/sysdep.h in 2.36; moved to
 * pointer_guard.h in 2.37): xor %fs:POINTER_GUARD, reg; rol $2*LP_SIZE+1,
 * reg. PTR_DEMANGLE is the inverse (ror, then xor). */
#define MORESTACK_GLIBC_PTR_MANGLE_ROTATE 17

/* ---- jmp_buf ----
 * struct __jmp_buf_tag (setjmp.h) starts with __jmp_buf, eight words
 * (sysdeps/x86_64/jmpbuf-offsets.h: JB_RBX .. JB_PC). setjmp
 * (sysdeps/x86_64/setjmp.S) stores %rbp, the caller's %rsp and the return
 * address mangled with PTR_MANGLE, the other registers plainly. Word
 * indexes: */
#define MORESTACK_GLIBC_JB_RBX 0
#define MORESTACK_GLIBC_JB_RBP 1
#define MORESTACK_GLIBC_JB_R12 2
#define MORESTACK_GLIBC_JB_R13 3
#define MORESTACK_GLIBC_JB_R14 4
#define MORESTACK_GLIBC_JB_R15 5
#define MORESTACK_GLIBC_JB_RSP 6
#define MORESTACK_GLIBC_JB_PC 7
#define MORESTACK_GLIBC_JB_WORDS 8 /* JB_SIZE / 8 */

#endif /* MORESTACK_GLIBC_FACTS_H */

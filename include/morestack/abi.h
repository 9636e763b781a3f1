/*
 * morestack/abi.h: the contract between the compiler plugin and the runtime.
 *
 * This is the only place these numbers are written down (those glibc
 * dictates are built on morestack/glibc_facts.h). The plugin (C++),
 * the runtime (C++), and the runtime's assembly (morestack.S, through cpp)
 * all include it, so it holds nothing but preprocessor constants.
 *
 * The prologue that LLVM emits for a function with the "split-stack"
 * attribute on x86-64 Linux (X86FrameLowering::adjustForSegmentedStacks):
 *
 *     frame <  MORESTACK_STACK_SMALL:   cmp  %fs:0x70,%rsp ; jbe .Lmore
 *     frame >= MORESTACK_STACK_SMALL:   lea  -FRAME(%rsp),%r11
 *                                       cmp  %fs:0x70,%r11 ; jbe .Lmore
 *     .Lmore: mov $FRAME,%r10d ; mov $ARGBYTES,%r11d
 *             call __morestack ; ret ; jmp body
 *
 * Invariants the numbers below encode:
 *
 *  - %fs:MORESTACK_GUARD_TLS_OFFSET holds the running stack's stackguard0:
 *    its low end plus MORESTACK_STACK_GUARD. 0 means "unmanaged stack": every
 *    check passes (fresh threads, the OS stack, signal handlers).
 *
 *  - Any code may run up to MORESTACK_STACK_GUARD - MORESTACK_STACK_CANARY
 *    bytes below the guard without a check ever failing first. That budget
 *    covers, worst case:
 *      a frame that passed its check at guard+1 and is < STACK_SMALL  (256)
 *    + then a chain of nosplit frames (MORESTACK_NOSPLIT_BUDGET), with its
 *      return addresses and EITHER the final leaf's 128-byte red zone OR,
 *      when the chain ends in a call to a checked function, that callee's
 *      call to __morestack and its register save area (8 + 8 +
 *      MORESTACK_SAVE_AREA). The plugin checks every chain against this
 *      (docs/plugin.md, "nosplit budget").
 *    The lowest MORESTACK_STACK_CANARY bytes of every managed stack hold a
 *    canary the runtime checks (an overrun by code without checks).
 *
 *  - Before a call into code without checks, the caller makes sure the
 *    callee's need is free below %rsp (plugin/CallSiteReserve.h): a need
 *    measured per library function, or MORESTACK_UNKNOWN_CALLEE_NEED.
 */
#ifndef MORESTACK_ABI_H
#define MORESTACK_ABI_H

#include <morestack/glibc_facts.h>

/* glibc's tcbhead_t.__private_ss (%fs:0x70): reserved by glibc for split
 * stacks, and where LLVM's prologue looks (glibc_facts.h). */
#define MORESTACK_GUARD_TLS_OFFSET MORESTACK_GLIBC_TCB_PRIVATE_SS

/* The side stack's pointer and limit (plugin/SideStackPass.h,
 * runtime/side_stack.h): glibc's tcbhead_t.__private_tm[2] and [3]
 * (%fs:0x60, 0x68), reserved for a transactional-memory runtime. GCC's
 * libitm uses __private_tm[0] and [1]; nothing uses these two. Both 0 on a
 * fresh thread: no room, so the first side frame asks the runtime. */
#define MORESTACK_SIDE_SP_TLS_OFFSET (MORESTACK_GLIBC_TCB_PRIVATE_TM + 2 * 8)
#define MORESTACK_SIDE_LIMIT_TLS_OFFSET (MORESTACK_GLIBC_TCB_PRIVATE_TM + 3 * 8)

/* A side-stack chunk starts with a header of MORESTACK_SIDE_CHUNK_HEADER
 * bytes; the chunk's limit is the first byte after it, and the word at
 * limit + MORESTACK_SIDE_CHUNK_SIZE_AT is the chunk's size in bytes, header
 * included: its top is limit - HEADER + size. Code built with the plugin
 * reads it to tell whether a pointer saved by llvm.stacksave is in the
 * chunk in use (runtime/side_stack.h, SideChunk). */
#define MORESTACK_SIDE_CHUNK_HEADER 32
#define MORESTACK_SIDE_CHUNK_SIZE_AT (-24)

/* LLVM's kSplitStackAvailable: frames smaller than this compare %rsp itself. */
#define MORESTACK_STACK_SMALL 256

/* The System V x86-64 red zone below %rsp that leaf functions may use. */
#define MORESTACK_RED_ZONE 128

/* Bytes __morestack pushes on the small stack before it switches to the
 * thread's system stack: 13 general registers, rounded up to a multiple of
 * 16 (runtime/frames.h). Vector registers are saved on the system stack. */
#define MORESTACK_SAVE_AREA 112

/* What a chain of nosplit functions may use below the point where the last
 * checked frame stood, return addresses and the final red zone included. A
 * nosplit chain can start below a frame that just passed its check. */
#define MORESTACK_NOSPLIT_BUDGET 768

/* Bytes at the low end of every managed stack holding a canary (checked on
 * switches, moves and frees: runtime/stack.h), below all that code may use. */
#define MORESTACK_STACK_CANARY 16

/* StackGuard: the guard sits this far above a stack's low end; code may
 * run unchecked down to the canary. Go's is 928 (800 nosplit + 128). */
#define MORESTACK_STACK_GUARD                                                   \
  (MORESTACK_STACK_SMALL + MORESTACK_NOSPLIT_BUDGET + MORESTACK_STACK_CANARY)

/* The smallest stack the runtime hands out (Go's StackMin). */
#define MORESTACK_MIN_STACK 2048

/* The stack a call site keeps free for a callee built without the plugin
 * that the table of library needs does not know (plugin/
 * LibraryStackNeeds.inc), and for calls through pointers to such code. Also
 * the default extra room __morestack_non_split keeps
 * (MORESTACK_NONSPLIT_RESERVE) in the prologues lld rewrites: only in
 * objects built with plain -fsplit-stack, since objects built with the
 * plugin carry no .note.GNU-split-stack (plugin/SplitStackPass.cpp). */
#define MORESTACK_UNKNOWN_CALLEE_NEED (16 * 1024)
#define MORESTACK_NONSPLIT_RESERVE_DEFAULT MORESTACK_UNKNOWN_CALLEE_NEED

/* Runtime entry points called by code the plugin emits. */
#define MORESTACK_FN_MORESTACK "__morestack"
#define MORESTACK_FN_NONSPLIT "__morestack_non_split"
#define MORESTACK_FN_ALLOCATE "__morestack_allocate_stack_space"
/* void __morestack_reserve(size_t bytes): make sure at least `bytes` plus
 * MORESTACK_STACK_GUARD are free below the caller's stack pointer, growing
 * the stack (by copying) if not. Called by the call-site checks before calls
 * into code without checks (plugin/CallSiteReserve.h). */
#define MORESTACK_FN_RESERVE "__morestack_reserve"
/* void __morestack_reserve_call(void *target): before a call through a
 * pointer when less than MORESTACK_UNKNOWN_CALLEE_NEED is free: reserves
 * that much unless the target is a function built with the plugin. */
#define MORESTACK_FN_RESERVE_CALL "__morestack_reserve_call"
/* Jumped to (not called) with a C library function's address in %r10 and
 * its arguments in their registers: runs it on the thread's system stack
 * (runtime/morestack.S; plugin/CallSiteReserve.h says which functions). */
#define MORESTACK_FN_CALL_ON_SYSTEM "__morestack_call_on_system"
/* The per-module stub, named this prefix + the function's name, that loads
 * the function's address into %r10 and jumps to __morestack_call_on_system. */
#define MORESTACK_SYSTEM_STUB_PREFIX "__morestack_on_system."
/* void __morestack_side_more(size_t bytes): make %fs:SIDE_SP /
 * %fs:SIDE_LIMIT a side-stack chunk with at least `bytes` free (the plugin
 * calls it when a side frame does not fit; it uses little of the caller's
 * stack). */
#define MORESTACK_FN_SIDE_MORE "__morestack_side_more"
/* void __morestack_register_jmp_buf(void *jmp_buf): called before setjmp;
 * the runtime relocates the stack and frame pointers saved in the buffer
 * when the stack moves. */
#define MORESTACK_FN_REGISTER_JMP_BUF "__morestack_register_jmp_buf"

/* "<function>" MORESTACK_NEED_SYMBOL_SUFFIX: an absolute (hidden, weak)
 * symbol whose value is 1 + the bytes a call to <function> needs free below
 * the caller's %rsp. Modules built with the plugin define it as 1 for every
 * external function they check; the runtime for its API. A call site reads
 * it as an immediate; 0 (undefined) means unknown: the call then reserves
 * MORESTACK_UNKNOWN_CALLEE_NEED (plugin/CallSiteReserve.h). */
#define MORESTACK_NEED_SYMBOL_SUFFIX ".morestack_need"

/* How much stack each function of the runtime's API (morestack.h) needs
 * below its caller, for the call-site checks of code built with the plugin
 * (plugin/CallSiteReserve.cpp uses them as it uses the library table, in
 * executables and shared libraries alike). The runtime is built without the
 * plugin, so these functions have no check of their own; calls within the
 * nosplit budget need no check at all. The figures: the functions' frames
 * (-fstack-usage: at most 136 bytes), what they call (the stack switch: 8
 * words; malloc and free as in plugin/LibraryStackNeeds.inc; the frame walk
 * and dladdr for the backtraces), rounded up generously. Runtime code that
 * needs more (printing, fatal errors) moves to the thread's system stack
 * first. X(function, bytes). */
#define MORESTACK_API_NEEDS(X)                                                  \
  X(morestack_fiber_yield, 512)                                                 \
  X(morestack_fiber_resume, 512)                                                \
  X(morestack_fiber_done, 256)                                                  \
  X(morestack_fiber_current, 256)                                               \
  X(morestack_fiber_create, 1536)                                               \
  X(morestack_fiber_destroy, 1024)                                              \
  X(morestack_fiber_stats, 256)                                                 \
  X(morestack_current_stack_stats, 256)                                         \
  X(morestack_get_process_stats, 512)                                           \
  X(morestack_shrink_stack, 256)                                                \
  X(morestack_print_backtrace, 512)                                             \
  X(morestack_fiber_backtrace, 3072)                                            \
  X(morestack_backtrace, 3072)                                                  \
  X(morestack_fiber_kinds, 512)                                                 \
  X(morestack_set_learn_stack_sizes, 256)                                       \
  MORESTACK_SCHED_API_NEEDS(X)

/* The scheduler's API (morestack/sched.h, runtime/scheduler.cpp, chan.cpp,
 * sync.cpp). Blocking calls park with a few words of frame and run
 * allocation and fatal paths on the system stack, so most fit the nosplit
 * budget (no check at the call). morestack_select's deepest path, by
 * -fstack-usage: its frame (168) + park (136) + switch_to_resumer (24) +
 * the switch (64) + return addresses, ~430 bytes; 768 like the other
 * channel calls (1024 made every 2 KiB task that selects grow to 4 KiB
 * first, and so never park compacted). */
#define MORESTACK_SCHED_API_NEEDS(X)                                            \
  X(morestack_go, 768)                                                          \
  X(morestack_join, 768)                                                        \
  X(morestack_detach, 512)                                                      \
  X(morestack_task_self, 256)                                                   \
  X(morestack_task_id, 256)                                                     \
  X(morestack_task_set_name, 256)                                               \
  X(morestack_task_name, 256)                                                   \
  X(morestack_yield, 512)                                                       \
  X(morestack_sleep_ns, 768)                                                    \
  X(morestack_now_ns, 256)                                                      \
  X(morestack_key_create, 256)                                                  \
  X(morestack_get_specific, 256)                                                \
  X(morestack_set_specific, 512)                                                \
  X(morestack_set_workers, 256)                                                 \
  X(morestack_workers, 512)                                                     \
  X(morestack_chan_new, 512)                                                    \
  X(morestack_chan_free, 512)                                                   \
  X(morestack_chan_send, 768)                                                   \
  X(morestack_chan_recv, 768)                                                   \
  X(morestack_chan_close, 768)                                                  \
  X(morestack_chan_len, 256)                                                    \
  X(morestack_chan_cap, 256)                                                    \
  X(morestack_select, 768)                                                      \
  X(morestack_mutex_lock, 768)                                                  \
  X(morestack_mutex_trylock, 256)                                               \
  X(morestack_mutex_unlock, 512)                                                \
  X(morestack_cond_wait, 1024)                                                  \
  X(morestack_cond_wait_until, 1024)                                            \
  X(morestack_cond_signal, 512)                                                 \
  X(morestack_cond_broadcast, 512)                                              \
  X(morestack_waitgroup_add, 512)                                               \
  X(morestack_waitgroup_done, 512)                                              \
  X(morestack_waitgroup_wait, 768)                                              \
  X(morestack_once_call, 1024)                                                  \
  X(morestack_sem_acquire, 768)                                                 \
  X(morestack_sem_try_acquire, 256)                                             \
  X(morestack_sem_release, 512)

/* Every runtime entry point that code built with the plugin calls. Each
 * module (object, shared library) gets a hidden stub of each from the plugin
 * (plugin/RuntimeStubs.cpp), which jumps through the GOT to the twin named
 * <entry>MORESTACK_EXPORT_SUFFIX that the executable's runtime exports
 * (runtime/morestack.S). In the executable the runtime's own definitions
 * win over the stubs. X(entry) for each. */
#define MORESTACK_STUBBED_ENTRIES(X)                                            \
  X(__morestack)                                                                \
  X(__morestack_non_split)                                                      \
  X(__morestack_reserve)                                                        \
  X(__morestack_reserve_call)                                                   \
  X(__morestack_call_on_system)                                                 \
  X(__morestack_side_more)                                                      \
  X(__morestack_register_jmp_buf)                                               \
  X(__morestack_allocate_stack_space)
/* The unwinder's entry points that the runtime defines (runtime/
 * unwinder.cpp): each runs libgcc's function of the same name on the
 * thread's system stack, so a throw needs almost nothing of the thrower's
 * stack. The plugin treats calls to them like calls into the runtime; the
 * stack-needs tool measures libstdc++ with the same arrangement. X(name). */
#define MORESTACK_UNWINDER_ENTRIES(X)                                           \
  X(_Unwind_RaiseException)                                                     \
  X(_Unwind_Resume)                                                             \
  X(_Unwind_Resume_or_Rethrow)
#define MORESTACK_EXPORT_SUFFIX "_export"
/* The stub a module's entry stubs jump to when the process's runtime did
 * not export the twins: it prints why and stops. */
#define MORESTACK_FN_UNBOUND "__morestack_unbound"

#endif /* MORESTACK_ABI_H */

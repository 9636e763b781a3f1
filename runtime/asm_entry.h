/* runtime/asm_entry.h: the one declaration of every function that crosses
 * between morestack.S and the runtime's C and C++: those the assembly
 * defines and the runtime calls (or takes the address of), and those the
 * runtime defines and the assembly calls. C and C++ (thread_exit.c
 * includes it).
 *
 * Invariants:
 *  - No other file declares these symbols; each signature is what the
 *    assembly implements or expects (the registers and stacks involved are
 *    described at each definition in morestack.S).
 *  - Elsewhere, by design: the entry points only code built with the plugin
 *    calls (__morestack, __morestack_reserve, ...) are named in
 *    morestack/abi.h; morestack_shrink_stack is API (morestack/morestack.h);
 *    the data the assembly reads is declared with its owner
 *    (__morestack_thread: thread_state.h; __morestack_nonsplit_reserve:
 *    config.h; __morestack_xsave_mask, __morestack_vector_area_size:
 *    vector_state.h); the layouts the assembly shares with C++ are in
 *    frames.h.
 */
#ifndef MORESTACK_RUNTIME_ASM_ENTRY_H
#define MORESTACK_RUNTIME_ASM_ENTRY_H

#include <morestack/abi.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Local to the module the runtime is linked into (`.hidden` in the
 * assembly): called directly, never through the PLT. */
#define MORESTACK_ASM_HIDDEN __attribute__((visibility("hidden")))

/* ---- Defined in morestack.S ---- */

/* Save the callee-saved state in a switch frame (frames.h) on the current
 * stack, store %rsp in *save_sp, and continue on new_sp (a stack saved by
 * this function, or one prepared by fiber.cpp). */
MORESTACK_ASM_HIDDEN void __morestack_switch(uintptr_t *save_sp, uintptr_t new_sp);

/* Labels, not callable: inside __morestack_switch, where a parked stack
 * resumes (a debugger shows its %rip there); and the return address of a
 * fresh fiber's switch frame, which calls %r13 with %r12. */
MORESTACK_ASM_HIDDEN void __morestack_switch_resume(void);
MORESTACK_ASM_HIDDEN void __morestack_fiber_entry(void);

/* Run fn(arg) on the stack whose top is stack_top (16-aligned) and return
 * its result; *os_sp receives the stack pointer left behind. Unwinders
 * cross from that stack back to the caller's. */
MORESTACK_ASM_HIDDEN void *__morestack_call_on_stack(void *(*fn)(void *), void *arg,
                                                     uintptr_t stack_top, uintptr_t *os_sp);
/* The same, for a stack_top on the thread's system stack (the copy whose
 * frames gdb follows from inside __morestack: see morestack.S). */
MORESTACK_ASM_HIDDEN void *__morestack_call_on_system_stack(void *(*fn)(void *), void *arg,
                                                            uintptr_t stack_top, uintptr_t *os_sp);

/* The unwinder's entry points (MORESTACK_UNWINDER_ENTRIES in abi.h), which
 * run the trampolines below on the system stack (unwinder.h). */
#define MORESTACK_ENTRY_DECL(name) uintptr_t name(void *);
MORESTACK_UNWINDER_ENTRIES(MORESTACK_ENTRY_DECL)
#undef MORESTACK_ENTRY_DECL

/* ---- Defined by the runtime, called by morestack.S ---- */

/* What the two below return to morestack.S (in %rax and %rdx): where the
 * save area is now, and whether to yield the running task before
 * returning into it (preemption: scheduler.cpp). */
typedef struct MoveResult {
  uintptr_t save_area;
  uintptr_t preempt;
} MoveResult;

/* On the system stack, with the save area (frames.h) at sp and the vector
 * registers at `vectors` (stack.cpp): grow the current stack for a frame of
 * `frame` + `extra` bytes; ra_offset is SAVE_AREA_RA_PROLOGUE or
 * SAVE_AREA_RA_BODY. */
MoveResult __morestack_grow(uintptr_t sp, size_t frame, size_t extra, size_t ra_offset,
                            void *vectors);
/* morestack_shrink_stack's work, the same way (the middle arguments are
 * unused). */
MoveResult __morestack_shrink_current(uintptr_t sp, size_t, size_t, size_t, void *vectors);
/* scheduler.cpp: the preempted task yields (called by .Lpreempt on the
 * task's stack). */
void __morestack_preempted(void);
/* A check failed on a thread that never left its OS stack: fatal. */
__attribute__((noreturn)) void __morestack_no_system_stack(uintptr_t sp);
/* stack_map.cpp: 0 if `target` is the entry of a function built with the
 * plugin, else MORESTACK_UNKNOWN_CALLEE_NEED (__morestack_reserve_call). */
size_t __morestack_target_need(uintptr_t target);
/* unwinder.cpp: libgcc's function of the same name, for the entries above. */
#define MORESTACK_TRAMPOLINE_DECL(name) \
  MORESTACK_ASM_HIDDEN uintptr_t __morestack_unwinder_##name(void *);
MORESTACK_UNWINDER_ENTRIES(MORESTACK_TRAMPOLINE_DECL)
#undef MORESTACK_TRAMPOLINE_DECL

#ifdef __cplusplus
}
#endif

#endif /* MORESTACK_RUNTIME_ASM_ENTRY_H */

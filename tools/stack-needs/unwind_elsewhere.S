// The unwinder's entry points, run on a private stack of their own.
//
// The morestack runtime runs libgcc's _Unwind_RaiseException,
// _Unwind_Resume and _Unwind_Resume_or_Rethrow on the thread's system stack
// (runtime/unwinder.cpp; the list is MORESTACK_UNWINDER_ENTRIES in
// include/morestack/abi.h), so a throw needs only the thrower's part of the
// caller's stack. The measuring programs define the same entry points (the
// executable's definitions win over libgcc_s's, for libstdc++'s PLT calls
// too) and run the real ones on this file's stack, so that the poisoned
// region sees what the runtime's callers see. The real functions are found
// by ms_resolve_unwinder() in main. One measured call at a time: a single
// stack, re-entered from its top by each throw (nothing on it outlives an
// unwinder call that installs a handler).
#include <morestack/abi.h>

        .bss
        .p2align 12
ms_unwind_stack:
        .zero   1 << 20
ms_unwind_stack_top:

        .data
        .p2align 3
#define MS_REAL_POINTER(name) .globl ms_real_##name; ms_real_##name: .quad 0;
        MORESTACK_UNWINDER_ENTRIES(MS_REAL_POINTER)

        .text
.macro ELSEWHERE name
        .globl  \name
        .type   \name,@function
        .p2align 4
\name:
        .cfi_startproc
        movq    ms_real_\name(%rip), %r10
        leaq    ms_unwind_stack_top(%rip), %r11
        cmpq    %r11, %rsp
        jae     2f
        leaq    ms_unwind_stack(%rip), %rax
        cmpq    %rax, %rsp
        jae     1f                  // already on it
2:      movq    %rsp, -16(%r11)     // the caller's %rsp, at its return address
        leaq    -16(%r11), %rsp
        // CFA = *%rsp + 8 (the runtime's __morestack_call_on_system has the same)
        .cfi_escape 0x0f, 0x05, 0x77, 0x00, 0x06, 0x23, 0x08
        call    *%r10
        movq    (%rsp), %rsp
        .cfi_def_cfa %rsp, 8
        ret
1:      jmp     *%r10
        .cfi_endproc
        .size   \name, .-\name
.endm
#define MS_ELSEWHERE(name) ELSEWHERE name;
        MORESTACK_UNWINDER_ENTRIES(MS_ELSEWHERE)

        .section .note.GNU-stack,"",@progbits

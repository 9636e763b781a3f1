// ms_call_on_stack(Call *c, void *stack_top): call c->fn with c's argument
// registers and stack words, with %rsp just below stack_top (16-aligned at
// the call). Records %rsp at the call and the return registers. Built with
// plain clang, never with the morestack plugin. With -DSTACKNEEDS_HELPER,
// this file is instead the helper library (see the end).
#include "call_layout.h"

#ifndef STACKNEEDS_HELPER
        .text
        .globl  ms_call_on_stack
        .type   ms_call_on_stack,@function
        .p2align 4
ms_call_on_stack:
        .cfi_startproc
        .cfi_undefined rip          // unwinders and backtrace() stop here
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        movq    %rdi, %rbx
        movq    %rsp, %r12
        movq    CALL_NSTK(%rbx), %rcx
        leaq    0(,%rcx,8), %rax
        movq    %rsi, %rdx
        subq    %rax, %rdx
        andq    $-16, %rdx
        movq    %rdx, CALL_CALL_RSP(%rbx)
        movq    %rdx, %rsp
        xorl    %eax, %eax
1:      cmpq    %rcx, %rax
        jae     2f
        movq    CALL_STK(%rbx,%rax,8), %r8
        movq    %r8, (%rsp,%rax,8)
        incq    %rax
        jmp     1b
2:
        .irp    i, 0, 1, 2, 3, 4, 5, 6, 7
        movdqu  CALL_XMM+\i*16(%rbx), %xmm\i
        .endr
        movq    CALL_GPR+0*8(%rbx), %rdi
        movq    CALL_GPR+1*8(%rbx), %rsi
        movq    CALL_GPR+2*8(%rbx), %rdx
        movq    CALL_GPR+3*8(%rbx), %rcx
        movq    CALL_GPR+4*8(%rbx), %r8
        movq    CALL_GPR+5*8(%rbx), %r9
        movq    CALL_FN(%rbx), %r11
        movq    CALL_NXMM(%rbx), %rax  // al: vector registers used (variadic callees)
        callq   *%r11
        movq    %rax, CALL_RET_RAX(%rbx)
        movq    %rdx, CALL_RET_RDX(%rbx)
        movdqu  %xmm0, CALL_RET_XMM0(%rbx)
        movq    CALL_X87_POPS(%rbx), %rcx
        testq   %rcx, %rcx
        jz      3f
        fstpt   CALL_RET_ST0(%rbx)
        cmpq    $2, %rcx
        jb      3f
        fstpt   CALL_RET_ST1(%rbx)
3:      movq    %r12, %rsp
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .cfi_endproc
        .size   ms_call_on_stack, .-ms_call_on_stack

// ms_repoison_below_here(): refill [g_region_lo, %rsp) with the current
// poison byte (everything below its own return address), so that a thunk
// can measure a later phase alone.
        .globl  ms_repoison_below_here
        .type   ms_repoison_below_here,@function
        .p2align 4
ms_repoison_below_here:
        .cfi_startproc
        movq    g_region_lo(%rip), %rdi
        movq    %rsp, %rcx
        subq    %rdi, %rcx
        jbe     1f
        movzbl  g_poison_byte(%rip), %eax
        cld
        rep stosb
1:      ret
        .cfi_endproc
        .size   ms_repoison_below_here, .-ms_repoison_below_here

#else  // STACKNEEDS_HELPER: libstackneeds-helper.so
        .text
// Lazy-binding probes, in the helper library (linked with -z lazy and loaded
// with RTLD_LAZY): a tail jump through the library's own PLT, so that the
// first call runs the dynamic linker's resolver at exactly the caller's %rsp.
        .macro  PLT_PROBE name, target
        .globl  \name
        .type   \name,@function
\name:  jmp     \target@PLT
        .size   \name, .-\name
        .endm
        PLT_PROBE plt_probe_libc, labs
        PLT_PROBE plt_probe_libm, cbrt
        PLT_PROBE plt_probe_libstdcxx, _ZNSt6chrono3_V212steady_clock3nowEv

// A thread-local variable (general dynamic model) for __tls_get_addr.
        .section .tbss,"awT",@nobits
        .globl  stackneeds_tls
        .type   stackneeds_tls,@object
        .p2align 6
stackneeds_tls:
        .zero   256
        .size   stackneeds_tls, 256
        .text
#endif
        .section .note.GNU-stack,"",@progbits

/*
 * runtime/shlib_shim.S: libmorestack_shlib.a, linked into every shared
 * library built with morestack (the wrappers add it to -shared links).
 *
 * A shared library's instrumented functions call __morestack (and, after
 * lld's rewrite, __morestack_non_split; before dynamic allocas
 * __morestack_reserve). The one runtime of the process lives in the
 * executable, which exports these symbols (-Wl,--export-dynamic-symbol=
 * __morestack*). Left undefined, they would make the linker pull libgcc.a's
 * morestack.o (GCC's segmented-stack runtime) into the library; so the
 * library defines them here, WEAK and with default visibility: its calls go
 * through the PLT, and the dynamic linker binds them to the executable's
 * definitions, which come first in the lookup order. These bodies run only
 * in a process without the morestack runtime:
 *   - there the guard %fs:0x70 is 0, nothing is managed, and the non-split
 *     and reserve checks return at once;
 *   - with a non-zero guard, the program has a runtime these calls did not
 *     bind to (an executable not linked by morestack-clang): fatal, with a
 *     message, rather than running on without a stack check.
 * The library is linked with -z now: a lazy PLT resolution could clobber
 * %r10, which carries the frame size to __morestack.
 */
#include <morestack/abi.h>

#define GUARD %fs:MORESTACK_GUARD_TLS_OFFSET

.macro WEAK_FUNCTION name
	.weak	\name
	.type	\name,@function
	.p2align 4
\name:
.endm

	.text

WEAK_FUNCTION __morestack_non_split
	.cfi_startproc
	cmpq	$0, GUARD
	jne	__morestack_shim_unbound
	addq	$1, (%rsp)      /* return past the `ret` after the call */
	ret
	.cfi_endproc
	.size	__morestack_non_split, .-__morestack_non_split

WEAK_FUNCTION __morestack
	.cfi_startproc
	cmpq	$0, GUARD
	jne	__morestack_shim_unbound
	addq	$1, (%rsp)
	ret
	.cfi_endproc
	.size	__morestack, .-__morestack

WEAK_FUNCTION __morestack_reserve
	.cfi_startproc
	cmpq	$0, GUARD
	jne	__morestack_shim_unbound
	ret
	.cfi_endproc
	.size	__morestack_reserve, .-__morestack_reserve

WEAK_FUNCTION __morestack_allocate_stack_space
	.cfi_startproc
	jmp	__morestack_shim_unbound
	.cfi_endproc
	.size	__morestack_allocate_stack_space, .-__morestack_allocate_stack_space

/* Stack map registration: nothing to register with in a plain process. */
WEAK_FUNCTION __morestack_register_maps
	ret
	.size	__morestack_register_maps, .-__morestack_register_maps
WEAK_FUNCTION __morestack_unregister_maps
	ret
	.size	__morestack_unregister_maps, .-__morestack_unregister_maps

	.section .rodata
unbound_message:
	.ascii	"morestack: fatal: a stack check in a shared library built with morestack "
	.ascii	"found a managed stack but is not bound to the program's runtime: link the "
	.ascii	"program with morestack-clang, which exports __morestack* "
	.ascii	"(-Wl,--export-dynamic-symbol=__morestack*)\n"
	unbound_length = . - unbound_message

	.text
	.type	__morestack_shim_unbound,@function
	.p2align 4
__morestack_shim_unbound:
	.cfi_startproc
	movl	$2, %edi                    /* stderr */
	leaq	unbound_message(%rip), %rsi
	movl	$unbound_length, %edx
	movl	$1, %eax                    /* SYS_write */
	syscall
	ud2
	.cfi_endproc
	.size	__morestack_shim_unbound, .-__morestack_shim_unbound

/* Never executed. lld switches a call from __morestack to
 * __morestack_non_split after it has decided which symbols get PLT entries,
 * so the library must already call __morestack_non_split through the PLT
 * somewhere, or the switched call has no PLT slot to go to. */
	.type	__morestack_shim_plt_uses,@function
	.p2align 4
__morestack_shim_plt_uses:
	call	__morestack_non_split@PLT
	call	__morestack@PLT
	ud2
	.size	__morestack_shim_plt_uses, .-__morestack_shim_plt_uses

	.section .note.GNU-split-stack,"",@progbits
	.section .note.GNU-no-split-stack,"",@progbits
	.section .note.GNU-stack,"",@progbits

/*
 * runtime/api_needs.S: how much stack each of the runtime's API functions
 * needs below its caller, for the call-site checks of code built with the
 * plugin (plugin/CallSiteReserve.h). The runtime is built without the
 * plugin, so its functions have no stack check of their own; a call site
 * reads "<function>.morestack_need" (1 + bytes) as an immediate, and calls
 * within the nosplit budget (768 bytes) need no check at all. Without these
 * symbols every call into the runtime would reserve 16 KiB, and a fiber
 * that yields would grow to 32 KiB.
 *
 * The figures: the functions' frames (-fstack-usage: at most 136 bytes
 * for those below), what they call (the stack switch: 8 words; malloc and
 * free as measured in plugin/LibraryStackNeeds.inc; the frame walk and
 * dladdr for morestack_backtrace), rounded up generously. Runtime code
 * that needs more (printing, fatal errors) moves to the thread's system
 * stack first.
 */
#include <morestack/abi.h>

.macro NEED fn, bytes
	.globl	"\fn\().morestack_need"
	.hidden	"\fn\().morestack_need"
	.set	"\fn\().morestack_need", 1 + \bytes
.endm

	NEED morestack_fiber_yield, 512
	NEED morestack_fiber_resume, 512
	NEED morestack_fiber_done, 256
	NEED morestack_fiber_current, 256
	NEED morestack_fiber_create, 1536
	NEED morestack_fiber_destroy, 1024
	NEED morestack_fiber_stats, 256
	NEED morestack_current_stack_stats, 256
	NEED morestack_get_process_stats, 512
	NEED morestack_shrink_stack, 256
	NEED morestack_print_backtrace, 512
	NEED morestack_fiber_backtrace, 3072
	NEED morestack_backtrace, 3072

	.section .note.GNU-stack,"",@progbits

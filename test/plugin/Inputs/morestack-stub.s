# A do-nothing stand-in for the morestack runtime, so that plugin tests can
# link and run programs without it. The guard at %fs:0x70 is 0 in a plain
# glibc program, so checks pass and __morestack is never reached, nor is
# __morestack_reserve. __morestack_non_split is called only by prologues
# lld rewrote (plain -fsplit-stack objects; the plugin's carry no
# split-stack note): like the runtime's, it resumes the body one byte (the
# `ret`) after its return address.
	.text
	.globl	__morestack
	.type	__morestack,@function
__morestack:
	ud2
	.size	__morestack, .-__morestack

	.globl	__morestack_non_split
	.type	__morestack_non_split,@function
__morestack_non_split:
	incq	(%rsp)
	ret
	.size	__morestack_non_split, .-__morestack_non_split

	.globl	__morestack_reserve
	.type	__morestack_reserve,@function
__morestack_reserve:
	ret
	.size	__morestack_reserve, .-__morestack_reserve

	.section	.note.GNU-stack,"",@progbits

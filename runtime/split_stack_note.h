// runtime/split_stack_note.h: mark an object file as callable from small stacks.
//
// lld rewrites the prologue of every instrumented function that calls a
// function defined in an object WITHOUT .note.GNU-split-stack, so that it
// asks for MORESTACK_NONSPLIT_RESERVE (16 KiB) of room first. Calling
// morestack_fiber_yield from a 2 KiB fiber must not cost that, so the objects
// that hold the fiber switch functions carry the note. They also carry
// .note.GNU-no-split-stack, which tells lld that their own functions have no
// split-stack prologue to adjust.
//
// Every function in such an object runs unchecked on whatever stack calls it
// and must fit MORESTACK_NOSPLIT_BUDGET together with what it calls
// (enforced with -Werror=frame-larger-than in runtime/CMakeLists.txt).
#pragma once

#define MORESTACK_CALLABLE_FROM_SMALL_STACKS()                                      \
  asm(".pushsection .note.GNU-split-stack,\"\",@progbits\n.popsection\n"            \
      ".pushsection .note.GNU-no-split-stack,\"\",@progbits\n.popsection\n")

// runtime/split_stack_note.h: mark an object file as callable from small stacks.
//
// The notes matter only to code built with plain -fsplit-stack (not the
// plugin): in such objects lld rewrites the prologue of every function that
// calls a function defined in an object WITHOUT .note.GNU-split-stack, so
// that it asks __morestack_non_split for MORESTACK_NONSPLIT_RESERVE (16 KiB)
// of room first. The objects that hold the fiber switch functions carry the
// note, so such code can call morestack_fiber_yield from a 2 KiB fiber
// without that cost. They also carry .note.GNU-no-split-stack, which tells
// lld that their own functions have no split-stack prologue to adjust.
// (Objects built with the plugin carry no split-stack note,
// plugin/SplitStackPass.cpp: their calls into the runtime are checked at
// the call with the needs in MORESTACK_API_NEEDS, include/morestack/abi.h.)
//
// Every function in such an object runs unchecked on whatever stack calls it
// and must fit MORESTACK_NOSPLIT_BUDGET together with what it calls
// (enforced with -Werror=frame-larger-than in runtime/CMakeLists.txt).
#pragma once

#define MORESTACK_CALLABLE_FROM_SMALL_STACKS()                                      \
  asm(".pushsection .note.GNU-split-stack,\"\",@progbits\n.popsection\n"            \
      ".pushsection .note.GNU-no-split-stack,\"\",@progbits\n.popsection\n")

// runtime/verify_escapes.h: MORESTACK_VERIFY's proof that nothing outside a
// moved stack pointed into it.
//
// The plugin keeps every object whose address may be stored anywhere off
// the moving stack (plugin/EscapeAnalysis.h): the only places that may hold
// a moving-stack address are the moving stack itself (registers saved on
// it, spill slots, va_list objects, frames of code built without the
// plugin), the runtime's own records, and jmp_bufs it registered. So after
// a move no word of the side stacks of the thread, nor of its static TLS
// blocks, may point into the live part of the old block. A word that does
// was put there by code that broke a promise (a noescape or nocapture
// parameter that was kept, code built without the plugin storing an
// address it was given): it is reported, with where the move happened.
//
// Invariants: reads only; runs inside stack_move (on the system stack),
// before the old block is retired. The side stacks checked are the running
// one and the thread's own; a suspended fiber's other than the moved one is
// not (the walk would have to find every fiber).
#pragma once

#include "frame_walk.h"
#include "thread_state.h"

#include <stdint.h>

namespace morestack {

// Fatal if a side-stack or TLS word of the calling thread holds an address
// in [live_lo, old_hi) (a plain word: verify_escapes.cpp says why not a
// mangled one). `moved` is the moved stack's first frame in its new block,
// for the backtrace.
void verify_no_outside_pointers(const Stack &s, uintptr_t live_lo, uintptr_t old_hi,
                                const FrameCursor &moved);

} // namespace morestack

// runtime/faults.h: explaining faults the runtime knows the cause of.
//
// The fault handler (signals.cpp) asks explain_fault() first. It stops the
// program, with a message and a backtrace of the faulting code, when the
// address is
//  - in a stack block freed or quarantined when its stack moved (a pointer
//    to a stack variable kept where a move could not update it): which
//    stack, how long ago, and where that byte is now (quarantine.h);
//  - in the guard page below a managed stack: code built without the plugin
//    ran past the stack's low end (it needed more than was reserved for it).
// Otherwise it returns, and the program's own handler (or the default
// action) gets the fault.
//
// Invariants: async-signal-safe up to the decision; after it, only
// fatal()-style output (write(2)) and the backtrace walk.
#pragma once

#include "frame_walk.h"

#include <signal.h>
#include <ucontext.h>

namespace morestack {

void explain_fault(int sig, siginfo_t *info, ucontext_t *uc);

// Print "morestack: the access was made at:" and the backtrace of the
// interrupted code (from its registers in uc).
void print_fault_backtrace(const ucontext_t *uc);

// Print `title`, then the frames of a stack from `start` up to `hi` (the
// stack's top), with write(2).
void print_stack_backtrace(const char *title, const FrameCursor &start, uintptr_t hi);

// The name of the function holding `pc` (its stack map, else the dynamic
// symbol table), demangled when the program has libstdc++; "?" if unknown.
void function_name_at(uintptr_t pc, char *buf, size_t len);

} // namespace morestack

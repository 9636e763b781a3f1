// runtime/jmp_bufs.h: setjmp buffers follow the stack they were saved on.
//
// A jmp_buf holds the stack pointer, frame pointer and callee-saved
// registers of the frame that called setjmp (glibc mangles the first two
// with the thread's pointer guard: morestack/glibc_facts.h). The buffer itself lives where nothing
// moves (the side stack, the heap, a global: plugin/EscapeAnalysis.h), but
// those registers point into the moving stack. Code built with the plugin
// registers every buffer it passes to setjmp / sigsetjmp
// (__morestack_register_jmp_buf, before the call), with the moving stack it
// runs on; when that stack moves, the registers saved in each registered
// buffer whose frame is still live (its saved stack pointer lies in the live
// part) move with it, and buffers whose frame is gone are forgotten.
//
// Invariants: the registry of a stack holds distinct buffer addresses;
// registering prunes buffers whose frames are gone (their saved stack
// pointer lies below the registering call's frame).
#pragma once

#include "thread_state.h"

namespace morestack {

// [sp, old_hi) is the live part of `s`, which moved by `delta`.
void relocate_jmp_bufs(Stack &s, uintptr_t sp, uintptr_t old_hi, intptr_t delta);

// The stack is released: forget its buffers.
void forget_jmp_bufs(Stack &s);

// How many buffers `s` has registered (tests, stats).
size_t registered_jmp_bufs(const Stack &s);

} // namespace morestack

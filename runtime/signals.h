// runtime/signals.h: signal handlers never run on a small stack.
//
// A signal can arrive while a fiber runs on 2 KiB, and the kernel's signal
// frame alone (with AVX-512 state) is larger than that; a handler may also
// need far more stack than the thread's current stack has. So:
//  - every thread that runs managed stacks gets an alternate signal stack
//    (ensure_signal_stack): 64 KiB with a guard page, armed with
//    SS_AUTODISARM. The kernel writes its frame there and the trampoline
//    starts there.
//  - sigaction() and signal() are intercepted: each handler is installed
//    with SA_ONSTACK behind a trampoline, which runs the handler on the
//    thread's handler stack (8 MiB reserved, pages touched only when used,
//    guard page below: as much as a thread's default stack), a managed
//    Stack of kind Signal whose guard is set while the handler runs: a
//    checked function that would overflow it stops the program with a
//    message naming the signal instead of crashing in the guard page. A
//    signal arriving while a handler runs (the alternate stack is disarmed
//    then) is delivered on the handler stack, below the running handler.
//  - sigaltstack() is intercepted on threads whose alternate stack the
//    runtime installed: SS_DISABLE is remembered and reported back but the
//    runtime's stack stays armed (otherwise the kernel would write its frame
//    onto a 2 KiB fiber); a stack the program supplies is used (with
//    SS_AUTODISARM added).
//  - SIGSEGV and SIGBUS go first to the runtime's fault handler, which
//    explains faults it knows the cause of (faults.h) and otherwise passes
//    them to the program's handler, or to the default action.
// The old action reported back to the caller is the user's own handler.
#pragma once

#include <signal.h>
#include <stdint.h>

namespace morestack {

// The side stack handlers get (for their objects whose address escapes),
// carved from the handler stack's mapping.
constexpr size_t kSignalSideStackSize = size_t(1) << 20;

// Give the calling thread an alternate signal stack if it has none.
void ensure_signal_stack();

// Free the stacks ensure_signal_stack() and the trampoline set up (thread
// exit).
void release_signal_stack();

// Install the runtime's SIGSEGV/SIGBUS handler (idempotent; from start-up).
void install_fault_handler();

// A longjmp is about to land at stack pointer `sp`: if it leaves the signal
// handler the thread is in, undo what the trampoline did (the current
// stack, the guard, the disarmed alternate stack).
void leave_signal_handler_for(uintptr_t sp);

// Install a handler of the runtime's own with libc's sigaction (on the
// alternate stack, SA_SIGINFO), bypassing the interposition. Returns the
// previous action in *old.
int install_runtime_handler(int sig, void (*handler)(int, siginfo_t *, void *),
                            struct sigaction *old);

// Put back an action install_runtime_handler() returned.
void restore_runtime_handler(int sig, const struct sigaction *old);

} // namespace morestack

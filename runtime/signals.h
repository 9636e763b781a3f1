// runtime/signals.h: signal handlers never run on a small stack.
//
// A signal can arrive while a fiber runs on 2 KiB, and the kernel's signal
// frame alone (with AVX-512 state) is larger than that. So:
//  - every thread that runs managed stacks gets an alternate signal stack
//    (ensure_signal_stack), and
//  - sigaction() and signal() are intercepted: each handler is installed
//    with SA_ONSTACK, behind a trampoline that sets the guard to 0 while the
//    handler runs (the handler is on the alternate stack, which the runtime
//    does not grow) and restores it afterwards.
// The old action reported back to the caller is the user's own handler.
#pragma once

#include <signal.h>

namespace morestack {

// Give the calling thread an alternate signal stack if it has none.
void ensure_signal_stack();

// Free the alternate stack ensure_signal_stack() installed (thread exit).
void release_signal_stack();

// Install a handler of the runtime's own with libc's sigaction (on the
// alternate stack, SA_SIGINFO), bypassing the interposition. Returns the
// previous action in *old.
int install_runtime_handler(int sig, void (*handler)(int, siginfo_t *, void *),
                            struct sigaction *old);

// Put back an action install_runtime_handler() returned.
void restore_runtime_handler(int sig, const struct sigaction *old);

} // namespace morestack

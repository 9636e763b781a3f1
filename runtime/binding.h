// runtime/binding.h: modules must be bound at load time (-z now).
//
// Call sites check the stack for what the callee needs (the table of
// library needs, plugin/CallSiteReserve.h). The first call through a lazily
// bound PLT slot also runs the dynamic linker's resolver on the caller's
// stack, which saves the whole vector state there: 3.2 KiB with AVX-512
// (tools/stack-needs/README.md), more than many callees need. Every module
// with code built with the plugin must therefore be linked with -z now
// (the wrappers and morestack_enable do this), or the program run with
// LD_BIND_NOW set; the runtime checks the executable at start-up and each
// shared library when its stack maps register, and stops with a message
// naming the module and the fix otherwise.
//
// The libraries themselves (libc, libstdc++, libgcc_s) stay lazily bound;
// bind_libraries() binds them (bind_now.h) before code runs on managed
// stacks, and checks that throws reach the runtime's unwinder entries
// (unwinder.h): the two assumptions the table of library needs makes.
#pragma once

#include <stdint.h>

namespace morestack {

// Fatal unless the module containing `addr` is bound at load time (or
// LD_BIND_NOW is set). `what` names the module's role in the message.
void check_bound_at_load(uintptr_t addr, const char *what);

// Bind every loaded library's lazy PLT slots and check the unwinder's
// interposition; on the system stack. At start-up and whenever a module
// with code built with the plugin registers (a dlopen may have brought new
// libraries).
void bind_libraries();

} // namespace morestack

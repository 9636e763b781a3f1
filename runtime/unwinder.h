// runtime/unwinder.h: C++ throws unwind on the system stack (unwinder.cpp).
#pragma once

// The runtime's definitions of the entries (morestack.S, declared in
// asm_entry.h), which libstdc++'s and compiled landing pads' PLT calls
// reach instead of libgcc's.
#include "asm_entry.h"

namespace morestack {

// Stop the program if a loaded unwinder's entry, not the runtime's, is what
// the process resolves the entries to (the executable did not export ours).
void check_unwinder_interposed();

} // namespace morestack

// runtime/unwinder.h: C++ throws unwind on the system stack (unwinder.cpp).
#pragma once

#include "morestack/abi.h"

#include <stdint.h>

// The runtime's definitions (morestack.S), which libstdc++'s and compiled
// landing pads' PLT calls reach instead of libgcc's.
extern "C" {
#define MORESTACK_ENTRY_DECL(name) uintptr_t name(void *);
MORESTACK_UNWINDER_ENTRIES(MORESTACK_ENTRY_DECL)
#undef MORESTACK_ENTRY_DECL
}

namespace morestack {

// Stop the program if a loaded unwinder's entry, not the runtime's, is what
// the process resolves the entries to (the executable did not export ours).
void check_unwinder_interposed();

} // namespace morestack

// runtime/bind_now.h: bind the libraries' lazy PLT slots before code runs
// on small stacks (bind_now.cpp).
//
// Self-contained (libc and the dynamic linker's API only): the stack-needs
// tool (tools/stack-needs) links this file too, so that the table it
// measures assumes exactly the binding the runtime does.
#pragma once

#include <stddef.h>

namespace morestack {

struct BindCounts {
  size_t slots;       // JUMP_SLOT relocations seen
  size_t bound;       // written by this call
  size_t unresolved;  // no definition found (left lazy)
  size_t mismatched;  // verify: a bound slot that differs from our lookup
};

// Bind every lazily bound JUMP_SLOT of every loaded module to what the
// dynamic linker would bind it to. With verify, write nothing and count the
// slots whose current value differs from our lookup (run under
// LD_BIND_NOW=1, where the dynamic linker bound everything, it checks the
// lookup); each mismatch is printed to stderr. Safe to call again: slots
// already bound are skipped without a lookup.
BindCounts bind_loaded_modules(bool verify);

} // namespace morestack

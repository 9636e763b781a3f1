//===- DynamicAllocaReserve.h - Make room before dynamic allocas -*- C++ -*-===//
//
// What this file does:
//   Declares reserveDynamicAllocas(): in a function that gets a split-stack
//   prologue, insert
//       call void @__morestack_reserve(i64 <bytes>)
//   immediately before every alloca that is not static (VLAs, alloca(n),
//   allocas in loops), with <bytes> = the alloca's size rounded up for its
//   alignment.
//
// Invariants:
//   - The prologue only covers the fixed frame. For a split-stack function
//     the backend lowers a dynamic alloca to a compare against the guard
//     and, when it fails, a call to __morestack_allocate_stack_space, which
//     hands out memory that a copying stack could never free or move. After
//     __morestack_reserve(bytes) the runtime guarantees bytes +
//     MORESTACK_STACK_GUARD free bytes below the caller's %rsp, so that
//     backend check always passes and the fallback is never taken.
//   - <bytes> >= count * sizeof(elt) rounded up to 16, plus align-16 extra
//     bytes for over-aligned allocas (the backend realigns %rsp by masking).
//   - Static allocas (entry block, constant size) are part of the frame the
//     prologue already checked: they get nothing.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_DYNAMICALLOCARESERVE_H
#define MORESTACK_PLUGIN_DYNAMICALLOCARESERVE_H

#include <cstdint>

namespace llvm {
class Function;
} // namespace llvm

namespace morestack {

/// Number of dynamic allocas in F (for diagnostics about nosplit functions).
unsigned countDynamicAllocas(llvm::Function &F);

/// Static allocas larger, together, than kHugeFrame would make a frame the
/// prologue cannot check (its `lea -FRAME(%rsp)` has a 32-bit displacement:
/// a 2 GiB frame wraps around and passes any check). The largest of them
/// are made dynamic (moved out of the entry block) until the rest fit, so
/// that reserveDynamicAllocas gives them a reserve call, which handles any
/// size and stops the program at the stack limit. Returns how many moved.
unsigned makeHugeAllocasDynamic(llvm::Function &F);

/// Static allocas beyond this many bytes in all are made dynamic.
inline constexpr uint64_t kHugeFrame = uint64_t(1) << 30;

/// Inserts the reserve calls; returns how many were inserted.
unsigned reserveDynamicAllocas(llvm::Function &F);

} // namespace morestack

#endif // MORESTACK_PLUGIN_DYNAMICALLOCARESERVE_H

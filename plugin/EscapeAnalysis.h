//===- EscapeAnalysis.h - Which stack objects may not move -------*- C++ -*-===//
//
// What this file does:
//   Decides, for every alloca of a function that runs on a managed stack,
//   whether it may stay on the moving stack or must live on the side stack,
//   which never moves (SideStackPass.h) - Go's escape analysis, with LLVM's
//   own capture tracking.
//
// The rule (docs/escape-analysis.md):
//   An object stays on the moving stack only if no address derived from it
//   can be anywhere but in the function's own registers, its spill slots
//   and the arguments of calls that do not keep it. So it goes to the side
//   stack when
//     - LLVM's PointerMayBeCaptured says its address may be captured
//       (a volatile access through it aside: that makes the address
//       observable, not kept anywhere):
//       stored to memory, converted to an integer, compared, passed to a
//       call whose parameter is not nocapture (clang's attributes, and
//       those InferFunctionAttrs and FunctionAttrs derived: they ran before
//       OptimizerLast), returned, or used by anything the tracker does not
//       know;
//     - it is passed to a call that returns twice (setjmp: the jmp_buf's
//       saved stack pointer is fixed up by the runtime, which must find it
//       where it was registered);
//     - a constant offset from it lies outside it (an access beyond its
//       bounds; variable offsets are not checked: an out-of-bounds access
//       is undefined with or without moving stacks, and creates no address
//       the runtime would have to update);
//     - it is dynamic (a VLA, alloca(n)), or aligned beyond the stack's 16
//       bytes: then the moving frame keeps a static size, is never
//       realigned, and is found by its size;
//     - the moving frame would pass kHugeFrame (1 GiB) with it: the
//       prologue's 32-bit displacement would wrap around at 2 GiB; on the
//       side stack its size is checked against the stack limit;
//     - the frame will not be described object by object (-fplugin-arg-
//       morestack-no-stack-maps, LTO): every object goes to the side stack,
//       so that nothing but compiler-written words is left on the moving
//       stack, which is then scanned whole.
//   Two kinds of object stay on the moving stack although they may hold
//   moving-stack addresses ("scanned": the stack map does not list them,
//   so the runtime relocates their words like spill slots'):
//     - a va_list (the operand of llvm.va_start / the destination of
//       llvm.va_copy, or an array of them), which points into the moving
//       stack by construction (the register save area, the stack
//       arguments), whatever its uses;
//     - an object into which the function stores a pointer that may be a
//       moving-stack address: one of its pointer arguments (a caller's
//       object passed to a parameter that does not keep it; -O0 stores
//       every argument in a slot of its own), the address of a va_list, or
//       a pointer loaded from another such object.
//   A byval argument lives in the caller's outgoing-argument area; if its
//   address escapes it is copied to the side stack at entry.
//
// Invariants: only reads the function; the decision of each alloca carries
// the reason, for the report.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_ESCAPEANALYSIS_H
#define MORESTACK_PLUGIN_ESCAPEANALYSIS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace llvm {
class AllocaInst;
class Argument;
class Function;
} // namespace llvm

namespace morestack {

/// Static objects beyond this many bytes in all leave the moving frame.
inline constexpr uint64_t kHugeFrame = uint64_t(1) << 30;

enum class Placement {
  Moving,  ///< stays on the moving stack: never holds a moving-stack address
  Scanned, ///< stays, and may hold moving-stack addresses (relocated as words)
  Side,    ///< the side stack
};

/// Why an object goes to the side stack.
enum class EscapeReason {
  None,
  Captured,      ///< PointerMayBeCaptured
  ReturnsTwice,  ///< passed to setjmp and friends
  OutOfBounds,   ///< a constant offset outside it
  Dynamic,       ///< a VLA or alloca(n)
  OverAligned,   ///< aligned beyond 16 bytes (would realign the frame)
  Huge,          ///< the moving frame would pass kHugeFrame bytes
  WholeFrame,    ///< its frame is not described object by object
};

llvm::StringRef escapeReasonName(EscapeReason R);

struct AllocaDecision {
  llvm::AllocaInst *AI;
  Placement Where;
  EscapeReason Why;
};

struct FunctionEscapes {
  llvm::SmallVector<AllocaDecision, 16> Allocas;
  llvm::SmallVector<llvm::Argument *, 2> EscapingByval;
  unsigned count(Placement P) const;
};

/// The decisions for every alloca of F. WholeFrame: put every object on
/// the side stack (the frame will not be described object by object).
FunctionEscapes analyzeEscapes(llvm::Function &F, bool WholeFrame);

} // namespace morestack

#endif // MORESTACK_PLUGIN_ESCAPEANALYSIS_H

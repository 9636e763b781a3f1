//===- Unchecked.h - Why a function has no stack check ----------*- C++ -*-===//
//
// What this file does:
//   The one place that answers, for a function definition:
//     - whether it gets the split-stack prologue check and, if not, why
//       (decideSkip, for SplitStackPass, which records the answer with
//       recordSkip as kUncheckedFnAttr; every later reader asks
//       recordedSkip);
//     - whether, unchecked, it still runs on a managed stack (so its frame
//       is part of nosplit chains, NosplitBudget.h, and its escaping
//       objects go to the side stack, SideStackPass.h);
//     - whether the backend may realign its frame, and to what
//       (maxFrameRealignment, for the nosplit budget; realignsFrame, for
//       EscapeAnalysis, which keeps over-aligned objects off the moving
//       frame).
//
// Invariants:
//   - A definition is checked iff it has "split-stack"; an unchecked one
//     carries kUncheckedFnAttr with exactly one SkipReason, written by
//     recordSkip only.
//   - The realignment answer accounts for where EscapeAnalysis puts each
//     object: an object the moving frame does not keep realigns nothing.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_UNCHECKED_H
#define MORESTACK_PLUGIN_UNCHECKED_H

#include "Report.h"

#include "llvm/ADT/SmallPtrSet.h"

#include <cstdint>
#include <optional>

namespace llvm {
class Function;
} // namespace llvm

namespace morestack {

/// Why F (a definition) must not get a check, or nothing if it gets one.
/// IfuncResolvers: the module's ifunc resolver functions. (A variadic
/// function without a reason is SplitStackPass's to outline or skip.)
std::optional<SkipReason>
decideSkip(const llvm::Function &F,
           const llvm::SmallPtrSetImpl<llvm::Function *> &IfuncResolvers);

/// Records on F that it is left unchecked for R (kUncheckedFnAttr), and
/// takes off any "split-stack" (-fsplit-stack may have put it there).
void recordSkip(llvm::Function &F, SkipReason R);

/// The reason recorded on F, if it was left unchecked.
std::optional<SkipReason> recordedSkip(const llvm::Function &F);

/// Whether code left unchecked for R runs on a managed stack: all but ifunc
/// resolvers (the dynamic loader's stack), interrupt handlers (the CPU's)
/// and the runtime's own functions (the system stack).
bool runsOnManagedStack(SkipReason R);

/// Whether F is a definition whose frames live on managed stacks: checked,
/// or unchecked for a reason that runs there.
bool runsOnManagedStack(const llvm::Function &F);

/// The stack alignment the x86-64 psABI guarantees at every call.
inline constexpr uint64_t kStackAlign = 16;

/// Whether an object aligned to Align would make the backend realign the
/// frame holding it.
inline bool realignsFrame(uint64_t Align) { return Align > kStackAlign; }

/// The largest alignment the backend may realign F's frame on the managed
/// stack to, or 0 if it never realigns it: "stackrealign", 32- and 64-byte
/// vectors spilled with AVX / AVX-512, and over-aligned objects the frame
/// keeps (EscapeAnalysis.h sends the others to the side stack). Only for
/// functions that run on a managed stack.
uint64_t maxFrameRealignment(llvm::Function &F);

} // namespace morestack

#endif // MORESTACK_PLUGIN_UNCHECKED_H

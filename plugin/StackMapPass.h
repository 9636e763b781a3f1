//===- StackMapPass.h - Ask the backend for a map of every frame -*- C++ -*-===//
//
// What this file does:
//   Declares StackMapPass, which prepares every function that SplitStackPass
//   instrumented or left nosplit for a stack map record
//   (include/morestack/stack_map.h, docs/stack-maps.md). Frame sizes and the
//   offsets of stack objects exist only after frame lowering, so the pass
//   does not write the maps itself: it hands each function to LLVM's GC
//   machinery, which computes exactly those facts, and StackMapPrinter.cpp
//   (the "morestack" GC strategy's metadata printer) writes them out.
//
// Invariants (after the pass, for every function F it describes):
//   - F has gc "morestack". The runtime finds F's frame from its size; if F
//     has inline assembly (which may move %rsp around a call) it also has
//     "frame-pointer"="all" and kRbpFrameFnAttr, and is found from %rbp.
//     With the frame-pointers option every F that calls keeps %rbp as a
//     frame pointer ("non-leaf"), which lets the runtime follow %rbp through
//     every frame to dynamic frames (VLAs) above.
//   - Push-based call sequences are off for the whole compilation
//     (-no-x86-call-frame-opt): %rsp is the same at every call site.
//   - Every static alloca of F whose objects may be described precisely is
//     an llvm.gcroot whose second operand is inttoptr(i + 1), i indexing
//     F's !morestack.objects metadata ({kind, size, bitmap}); it has no
//     lifetime markers (so stack colouring cannot give its slot to another
//     object of a different kind), and an undef store right after the
//     gcroot calls tells GC lowering not to null-initialise it.
//   - Functions whose frames are realigned (over-aligned allocas,
//     "stackrealign") get no gcroots: their object offsets are not relative
//     to the frame pointer, so they are described without objects.
//   - The module gets a COMDAT constructor and destructor that register its
//     [__start_morestack_maps, __stop_morestack_maps) with the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_STACKMAPPASS_H
#define MORESTACK_PLUGIN_STACKMAPPASS_H

#include "llvm/IR/PassManager.h"

namespace morestack {

/// The function metadata holding the layouts of the gcroot'ed objects.
inline constexpr llvm::StringLiteral kObjectsMetadata = "morestack.objects";

/// Function attribute: the runtime must find this frame from %rbp.
inline constexpr llvm::StringLiteral kRbpFrameFnAttr = "morestack-rbp-frame";

class StackMapPass : public llvm::PassInfoMixin<StackMapPass> {
public:
  /// Disabled for LTO pre-link modules (the LTO backend, inside the linker,
  /// has no "morestack" GC strategy) and by no-stack-maps.
  StackMapPass(bool Enabled, bool FramePointers)
      : Enabled(Enabled), FramePointers(FramePointers) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }

private:
  bool Enabled;
  bool FramePointers;
};

} // namespace morestack

#endif // MORESTACK_PLUGIN_STACKMAPPASS_H

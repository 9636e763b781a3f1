//===- StackMapPass.h - Ask the backend for a map of every frame -*- C++ -*-===//
//
// What this file does:
//   Declares StackMapPass, which prepares every function that SplitStackPass
//   instrumented or left nosplit for a stack map record
//   (include/morestack/stack_map.h, docs/stack-maps.md). Frame sizes and the
//   offsets of stack objects exist only after frame lowering, so the pass
//   does not write the maps itself: it marks the functions, and
//   FrameMapWriter.cpp writes their records from the final machine frames
//   (reached through the "morestack" GC strategy's metadata printer).
//
// Invariants (after the pass, for every function F it describes):
//   - F has kDescribeFnAttr. The runtime finds F's frame from its size; if
//     F has inline assembly (which may move %rsp around a call) it also has
//     "frame-pointer"="all" and kRbpFrameFnAttr, and is found from %rbp.
//     With the frame-pointers option every F that calls keeps %rbp as a
//     frame pointer ("non-leaf"), which keeps %rbp known through every frame
//     of the runtime's walk (runtime/frame_walk.h).
//   - Push-based call sequences are off for the whole compilation
//     (-no-x86-call-frame-opt): %rsp is the same at every call site. Spill
//     slots are not shared (-no-stack-slot-sharing): a slot that held a
//     4-byte value and, at another time, a pointer would be neither a whole
//     word nor pointer-free.
//   - A scanned object of F (kScannedMetadata: a va_list, an object holding
//     an argument pointer; the objects on the moving stack the runtime scans) has no lifetime markers, so that
//     stack colouring cannot give its slot to an object the map says to
//     skip. No IR is added to F: no gcroot, no store.
//   - The module gets a COMDAT constructor and destructor that register its
//     [__start_morestack_maps, __stop_morestack_maps) with the runtime; the
//     constructor has gc "morestack", which makes the backend create the
//     printer that writes the records.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_STACKMAPPASS_H
#define MORESTACK_PLUGIN_STACKMAPPASS_H

#include "llvm/IR/PassManager.h"

namespace morestack {

/// Function attribute: FrameMapWriter writes a record for this function.
inline constexpr llvm::StringLiteral kDescribeFnAttr = "morestack-describe";

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

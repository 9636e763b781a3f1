//===- NosplitMarking.h - Carry nosplit from annotations to IR --*- C++ -*-===//
//
// What this file does:
//   Declares NosplitMarkingPass, which turns the front end's
//   @llvm.global.annotations entries "morestack.nosplit" into the IR function
//   attribute "morestack-nosplit" and erases the entries.
//
// Invariants:
//   - After the pass, no @llvm.global.annotations entry names
//     "morestack.nosplit"; entries of other annotations are kept, in order.
//   - Running it twice is harmless (the second run finds nothing).
//   - It runs at PipelineStart, before any GlobalDCE, so a nosplit function
//     that nothing else uses can still be removed; SplitStackPass calls
//     consumeNosplitAnnotations() again in case a pipeline skipped it.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_NOSPLITMARKING_H
#define MORESTACK_PLUGIN_NOSPLITMARKING_H

#include "llvm/IR/PassManager.h"

namespace morestack {

/// Returns the number of functions newly marked nosplit.
unsigned consumeNosplitAnnotations(llvm::Module &M);

class NosplitMarkingPass : public llvm::PassInfoMixin<NosplitMarkingPass> {
public:
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  /// Must also run on optnone functions' modules at -O0.
  static bool isRequired() { return true; }
};

} // namespace morestack

#endif // MORESTACK_PLUGIN_NOSPLITMARKING_H

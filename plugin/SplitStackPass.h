//===- SplitStackPass.h - Give every function a stack check -----*- C++ -*-===//
//
// What this file does:
//   Declares SplitStackPass, the module pass that decides, for every function
//   defined in the module, whether it gets the "split-stack" attribute (and so
//   LLVM's Go-shaped stack check in its prologue) or is skipped, and why.
//
// Invariants (after the pass, for every function definition F):
//   - F has "split-stack"  <=>  F is recorded as instrumented.
//   - If F is skipped, the reason is one of Report.h's SkipReason values; no
//     definition is left unchecked without one.
//   - No variadic function has "split-stack" (the backend cannot handle it);
//     a variadic F that could be outlined is a nosplit thunk whose body
//     F.morestack.body is instrumented.
//   - In an instrumented function, every call into code without checks has
//     the stack its callee needs free at the call, or runs on the system
//     stack (CallSiteReserve.h). Dynamic allocas are left to SideStackPass.
//   - The module's .note.GNU-split-stack and .note.GNU-no-split-stack are
//     excluded from links (SHF_EXCLUDE): no linker rewrites its prologues.
//   - The module is for x86_64 Linux (LP64), or the pass reports an error
//     and changes nothing.
//   - Unless nosplit-budget=off, the unchecked functions' call graph is
//     recorded for the budget check after code generation (NosplitBudget.h),
//     and calls from them to C library functions are warned about.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_SPLITSTACKPASS_H
#define MORESTACK_PLUGIN_SPLITSTACKPASS_H

#include "NosplitBudget.h"
#include "Options.h"
#include "Report.h"

#include "llvm/IR/PassManager.h"

#include <memory>

namespace morestack {

class SplitStackPass : public llvm::PassInfoMixin<SplitStackPass> {
public:
  /// Report may be null (no -fplugin-arg-morestack-report). Graph may be
  /// null (nosplit-budget=off, or no code generation); otherwise it receives
  /// the call graph of the unchecked functions once they are decided.
  SplitStackPass(PluginOptions Opts, std::shared_ptr<Report> R,
                 std::shared_ptr<NosplitGraph> Graph = nullptr)
      : Opts(std::move(Opts)), TheReport(std::move(R)),
        Graph(std::move(Graph)) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);

  /// Never skipped, not even for optnone functions at -O0.
  static bool isRequired() { return true; }

private:
  PluginOptions Opts;
  std::shared_ptr<Report> TheReport;
  std::shared_ptr<NosplitGraph> Graph;
};

} // namespace morestack

#endif // MORESTACK_PLUGIN_SPLITSTACKPASS_H

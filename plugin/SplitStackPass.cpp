//===- SplitStackPass.cpp - Give every function a stack check -------------===//
//
// What this file does:
//   For every function definition in the module, in order:
//     1. classify it: skipped with a reason (nosplit, naked, ifunc resolver,
//        interrupt or unsupported calling convention, a __morestack* runtime
//        function), variadic, or to be instrumented;
//     2. variadic functions are split by outlineVarargBody() into a nosplit
//        thunk and an instrumented body (or skipped, with a warning, when
//        that is impossible; or an error with no-vararg-outlining);
//     3. instrumented functions get checks before their calls into code
//        without checks (CallSiteReserve.h) and the "split-stack" attribute;
//   then, once per module: the need markers of the checked external
//   functions, module assembly that excludes the split-stack notes from
//   links (excludeSplitStackNotes), and the runtime stubs (RuntimeStubs.h).
//   The backend (X86FrameLowering::adjustForSegmentedStacks) then emits the
//   prologue; the AsmPrinter's .note.GNU-split-stack goes into the excluded
//   section, so no linker rewrites the prologues.
//
// Where it runs: OptimizerLast, at every optimisation level (the callback is
// invoked by buildO0DefaultPipeline too), i.e. after inlining, coroutine
// splitting and every other IR transformation clang schedules before code
// generation, so every function that will be emitted exists by then; first
// of SplitStackPass, SideStackPass, StackMapPass.
//
// Invariants: see SplitStackPass.h.
//
//===----------------------------------------------------------------------===//
#include "SplitStackPass.h"
#include "CallSiteReserve.h"
#include "NosplitMarking.h"
#include "RuntimeStubs.h"
#include "Unchecked.h"
#include "VarargOutlining.h"

#include "morestack/abi.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"
#include "llvm/TargetParser/Triple.h"

#define DEBUG_TYPE "morestack"

using namespace llvm;

STATISTIC(NumInstrumented, "Functions given a split-stack prologue");
STATISTIC(NumSkipped, "Function definitions left without a stack check");

static cl::opt<bool> ClWarnSkipped(
    "morestack-warn-skipped", cl::init(false),
    cl::desc("Warn about every function definition left without a stack "
             "check, whatever the reason (nosplit and naked included)"));

namespace morestack {

namespace {

/// The AsmPrinter ends every module with split-stack functions with an
/// empty .note.GNU-split-stack (and .note.GNU-no-split-stack). lld would
/// then rewrite the prologue of every function that calls code outside
/// split-stack objects (16 KiB more, or a call to __morestack_non_split on
/// every entry), and GNU ld and gold refuse or ignore the object. The
/// plugin checks such calls where they happen instead (CallSiteReserve.h),
/// so the module's own assembly creates both notes first, with
/// SHF_EXCLUDE ("e"): the AsmPrinter finds them by name and uses these, and
/// linkers drop excluded sections before looking at them. Module assembly
/// travels in LTO bitcode, so the notes are excluded in the linker's code
/// generation too.
void excludeSplitStackNotes(Module &M) {
  if (M.getModuleInlineAsm().find(".note.GNU-split-stack") != std::string::npos)
    return;
  M.appendModuleInlineAsm(".section .note.GNU-split-stack,\"e\",@progbits\n"
                          ".section .note.GNU-no-split-stack,\"e\",@progbits\n"
                          ".text\n");
}


/// A plain-text diagnostic of a plugin-allocated kind. Clang prints such
/// diagnostics verbatim as its own errors / warnings (backend-plugin), so an
/// error fails the compilation.
class MorestackDiagnostic : public DiagnosticInfo {
public:
  MorestackDiagnostic(const std::string &Msg, DiagnosticSeverity Severity)
      : DiagnosticInfo(kind(), Severity), Msg(Msg) {}
  void print(DiagnosticPrinter &DP) const override { DP << Msg; }

private:
  static int kind() {
    static const int K = getNextAvailablePluginDiagnosticKind();
    return K;
  }
  const std::string &Msg;
};

/// Reports through the LLVMContext, which clang turns into its own
/// diagnostics.
void diagnose(Module &M, DiagnosticSeverity Severity, const Twine &Msg) {
  std::string Text = Msg.str();
  M.getContext().diagnose(MorestackDiagnostic(Text, Severity));
}

bool isSupportedTarget(const Triple &T) {
  return T.getArch() == Triple::x86_64 && T.isOSLinux() && !T.isX32();
}

class Instrumenter {
public:
  Instrumenter(Module &M, const PluginOptions &Opts, Report *R)
      : M(M), Opts(Opts), R(R) {}

  bool run();

private:
  void skip(Function &F, SkipReason Reason, const Twine &Detail = "");
  void instrument(Function &F, const Twine &Detail = "");
  void handleVararg(Function &F);

  Module &M;
  const PluginOptions &Opts;
  Report *R;
  StringSet<> MarkersUsed; // CallSiteReserve.h

public:
  const StringSet<> &markersUsed() const { return MarkersUsed; }
};

void Instrumenter::skip(Function &F, SkipReason Reason, const Twine &Detail) {
  recordSkip(F, Reason);
  ++NumSkipped;
  std::string DetailStr = Detail.str();
  if (R)
    R->addSkipped(F.getName(), Reason, DetailStr);

  bool Warn = ClWarnSkipped || Reason == SkipReason::UnsupportedCC ||
              Reason == SkipReason::VarargUnoutlinable;
  if (Warn)
    diagnose(M, DS_Warning,
             "morestack: function '" + F.getName() +
                 "' is left without a stack check (" + skipReasonName(Reason) +
                 (DetailStr.empty() ? "" : ": " + DetailStr) + ")");

}

void Instrumenter::instrument(Function &F, const Twine &Detail) {
  reserveForCalls(F, MarkersUsed);
  F.addFnAttr(kSplitStackFnAttr);
  ++NumInstrumented;
  if (R)
    R->addInstrumented(F.getName(), Detail.str());
}

void Instrumenter::handleVararg(Function &F) {
  if (!Opts.VarargOutlining) {
    diagnose(M, DS_Error,
             "morestack: variadic function '" + F.getName() +
                 "' cannot have a stack check (vararg outlining is disabled "
                 "by -fplugin-arg-morestack-no-vararg-outlining); mark it "
                 "nosplit or drop that option");
    skip(F, SkipReason::VarargUnoutlinable, "vararg outlining disabled");
    return;
  }
  std::string WhyNot;
  Function *Body = outlineVarargBody(F, WhyNot);
  if (!Body) {
    skip(F, SkipReason::VarargUnoutlinable, WhyNot);
    return;
  }
  skip(F, SkipReason::VarargThunk, "body in " + Body->getName());
  instrument(*Body, "outlined body of variadic '" + F.getName() + "'");
}

bool Instrumenter::run() {
  Triple T(M.getTargetTriple());
  if (!isSupportedTarget(T)) {
    diagnose(M, DS_Error,
             "morestack: unsupported target '" + M.getTargetTriple() +
                 "': stack checks are only implemented for x86_64 Linux "
                 "(LP64); refusing to emit unchecked code");
    return false;
  }

  SmallPtrSet<Function *, 4> IfuncResolvers;
  for (GlobalIFunc &GI : M.ifuncs())
    if (Function *Resolver = GI.getResolverFunction())
      IfuncResolvers.insert(Resolver);

  // Snapshot: outlining adds functions while we go.
  SmallVector<Function *, 64> Defined;
  for (Function &F : M)
    if (!F.isDeclaration() && !F.hasAvailableExternallyLinkage())
      Defined.push_back(&F);

  for (Function *F : Defined) {
    if (std::optional<SkipReason> Reason = decideSkip(*F, IfuncResolvers)) {
      std::string Detail;
      if (*Reason == SkipReason::UnsupportedCC)
        Detail = "calling convention " + std::to_string(F->getCallingConv());
      else if (*Reason == SkipReason::VarargThunk)
        Detail = ("body in " + F->getFnAttribute(kVarargThunkFnAttr)
                                   .getValueAsString())
                     .str();
      skip(*F, *Reason, Detail);
    } else if (F->isVarArg()) {
      handleVararg(*F);
    } else {
      instrument(*F);
    }
  }
  emitCheckedMarkers(M, MarkersUsed);
  excludeSplitStackNotes(M);
  M.getOrInsertNamedMetadata(kDoneMetadata);
  return true;
}

} // namespace

PreservedAnalyses SplitStackPass::run(Module &M, ModuleAnalysisManager &) {
  if (M.getNamedMetadata(kDoneMetadata))
    return PreservedAnalyses::all(); // already done (idempotent)
  // In case the PipelineStart half did not run in this pipeline.
  consumeNosplitAnnotations(M);
  if (!Instrumenter(M, Opts, TheReport.get()).run())
    return PreservedAnalyses::all();
  emitRuntimeStubs(M);
  if (Opts.NosplitBudget != NosplitBudgetMode::Off) {
    NosplitGraph Local; // still warns about library calls without codegen
    (Graph ? *Graph : Local).collect(M, [&M](StringRef Msg) {
      diagnose(M, DS_Warning, Msg);
    });
  }
  return PreservedAnalyses::none();
}

} // namespace morestack

//===- Plugin.cpp - The morestack clang plugin front end ------------------===//
//
// What this file does:
//   The PluginASTAction "morestack" (AddBeforeMainAction, so loading the .so
//   with -fplugin= is all it takes):
//     - parses -fplugin-arg-morestack-<arg> (help, report, report-file=,
//       no-vararg-outlining, allow-lto, no-stack-maps, frame-pointers,
//       nosplit-budget=);
//       an unknown
//       argument is an error;
//     - refuses, with an error, every configuration in which the stack check
//       would silently be missing or broken: a target other than x86_64
//       Linux LP64 (aarch64, riscv, i386 / -m32, x32 / -mx32, ...),
//       -flto unless allow-lto,
//       -disable-llvm-passes (-save-temps) when it would produce code, and
//       the sanitizers that cannot work with moving stacks (checkSanitizers);
//     - under ASan or TSan, has clang run the sanitizer passes at
//       OptimizerEarly (its -sanitizer-early-opt-ep), before the plugin's
//       OptimizerLast passes, so that the calls, frames and dynamic allocas
//       they add get checks, side-stack placement and stack maps like the
//       program's own (docs/plugin.md, "Sanitizers");
//     - registers the IR passes through CodeGenOptions::PassBuilderCallbacks:
//         PipelineStart  NosplitMarkingPass  (annotations -> attribute)
//                        ThreadIdentityPass  (&errno, pthread_self recomputed after calls)
//         OptimizerLast  SplitStackPass      (the instrumentation)
//                        SideStackPass       (escaping objects off the moving stack)
//                        StackMapPass        (frames for the runtime's walk)
//     - returns an ASTConsumer that annotates clang's no_split_stack functions
//       (NosplitAttr.h) before CodeGen sees them;
//     - when code is generated (or with `report`), asks the backend for
//       -fstack-usage data and, once code generation is over, runs the
//       nosplit budget check (NosplitBudget.h; nosplit-budget=error|warn|off)
//       and prints the report (Report.h), from a DiagnosticConsumer that
//       wraps clang's own (AfterCodegen).
//
// Invariants:
//   - Every error starts with "morestack:" and is a clang error diagnostic, so
//     the compilation fails and produces no object file.
//   - The plugin never adds itself to CodeGenOptions::PassPlugins.
//   - When an error was reported here, no pass is registered.
//
//===----------------------------------------------------------------------===//
#include "NosplitAttr.h"
#include "NosplitBudget.h"
#include "NosplitMarking.h"
#include "ThreadIdentity.h"
#include "Options.h"
#include "Report.h"
#include "SideStackPass.h"
#include "SplitStackPass.h"
#include "StackMapPass.h"

#include "morestack/abi.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclGroup.h"
#include "clang/AST/Mangle.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticFrontend.h"
#include "clang/Basic/Sanitizers.h"
#include "clang/Basic/TargetInfo.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendOptions.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace llvm;

namespace morestack {
namespace {

constexpr const char *kHelp =
    "morestack: Go-style growable stacks (clang plugin)\n"
    "  Load:  clang -fplugin=MorestackPlugin.so ...  (x86_64 Linux only; link\n"
    "         with lld or gold, -z now and the morestack runtime)\n"
    "  Plugin arguments, as -fplugin-arg-morestack-<arg>:\n"
    "    help                 print this help (compilation continues)\n"
    "    report               after code generation, print one line per\n"
    "                         defined function to stderr: instrumented (with\n"
    "                         its frame size) or skipped (with the reason)\n"
    "    report-file=<path>   the same, written to <path> (appended)\n"
    "    no-vararg-outlining  make every variadic function an error instead of\n"
    "                         moving its body into a checked function\n"
    "    allow-lto            accept -flto / -flto=thin (the prologues are\n"
    "                         then emitted at link time; link with lld; no\n"
    "                         stack maps: such frames are scanned whole)\n"
    "    no-stack-maps        no stack map records (docs/stack-maps.md): the\n"
    "                         runtime then scans these frames conservatively\n"
    "    frame-pointers       keep %rbp as a frame pointer in every function\n"
    "                         that calls: walks (relocation, backtraces) then\n"
    "                         know %rbp everywhere without unwind tables\n"
    "    nosplit-budget=<m>   error (default), warn or off: after code\n"
    "                         generation, a chain of unchecked (nosplit)\n"
    "                         functions of this file that may use more stack\n"
    "                         than allowed (below), or that recurses, is an\n"
    "                         error / a warning / not checked\n"
    "  Attribute: __attribute__((nosplit)), [[morestack::nosplit]], or\n"
    "  __attribute__((no_split_stack)): no stack check for that function; its\n"
    "  frame (and its nosplit callees') must fit in the nosplit budget\n"
    "  (MORESTACK_NOSPLIT_BUDGET in morestack/abi.h: %u bytes).\n"
    "  LLVM options (-mllvm): -morestack-warn-skipped\n"
    "  Documentation: docs/plugin.md\n";

void error(DiagnosticsEngine &Diags, const Twine &Msg) {
  // Custom IDs are keyed by format string: pass the text as an argument.
  unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
  Diags.Report(ID) << Msg.str();
}

void warning(DiagnosticsEngine &Diags, const Twine &Msg) {
  unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Warning, "%0");
  Diags.Report(ID) << Msg.str();
}

/// Forwards every diagnostic to clang's own consumer and, when the source
/// file ends (after code generation: the backend has written the
/// stack-usage file by then), runs the nosplit budget check and prints the
/// report. Diagnostics reported from there still fail the compilation:
/// clang erases the output files after the diagnostic client's
/// EndSourceFile if an error occurred.
class AfterCodegen : public DiagnosticConsumer {
public:
  AfterCodegen(DiagnosticsEngine &Diags, DiagnosticConsumer *Target,
               std::unique_ptr<DiagnosticConsumer> OwnedTarget,
               std::shared_ptr<Report> R, std::shared_ptr<NosplitGraph> G,
               NosplitBudgetMode Mode, std::string TUName,
               std::string StackUsagePath, bool RemoveStackUsage,
               std::string OutPath)
      : Diags(Diags), Target(Target), OwnedTarget(std::move(OwnedTarget)),
        R(std::move(R)), G(std::move(G)), Mode(Mode),
        TUName(std::move(TUName)), StackUsagePath(std::move(StackUsagePath)),
        RemoveStackUsage(RemoveStackUsage), OutPath(std::move(OutPath)) {
    // clang decides success from the client's counts: carry over what was
    // reported before this consumer took over.
    NumErrors = Target->getNumErrors();
    NumWarnings = Target->getNumWarnings();
  }

  ~AfterCodegen() override { removeStackUsage(); }

  void BeginSourceFile(const LangOptions &LO, const Preprocessor *PP) override {
    Target->BeginSourceFile(LO, PP);
  }
  void EndSourceFile() override {
    finishOnce();
    Target->EndSourceFile();
  }
  void finish() override {
    finishOnce();
    Target->finish();
  }
  void clear() override {
    DiagnosticConsumer::clear();
    Target->clear();
  }
  bool IncludeInDiagnosticCounts() const override {
    return Target->IncludeInDiagnosticCounts();
  }
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    Target->HandleDiagnostic(Level, Info);
  }

private:
  void removeStackUsage() {
    // clang leaks the CompilerInstance (-disable-free), so the destructor
    // is not a reliable place for this.
    if (RemoveStackUsage)
      sys::fs::remove(StackUsagePath);
    RemoveStackUsage = false;
  }

  void finishOnce() {
    if (Finished)
      return;
    Finished = true;
    StringMap<uint64_t> Sizes;
    if (!StackUsagePath.empty())
      Sizes = Report::readStackUsage(StackUsagePath);
    removeStackUsage();

    StringMap<std::string> Notes;
    if (G && Mode != NosplitBudgetMode::Off) {
      // The IDs clang gives the LLVM plugin diagnostics of the passes: the
      // warning is in -Wbackend-plugin, so -Werror and -Wno-... apply.
      unsigned ID = Mode == NosplitBudgetMode::Error
                        ? diag::err_fe_backend_plugin
                        : diag::warn_fe_backend_plugin;
      G->check(
          Sizes, [&](StringRef Msg) { Diags.Report(ID) << Msg; },
          R ? &Notes : nullptr);
    }
    if (R && !R->empty()) // empty: the pass did not run (errors, ...)
      printReport(Sizes, Notes);
  }

  void printReport(const StringMap<uint64_t> &Sizes,
                   const StringMap<std::string> &Notes) {
    if (OutPath.empty()) {
      R->print(errs(), TUName, Sizes, &Notes);
      return;
    }
    std::error_code EC;
    raw_fd_ostream OS(OutPath, EC, sys::fs::OF_Append | sys::fs::OF_Text);
    if (EC) {
      errs() << "morestack: cannot write report to '" << OutPath
             << "': " << EC.message() << "\n";
      return;
    }
    R->print(OS, TUName, Sizes, &Notes);
  }

  DiagnosticsEngine &Diags;
  DiagnosticConsumer *Target;
  std::unique_ptr<DiagnosticConsumer> OwnedTarget;
  std::shared_ptr<Report> R;
  std::shared_ptr<NosplitGraph> G;
  NosplitBudgetMode Mode;
  std::string TUName, StackUsagePath;
  bool RemoveStackUsage;
  std::string OutPath;
  bool Finished = false;
};

/// Annotates no_split_stack functions for CodeGen (NosplitAttr.h). It sits
/// before CodeGen's consumer, so it sees every declaration first. With a
/// budget check, it also gives the check the IR names of the nosplit
/// functions, declarations included (NosplitGraph::addNosplitDeclaration).
class NosplitConsumer : public ASTConsumer {
public:
  NosplitConsumer(CompilerInstance &CI, std::shared_ptr<NosplitGraph> G)
      : CI(CI), G(std::move(G)) {}

  bool HandleTopLevelDecl(DeclGroupRef DG) override {
    for (Decl *D : DG)
      mark(D);
    return true;
  }
  void HandleInlineFunctionDefinition(FunctionDecl *D) override {
    mark(D);
  }
  void HandleInterestingDecl(DeclGroupRef DG) override {
    HandleTopLevelDecl(DG);
  }
  void HandleCXXImplicitFunctionInstantiation(FunctionDecl *D) override {
    mark(D);
  }
  void HandleTopLevelDeclInObjCContainer(DeclGroupRef DG) override {
    HandleTopLevelDecl(DG);
  }

private:
  void mark(Decl *D) {
    ASTContext &Ctx = CI.getASTContext();
    if (!G) {
      markNosplitFunctions(Ctx, D);
      return;
    }
    markNosplitFunctions(Ctx, D, [&](const FunctionDecl *FD) {
      // Only declarations without a body here matter (a definition is in
      // the IR with its attribute); templates have no name until
      // instantiated.
      if (FD->doesThisDeclarationHaveABody() || FD->isTemplated() ||
          FD->isInvalidDecl())
        return;
      if (!Names)
        Names = std::make_unique<ASTNameGenerator>(Ctx);
      if (isa<CXXMethodDecl>(FD))
        for (const std::string &N : Names->getAllManglings(FD))
          G->addNosplitDeclaration(N);
      else
        G->addNosplitDeclaration(Names->getName(FD));
    });
  }

  CompilerInstance &CI;
  std::shared_ptr<NosplitGraph> G;
  std::unique_ptr<ASTNameGenerator> Names;
};

class MorestackAction : public PluginASTAction {
protected:
  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &Args) override {
    // Returning false would make clang silently drop the plugin and compile
    // without checks: report errors as diagnostics (they fail the
    // compilation) and always return true.
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    for (const std::string &Arg : Args) {
      StringRef A(Arg);
      if (A == "help") {
        outs() << format(kHelp, unsigned(MORESTACK_NOSPLIT_BUDGET));
        outs().flush();
      } else if (A == "report") {
        Opts.Report = true;
      } else if (A.consume_front("report-file=")) {
        if (A.empty()) {
          error(Diags, "morestack: report-file= needs a path");
          continue;
        }
        Opts.Report = true;
        Opts.ReportFile = A.str();
      } else if (A == "no-vararg-outlining") {
        Opts.VarargOutlining = false;
      } else if (A == "allow-lto") {
        Opts.AllowLTO = true;
      } else if (A == "no-stack-maps") {
        Opts.StackMaps = false;
      } else if (A == "frame-pointers") {
        Opts.FramePointers = true;
      } else if (A.consume_front("nosplit-budget=")) {
        if (A == "error")
          Opts.NosplitBudget = NosplitBudgetMode::Error;
        else if (A == "warn")
          Opts.NosplitBudget = NosplitBudgetMode::Warn;
        else if (A == "off")
          Opts.NosplitBudget = NosplitBudgetMode::Off;
        else
          error(Diags, "morestack: nosplit-budget= takes error, warn or off, "
                       "not '" + A + "'");
      } else {
        error(Diags, "morestack: unknown plugin argument '" + Arg +
                         "' (try -fplugin-arg-morestack-help)");
      }
    }
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef InFile) override {
    if (!checkConfiguration(CI) || !checkSanitizers(CI))
      return std::make_unique<ASTConsumer>();

    std::shared_ptr<Report> R;
    if (Opts.Report)
      R = std::make_shared<Report>();
    // The budget check needs the frame sizes, so code generation.
    frontend::ActionKind PA = CI.getFrontendOpts().ProgramAction;
    std::shared_ptr<NosplitGraph> G;
    if (Opts.NosplitBudget != NosplitBudgetMode::Off &&
        (PA == frontend::EmitObj || PA == frontend::EmitAssembly))
      G = std::make_shared<NosplitGraph>();
    if (R || G)
      installAfterCodegen(CI, R, G, InFile);
    PluginOptions PassOpts = Opts;
    // The LTO backend runs in the linker, without this plugin's GC strategy.
    const CodeGenOptions &CGO = CI.getCodeGenOpts();
    bool Maps = Opts.StackMaps && !CGO.PrepareForLTO && !CGO.PrepareForThinLTO;
    CI.getCodeGenOpts().PassBuilderCallbacks.push_back(
        [PassOpts, R, G, Maps](PassBuilder &PB) {
          PB.registerPipelineStartEPCallback(
              [](ModulePassManager &MPM, OptimizationLevel) {
                MPM.addPass(NosplitMarkingPass());
                MPM.addPass(ThreadIdentityPass());
              });
          PB.registerOptimizerLastEPCallback(
              [PassOpts, R, G, Maps](ModulePassManager &MPM, OptimizationLevel) {
                MPM.addPass(SplitStackPass(PassOpts, R, G));
                MPM.addPass(SideStackPass(/*WholeFrames=*/!Maps, R));
                MPM.addPass(StackMapPass(Maps, PassOpts.FramePointers));
              });
        });
    return std::make_unique<NosplitConsumer>(CI, G);
  }

private:
  /// Sanitizers: errors for those that cannot work with moving stacks;
  /// under those that instrument IR, the sanitizer passes go first.
  bool checkSanitizers(CompilerInstance &CI) {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    const SanitizerSet &S = CI.getLangOpts().Sanitize;
    struct Refused {
      SanitizerMask Kind;
      const char *Name, *Why;
    };
    const Refused Refusals[] = {
        {SanitizerKind::Memory | SanitizerKind::KernelMemory, "memory",
         "MemorySanitizer needs every function of the program instrumented, the "
         "morestack runtime and the C++ library included, and its shadow of a "
         "moved stack would be left behind"},
        {SanitizerKind::HWAddress | SanitizerKind::KernelHWAddress, "hwaddress",
         "tagged stack pointers are not relocated when a stack moves"},
        {SanitizerKind::KernelAddress, "kernel-address",
         "the kernel has no morestack runtime"},
        {SanitizerKind::SafeStack, "safe-stack",
         "the plugin's side stack already keeps escaping locals off the stack, "
         "and SafeStack's runtime interposes pthread_create too"},
        {SanitizerKind::DataFlow, "dataflow",
         "DataFlowSanitizer needs every library instrumented, the morestack "
         "runtime included"},
    };
    bool OK = true;
    for (const Refused &R : Refusals)
      if (S.hasOneOf(R.Kind)) {
        error(Diags, std::string("morestack: -fsanitize=") + R.Name +
                         " is not supported: " + R.Why +
                         "; address, thread and undefined are (docs/plugin.md)");
        OK = false;
      }
    const CodeGenOptions &CG = CI.getCodeGenOpts();
    if (S.has(SanitizerKind::Address) &&
        CG.getSanitizeAddressUseAfterReturn() ==
            llvm::AsanDetectStackUseAfterReturnMode::Always) {
      error(Diags, "morestack: -fsanitize-address-use-after-return=always is "
                   "not supported: ASan's fake frames remember where their "
                   "real frame was and are freed by comparing that with the "
                   "stack pointer, which is wrong once a stack has moved; "
                   "use the default (runtime), which the morestack runtime "
                   "turns off");
      OK = false;
    }
    if (!OK)
      return false;
    // No fake stacks (the runtime turns ASan's option off too): the
    // instrumentation for them allocates the real frame with a dynamic
    // alloca, and LLVM 19's register allocator crashed on it after the
    // split-stack lowering (test/e2e/exceptions.cpp at -O2).
    if (S.has(SanitizerKind::Address))
      CI.getCodeGenOpts().setSanitizeAddressUseAfterReturn(
          llvm::AsanDetectStackUseAfterReturnMode::Never);
    // Dynamic allocas live on the side stack, where ASan's redzones around
    // them would be cleared against the moving stack's pointer
    // (__asan_allocas_unpoison at a stackrestore): not instrumented.
    if (S.has(SanitizerKind::Address))
      setClangOption(Diags, "asan-instrument-dynamic-allocas", "false");
    if (S.hasOneOf(SanitizerKind::Address | SanitizerKind::Thread))
      setClangOption(Diags, "sanitizer-early-opt-ep", "true");
    return OK;
  }

  /// Sets one of clang's -mllvm options (a cl::opt of clang itself, in
  /// this process) as if it had been given on the command line.
  void setClangOption(DiagnosticsEngine &Diags, StringRef Name,
                      StringRef Value) {
    auto &Options = cl::getRegisteredOptions();
    auto It = Options.find(Name);
    if (It == Options.end() ||
        It->second->addOccurrence(0, Name, Value)) {
      error(Diags, "morestack: clang's option -" + Name +
                       " is missing: the sanitizer passes would run after "
                       "the plugin's, unchecked");
    }
  }

  /// Errors for configurations that would give unchecked or unpatchable code.
  bool checkConfiguration(CompilerInstance &CI) {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    const llvm::Triple &T = CI.getTarget().getTriple();
    const CodeGenOptions &CG = CI.getCodeGenOpts();
    bool OK = true;
    if (T.getArch() != llvm::Triple::x86_64 || !T.isOSLinux() || T.isX32()) {
      error(Diags, "morestack: unsupported target '" + T.str() +
                       "': stack checks are only implemented for x86_64 "
                       "Linux (LP64); not x32, not i386, not other "
                       "architectures");
      OK = false;
    }
    if ((CG.PrepareForLTO || CG.PrepareForThinLTO) && !Opts.AllowLTO) {
      error(Diags,
            "morestack: -flto is not supported by default: code is generated "
            "in the linker, outside the compiler that loaded the plugin; "
            "drop -flto, or pass -fplugin-arg-morestack-allow-lto and link "
            "with lld (see docs/plugin.md)");
      OK = false;
    }
    if (CG.DisableLLVMPasses) {
      // No pass pipeline runs, so neither do the plugin's passes. With
      // -save-temps the bitcode is compiled later from IR, where no plugin
      // can act: the object would have no stack checks at all.
      if (CI.getFrontendOpts().ProgramAction == frontend::EmitLLVM) {
        warning(Diags, "morestack: -disable-llvm-passes: the IR is printed "
                       "before the plugin's passes, so it has no stack checks");
      } else {
        error(Diags, "morestack: -disable-llvm-passes (which -save-temps "
                     "implies) skips the plugin's passes, and IR compiled "
                     "later is compiled without the plugin: the code would "
                     "have no stack checks; drop -save-temps / "
                     "-disable-llvm-passes");
        OK = false;
      }
    }
    return OK;
  }

  void installAfterCodegen(CompilerInstance &CI, std::shared_ptr<Report> R,
                           std::shared_ptr<NosplitGraph> G, StringRef InFile) {
    CodeGenOptions &CG = CI.getCodeGenOpts();
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    std::string SUPath = CG.StackUsageOutput;
    bool Remove = false;
    if (SUPath.empty()) {
      // Not asked for by the user: a private temporary file.
      SmallString<128> Tmp;
      if (std::error_code EC =
              sys::fs::createTemporaryFile("morestack", "su", Tmp)) {
        if (G)
          warning(Diags, "morestack: cannot create a temporary file for the "
                         "frame sizes (" + EC.message() +
                         "): the nosplit budget is not checked");
      } else {
        SUPath = std::string(Tmp);
        CG.StackUsageOutput = SUPath;
        Remove = true;
      }
    }
    DiagnosticConsumer *Old = Diags.getClient();
    std::unique_ptr<DiagnosticConsumer> Owned = Diags.takeClient();
    Diags.setClient(new AfterCodegen(Diags, Old, std::move(Owned),
                                     std::move(R), std::move(G),
                                     Opts.NosplitBudget, InFile.str(), SUPath,
                                     Remove, Opts.ReportFile),
                    /*ShouldOwnClient=*/true);
  }

  PluginOptions Opts;
};

} // namespace
} // namespace morestack

static FrontendPluginRegistry::Add<morestack::MorestackAction>
    RegisterAction("morestack", "Go-style growable stacks: stack checks in "
                                "every function prologue");

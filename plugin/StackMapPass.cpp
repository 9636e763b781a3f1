//===- StackMapPass.cpp - Ask the backend for a map of every frame --------===//
//
// What this file does: see StackMapPass.h. Per described function:
//   1. kDescribeFnAttr; a frame pointer (and kRbpFrameFnAttr) for functions
//      whose inline assembly may move %rsp (and, with frame-pointers, a
//      frame pointer for every function that calls); once per compilation,
//      push-based call sequences and spill-slot sharing off;
//   2. the lifetime markers of scanned objects are removed (no stack
//      colouring between scanned and skipped objects);
//   3. once per module: the registration constructor and destructor.
//
// Where it runs: OptimizerLast, after SplitStackPass and SideStackPass, so
// it sees the final set of functions and of the allocas left on the moving
// stack; code generation follows directly.
//
//===----------------------------------------------------------------------===//
#include "StackMapPass.h"
#include "Options.h"
#include "SideStackPass.h"

#include "morestack/abi.h"
#include "morestack/stack_map.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#define DEBUG_TYPE "morestack-stack-maps"

using namespace llvm;

STATISTIC(NumDescribed, "Functions given a stack map record");
STATISTIC(NumScanned, "Scanned objects kept out of stack colouring");

static cl::opt<bool> ClStackMaps(
    "morestack-stack-maps", cl::init(true),
    cl::desc("Emit stack map records (gc \"morestack\") for every checked and "
             "nosplit function"));

namespace morestack {
namespace {

constexpr StringLiteral kMapsDoneMetadata = "morestack.stack_maps";

bool shouldDescribe(const Function &F) {
  if (F.isDeclaration() || F.hasFnAttribute(Attribute::Naked))
    return false;
  return F.hasFnAttribute(kSplitStackFnAttr) ||
         F.hasFnAttribute(kNosplitFnAttr) ||
         F.hasFnAttribute(kVarargThunkFnAttr);
}

/// A function's frame is found from its size only if %rsp is the same at
/// all its call sites. X86CallFrameOptimization would push stack arguments
/// instead of storing them, lowering %rsp around some calls; it is a
/// code-size optimisation, so it is turned off (-no-x86-call-frame-opt).
///
/// A spill slot shared by a 4-byte value and, at another time, a pointer
/// would be neither a whole word nor pointer-free, so spill slots are not
/// shared (-no-stack-slot-sharing): FrameMapWriter lists the narrow ones as
/// pointer-free and the runtime relocates the others as words.
void setCodegenOptions() {
  static bool Done = false;
  if (Done)
    return;
  Done = true;
  StringMap<cl::Option *> &Opts = cl::getRegisteredOptions();
  for (const char *Name : {"no-x86-call-frame-opt", "no-stack-slot-sharing"}) {
    auto It = Opts.find(Name);
    if (It != Opts.end())
      It->second->addOccurrence(0, Name, "true");
  }
}

/// Whether inline assembly in F may move %rsp around a call of its own (an
/// empty asm, the usual compiler barrier, cannot). Conservative: any
/// mention of the stack pointer or of a stack instruction counts.
bool hasStackMovingAsm(const Function &F) {
  static const char *const Words[] = {"sp", "push", "pop", "call", "ret", "enter", "leave", "jmp"};
  for (const BasicBlock &BB : F)
    for (const Instruction &I : BB) {
      const auto *CB = dyn_cast<CallBase>(&I);
      if (!CB || !CB->isInlineAsm())
        continue;
      std::string Text = cast<InlineAsm>(CB->getCalledOperand())->getAsmString();
      for (char &C : Text)
        C = char(tolower((unsigned char)C));
      for (const char *W : Words)
        if (Text.find(W) != std::string::npos)
          return true;
    }
  return false;
}

void describe(Function &F, bool FramePointers) {
  ++NumDescribed;
  F.addFnAttr(kDescribeFnAttr);
  // The runtime finds a frame from its size (CFA = %rsp + frame size at
  // call sites). Inline assembly may move %rsp around a call it makes: such
  // functions keep a frame pointer and are found from it.
  if (hasStackMovingAsm(F)) {
    F.addFnAttr(kRbpFrameFnAttr);
    F.addFnAttr("frame-pointer", "all");
  } else if (FramePointers && F.getFnAttribute("frame-pointer").getValueAsString() != "all") {
    F.addFnAttr("frame-pointer", "non-leaf");
  }
  // Stack colouring may give a slot to several objects and tell the map
  // only one of them: a scanned object must not share with the others
  // (skipped).
  for (Instruction &I : F.getEntryBlock())
    if (auto *AI = dyn_cast<AllocaInst>(&I); AI && AI->hasMetadata(kScannedMetadata)) {
      ++NumScanned;
      eraseLifetimeMarkers(AI);
    }
}

/// void @morestack.register_maps() { __morestack_register_maps(start, stop) }
/// in a COMDAT of its own: one per linked module, each with that module's
/// hidden __start_/__stop_ symbols.
void emitRegistration(Module &M, StringRef Name, StringRef Callee, bool Ctor) {
  if (M.getFunction(Name))
    return;
  LLVMContext &Ctx = M.getContext();
  Type *Ptr = PointerType::getUnqual(Ctx);
  auto Bound = [&](StringRef Sym) {
    auto *GV = cast<GlobalVariable>(M.getOrInsertGlobal(Sym, Type::getInt8Ty(Ctx)));
    GV->setLinkage(GlobalValue::ExternalWeakLinkage);
    GV->setVisibility(GlobalValue::HiddenVisibility);
    return GV;
  };
  GlobalVariable *Start = Bound("__start_" MORESTACK_MAP_SECTION);
  GlobalVariable *Stop = Bound("__stop_" MORESTACK_MAP_SECTION);

  // A weak reference: objects built with the plugin still link (and run,
  // unmapped) without the morestack runtime, e.g. against libgcc's.
  Function *Runtime = cast<Function>(
      M.getOrInsertFunction(Callee, FunctionType::get(Type::getVoidTy(Ctx), {Ptr, Ptr}, false))
          .getCallee());
  Runtime->setLinkage(GlobalValue::ExternalWeakLinkage);
  Function *F = Function::Create(FunctionType::get(Type::getVoidTy(Ctx), false),
                                 GlobalValue::LinkOnceODRLinkage, Name, M);
  F->setVisibility(GlobalValue::HiddenVisibility);
  F->setComdat(M.getOrInsertComdat(Name));
  F->addFnAttr(Attribute::NoUnwind);
  BasicBlock *Entry = BasicBlock::Create(Ctx, "", F);
  BasicBlock *Call = BasicBlock::Create(Ctx, "", F);
  BasicBlock *Done = BasicBlock::Create(Ctx, "", F);
  IRBuilder<> B(Entry);
  B.CreateCondBr(B.CreateIsNotNull(Runtime), Call, Done);
  B.SetInsertPoint(Call);
  B.CreateCall(Runtime, {Start, Stop});
  B.CreateBr(Done);
  B.SetInsertPoint(Done);
  B.CreateRetVoid();
  // Priority 101, the first user priority: other constructors may already
  // grow stacks, and frames of modules not yet registered are merely
  // scanned conservatively.
  if (Ctor) {
    appendToGlobalCtors(M, F, 101, F);
    // The only function with this GC: it makes the backend instantiate the
    // strategy, whose printer installs FrameMapWriter (it has no gcroots,
    // so GC lowering leaves it alone).
    F->setGC(MORESTACK_MAP_GC_NAME);
  } else {
    appendToGlobalDtors(M, F, 101, F);
  }
}

} // namespace

PreservedAnalyses StackMapPass::run(Module &M, ModuleAnalysisManager &) {
  if (!Enabled || !ClStackMaps || M.getNamedMetadata(kMapsDoneMetadata))
    return PreservedAnalyses::all();
  M.getOrInsertNamedMetadata(kMapsDoneMetadata);
  setCodegenOptions();
  bool Any = false;
  for (Function &F : M)
    if (shouldDescribe(F)) {
      describe(F, FramePointers);
      Any = true;
    }
  if (Any) {
    emitRegistration(M, "morestack.register_maps", MORESTACK_MAP_REGISTER, true);
    emitRegistration(M, "morestack.unregister_maps", MORESTACK_MAP_UNREGISTER, false);
  }
  return PreservedAnalyses::none();
}

} // namespace morestack

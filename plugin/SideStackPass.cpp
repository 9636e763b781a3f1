//===- SideStackPass.cpp - Escaping locals live where nothing moves -------===//
//
// What this file does: see SideStackPass.h. Per function that runs on a
// managed stack:
//   1. EscapeAnalysis.h decides each alloca;
//   2. the static escaping objects (and copies of escaping byval
//      arguments) are laid out in one side frame, allocated after the
//      prologue; the dynamic ones are bumped where they were;
//   3. returns, musttail calls, catching landing pads and setjmp's second
//      return put the side pointer and limit back; setjmp buffers are
//      registered;
//   4. debug info, lifetime markers and the report follow.
//
// Where it runs: OptimizerLast, after SplitStackPass (which decided which
// functions run on managed stacks) and before StackMapPass.
//
//===----------------------------------------------------------------------===//
#include "SideStackPass.h"
#include "EscapeAnalysis.h"
#include "Options.h"
#include "RuntimeStubs.h"
#include "Unchecked.h"

#include "morestack/abi.h"
#include "morestack/glibc_facts.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Local.h"

#include <map>

#define DEBUG_TYPE "morestack-side-stack"

using namespace llvm;

STATISTIC(NumSideStatic, "Static objects moved to the side stack");
STATISTIC(NumSideDynamic, "Dynamic objects moved to the side stack");
STATISTIC(NumMoving, "Objects left on the moving stack");
STATISTIC(NumJmpBufs, "setjmp buffers registered");

namespace morestack {
namespace {

// glibc's __jmp_buf, first in a jmp_buf: the registers setjmp saves.
constexpr uint64_t kJmpBufRegisterBytes = MORESTACK_GLIBC_JB_WORDS * 8;

/// setjmp and friends: their first argument is a jmp_buf.
bool isSetjmp(const CallBase &CB) {
  const Function *Callee = CB.getCalledFunction();
  if (!Callee || CB.arg_empty() || !CB.getArgOperand(0)->getType()->isPointerTy())
    return false;
  StringRef N = Callee->getName();
  return N == "setjmp" || N == "_setjmp" || N == "sigsetjmp" || N == "__sigsetjmp";
}

bool returnsTwice(const CallBase &CB) {
  return CB.hasFnAttr(Attribute::ReturnsTwice) ||
         (CB.getCalledFunction() && CB.getCalledFunction()->hasFnAttribute(Attribute::ReturnsTwice));
}

/// A landing pad where execution may go on in this function (it catches).
bool mayCatch(const LandingPadInst &LP) { return LP.getNumClauses() > 0; }

class Rewriter {
public:
  Rewriter(Function &F, FunctionEscapes &&E)
      : F(F), M(*F.getParent()), Ctx(F.getContext()), DL(M.getDataLayout()), E(std::move(E)),
        I64(Type::getInt64Ty(Ctx)), Ptr(PointerType::getUnqual(Ctx)) {}

  void run();

private:
  Constant *slot(unsigned Offset) {
    return ConstantExpr::getIntToPtr(ConstantInt::get(I64, Offset), PointerType::get(Ctx, 257));
  }
  Value *loadSp(IRBuilder<> &B) { return B.CreateLoad(Ptr, slot(MORESTACK_SIDE_SP_TLS_OFFSET), "side.sp"); }
  Value *loadLimit(IRBuilder<> &B) {
    return B.CreateLoad(Ptr, slot(MORESTACK_SIDE_LIMIT_TLS_OFFSET), "side.lim");
  }
  void storeState(IRBuilder<> &B, Value *Sp, Value *Limit) {
    B.CreateStore(Sp, slot(MORESTACK_SIDE_SP_TLS_OFFSET));
    B.CreateStore(Limit, slot(MORESTACK_SIDE_LIMIT_TLS_OFFSET));
  }
  FunctionCallee sideMore() {
    return M.getOrInsertFunction(MORESTACK_FN_SIDE_MORE,
                                 AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind),
                                 Type::getVoidTy(Ctx), I64);
  }

  /// At B's insertion point: make room for Need bytes below the side
  /// pointer (calling the runtime if needed). Returns the (sp, limit) to
  /// allocate from; B is left after the check, in a new block.
  std::pair<Value *, Value *> ensureRoom(IRBuilder<> &B, Value *Need);

  void layoutStaticFrame();
  void bumpDynamic(AllocaInst *AI);
  void restoreAt(Instruction *Before);
  void resumeAt(Instruction *Before);
  void placeRestores();
  void rewriteStackSaves();
  void registerJmpBufs();
  void fixDebugInfo(AllocaInst *AI, Value *Base, uint64_t Offset);

  Function &F;
  Module &M;
  LLVMContext &Ctx;
  const DataLayout &DL;
  FunctionEscapes E;
  Type *I64;
  PointerType *Ptr;
  // At returns: the side pointer and limit the frame allocated from.
  Value *RestoreSp = nullptr, *RestoreLimit = nullptr;
  // Where execution resumes in F (a catching landing pad, setjmp's second
  // return): the side pointer just below F's own objects (its static
  // frame, or the last dynamic object, tracked in ResumeSlots).
  Value *FrameSp = nullptr;
  AllocaInst *ResumeSlots = nullptr; // {sp, limit}, with dynamic objects
  // Static setjmp buffers of the side frame: their saved registers are
  // cleared on the way out (placeRestores).
  SmallVector<std::pair<Value *, uint64_t>, 2> JmpBufObjects;
  AllocaInst *BaseSlot = nullptr;    // for debug info
};

std::pair<Value *, Value *> Rewriter::ensureRoom(IRBuilder<> &B, Value *Need) {
  Value *Sp = loadSp(B);
  Value *Limit = loadLimit(B);
  Value *Room = B.CreateSub(B.CreatePtrToInt(Sp, I64), B.CreatePtrToInt(Limit, I64), "side.room");
  Value *Fits = B.CreateICmpUGE(Room, Need, "side.fits");
  Instruction *At = &*B.GetInsertPoint();
  BasicBlock *Head = At->getParent();
  BasicBlock *Tail = Head->splitBasicBlock(At, "side.alloc");
  BasicBlock *Slow = BasicBlock::Create(Ctx, "side.more", &F, Tail);
  Head->getTerminator()->eraseFromParent();
  IRBuilder<> HB(Head);
  HB.CreateCondBr(Fits, Tail, Slow, MDBuilder(Ctx).createBranchWeights(1u << 20, 1));
  IRBuilder<> SB(Slow);
  SB.CreateCall(sideMore(), {Need});
  Value *NewSp = loadSp(SB);
  Value *NewLimit = loadLimit(SB);
  SB.CreateBr(Tail);
  B.SetInsertPoint(&*Tail->getFirstInsertionPt());
  PHINode *SpPhi = B.CreatePHI(Ptr, 2, "side.top");
  SpPhi->addIncoming(Sp, Head);
  SpPhi->addIncoming(NewSp, Slow);
  PHINode *LimitPhi = B.CreatePHI(Ptr, 2, "side.limit");
  LimitPhi->addIncoming(Limit, Head);
  LimitPhi->addIncoming(NewLimit, Slow);
  return {SpPhi, LimitPhi};
}

void Rewriter::fixDebugInfo(AllocaInst *AI, Value *Base, uint64_t Offset) {
  if (findDbgDeclares(AI).empty() && findDVRDeclares(AI).empty())
    return;
  if (!BaseSlot) {
    // A moving-stack slot holding the side frame's base: what debuggers
    // follow (it holds no moving-stack address).
    IRBuilder<> EB(&*F.getEntryBlock().getFirstInsertionPt());
    BaseSlot = EB.CreateAlloca(Ptr, nullptr, "side.base.slot");
    IRBuilder<> B(cast<Instruction>(Base)->getNextNode());
    B.CreateStore(Base, BaseSlot);
  }
  DIBuilder DIB(M, /*AllowUnresolved=*/false);
  replaceDbgDeclare(AI, BaseSlot, DIB, DIExpression::ApplyOffset | DIExpression::DerefBefore,
                    (int)Offset);
}

void Rewriter::layoutStaticFrame() {
  SmallVector<AllocaInst *, 8> Objects;
  for (const AllocaDecision &D : E.Allocas)
    if (D.Where == Placement::Side && D.AI->isStaticAlloca())
      Objects.push_back(D.AI);
  // Escaping byval arguments get a copy in the frame: a stand-in alloca
  // laid out with the others.
  SmallVector<std::pair<Argument *, AllocaInst *>, 2> Byvals;
  IRBuilder<> EB(&*F.getEntryBlock().getFirstInsertionPt());
  for (Argument *A : E.EscapingByval) {
    AllocaInst *Copy = EB.CreateAlloca(A->getParamByValType(), nullptr, A->getName() + ".side");
    Copy->setAlignment(std::max(Align(kStackAlign), A->getParamAlign().valueOrOne()));
    Byvals.push_back({A, Copy});
    Objects.push_back(Copy);
  }
  // Objects with lifetime markers that start after entry are still given
  // slots of their own (no colouring on the side stack).
  IRBuilder<> B(&*F.getEntryBlock().getFirstNonPHIOrDbgOrAlloca());
  if (Objects.empty()) {
    RestoreSp = FrameSp = loadSp(B);
    RestoreLimit = loadLimit(B);
    return;
  }
  // Most aligned first (no padding between them), in program order among equals.
  DenseMap<const AllocaInst *, size_t> Order;
  for (AllocaInst *AI : Objects)
    Order.try_emplace(AI, Order.size());
  llvm::sort(Objects, [&](AllocaInst *A, AllocaInst *Bb) {
    if (A->getAlign() != Bb->getAlign())
      return A->getAlign() > Bb->getAlign();
    return Order[A] < Order[Bb];
  });
  uint64_t Size = 0, MaxAlign = kStackAlign;
  SmallVector<uint64_t, 8> Offsets;
  for (AllocaInst *AI : Objects) {
    uint64_t A = AI->getAlign().value();
    MaxAlign = std::max(MaxAlign, A);
    Size = alignTo(Size, A);
    Offsets.push_back(Size);
    Size += AI->getAllocationSize(DL)->getFixedValue();
  }
  Size = alignTo(Size, kStackAlign);
  const uint64_t Need = Size + (MaxAlign - kStackAlign);
  auto [Sp, Limit] = ensureRoom(B, ConstantInt::get(I64, Need));
  RestoreSp = Sp;
  RestoreLimit = Limit;
  Value *Base = B.CreateGEP(B.getInt8Ty(), Sp, ConstantInt::get(I64, -(int64_t)Size), "side.frame");
  if (MaxAlign > kStackAlign)
    Base = B.CreateIntrinsic(Intrinsic::ptrmask, {Ptr, I64},
                             {Base, ConstantInt::get(I64, ~(MaxAlign - 1))}, nullptr, "side.frame");
  B.CreateStore(Base, slot(MORESTACK_SIDE_SP_TLS_OFFSET));
  FrameSp = Base;
  SmallVector<Value *, 8> Placed;
  for (size_t I = 0; I < Objects.size(); ++I)
    Placed.push_back(B.CreateGEP(B.getInt8Ty(), Base, ConstantInt::get(I64, Offsets[I]),
                                 Objects[I]->getName() + ".side"));
  for (auto [A, Copy] : Byvals) {
    // Uses of the argument go to the copy, which is filled first.
    Value *Obj = Placed[std::find(Objects.begin(), Objects.end(), Copy) - Objects.begin()];
    A->replaceAllUsesWith(Copy);
    B.CreateMemCpy(Obj, Copy->getAlign(), A, A->getParamAlign().valueOrOne(),
                   DL.getTypeAllocSize(A->getParamByValType()));
  }
  SmallPtrSet<const AllocaInst *, 2> JmpBufs;
  for (const AllocaDecision &D : E.Allocas)
    if (D.Why == EscapeReason::ReturnsTwice)
      JmpBufs.insert(D.AI);
  for (size_t I = 0; I < Objects.size(); ++I) {
    AllocaInst *AI = Objects[I];
    Value *Obj = Placed[I];
    if (JmpBufs.contains(AI))
      JmpBufObjects.push_back({Obj, AI->getAllocationSize(DL)->getFixedValue()});
    fixDebugInfo(AI, Base, Offsets[I]);
    eraseLifetimeMarkers(AI);
    AI->replaceAllUsesWith(Obj);
    AI->eraseFromParent();
    ++NumSideStatic;
  }
}

void Rewriter::bumpDynamic(AllocaInst *AI) {
  IRBuilder<> B(AI);
  B.SetCurrentDebugLocation(AI->getDebugLoc());
  uint64_t Elt = DL.getTypeAllocSize(AI->getAllocatedType());
  uint64_t A = std::max<uint64_t>(AI->getAlign().value(), kStackAlign);
  Value *Count = B.CreateZExtOrTrunc(AI->getArraySize(), I64);
  Value *Bytes = Elt == 1 ? Count : B.CreateMul(Count, ConstantInt::get(I64, Elt));
  Bytes = B.CreateAnd(B.CreateAdd(Bytes, ConstantInt::get(I64, kStackAlign - 1)),
                      ConstantInt::get(I64, ~(kStackAlign - 1)), "side.bytes");
  Value *Need = A > kStackAlign ? B.CreateAdd(Bytes, ConstantInt::get(I64, A - kStackAlign)) : Bytes;
  auto [Sp, Limit] = ensureRoom(B, Need);
  (void)Limit;
  Value *P = B.CreateGEP(B.getInt8Ty(), Sp, B.CreateNeg(Bytes), "side.dynamic");
  if (A > kStackAlign)
    P = B.CreateIntrinsic(Intrinsic::ptrmask, {Ptr, I64}, {P, ConstantInt::get(I64, ~(A - 1))});
  B.CreateStore(P, slot(MORESTACK_SIDE_SP_TLS_OFFSET));
  if (ResumeSlots) {
    B.CreateStore(P, ResumeSlots);
    B.CreateStore(Limit, B.CreateConstGEP1_64(Ptr, ResumeSlots, 1));
  }
  eraseLifetimeMarkers(AI);
  P->takeName(AI);
  AI->replaceAllUsesWith(P);
  AI->eraseFromParent();
  ++NumSideDynamic;
}

void Rewriter::restoreAt(Instruction *Before) {
  IRBuilder<> B(Before);
  storeState(B, RestoreSp, RestoreLimit);
}

void Rewriter::resumeAt(Instruction *Before) {
  IRBuilder<> B(Before);
  if (ResumeSlots)
    storeState(B, B.CreateLoad(Ptr, ResumeSlots),
               B.CreateLoad(Ptr, B.CreateConstGEP1_64(Ptr, ResumeSlots, 1)));
  else
    storeState(B, FrameSp, RestoreLimit);
}

void Rewriter::placeRestores() {
  SmallVector<Instruction *, 8> Exits, AfterCalls, Pads;
  for (Instruction &I : instructions(F)) {
    if (isa<ReturnInst>(I))
      Exits.push_back(&I);
    else if (auto *CI = dyn_cast<CallInst>(&I); CI && CI->isMustTailCall())
      Exits.push_back(CI);
    else if (auto *CB = dyn_cast<CallInst>(&I); CB && returnsTwice(*CB))
      AfterCalls.push_back(CB->getNextNode());
    else if (auto *LP = dyn_cast<LandingPadInst>(&I); LP && mayCatch(*LP))
      Pads.push_back(LP->getNextNode());
  }
  for (Instruction *I : Exits) {
    // A returning frame's setjmp buffers die here, but their bytes would
    // stay in side memory: the registers they saved (stack addresses,
    // which the runtime relocated while the frame lived) are cleared, so
    // that no later object that leaves those bytes unwritten inherits
    // them, and the runtime's registry sees the buffer as gone.
    IRBuilder<> B(I);
    for (auto [Obj, Size] : JmpBufObjects)
      B.CreateMemSet(Obj, B.getInt8(0), std::min<uint64_t>(Size, kJmpBufRegisterBytes), MaybeAlign(8),
                     /*isVolatile=*/true);
    restoreAt(I);
  }
  for (Instruction *I : AfterCalls)
    resumeAt(I);
  for (Instruction *I : Pads)
    resumeAt(I);
}

void Rewriter::rewriteStackSaves() {
  SmallVector<IntrinsicInst *, 4> Saves, Restores;
  for (Instruction &I : instructions(F))
    if (auto *II = dyn_cast<IntrinsicInst>(&I)) {
      if (II->getIntrinsicID() == Intrinsic::stacksave)
        Saves.push_back(II);
      else if (II->getIntrinsicID() == Intrinsic::stackrestore)
        Restores.push_back(II);
    }
  for (IntrinsicInst *II : Saves) {
    IRBuilder<> B(II);
    Value *Sp = loadSp(B);
    if (Sp->getType() != II->getType())
      Sp = B.CreateAddrSpaceCast(Sp, II->getType());
    II->replaceAllUsesWith(Sp);
    II->eraseFromParent();
  }
  for (IntrinsicInst *II : Restores) {
    // if (lim != 0 && p >= lim && p <= top of lim's chunk) side sp = p
    IRBuilder<> B(II);
    Value *P = B.CreatePtrToInt(II->getArgOperand(0), I64);
    Value *Limit = B.CreatePtrToInt(loadLimit(B), I64);
    Value *Above = B.CreateAnd(B.CreateICmpNE(Limit, ConstantInt::get(I64, 0)),
                               B.CreateICmpUGE(P, Limit), "side.restore.above");
    Instruction *Then = SplitBlockAndInsertIfThen(Above, II, /*Unreachable=*/false);
    B.SetInsertPoint(Then);
    Value *SizeAt = B.CreateIntToPtr(
        B.CreateAdd(Limit, ConstantInt::get(I64, (uint64_t)(int64_t)MORESTACK_SIDE_CHUNK_SIZE_AT)), Ptr);
    Value *Top = B.CreateAdd(B.CreateSub(Limit, ConstantInt::get(I64, MORESTACK_SIDE_CHUNK_HEADER)),
                             B.CreateLoad(I64, SizeAt), "side.chunk.top");
    Value *Keep = B.CreatePtrToInt(loadSp(B), I64);
    Value *NewSp = B.CreateSelect(B.CreateICmpULE(P, Top), P, Keep, "side.restore");
    B.CreateStore(B.CreateIntToPtr(NewSp, Ptr), slot(MORESTACK_SIDE_SP_TLS_OFFSET));
    II->eraseFromParent();
  }
}

void Rewriter::registerJmpBufs() {
  FunctionCallee Register = M.getOrInsertFunction(
      MORESTACK_FN_REGISTER_JMP_BUF, AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind),
      Type::getVoidTy(Ctx), Ptr);
  SmallVector<CallBase *, 2> Setjmps;
  for (Instruction &I : instructions(F))
    if (auto *CB = dyn_cast<CallBase>(&I); CB && isSetjmp(*CB))
      Setjmps.push_back(CB);
  for (CallBase *CB : Setjmps) {
    IRBuilder<> B(CB);
    B.CreateCall(Register, {CB->getArgOperand(0)});
    ++NumJmpBufs;
  }
}

void Rewriter::run() {
  bool Catches = false, Twice = false;
  for (Instruction &I : instructions(F)) {
    if (auto *LP = dyn_cast<LandingPadInst>(&I); LP && mayCatch(*LP))
      Catches = true;
    if (auto *CB = dyn_cast<CallBase>(&I); CB && returnsTwice(*CB))
      Twice = true;
  }
  bool AnySide = E.count(Placement::Side) || !E.EscapingByval.empty();
  for (const AllocaDecision &D : E.Allocas) {
    if (D.Where == Placement::Scanned)
      D.AI->setMetadata(kScannedMetadata, MDNode::get(Ctx, {}));
    if (D.Where != Placement::Side)
      ++NumMoving;
  }
  registerJmpBufs();
  rewriteStackSaves();
  if (!AnySide && !Catches && !Twice)
    return;
  SmallVector<AllocaInst *, 4> Dynamic;  // before the entry block is split
  for (const AllocaDecision &D : E.Allocas)
    if (D.Where == Placement::Side && !D.AI->isStaticAlloca())
      Dynamic.push_back(D.AI);
  layoutStaticFrame();
  if (!Dynamic.empty() && (Catches || Twice)) {
    // Dynamic objects made before a throw or a longjmp stay allocated where
    // F resumes: the side pointer after the latest one is kept here.
    IRBuilder<> EB(&*F.getEntryBlock().getFirstInsertionPt());
    ResumeSlots = EB.CreateAlloca(Ptr, EB.getInt32(2), "side.resume");
    // After both values: without static side objects the limit is loaded
    // after the pointer (a use before its definition crashed the backend
    // under TSan, test/e2e/escape-c.c).
    Instruction *After = cast<Instruction>(FrameSp);
    if (auto *L = dyn_cast<Instruction>(RestoreLimit);
        L && L->getParent() == After->getParent() && After->comesBefore(L))
      After = L;
    IRBuilder<> B(After->getNextNode());
    B.CreateStore(FrameSp, ResumeSlots);
    B.CreateStore(RestoreLimit, B.CreateConstGEP1_64(Ptr, ResumeSlots, 1));
  }
  for (AllocaInst *AI : Dynamic)
    bumpDynamic(AI);
  placeRestores();
}

/// For the report: " (<reason>: <n>, ...)" for the side objects, then
/// ", <k> scanned" for the moving objects that may hold stack addresses.
std::string describe(const FunctionEscapes &E) {
  std::map<EscapeReason, unsigned> Why;
  for (const AllocaDecision &D : E.Allocas)
    if (D.Where == Placement::Side)
      ++Why[D.Why];
  std::string S;
  raw_string_ostream OS(S);
  const char *Sep = " (";
  for (auto [R, N] : Why) {
    OS << Sep << escapeReasonName(R) << ": " << N;
    Sep = ", ";
  }
  if (!E.EscapingByval.empty())
    OS << Sep << "byval argument: " << E.EscapingByval.size();
  if (!Why.empty() || !E.EscapingByval.empty())
    OS << ')';
  if (unsigned K = E.count(Placement::Scanned))
    OS << ", " << K << " scanned";
  return S;
}

} // namespace

void eraseLifetimeMarkers(AllocaInst *AI) {
  SmallVector<Instruction *, 8> Dead;
  for (User *U : AI->users())
    if (auto *II = dyn_cast<IntrinsicInst>(U); II && II->isLifetimeStartOrEnd())
      Dead.push_back(II);
  for (Instruction *I : Dead)
    I->eraseFromParent();
}

PreservedAnalyses SideStackPass::run(Module &M, ModuleAnalysisManager &) {
  bool Changed = false;
  for (Function &F : M) {
    // Naked functions have no objects to move.
    if (!runsOnManagedStack(F) || F.hasFnAttribute(Attribute::Naked))
      continue;
    FunctionEscapes E = analyzeEscapes(F, WholeFrames);
    if (TheReport)
      TheReport->addObjects(F.getName(), E.count(Placement::Moving) + E.count(Placement::Scanned),
                            E.count(Placement::Side) + E.EscapingByval.size(), describe(E));
    Rewriter(F, std::move(E)).run();
    Changed = true;
  }
  if (Changed)
    emitRuntimeStubs(M); // for the entries this pass calls, if not yet there
  return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace morestack

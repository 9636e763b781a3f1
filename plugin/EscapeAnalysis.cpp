//===- EscapeAnalysis.cpp - Which stack objects may not move --------------===//
//
// What this file does: see EscapeAnalysis.h.
//
//===----------------------------------------------------------------------===//
#include "EscapeAnalysis.h"
#include "Unchecked.h"

#include "llvm/Analysis/CaptureTracking.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"

using namespace llvm;

namespace morestack {
namespace {

bool passedToReturnsTwice(const AllocaInst &AI) {
  SmallVector<const Value *, 8> Work = {&AI};
  SmallPtrSet<const Value *, 8> Seen;
  while (!Work.empty()) {
    const Value *V = Work.pop_back_val();
    if (!Seen.insert(V).second)
      continue;
    for (const User *U : V->users()) {
      if (const auto *CB = dyn_cast<CallBase>(U)) {
        if (CB->hasFnAttr(Attribute::ReturnsTwice) ||
            (CB->getCalledFunction() && CB->getCalledFunction()->hasFnAttribute(Attribute::ReturnsTwice)))
          return true;
      } else if (isa<GetElementPtrInst>(U) || isa<BitCastInst>(U) || isa<AddrSpaceCastInst>(U) ||
                 isa<PHINode>(U) || isa<SelectInst>(U)) {
        Work.push_back(U);
      }
    }
  }
  return false;
}

/// PointerMayBeCaptured, but a volatile access through the pointer is not a
/// capture here: LLVM's tracker counts it (the address becomes observable),
/// while for moving a stack only where the address may be kept matters, and
/// a load or store keeps it nowhere. (Tests and benchmarks use volatile
/// locals to keep the optimiser away; they must not leave the moving stack
/// for that.)
class MoveCaptureTracker : public CaptureTracker {
public:
  bool Captured = false;
  void tooManyUses() override { Captured = true; }
  bool captured(const Use *U) override {
    const User *I = U->getUser();
    bool AddressOfVolatile =
        (isa<LoadInst>(I) && cast<LoadInst>(I)->isVolatile()) ||
        (isa<StoreInst>(I) && cast<StoreInst>(I)->isVolatile() && U->getOperandNo() == 1) ||
        (isa<MemIntrinsic>(I) && cast<MemIntrinsic>(I)->isVolatile() &&
         U->getOperandNo() < 2);
    if (AddressOfVolatile)
      return false;
    Captured = true;
    return true;
  }
};

bool mayBeCaptured(const Value *V) {
  MoveCaptureTracker T;
  PointerMayBeCaptured(V, &T);
  return T.Captured;
}

/// Whether a constant offset from AI (through GEPs with constant indices)
/// lies outside [0, size].
bool constantOffsetOutside(const AllocaInst &AI, const DataLayout &DL) {
  std::optional<TypeSize> Size = AI.getAllocationSize(DL);
  if (!Size || Size->isScalable())
    return false;
  const int64_t Bytes = (int64_t)Size->getFixedValue();
  SmallVector<std::pair<const Value *, int64_t>, 8> Work = {{&AI, 0}};
  SmallPtrSet<const Value *, 16> Seen;
  while (!Work.empty()) {
    auto [V, Base] = Work.pop_back_val();
    if (!Seen.insert(V).second)
      continue;
    for (const User *U : V->users()) {
      const auto *GEP = dyn_cast<GEPOperator>(U);
      if (!GEP || GEP->getPointerOperand() != V)
        continue;
      APInt Off(DL.getIndexTypeSizeInBits(GEP->getType()), 0);
      if (!GEP->accumulateConstantOffset(DL, Off))
        continue; // a variable offset: not checked (see the header)
      int64_t At = Base + Off.getSExtValue();
      if (At < 0 || At > Bytes)
        return true;
      Work.push_back({U, At});
    }
  }
  return false;
}

/// The va_list objects of F: what llvm.va_start and llvm.va_copy write.
SmallPtrSet<const AllocaInst *, 4> vaLists(Function &F) {
  SmallPtrSet<const AllocaInst *, 4> Result;
  for (Instruction &I : instructions(F))
    if (auto *II = dyn_cast<IntrinsicInst>(&I))
      if (II->getIntrinsicID() == Intrinsic::vastart || II->getIntrinsicID() == Intrinsic::vacopy)
        if (auto *AI = dyn_cast<AllocaInst>(getUnderlyingObject(II->getArgOperand(0))))
          Result.insert(AI);
  return Result;
}

/// Marks as Scanned the Moving objects into which F stores a pointer that
/// may be a moving-stack address (see the header), to a fixed point: a
/// pointer loaded from a scanned object may be one too.
void markScanned(FunctionEscapes &E) {
  DenseMap<const AllocaInst *, AllocaDecision *> ByAlloca;
  for (AllocaDecision &D : E.Allocas)
    ByAlloca[D.AI] = &D;
  auto IsScanned = [&](const Value *Obj) {
    auto It = ByAlloca.find(dyn_cast<AllocaInst>(Obj));
    return It != ByAlloca.end() && It->second->Where == Placement::Scanned;
  };
  auto MayBeMovingAddress = [&](const Value *V) {
    SmallVector<const Value *, 4> Objs;
    getUnderlyingObjects(V, Objs);
    for (const Value *O : Objs) {
      if (isa<Argument>(O) || IsScanned(O))
        return true;
      if (const auto *L = dyn_cast<LoadInst>(O); L && IsScanned(getUnderlyingObject(L->getPointerOperand())))
        return true;
    }
    return false;
  };
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (AllocaDecision &D : E.Allocas) {
      if (D.Where != Placement::Moving)
        continue;
      for (const User *U : D.AI->users()) {
        SmallVector<const User *, 8> Work = {U};
        bool Found = false;
        while (!Work.empty() && !Found) {
          const User *W = Work.pop_back_val();
          if (const auto *St = dyn_cast<StoreInst>(W))
            Found = St->getValueOperand()->getType()->isPtrOrPtrVectorTy() &&
                    getUnderlyingObject(St->getPointerOperand()) == D.AI &&
                    MayBeMovingAddress(St->getValueOperand());
          else if (isa<GetElementPtrInst>(W) || isa<BitCastInst>(W))
            for (const User *UU : W->users())
              Work.push_back(UU);
        }
        if (Found) {
          D.Where = Placement::Scanned;
          Changed = true;
          break;
        }
      }
    }
  }
}

} // namespace

StringRef escapeReasonName(EscapeReason R) {
  switch (R) {
  case EscapeReason::None: return "stays";
  case EscapeReason::Captured: return "address captured";
  case EscapeReason::ReturnsTwice: return "setjmp buffer";
  case EscapeReason::OutOfBounds: return "accessed beyond its bounds";
  case EscapeReason::Dynamic: return "dynamic size";
  case EscapeReason::OverAligned: return "over-aligned";
  case EscapeReason::Huge: return "too large for the moving frame";
  case EscapeReason::WholeFrame: return "frame not described";
  }
  return "?";
}

unsigned FunctionEscapes::count(Placement P) const {
  unsigned N = 0;
  for (const AllocaDecision &D : Allocas)
    N += D.Where == P;
  return N;
}

FunctionEscapes analyzeEscapes(Function &F, bool WholeFrame) {
  FunctionEscapes Result;
  const DataLayout &DL = F.getParent()->getDataLayout();
  // The largest static objects leave first when the frame is too large.
  SmallVector<std::pair<uint64_t, AllocaInst *>, 8> Static;
  uint64_t FrameBytes = 0;
  for (Instruction &I : F.getEntryBlock())
    if (auto *AI = dyn_cast<AllocaInst>(&I); AI && AI->isStaticAlloca())
      if (std::optional<TypeSize> S = AI->getAllocationSize(DL); S && !S->isScalable()) {
        Static.push_back({S->getFixedValue(), AI});
        FrameBytes += S->getFixedValue();
      }
  SmallPtrSet<const AllocaInst *, 4> TooLarge;
  llvm::sort(Static, [](const auto &A, const auto &B) { return A.first > B.first; });
  for (auto &[Bytes, AI] : Static) {
    if (FrameBytes <= kHugeFrame)
      break;
    TooLarge.insert(AI);
    FrameBytes -= Bytes;
  }
  const SmallPtrSet<const AllocaInst *, 4> VaLists = vaLists(F);
  for (Instruction &I : instructions(F)) {
    auto *AI = dyn_cast<AllocaInst>(&I);
    if (!AI)
      continue;
    AllocaDecision D = {AI, Placement::Moving, EscapeReason::None};
    if (AI->isSwiftError())
      ; // must stay an alloca; holds no address
    else if (VaLists.count(AI))
      D.Where = Placement::Scanned;
    else if (WholeFrame)
      D.Why = EscapeReason::WholeFrame;
    else if (!AI->isStaticAlloca())
      D.Why = EscapeReason::Dynamic;
    else if (realignsFrame(AI->getAlign().value()))
      D.Why = EscapeReason::OverAligned;
    else if (TooLarge.count(AI))
      D.Why = EscapeReason::Huge;
    else if (passedToReturnsTwice(*AI))
      D.Why = EscapeReason::ReturnsTwice;
    else if (mayBeCaptured(AI))
      D.Why = EscapeReason::Captured;
    else if (constantOffsetOutside(*AI, DL))
      D.Why = EscapeReason::OutOfBounds;
    if (D.Why != EscapeReason::None)
      D.Where = Placement::Side;
    Result.Allocas.push_back(D);
  }
  for (Argument &A : F.args())
    if (A.hasByValAttr() && mayBeCaptured(&A))
      Result.EscapingByval.push_back(&A);
  markScanned(Result);
  return Result;
}

} // namespace morestack

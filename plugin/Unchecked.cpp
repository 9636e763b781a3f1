//===- Unchecked.cpp - Why a function has no stack check ------------------===//
//
// What this file does: see Unchecked.h.
//
//===----------------------------------------------------------------------===//
#include "Unchecked.h"
#include "EscapeAnalysis.h"
#include "Options.h"

#include "morestack/abi.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace llvm;

namespace morestack {

namespace {

/// Calling conventions whose arguments leave %r10, %r11 and %rax free at
/// entry: the split-stack prologue uses them as scratch registers.
bool isSupportedCallingConv(CallingConv::ID CC) {
  switch (CC) {
  case CallingConv::C:
  case CallingConv::Fast:
  case CallingConv::Cold:
  case CallingConv::Tail:
  case CallingConv::X86_64_SysV:
  case CallingConv::Swift:
  case CallingConv::SwiftTail:
    return true;
  default:
    return false;
  }
}

} // namespace

std::optional<SkipReason>
decideSkip(const Function &F, const SmallPtrSetImpl<Function *> &IfuncResolvers) {
  if (F.getName().starts_with(MORESTACK_FN_MORESTACK))
    return SkipReason::Runtime;
  if (F.hasFnAttribute(kVarargThunkFnAttr))
    return SkipReason::VarargThunk; // outlined by an earlier run
  if (F.hasFnAttribute(kNosplitFnAttr))
    return SkipReason::Nosplit;
  if (F.hasFnAttribute(Attribute::Naked))
    return SkipReason::Naked;
  if (IfuncResolvers.contains(const_cast<Function *>(&F)))
    return SkipReason::IfuncResolver;
  if (F.getCallingConv() == CallingConv::X86_INTR)
    return SkipReason::InterruptCC;
  if (F.getCallingConv() == CallingConv::PreserveMost ||
      F.getCallingConv() == CallingConv::PreserveAll)
    return SkipReason::PreservesRegisters;
  if (!isSupportedCallingConv(F.getCallingConv()))
    return SkipReason::UnsupportedCC;
  return std::nullopt;
}

void recordSkip(Function &F, SkipReason R) {
  F.removeFnAttr(kSplitStackFnAttr);
  F.addFnAttr(kUncheckedFnAttr, skipReasonName(R));
}

std::optional<SkipReason> recordedSkip(const Function &F) {
  if (!F.hasFnAttribute(kUncheckedFnAttr))
    return std::nullopt;
  return parseSkipReason(F.getFnAttribute(kUncheckedFnAttr).getValueAsString());
}

bool runsOnManagedStack(SkipReason R) {
  return R != SkipReason::Runtime && R != SkipReason::IfuncResolver &&
         R != SkipReason::InterruptCC;
}

bool runsOnManagedStack(const Function &F) {
  if (F.isDeclaration() || F.hasAvailableExternallyLinkage())
    return false;
  if (F.hasFnAttribute(kSplitStackFnAttr))
    return true;
  std::optional<SkipReason> R = recordedSkip(F);
  return R && runsOnManagedStack(*R);
}

uint64_t maxFrameRealignment(Function &F) {
  uint64_t A = 0;
  if (F.hasFnAttribute("stackrealign"))
    A = kStackAlign;
  // Vectors of 32 or 64 bytes live in ymm/zmm registers only with AVX /
  // AVX-512, and their spill slots are aligned to their size.
  uint64_t VecCap = kStackAlign;
  StringRef Features = F.getFnAttribute("target-features").getValueAsString();
  if (Features.contains("+avx512f"))
    VecCap = 64;
  else if (Features.contains("+avx"))
    VecCap = 32;
  const DataLayout &DL = F.getParent()->getDataLayout();
  auto Vec = [&](Type *T) {
    if (VecCap > kStackAlign && T->isVectorTy())
      if (auto Size = DL.getTypeStoreSize(T); !Size.isScalable())
        A = std::max(A, std::min<uint64_t>(PowerOf2Ceil(Size.getFixedValue()), VecCap));
  };
  for (const Argument &Arg : F.args())
    Vec(Arg.getType());
  for (const Instruction &I : instructions(F)) {
    Vec(I.getType());
    for (const Value *Op : I.operands())
      Vec(Op->getType());
  }
  // Objects: only those the moving frame keeps (the same decisions
  // SideStackPass acts on; the whole-frame mode moves even more).
  bool OverAligned = false;
  for (const Instruction &I : instructions(F))
    if (auto *AI = dyn_cast<AllocaInst>(&I); AI && realignsFrame(AI->getAlign().value()))
      OverAligned = true;
  if (OverAligned)
    for (const AllocaDecision &D : analyzeEscapes(F, /*WholeFrame=*/false).Allocas)
      if (D.Where != Placement::Side)
        A = std::max<uint64_t>(A, D.AI->getAlign().value());
  return realignsFrame(A) || F.hasFnAttribute("stackrealign") ? A : 0;
}

} // namespace morestack

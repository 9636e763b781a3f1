//===- DynamicAllocaReserve.cpp - Make room before dynamic allocas --------===//
//
// What this file does:
//   Implements reserveDynamicAllocas() (see DynamicAllocaReserve.h). The
//   callee is declared as `void __morestack_reserve(i64) nounwind` (name
//   from MORESTACK_FN_RESERVE in include/morestack/abi.h).
//
// Invariants: see DynamicAllocaReserve.h. In addition, the size expression
// is computed in i64 with wrapping arithmetic; a count large enough to wrap
// is already undefined behaviour for the alloca itself.
//
// Over-aligned dynamic allocas: LLVM 19's split-stack lowering of dynamic
// allocas (X86ISD::SEG_ALLOCA) drops the alignment step that the ordinary
// lowering performs (`and $-ALIGN` on the new %rsp), so `_Alignas(64) char
// v[n]` came back 16-byte aligned. Such an alloca is rewritten as an i8
// alloca of the reserved size (which already has ALIGN - 1 bytes of slack)
// with the stack's 16-byte alignment, and the pointer is aligned up inside
// it with llvm.ptrmask.
//
//===----------------------------------------------------------------------===//
#include "DynamicAllocaReserve.h"

#include "morestack/abi.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "morestack-alloca"

using namespace llvm;

STATISTIC(NumReserved, "Dynamic allocas preceded by __morestack_reserve");
STATISTIC(NumRealigned, "Over-aligned dynamic allocas aligned by hand");

static cl::opt<bool> ClReserveDynamicAllocas(
    "morestack-reserve-dynamic-allocas", cl::init(true), cl::Hidden,
    cl::desc("Call " MORESTACK_FN_RESERVE " before every dynamic alloca of a "
             "checked function (turning this off leaves the backend's "
             "__morestack_allocate_stack_space fallback, which leaks; for "
             "debugging only)"));

namespace morestack {

/// x86-64 keeps %rsp 16-byte aligned across dynamic allocations.
static constexpr uint64_t kStackAlign = 16;

static SmallVector<AllocaInst *, 4> dynamicAllocas(Function &F) {
  SmallVector<AllocaInst *, 4> Result;
  for (Instruction &I : instructions(F))
    if (auto *AI = dyn_cast<AllocaInst>(&I))
      if (!AI->isStaticAlloca())
        Result.push_back(AI);
  return Result;
}

unsigned countDynamicAllocas(Function &F) { return dynamicAllocas(F).size(); }

unsigned makeHugeAllocasDynamic(Function &F) {
  const DataLayout &DL = F.getParent()->getDataLayout();
  SmallVector<std::pair<uint64_t, AllocaInst *>, 8> Sized;
  uint64_t Total = 0;
  for (Instruction &I : F.getEntryBlock())
    if (auto *AI = dyn_cast<AllocaInst>(&I); AI && AI->isStaticAlloca())
      if (std::optional<TypeSize> S = AI->getAllocationSize(DL); S && !S->isScalable()) {
        Sized.push_back({S->getFixedValue(), AI});
        Total += S->getFixedValue();
      }
  if (Total <= kHugeFrame)
    return 0;
  llvm::sort(Sized, [](const auto &A, const auto &B) { return A.first > B.first; });
  BasicBlock &Entry = F.getEntryBlock();
  BasicBlock *Rest = Entry.splitBasicBlock(Entry.getFirstNonPHIOrDbgOrAlloca(),
                                           "morestack.huge.frame");
  unsigned Moved = 0;
  for (auto &[Size, AI] : Sized) {
    if (Total <= kHugeFrame)
      break;
    AI->moveBefore(&*Rest->getFirstInsertionPt());
    Total -= Size;
    ++Moved;
  }
  return Moved;
}

/// Replace AI (alignment Align > 16) with `Bytes` i8s at the stack's own
/// alignment and a pointer aligned up to Align inside them.
static void alignByHand(AllocaInst *AI, Value *Bytes, uint64_t Align) {
  IRBuilder<> B(AI);
  B.SetCurrentDebugLocation(AI->getDebugLoc());
  AllocaInst *Raw = B.CreateAlloca(B.getInt8Ty(), AI->getAddressSpace(), Bytes,
                                   AI->getName() + ".unaligned");
  Raw->setAlignment(llvm::Align(kStackAlign));
  Value *Up = B.CreateGEP(B.getInt8Ty(), Raw, B.getInt64(Align - 1));
  Value *Aligned = B.CreateIntrinsic(Intrinsic::ptrmask, {Up->getType(), B.getInt64Ty()},
                                     {Up, B.getInt64(~(Align - 1))}, nullptr,
                                     AI->getName() + ".aligned");
  AI->replaceAllUsesWith(Aligned);
  Aligned->takeName(AI);
  AI->eraseFromParent();
  ++NumRealigned;
}

unsigned reserveDynamicAllocas(Function &F) {
  if (!ClReserveDynamicAllocas)
    return 0;
  SmallVector<AllocaInst *, 4> Allocas = dynamicAllocas(F);
  if (Allocas.empty())
    return 0;

  Module &M = *F.getParent();
  const DataLayout &DL = M.getDataLayout();
  LLVMContext &Ctx = M.getContext();
  Type *I64 = Type::getInt64Ty(Ctx);
  FunctionCallee Reserve = M.getOrInsertFunction(
      MORESTACK_FN_RESERVE,
      AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind),
      Type::getVoidTy(Ctx), I64);

  for (AllocaInst *AI : Allocas) {
    IRBuilder<> B(AI);
    B.SetCurrentDebugLocation(AI->getDebugLoc());
    TypeSize EltSize = DL.getTypeAllocSize(AI->getAllocatedType());
    // Scalable types do not exist on x86-64; size them as their minimum.
    uint64_t Elt = EltSize.getKnownMinValue();
    uint64_t AlignV = std::max<uint64_t>(AI->getAlign().value(), kStackAlign);
    // bytes = (count * elt + max(align, 16) - 1) & ~15
    Value *Count = B.CreateZExtOrTrunc(AI->getArraySize(), I64);
    Value *Bytes =
        Elt == 1 ? Count : B.CreateMul(Count, ConstantInt::get(I64, Elt));
    Bytes = B.CreateAdd(Bytes, ConstantInt::get(I64, AlignV - 1));
    Bytes = B.CreateAnd(Bytes, ConstantInt::get(I64, ~(kStackAlign - 1)),
                        "morestack.reserve");
    CallInst *Call = B.CreateCall(Reserve, {Bytes});
    Call->setDoesNotThrow();
    ++NumReserved;
    if (AlignV > kStackAlign)
      alignByHand(AI, Bytes, AlignV);
  }
  LLVM_DEBUG(dbgs() << "alloca: " << F.getName() << ": " << Allocas.size()
                    << " reserve call(s)\n");
  return Allocas.size();
}

} // namespace morestack

//===- VarargOutlining.cpp - Give variadic functions a checked body -------===//
//
// What this file does:
//   Implements outlineVarargBody() (see VarargOutlining.h for the shape and
//   the invariants).
//
// Why it is sound:
//   - On x86-64 a va_list is a pointer-free-of-state description of where
//     the variable arguments are: the register save area (in the thunk's
//     frame, written by the thunk's va_start) and the overflow area (in the
//     thunk's caller's frame). va_copy into the body's own va_list objects
//     gives them exactly what va_start in f would have given them, and each
//     former va_start restarts from the first variable argument, as before.
//   - The body's split-stack prologue may move the whole stack (copying
//     runtime). Both areas are on the stack, the va_list copies hold
//     pointers into them, and the runtime relocates them: a va_list is a
//     scanned object (EscapeAnalysis.h; docs/runtime.md, "Relocation").
//     The thunk itself is nosplit and its frame is bounded
//     (kVarargThunkFrameBound <= NOSPLIT_BUDGET).
//   - The body is noinline so that nothing (LTO's post-link inliner in
//     particular) folds it back into the nosplit thunk.
//
//===----------------------------------------------------------------------===//
#include "VarargOutlining.h"
#include "NosplitBudget.h"
#include "Options.h"

#include "morestack/abi.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Attributes.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "morestack-vararg"

using namespace llvm;

STATISTIC(NumOutlined, "Variadic functions outlined into a checked body");
STATISTIC(NumOutlinedNoVaStart,
          "Variadic functions outlined that never call va_start");

namespace morestack {

// The thunk is unchecked and calls its checked body, whose prologue may
// call __morestack: the chain the nosplit budget check computes for it
// (NosplitBudget.h) is its frame plus kCheckedCallCost.
static_assert(kVarargThunkFrameBound + kCheckedCallCost <=
                  MORESTACK_NOSPLIT_BUDGET,
              "the variadic thunk is nosplit: its chain must fit the budget");

/// x86-64 SysV: typedef struct { u32 gp_offset, fp_offset; void *overflow,
/// *reg_save; } va_list[1];
static constexpr uint64_t kVaListSize = 24;
static constexpr uint64_t kVaListAlign = 16;

/// Parameter attributes that describe how the caller passes an argument; the
/// thunk keeps them, the body (which receives the thunk's values) must not.
static const Attribute::AttrKind kAbiParamAttrs[] = {
    Attribute::ByVal,     Attribute::StructRet,  Attribute::Nest,
    Attribute::InReg,     Attribute::SwiftSelf,  Attribute::SwiftAsync,
    Attribute::ByRef,     Attribute::Returned,   Attribute::AllocAlign,
    Attribute::AllocatedPointer,
};

static bool cannotOutline(Function &F, SmallVectorImpl<IntrinsicInst *> &VaStarts,
                          std::string &WhyNot) {
  for (Argument &A : F.args())
    if (A.hasSwiftErrorAttr() || A.hasInAllocaAttr() ||
        A.hasPreallocatedAttr()) {
      WhyNot = "has a swifterror, inalloca or preallocated parameter";
      return true;
    }
  for (BasicBlock &BB : F)
    if (BB.hasAddressTaken()) {
      WhyNot = "has an address-taken label (blockaddress)";
      return true;
    }
  for (Instruction &I : instructions(F)) {
    auto *CI = dyn_cast<CallInst>(&I);
    if (!CI)
      continue;
    if (CI->isMustTailCall()) {
      WhyNot = "contains a musttail call, which forwards the variadic frame";
      return true;
    }
    if (auto *II = dyn_cast<IntrinsicInst>(CI))
      if (II->getIntrinsicID() == Intrinsic::vastart) {
        if (II->getArgOperand(0)->getType()->getPointerAddressSpace() != 0) {
          WhyNot = "va_start on a non-default address space";
          return true;
        }
        VaStarts.push_back(II);
      }
  }
  return false;
}

Function *outlineVarargBody(Function &F, std::string &WhyNot) {
  assert(F.isVarArg() && !F.isDeclaration() && "needs a variadic definition");
  SmallVector<IntrinsicInst *, 2> VaStarts;
  if (cannotOutline(F, VaStarts, WhyNot))
    return nullptr;

  Module &M = *F.getParent();
  LLVMContext &Ctx = M.getContext();
  PointerType *PtrTy = PointerType::get(Ctx, 0);
  const bool NeedsVaList = !VaStarts.empty();

  // The body: f's fixed parameters, plus the thunk's va_list if used.
  SmallVector<Type *, 8> Params(F.getFunctionType()->params());
  if (NeedsVaList)
    Params.push_back(PtrTy);
  auto *BodyTy = FunctionType::get(F.getReturnType(), Params, /*isVarArg=*/false);
  Function *Body = Function::Create(BodyTy, GlobalValue::InternalLinkage,
                                    F.getAddressSpace(),
                                    F.getName() + kVarargBodySuffix);
  M.getFunctionList().insertAfter(F.getIterator(), Body);

  // Attributes: f's, minus the caller-ABI ones, plus noinline.
  AttributeList FA = F.getAttributes();
  AttrBuilder FnB(Ctx, FA.getFnAttrs());
  FnB.removeAttribute(Attribute::AlwaysInline);
  FnB.removeAttribute(Attribute::Naked);
  FnB.addAttribute(Attribute::NoInline);
  SmallVector<AttributeSet, 8> ParamAttrs;
  for (unsigned I = 0, E = F.arg_size(); I != E; ++I) {
    AttrBuilder PB(Ctx, FA.getParamAttrs(I));
    for (Attribute::AttrKind K : kAbiParamAttrs)
      PB.removeAttribute(K);
    ParamAttrs.push_back(AttributeSet::get(Ctx, PB));
  }
  if (NeedsVaList)
    ParamAttrs.push_back(AttributeSet()); // %va: plain pointer
  Body->setAttributes(AttributeList::get(Ctx, AttributeSet::get(Ctx, FnB),
                                         FA.getRetAttrs(), ParamAttrs));
  Body->setCallingConv(F.getCallingConv());
  Body->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  Body->setDSOLocal(true);
  Body->setComdat(F.getComdat()); // discarded together with f
  Body->setSection(F.getSection());
  Body->setAlignment(F.getAlign());
  if (F.hasPersonalityFn())
    Body->setPersonalityFn(F.getPersonalityFn());
  if (F.hasGC())
    Body->setGC(F.getGC());
  if (DISubprogram *SP = F.getSubprogram()) {
    Body->setSubprogram(SP);
    F.setSubprogram(nullptr);
  }

  // Move the code and rewire the arguments. The thunk has no EH pads left,
  // so it needs no personality.
  Body->splice(Body->end(), &F);
  if (F.hasPersonalityFn())
    F.setPersonalityFn(nullptr);
  for (unsigned I = 0, E = F.arg_size(); I != E; ++I) {
    Argument *Old = F.getArg(I), *New = Body->getArg(I);
    Old->replaceAllUsesWith(New);
    New->setName(Old->getName());
  }
  Argument *VaArg = nullptr;
  if (NeedsVaList) {
    VaArg = Body->getArg(F.arg_size());
    VaArg->setName("morestack.va");
    Function *VaCopy =
        Intrinsic::getDeclaration(&M, Intrinsic::vacopy, {PtrTy});
    for (IntrinsicInst *VS : VaStarts) {
      IRBuilder<> B(VS);
      CallInst *Copy = B.CreateCall(VaCopy, {VS->getArgOperand(0), VaArg});
      Copy->setDebugLoc(VS->getDebugLoc());
      VS->eraseFromParent();
    }
  }

  // The thunk.
  BasicBlock *Entry = BasicBlock::Create(Ctx, "entry", &F);
  IRBuilder<> B(Entry);
  SmallVector<Value *, 8> Args;
  for (Argument &A : F.args())
    Args.push_back(&A);
  AllocaInst *AP = nullptr;
  if (NeedsVaList) {
    AP = B.CreateAlloca(ArrayType::get(B.getInt8Ty(), kVaListSize), nullptr,
                        "morestack.ap");
    AP->setAlignment(Align(kVaListAlign));
    B.CreateCall(Intrinsic::getDeclaration(&M, Intrinsic::vastart, {PtrTy}),
                 {AP});
    Args.push_back(AP);
  }
  CallInst *Call = B.CreateCall(Body, Args);
  Call->setCallingConv(Body->getCallingConv());
  if (NeedsVaList)
    B.CreateCall(Intrinsic::getDeclaration(&M, Intrinsic::vaend, {PtrTy}),
                 {AP});
  if (Body->doesNotReturn())
    B.CreateUnreachable();
  else if (F.getReturnType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(Call);

  F.removeFnAttr(kSplitStackFnAttr);
  F.addFnAttr(kVarargThunkFnAttr, Body->getName());

  ++NumOutlined;
  if (!NeedsVaList)
    ++NumOutlinedNoVaStart;
  LLVM_DEBUG(dbgs() << "vararg: " << F.getName() << " -> " << Body->getName()
                    << (NeedsVaList ? "" : " (no va_start)") << "\n");
  return Body;
}

} // namespace morestack

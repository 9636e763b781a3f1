//===- NosplitMarking.cpp - Carry nosplit from annotations to IR ----------===//
//
// What this file does:
//   @llvm.global.annotations is an appending array of
//     { ptr <global>, ptr <annotation string>, ptr <file>, i32 <line>, ptr <args> }
//   that clang emits for every AnnotateAttr on an emitted definition. The
//   front end (NosplitAttr.cpp) annotates nosplit functions with
//   "morestack.nosplit". This pass moves that fact onto the function itself
//   (attribute "morestack-nosplit"), then rebuilds the array without those
//   entries (or deletes it when nothing is left) and deletes the annotation
//   strings that became unused.
//
// Why erase: the array is a use of every annotated function, and it lives
// until code generation, so it would keep an otherwise dead static or inline
// nosplit function alive (and emitted) at every optimisation level.
//
// Invariants: see NosplitMarking.h.
//
//===----------------------------------------------------------------------===//
#include "NosplitMarking.h"
#include "Options.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "morestack-nosplit"

using namespace llvm;

STATISTIC(NumNosplitMarked, "Functions marked nosplit from annotations");
STATISTIC(NumAnnotationsErased, "nosplit annotation entries erased");

namespace morestack {

/// The annotation string of one @llvm.global.annotations entry, or "".
static StringRef annotationString(Constant *Entry) {
  auto *CS = dyn_cast<ConstantStruct>(Entry);
  if (!CS || CS->getNumOperands() < 2)
    return "";
  auto *GV = dyn_cast<GlobalVariable>(CS->getOperand(1)->stripPointerCasts());
  if (!GV || !GV->hasInitializer())
    return "";
  auto *Data = dyn_cast<ConstantDataSequential>(GV->getInitializer());
  if (!Data || !Data->isCString())
    return "";
  return Data->getAsCString();
}

unsigned consumeNosplitAnnotations(Module &M) {
  GlobalVariable *Annotations = M.getGlobalVariable("llvm.global.annotations");
  if (!Annotations || !Annotations->hasInitializer())
    return 0;
  auto *Array = dyn_cast<ConstantArray>(Annotations->getInitializer());
  if (!Array)
    return 0;

  unsigned Marked = 0;
  SmallVector<Constant *, 8> Kept;
  SmallSetVector<GlobalVariable *, 8> MaybeDead; // strings of erased entries
  for (Use &Op : Array->operands()) {
    auto *Entry = cast<Constant>(Op.get());
    if (annotationString(Entry) != kNosplitAnnotation) {
      Kept.push_back(Entry);
      continue;
    }
    auto *CS = cast<ConstantStruct>(Entry);
    if (auto *F = dyn_cast<Function>(CS->getOperand(0)->stripPointerCasts())) {
      if (!F->hasFnAttribute(kNosplitFnAttr)) {
        F->addFnAttr(kNosplitFnAttr);
        ++Marked;
        LLVM_DEBUG(dbgs() << "nosplit: " << F->getName() << "\n");
      }
    }
    for (unsigned I = 1; I < CS->getNumOperands(); ++I)
      if (auto *GV =
              dyn_cast<GlobalVariable>(CS->getOperand(I)->stripPointerCasts()))
        MaybeDead.insert(GV);
    ++NumAnnotationsErased;
  }
  if (Kept.size() == Array->getNumOperands())
    return 0; // nothing of ours in the array

  if (Kept.empty()) {
    Annotations->eraseFromParent();
  } else {
    // The array type has the element count in it: make a new global.
    auto *NewTy = ArrayType::get(Array->getType()->getElementType(), Kept.size());
    auto *NewGV = new GlobalVariable(
        M, NewTy, Annotations->isConstant(), Annotations->getLinkage(),
        ConstantArray::get(NewTy, Kept), "", Annotations);
    NewGV->setSection(Annotations->getSection());
    NewGV->takeName(Annotations);
    Annotations->eraseFromParent();
  }
  // Clang puts annotation strings (name, file) in section "llvm.metadata";
  // delete only those, and only once nothing refers to them.
  for (GlobalVariable *GV : MaybeDead) {
    GV->removeDeadConstantUsers();
    if (GV->use_empty() && GV->hasLocalLinkage() &&
        GV->getSection() == "llvm.metadata")
      GV->eraseFromParent();
  }
  NumNosplitMarked += Marked;
  return Marked;
}

PreservedAnalyses NosplitMarkingPass::run(Module &M, ModuleAnalysisManager &) {
  // Only attributes and an unused global change: no analysis is affected,
  // but be conservative about the (rare) change.
  bool HadAnnotations = M.getGlobalVariable("llvm.global.annotations");
  consumeNosplitAnnotations(M);
  return HadAnnotations ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace morestack

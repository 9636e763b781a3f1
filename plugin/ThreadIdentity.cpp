//===- ThreadIdentity.cpp - Functions that answer for the running thread --===//
//
// What this file does: see ThreadIdentity.h. The declarations come from
// glibc's <errno.h> (`errno` is `(*__errno_location ())`) and <pthread.h>;
// clang copies their `memory(none)` onto every call, so both the function
// and its calls are changed.
//
//===----------------------------------------------------------------------===//
#include "ThreadIdentity.h"

#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace morestack {

PreservedAnalyses ThreadIdentityPass::run(Module &M, ModuleAnalysisManager &) {
  bool Changed = false;
  for (const char *Name : {"__errno_location", "pthread_self"}) {
    Function *F = M.getFunction(Name);
    if (!F || !F->getMemoryEffects().doesNotAccessMemory())
      continue;
    F->setMemoryEffects(MemoryEffects::readOnly());
    for (User *U : F->users())
      if (auto *CB = dyn_cast<CallBase>(U))
        if (CB->getCalledOperand() == F)
          CB->setMemoryEffects(MemoryEffects::readOnly());
    Changed = true;
  }
  return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace morestack

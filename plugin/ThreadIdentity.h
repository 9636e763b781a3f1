//===- ThreadIdentity.h - Functions that answer for the running thread -*- C++ -*-===//
//
// What this file does:
//   Declares ThreadIdentityPass, which takes away the `memory(none)` that
//   glibc's headers give __errno_location and pthread_self (both declared
//   __attribute__((const))): with it, the optimizer reuses &errno or the
//   thread id from before a call, but a task may resume on another thread
//   after any call that parks it (a blocking call, a channel operation),
//   so errno read after read(2) in a task would be the first thread's.
//   They become `memory(read)`: reused between two reads with nothing
//   written in between (no call that could park), recomputed after one.
//
// Invariants:
//   - After the pass, neither function, nor any call to it, is marked as
//     reading no memory.
//   - It runs at PipelineStart, before any CSE, GVN or LICM.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_THREADIDENTITY_H
#define MORESTACK_PLUGIN_THREADIDENTITY_H

#include "llvm/IR/PassManager.h"

namespace morestack {

class ThreadIdentityPass : public llvm::PassInfoMixin<ThreadIdentityPass> {
public:
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }
};

} // namespace morestack

#endif // MORESTACK_PLUGIN_THREADIDENTITY_H

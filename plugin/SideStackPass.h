//===- SideStackPass.h - Escaping locals live where nothing moves -*- C++ -*-===//
//
// What this file does:
//   Declares SideStackPass, which moves every stack object EscapeAnalysis.h
//   says may not move to the side stack: a second stack per thread and per
//   fiber, in chunks, that never moves (runtime/side_stack.h). Its pointer
//   and its limit are in the thread's TCB (MORESTACK_SIDE_SP_TLS_OFFSET,
//   MORESTACK_SIDE_LIMIT_TLS_OFFSET), like the guard.
//
//   A function with a side frame of F bytes (its escaping static objects,
//   escaping byval arguments copied at entry) gets, after its prologue:
//
//     sp, lim = %fs:SIDE_SP, %fs:SIDE_LIMIT
//     if (sp - lim < F) { __morestack_side_more(F); sp, lim = reloaded }
//     base = (sp - F) & -align ; %fs:SIDE_SP = base ; objects at base + k
//
//   and, before every return (and musttail call), %fs:SIDE_SP, SIDE_LIMIT =
//   sp, lim: the values it allocated from. When __morestack_side_more had
//   to start a new chunk, those are the new chunk's top and limit, so the
//   caller goes on allocating from the new chunk until a frame that
//   allocated in the old one returns ("sticky" chunks: a boundary crossed
//   in a loop costs the runtime call once per activation of the loop's
//   function, not once per call).
//   Dynamic escaping objects (VLAs, alloca(n)) are bumped off the side
//   stack where they were allocated; llvm.stacksave / llvm.stackrestore
//   save and restore the side pointer with the stack pointer.
//   Where execution resumes in a function after frames below it were
//   abandoned - a landing pad that may catch, the second return of setjmp
//   - the side pointer and limit are put back to the function's own
//   values; a function that does either saves them at entry even without a
//   side frame.
//   Every buffer passed to setjmp / sigsetjmp is registered with the
//   runtime (__morestack_register_jmp_buf), which relocates the stack and
//   frame pointers saved in it when the stack moves.
//
// Invariants (after the pass, for every function F it changes):
//   - F has no alloca whose address escapes, no dynamic alloca and no
//     alloca aligned beyond 16 bytes (EscapeAnalysis.h); an alloca that may
//     hold moving-stack addresses (a va_list, ...) has kScannedMetadata.
//   - On every path out of F by return, %fs:SIDE_SP and %fs:SIDE_LIMIT are
//     what they were when F's side frame was allocated (or at entry).
//   - Debug info of a moved variable describes it through a moving-stack
//     slot holding the side frame's base, at its offset.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_SIDESTACKPASS_H
#define MORESTACK_PLUGIN_SIDESTACKPASS_H

#include "Report.h"

#include "llvm/IR/PassManager.h"

namespace llvm {
class AllocaInst;
} // namespace llvm

#include <memory>

namespace morestack {

/// Instruction metadata on an alloca that stays on the moving stack and may
/// hold moving-stack addresses (a va_list; EscapeAnalysis.h, "scanned"):
/// the stack map does not list it, so the runtime relocates its words.
inline constexpr llvm::StringLiteral kScannedMetadata = "morestack.scanned";

/// Erases the llvm.lifetime.start/end markers of AI (an object moved to the
/// side stack, or a scanned one whose slot must not be shared).
void eraseLifetimeMarkers(llvm::AllocaInst *AI);

class SideStackPass : public llvm::PassInfoMixin<SideStackPass> {
public:
  /// WholeFrames: every object goes to the side stack (no stack maps, or
  /// LTO: frames are scanned whole). R may be null.
  SideStackPass(bool WholeFrames, std::shared_ptr<Report> R)
      : WholeFrames(WholeFrames), TheReport(std::move(R)) {}
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }

private:
  bool WholeFrames;
  std::shared_ptr<Report> TheReport;
};

} // namespace morestack

#endif // MORESTACK_PLUGIN_SIDESTACKPASS_H

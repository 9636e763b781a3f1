//===- NosplitBudget.h - The nosplit budget check, per TU -------*- C++ -*-===//
//
// What this file does:
//   Go's linker refuses a chain of nosplit functions whose frames, together,
//   need more stack than the guard leaves them. This is the same check, per
//   translation unit, in two halves:
//
//     1. NosplitGraph::collect(Module&), at the end of SplitStackPass
//        (OptimizerLast, after inlining): for every function definition
//        that runs on the managed stack without a check (nosplit, naked,
//        vararg thunks, unoutlinable variadics, unsupported calling
//        conventions), record its direct calls from the IR and classify each
//        callee: another unchecked function of this TU (the chain goes on),
//        a checked function of this TU, a function defined elsewhere, an
//        indirect call (all three end the chain), and whether the function
//        may be a leaf that uses the x86-64 red zone.
//     2. NosplitGraph::check(FrameSizes, ...), after code generation (from
//        the diagnostic consumer Plugin.cpp installs, when the source file
//        ends), with each function's frame size from clang's -fstack-usage
//        data: every path from an unchecked function through unchecked
//        callees must fit MORESTACK_NOSPLIT_BUDGET; a cycle among them is
//        "nosplit recursion".
//
// The arithmetic (docs/plugin.md, "The nosplit budget"):
//   A nosplit function N is entered from a checked frame that may stand
//   MORESTACK_STACK_SMALL bytes below the guard, so everything below that
//   frame must fit MORESTACK_NOSPLIT_BUDGET (STACK_GUARD - STACK_SMALL):
//     use(N)  = 8 (return address) + frame(N) [+ realignment slack]
//               + max( red zone   128, if N may be a leaf that uses it
//                      use(M)         for each unchecked callee M
//                      kCheckedCallCost for each call that ends the chain )
//   kCheckedCallCost = 8 (return address) + 8 + MORESTACK_SAVE_AREA: a
//   checked callee's prologue may fail and call __morestack, which saves
//   the registers on the small stack before it switches stacks. Functions
//   defined elsewhere and indirect calls are assumed to be checked (built
//   with the plugin, as Go assumes of indirect calls); calls to known C
//   library functions, which are not, get a warning at collection time.
//   A function declared nosplit but defined elsewhere costs the whole
//   budget: all its own TU's check promises is that its chain fits that.
//
// Invariants:
//   - collect() only reads the module; check() only reads the graph.
//   - Each unchecked function whose worst chain is over the budget and that
//     no other over-budget unchecked function calls (a root) gets one
//     diagnostic naming every function of its worst chain, in call order,
//     with the running total and the overage; each cycle gets one
//     "nosplit recursion" diagnostic. Chains that lead into a cycle are
//     reported only as the cycle (their depth is unbounded).
//   - Without frame sizes (no code generation: -emit-llvm, -flto) check()
//     reports nothing.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_NOSPLITBUDGET_H
#define MORESTACK_PLUGIN_NOSPLITBUDGET_H

#include "Options.h"

#include "morestack/abi.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace morestack {

/// Bytes of a return address on x86-64.
inline constexpr uint64_t kReturnAddressSize = 8;

/// What a call that ends a nosplit chain (to a checked function, to a
/// function defined elsewhere, or through a pointer) may still use below
/// the caller's frame: the return address, then, if the callee's check
/// fails, the call to __morestack and the registers it saves on the small
/// stack before it leaves it (runtime/morestack.S).
inline constexpr uint64_t kCheckedCallCost =
    kReturnAddressSize + kReturnAddressSize + MORESTACK_SAVE_AREA;

static_assert(kCheckedCallCost < MORESTACK_NOSPLIT_BUDGET,
              "a nosplit function must at least be able to call a checked one");

/// One call site (deduplicated per callee) of an unchecked function.
struct NosplitCall {
  enum Kind {
    Unchecked, ///< an unchecked definition of this TU: the chain goes on
    Checked,   ///< a checked definition of this TU: the chain ends
    External,  ///< defined elsewhere, assumed checked: the chain ends
    Library,   ///< a known C library function (also ends the chain; warned)
    Indirect,  ///< through a pointer, assumed checked: the chain ends
    ExternalNosplit, ///< declared nosplit, defined elsewhere: its own TU
                     ///< only promises it fits the whole budget
  };
  Kind K;
  std::string Callee; ///< IR name; empty for Indirect
};

/// A function definition that runs on the managed stack without a check.
struct NosplitNode {
  std::string Name;
  std::string Reason;        ///< the report's skip reason ("nosplit", ...)
  bool MayUseRedZone = false; ///< may be a leaf using the 128-byte red zone
  uint64_t RealignSlack = 0; ///< over-aligned frame: bytes -fstack-usage misses
  unsigned DynamicAllocas = 0;
  std::vector<NosplitCall> Calls;
};

class NosplitGraph {
public:
  /// Records the unchecked functions of M and their calls. M has been
  /// instrumented: a definition is checked iff it has "split-stack".
  /// WarnLibraryCall receives the text of a warning for each call from an
  /// unchecked function to a known C library function (may be empty).
  void collect(llvm::Module &M,
               const std::function<void(llvm::StringRef)> &WarnLibraryCall);

  bool empty() const { return Nodes.empty(); }

  /// Records the IR name of a function declared nosplit (from the AST), so
  /// that a call to it from this TU, where it is only declared, is not
  /// taken for a call to a checked function.
  void addNosplitDeclaration(llvm::StringRef Name) {
    DeclaredNosplit.insert(Name);
  }

  /// A diagnostic of check(): the text, without severity.
  using Emit = std::function<void(llvm::StringRef Message)>;

  /// Runs the budget check with the backend's frame sizes (name -> bytes,
  /// from -fstack-usage) and calls Emit once per over-budget chain or
  /// recursion. ChainNotes (may be null) receives, for each unchecked
  /// function with a known frame, the report's "nosplit chain ..." text.
  void check(const llvm::StringMap<uint64_t> &FrameSizes, const Emit &E,
             llvm::StringMap<std::string> *ChainNotes) const;

private:
  std::vector<NosplitNode> Nodes; ///< in module order
  llvm::StringSet<> DeclaredNosplit;
};

/// "<name>" or "<name> (<demangled>)", as in the report.
std::string displayName(llvm::StringRef IRName);

} // namespace morestack

#endif // MORESTACK_PLUGIN_NOSPLITBUDGET_H

//===- Report.h - What the plugin did to each function ----------*- C++ -*-===//
//
// What this file does:
//   Collects one record per defined function as SplitStackPass decides its
//   fate (instrumented, or skipped with a reason), and prints them once code
//   generation is over, with the frame size the backend chose for each
//   instrumented function (read from clang's -fstack-usage output).
//
// Invariants:
//   - Every function definition the pass sees gets exactly one record; a
//     variadic function gets two (its thunk and its outlined body).
//   - A skipped function always carries a SkipReason; the reasons and their
//     spelling in the report are documented in docs/plugin.md.
//   - print() only reads the stack-usage file; it never changes the records.
//
// Report format (one line per function, stable, meant to be grepped):
//   morestack-report: <name>: instrumented, frame <N> bytes[, objects: <M> moving, <S> side]
//   morestack-report: <name>: instrumented, frame ? bytes        (no code generated)
//   morestack-report: <name>: skipped (<reason>)[, frame <N> bytes[, nosplit chain <M> of <B> bytes[, over by <X>]]][, objects: ...][: <detail>]
//   (objects: where the function's stack objects went, EscapeAnalysis.h:
//   those that stay on the moving stack, those moved to the side stack; only
//   for functions that have any)
//   (the frame of a skipped function is what it uses unchecked; the nosplit
//   chain is the worst path through it that the budget check found, see
//   NosplitBudget.h)
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_REPORT_H
#define MORESTACK_PLUGIN_REPORT_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <string>
#include <vector>

namespace morestack {

/// Why a defined function has no split-stack prologue.
enum class SkipReason {
  Nosplit,            ///< nosplit / [[morestack::nosplit]] / no_split_stack
  Naked,              ///< __attribute__((naked)): no prologue at all
  VarargThunk,        ///< variadic wrapper; its outlined body is checked
  VarargUnoutlinable, ///< variadic body that cannot be moved (musttail, ...)
  IfuncResolver,      ///< runs inside the dynamic loader, before TLS exists
  InterruptCC,        ///< interrupt/exception handler calling convention
  UnsupportedCC,      ///< calling convention the prologue cannot coexist with
  PreservesRegisters, ///< preserve_most / preserve_all: the slow path of the
                      ///< prologue clobbers %r10, which they must keep; they
                      ///< run unchecked within the nosplit budget
  Runtime,            ///< a __morestack* runtime function compiled here
};

/// The spelling of a reason in the report and in diagnostics.
llvm::StringRef skipReasonName(SkipReason R);

/// The reason spelt Name, or nothing if no reason is.
std::optional<SkipReason> parseSkipReason(llvm::StringRef Name);

struct FunctionRecord {
  std::string Name;
  bool Instrumented = false;
  SkipReason Reason = SkipReason::Nosplit; ///< only if !Instrumented
  std::string Detail;                      ///< free text, may be empty
  int MovingObjects = -1;                  ///< stack objects left on the moving stack
  int SideObjects = -1;                    ///< moved to the side stack (-1: not decided)
  std::string ObjectDetail;                ///< why they moved, how many are scanned
};

class Report {
public:
  void addInstrumented(llvm::StringRef Name, llvm::StringRef Detail = "");
  void addSkipped(llvm::StringRef Name, SkipReason Reason,
                  llvm::StringRef Detail = "");
  /// Where F's stack objects went (SideStackPass.h); Detail follows the
  /// counts (the reasons, the scanned objects).
  void addObjects(llvm::StringRef Name, unsigned Moving, unsigned Side, llvm::StringRef Detail);

  bool empty() const { return Records.empty(); }
  const std::vector<FunctionRecord> &records() const { return Records; }

  /// Parses clang/LLVM -fstack-usage output ("<loc>:<name>\t<bytes>\t<kind>"
  /// per line) into name -> bytes. Missing or unreadable file: empty map.
  static llvm::StringMap<uint64_t> readStackUsage(llvm::StringRef Path);

  /// Prints every record, in the order the pass decided them. ChainNotes
  /// (may be null): the nosplit budget check's "nosplit chain ..." text for
  /// unchecked functions, printed after their frame.
  void print(llvm::raw_ostream &OS, llvm::StringRef TUName,
             const llvm::StringMap<uint64_t> &FrameSizes,
             const llvm::StringMap<std::string> *ChainNotes = nullptr) const;

private:
  std::vector<FunctionRecord> Records;
};

} // namespace morestack

#endif // MORESTACK_PLUGIN_REPORT_H

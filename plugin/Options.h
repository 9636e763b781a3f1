//===- Options.h - morestack plugin options and IR markers ------*- C++ -*-===//
//
// What this file does:
//   Declares the options the plugin front end (Plugin.cpp) parses from
//   -fplugin-arg-morestack-<arg> and hands to the IR passes, and the names of
//   the IR markers the plugin's passes use to talk to each other.
//
// Invariants:
//   - Every marker name below is written only by the plugin. They are plain
//     string function attributes / annotation strings, so they survive
//     bitcode round trips and are ignored by everything else in LLVM.
//   - kNosplitAnnotation is the only channel from the AST (NosplitAttr.cpp)
//     to IR (NosplitMarking.cpp); kNosplitFnAttr is the only thing the
//     instrumentation pass (SplitStackPass.cpp) looks at to decide "nosplit".
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_OPTIONS_H
#define MORESTACK_PLUGIN_OPTIONS_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace morestack {

/// The annotation string the front end attaches (as clang's AnnotateAttr) to
/// every nosplit function; it reaches IR through @llvm.global.annotations.
inline constexpr llvm::StringLiteral kNosplitAnnotation = "morestack.nosplit";

/// IR function attribute: the function was declared nosplit in the source.
inline constexpr llvm::StringLiteral kNosplitFnAttr = "morestack-nosplit";

/// IR function attribute on every function definition SplitStackPass left
/// without a check; its value is the skip reason as the report spells it
/// (Report.h). The one record of why a function is unchecked: written by
/// recordSkip and read by recordedSkip only (Unchecked.h).
inline constexpr llvm::StringLiteral kUncheckedFnAttr = "morestack-unchecked";

/// IR function attribute on a variadic function that has been turned into a
/// nosplit thunk; its value is the name of the outlined, checked body.
inline constexpr llvm::StringLiteral kVarargThunkFnAttr = "morestack-vararg-thunk";

/// IR function attribute the backend keys the split-stack prologue on.
inline constexpr llvm::StringLiteral kSplitStackFnAttr = "split-stack";

/// Suffix of the outlined body of a variadic function.
inline constexpr llvm::StringLiteral kVarargBodySuffix = ".morestack.body";

/// Named metadata set on a module once SplitStackPass has run on it, so that
/// running it twice (for example pre-link and again by hand) is harmless.
inline constexpr llvm::StringLiteral kDoneMetadata = "morestack.instrumented";

/// -fplugin-arg-morestack-nosplit-budget=<mode>: what an over-budget chain
/// of nosplit functions (or nosplit recursion) is.
enum class NosplitBudgetMode { Error, Warn, Off };

/// What the user asked for on the command line.
struct PluginOptions {
  /// -fplugin-arg-morestack-report / report-file=<path>: print, after code
  /// generation, one line per defined function saying what happened to it.
  bool Report = false;
  /// Empty: the report goes to stderr.
  std::string ReportFile;
  /// -fplugin-arg-morestack-no-vararg-outlining: make a variadic function an
  /// error instead of outlining its body.
  bool VarargOutlining = true;
  /// -fplugin-arg-morestack-allow-lto: accept -flto / -flto=thin (see
  /// docs/plugin.md: the attribute travels in bitcode and lld emits the
  /// prologues at link time).
  bool AllowLTO = false;
  /// -fplugin-arg-morestack-no-stack-maps: no stack map records
  /// (StackMapPass.h).
  bool StackMaps = true;
  /// -fplugin-arg-morestack-frame-pointers: "frame-pointer"="non-leaf" for
  /// every described function (StackMapPass.h).
  bool FramePointers = false;
  /// -fplugin-arg-morestack-nosplit-budget=error|warn|off (NosplitBudget.h).
  NosplitBudgetMode NosplitBudget = NosplitBudgetMode::Error;
};

} // namespace morestack

#endif // MORESTACK_PLUGIN_OPTIONS_H

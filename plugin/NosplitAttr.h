//===- NosplitAttr.h - The nosplit attribute, AST side ----------*- C++ -*-===//
//
// What this file does:
//   Declares the AST half of carrying "nosplit" to IR. The ParsedAttrInfo
//   itself registers statically in NosplitAttr.cpp; this header exposes the
//   helper the plugin's ASTConsumer uses for clang's own no_split_stack
//   spelling, which the plugin cannot intercept at parse time.
//
// Invariants:
//   - After markNosplitFunctions() has run on a declaration, every
//     FunctionDecl inside it that has clang's NoSplitStackAttr (written, or
//     implicit from the plugin's nosplit spellings, or inherited from an
//     earlier redeclaration) also carries AnnotateAttr(kNosplitAnnotation).
//   - Clang's CodeGen turns that AnnotateAttr into an @llvm.global.annotations
//     entry on the emitted llvm::Function; NosplitMarking.cpp consumes it.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_NOSPLITATTR_H
#define MORESTACK_PLUGIN_NOSPLITATTR_H

#include "llvm/ADT/STLFunctionalExtras.h"

namespace clang {
class ASTContext;
class Decl;
class FunctionDecl;
} // namespace clang

namespace morestack {

/// Adds the nosplit annotation to every FunctionDecl in (and including) D that
/// has NoSplitStackAttr but no annotation yet. Idempotent. OnNosplit, if
/// given, is called for every such FunctionDecl (declarations included).
void markNosplitFunctions(
    clang::ASTContext &Ctx, clang::Decl *D,
    llvm::function_ref<void(const clang::FunctionDecl *)> OnNosplit = nullptr);

} // namespace morestack

#endif // MORESTACK_PLUGIN_NOSPLITATTR_H

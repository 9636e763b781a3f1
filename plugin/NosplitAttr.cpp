//===- NosplitAttr.cpp - The nosplit attribute, AST side ------------------===//
//
// What this file does:
//   Registers the `nosplit` attribute with clang (ParsedAttrInfo):
//     __attribute__((nosplit))
//     [[morestack::nosplit]]        (C++11 and later, C23 / -std=c2x)
//   and treats clang's existing __attribute__((no_split_stack)) the same way.
//
//   A nosplit function gets no split-stack prologue. Its frame, and those of
//   the nosplit functions it calls, must fit in MORESTACK_NOSPLIT_BUDGET
//   (include/morestack/abi.h); that is the user's promise.
//
// How "nosplit" reaches IR (the invariant the IR passes rely on):
//   1. On a function, the handler attaches clang's own NoSplitStackAttr
//      (implicit) and AnnotateAttr("morestack.nosplit"). NoSplitStackAttr
//      keeps clang's -fsplit-stack, if also given, from marking the function;
//      the annotation is what clang's CodeGen carries into IR, as an
//      @llvm.global.annotations entry pointing at the llvm::Function.
//   2. Both attributes are inheritable: a later redeclaration or the
//      definition inherits them from a prior declaration, and template
//      instantiations inherit them from the pattern.
//   3. markNosplitFunctions() (called by the plugin's ASTConsumer for every
//      top-level declaration, before CodeGen sees it) adds the annotation to
//      functions that have NoSplitStackAttr from clang's no_split_stack
//      spelling, which never reaches this handler.
//   NosplitMarking.cpp turns the annotations into the "morestack-nosplit" IR
//   function attribute and erases them, so they do not keep dead functions
//   alive.
//
// Anything that is not a function (variable, field, type, typedef, statement,
// Objective-C method, block) gets an error.
//
//===----------------------------------------------------------------------===//
#include "NosplitAttr.h"
#include "Options.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

using namespace clang;

namespace morestack {

static bool hasNosplitAnnotation(const FunctionDecl *FD) {
  for (const auto *A : FD->specific_attrs<AnnotateAttr>())
    if (A->getAnnotation() == kNosplitAnnotation)
      return true;
  return false;
}

static void addNosplitAnnotation(ASTContext &Ctx, FunctionDecl *FD,
                                 SourceRange Range) {
  if (!hasNosplitAnnotation(FD))
    FD->addAttr(AnnotateAttr::CreateImplicit(Ctx, kNosplitAnnotation, nullptr,
                                             0, Range));
}

namespace {

struct NosplitAttrInfo : public ParsedAttrInfo {
  NosplitAttrInfo() {
    static constexpr Spelling S[] = {
        {ParsedAttr::AS_GNU, "nosplit"},
        {ParsedAttr::AS_CXX11, "morestack::nosplit"},
        {ParsedAttr::AS_C23, "morestack::nosplit"},
    };
    Spellings = S;
    // No arguments: clang diagnoses `nosplit(1)` by itself.
    NumArgs = 0;
    OptArgs = 0;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    if (isa<FunctionDecl>(D))
      return true;
    unsigned ID = S.getDiagnostics().getCustomDiagID(
        DiagnosticsEngine::Error, "%0 attribute only applies to functions");
    S.Diag(Attr.getLoc(), ID) << Attr;
    return false;
  }

  bool diagAppertainsToStmt(Sema &S, const ParsedAttr &Attr,
                            const Stmt *St) const override {
    unsigned ID = S.getDiagnostics().getCustomDiagID(
        DiagnosticsEngine::Error,
        "%0 attribute only applies to functions, not to statements");
    S.Diag(Attr.getLoc(), ID) << Attr;
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD)
      return AttributeNotApplied; // diagAppertainsToDecl already complained
    if (!FD->hasAttr<NoSplitStackAttr>())
      FD->addAttr(NoSplitStackAttr::CreateImplicit(S.Context, Attr.getRange()));
    addNosplitAnnotation(S.Context, FD, Attr.getRange());
    return AttributeApplied;
  }
};

/// Walks a declaration, including class members, lambdas in bodies and
/// template instantiations, and annotates NoSplitStackAttr functions.
class NosplitMarker : public RecursiveASTVisitor<NosplitMarker> {
public:
  NosplitMarker(ASTContext &Ctx,
                llvm::function_ref<void(const FunctionDecl *)> OnNosplit)
      : Ctx(Ctx), OnNosplit(OnNosplit) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (const auto *A = FD->getAttr<NoSplitStackAttr>()) {
      addNosplitAnnotation(Ctx, FD, A->getRange());
      if (OnNosplit)
        OnNosplit(FD);
    }
    return true;
  }

private:
  ASTContext &Ctx;
  llvm::function_ref<void(const FunctionDecl *)> OnNosplit;
};

} // namespace

void markNosplitFunctions(ASTContext &Ctx, Decl *D,
                          llvm::function_ref<void(const FunctionDecl *)> OnNosplit) {
  NosplitMarker(Ctx, OnNosplit).TraverseDecl(D);
}

} // namespace morestack

static ParsedAttrInfoRegistry::Add<morestack::NosplitAttrInfo>
    RegisterNosplit("nosplit", "morestack: function without a stack check");

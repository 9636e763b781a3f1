//===- RuntimeStubs.cpp - Per-module stubs of the runtime's entries -------===//
//
// What this file does: see RuntimeStubs.h. Each stub is a naked
// linkonce_odr hidden function in a COMDAT of its own name whose body is
// inline assembly; the weak references to the twins come from module-level
// `.weak` directives.
//
//===----------------------------------------------------------------------===//
#include "RuntimeStubs.h"
#include "Options.h"

#include "morestack/abi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace morestack {
namespace {

constexpr const char *kEntries[] = {
#define MORESTACK_ENTRY_NAME(E) #E,
    MORESTACK_STUBBED_ENTRIES(MORESTACK_ENTRY_NAME)
#undef MORESTACK_ENTRY_NAME
};

constexpr const char *kUnboundMessage =
    "morestack: fatal: code built with the morestack plugin in a shared library found a "
    "managed stack, but the program's runtime does not export its entry points to shared "
    "libraries: link the program with morestack-clang, or add "
    "-Wl,--export-dynamic-symbol=__morestack* to its link\\n";

/// A naked, hidden, COMDAT definition of Name whose body is Asm. An existing
/// declaration (with whatever type the calls use) becomes the definition.
void defineStub(Module &M, StringRef Name, const std::string &Asm) {
  LLVMContext &Ctx = M.getContext();
  Function *F = M.getFunction(Name);
  if (F && !F->isDeclaration())
    return; // this module defines it (the runtime itself, say)
  if (!F)
    F = Function::Create(FunctionType::get(Type::getVoidTy(Ctx), false),
                         GlobalValue::ExternalLinkage, Name, M);
  F->setLinkage(GlobalValue::LinkOnceODRLinkage);
  F->setVisibility(GlobalValue::HiddenVisibility);
  F->setComdat(M.getOrInsertComdat(Name));
  F->addFnAttr(Attribute::Naked);
  F->addFnAttr(Attribute::NoUnwind);
  F->addFnAttr(Attribute::NoInline);
  F->addFnAttr(kNosplitFnAttr);
  IRBuilder<> B(BasicBlock::Create(Ctx, "", F));
  B.CreateCall(InlineAsm::get(FunctionType::get(B.getVoidTy(), false), Asm, "",
                              /*hasSideEffects=*/true));
  B.CreateUnreachable();
  // The backend's calls to __morestack name the symbol, not this function:
  // keep it from being deleted as unused.
  appendToCompilerUsed(M, {F});
}

} // namespace

void emitRuntimeStubs(Module &M) {
  bool Calls = false;
  for (const Function &F : M)
    if (!F.isDeclaration() && F.hasFnAttribute(kSplitStackFnAttr))
      Calls = true;
  if (!Calls || M.getFunction(MORESTACK_FN_UNBOUND))
    return;
  std::string Weak;
  for (const char *E : kEntries) {
    std::string Twin = std::string(E) + MORESTACK_EXPORT_SUFFIX;
    Weak += ".weak " + Twin + "\n";
    defineStub(M, E,
               "movq " + Twin + "@GOTPCREL(%rip), %r11\n\t"
               "testq %r11, %r11\n\t"
               "jz " MORESTACK_FN_UNBOUND "\n\t"
               "jmp *%r11");
  }
  M.appendModuleInlineAsm(Weak);
  defineStub(M, MORESTACK_FN_UNBOUND,
             std::string("movl $$2, %edi\n\t"
                         "leaq 1f(%rip), %rsi\n\t"
                         "movl $$(2f - 1f), %edx\n\t"
                         "movl $$1, %eax\n\t" // write(2, message, length)
                         "syscall\n\t"
                         "ud2\n"
                         "1:\n\t.ascii \"") +
                 kUnboundMessage + "\"\n2:");
}

} // namespace morestack

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
#include "Report.h"
#include "Unchecked.h"

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

/// The side stack of a thread in a program without the runtime: one
/// mapping of at least kFallbackRegion bytes laid out like a runtime chunk
/// (header, then room), never unmapped: objects in it may be referenced
/// until the thread ends, and glibc hands a finished thread's TCB, with
/// these slots, to the next thread it creates, which then reuses the
/// mapping. When a side frame does not fit, a larger mapping replaces it
/// (the old one stays: frames still use it).
///   void __morestack_side_fallback(uint64_t bytes)
constexpr uint64_t kFallbackRegion = uint64_t(1) << 20;
constexpr uint64_t kFallbackSlack = uint64_t(64) << 10;
constexpr uint64_t kPage = 4096;
constexpr const char *kFallbackName = "__morestack_side_fallback";
constexpr const char *kFallbackFailMessage =
    "morestack: fatal: cannot map a side stack (mmap failed) in a program without the "
    "morestack runtime\n";

void defineSideFallback(Module &M) {
  LLVMContext &Ctx = M.getContext();
  if (Function *Existing = M.getFunction(kFallbackName); Existing && !Existing->isDeclaration())
    return;
  Type *I64 = Type::getInt64Ty(Ctx), *I32 = Type::getInt32Ty(Ctx);
  PointerType *Ptr = PointerType::getUnqual(Ctx);
  Function *F = Function::Create(FunctionType::get(Type::getVoidTy(Ctx), {I64}, false),
                                 GlobalValue::LinkOnceODRLinkage, kFallbackName, M);
  F->setVisibility(GlobalValue::HiddenVisibility);
  F->setComdat(M.getOrInsertComdat(kFallbackName));
  F->addFnAttr(Attribute::NoUnwind);
  F->addFnAttr(Attribute::NoInline);
  recordSkip(*F, SkipReason::Runtime);
  auto TcbSlot = [&](unsigned Off) {
    return ConstantExpr::getIntToPtr(ConstantInt::get(I64, Off), PointerType::get(Ctx, 257));
  };
  BasicBlock *Entry = BasicBlock::Create(Ctx, "", F);
  BasicBlock *Fail = BasicBlock::Create(Ctx, "fail", F);
  BasicBlock *Ok = BasicBlock::Create(Ctx, "ok", F);
  IRBuilder<> B(Entry);
  // size = max(round_up(bytes + header + slack, page), region)
  Value *Want = B.CreateAdd(F->getArg(0),
                            B.getInt64(MORESTACK_SIDE_CHUNK_HEADER + kFallbackSlack + kPage - 1));
  Want = B.CreateAnd(Want, B.getInt64(~(kPage - 1)));
  Value *Size = B.CreateSelect(B.CreateICmpULT(Want, B.getInt64(kFallbackRegion)),
                               B.getInt64(kFallbackRegion), Want, "size");
  FunctionCallee Mmap = M.getOrInsertFunction(
      "mmap", FunctionType::get(Ptr, {Ptr, I64, I32, I32, I32, I64}, false));
  constexpr int kProtReadWrite = 0x3, kPrivateAnonNoreserve = 0x02 | 0x20 | 0x4000;
  Value *P = B.CreateCall(Mmap, {ConstantPointerNull::get(Ptr), Size, B.getInt32(kProtReadWrite),
                                 B.getInt32(kPrivateAnonNoreserve), B.getInt32(-1), B.getInt64(0)});
  Value *Failed = B.CreateICmpEQ(B.CreatePtrToInt(P, I64), B.getInt64(~uint64_t(0)));
  B.CreateCondBr(Failed, Fail, Ok);

  B.SetInsertPoint(Fail);
  FunctionCallee Write = M.getOrInsertFunction("write", FunctionType::get(I64, {I32, Ptr, I64}, false));
  StringRef Msg = StringRef(kFallbackFailMessage);
  B.CreateCall(Write, {B.getInt32(2), B.CreateGlobalStringPtr(Msg), B.getInt64(Msg.size())});
  B.CreateCall(M.getOrInsertFunction("abort", FunctionType::get(Type::getVoidTy(Ctx), false)));
  B.CreateUnreachable();

  // The header runtime/side_stack.h's SideChunk has: older, size, started_at.
  B.SetInsertPoint(Ok);
  Value *Limit = B.CreateConstGEP1_64(B.getInt8Ty(), P, MORESTACK_SIDE_CHUNK_HEADER);
  B.CreateStore(ConstantPointerNull::get(Ptr), P);
  B.CreateStore(Size, B.CreateConstGEP1_64(B.getInt8Ty(), Limit, MORESTACK_SIDE_CHUNK_SIZE_AT));
  Value *OldSp = B.CreateLoad(Ptr, TcbSlot(MORESTACK_SIDE_SP_TLS_OFFSET));
  B.CreateStore(OldSp, B.CreateConstGEP1_64(B.getInt8Ty(), P, 16));
  B.CreateStore(B.CreateGEP(B.getInt8Ty(), P, Size), TcbSlot(MORESTACK_SIDE_SP_TLS_OFFSET));
  B.CreateStore(Limit, TcbSlot(MORESTACK_SIDE_LIMIT_TLS_OFFSET));
  B.CreateRetVoid();
  appendToCompilerUsed(M, {F});
}

/// Whether M has code that may call a runtime entry: a checked function,
/// or a call to one of the entries (SideStackPass adds those to unchecked
/// functions too).
bool callsRuntime(const Module &M) {
  for (const Function &F : M)
    if (!F.isDeclaration() && F.hasFnAttribute(kSplitStackFnAttr))
      return true;
  for (const char *E : kEntries)
    if (const Function *F = M.getFunction(E); F && F->isDeclaration() && !F->use_empty())
      return true;
  return false;
}

} // namespace

Function *systemStackStub(Module &M, Function &Callee) {
  std::string Name = (MORESTACK_SYSTEM_STUB_PREFIX + Callee.getName()).str();
  if (Function *F = M.getFunction(Name))
    return F;
  Function *F = Function::Create(Callee.getFunctionType(), GlobalValue::ExternalLinkage, Name, M);
  F->setCallingConv(Callee.getCallingConv());
  // The stub runs the callee itself: what the callee promises (nocapture,
  // readonly, nounwind...) holds for it too. Without this, the escape
  // analysis that runs later would see snprintf's buffer escape into an
  // unknown function and put it on the side stack.
  F->setAttributes(Callee.getAttributes());
  defineStub(M, Name,
             "movq \"" + Callee.getName().str() + "\"@GOTPCREL(%rip), %r10\n\t"
             "jmp " MORESTACK_FN_CALL_ON_SYSTEM);
  if (!M.getFunction(MORESTACK_FN_CALL_ON_SYSTEM))
    Function::Create(FunctionType::get(Type::getVoidTy(M.getContext()), false),
                     GlobalValue::ExternalLinkage, MORESTACK_FN_CALL_ON_SYSTEM, M);
  return F;
}

void emitRuntimeStubs(Module &M) {
  if (M.getFunction(MORESTACK_FN_UNBOUND) || !callsRuntime(M))
    return;
  std::string Weak;
  for (const char *E : kEntries) {
    std::string Twin = std::string(E) + MORESTACK_EXPORT_SUFFIX;
    Weak += ".weak " + Twin + "\n";
    // Without the twin (the flags of the testq below): in a program
    // without the runtime (the guard is 0) the side stack comes from the
    // fallback, setjmp buffers need no registering and a system-stack call
    // runs where it is; with a runtime that did not export it, stop.
    auto WithoutRuntime = [](const std::string &Do) {
      return "jnz 1f\n\t"
             "cmpq $$0, %fs:" + std::to_string(MORESTACK_GUARD_TLS_OFFSET) + "\n\t"
             "jne " MORESTACK_FN_UNBOUND "\n\t" + Do + "\n"
             "1:";
    };
    std::string Unbound = "jz " MORESTACK_FN_UNBOUND;
    if (StringRef(E) == MORESTACK_FN_SIDE_MORE)
      Unbound = WithoutRuntime("jmp " + std::string(kFallbackName));
    else if (StringRef(E) == MORESTACK_FN_CALL_ON_SYSTEM)
      Unbound = WithoutRuntime("jmp *%r10");  // run the function where we are
    else if (StringRef(E) == MORESTACK_FN_REGISTER_JMP_BUF)
      Unbound = WithoutRuntime("ret");
    defineStub(M, E,
               "movq " + Twin + "@GOTPCREL(%rip), %r11\n\t"
               "testq %r11, %r11\n\t" +
                   Unbound + "\n\t"
               "jmp *%r11");
  }
  defineSideFallback(M);
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

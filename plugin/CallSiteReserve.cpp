//===- CallSiteReserve.cpp - Room for uninstrumented callees --------------===//
//
// What this file does: see CallSiteReserve.h.
//
//===----------------------------------------------------------------------===//
#include "CallSiteReserve.h"
#include "Options.h"
#include "RuntimeStubs.h"

#include "morestack/abi.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"

#include <algorithm>

#define DEBUG_TYPE "morestack-call-reserve"

using namespace llvm;

static cl::opt<bool> ClCallSiteReserve(
    "morestack-call-site-reserve", cl::init(true), cl::Hidden,
    cl::desc("Check the stack before each call into code without checks (for debugging only: "
             "without it such calls may overflow small stacks)"));

static cl::opt<bool> ClSystemStackCalls(
    "morestack-system-stack-calls", cl::init(true), cl::Hidden,
    cl::desc("Run library functions with large stack needs that call nothing back on the "
             "thread's system stack instead of reserving their need on the caller's stack "
             "(CallSiteReserve.h, kSystemStackNeed)"));

namespace morestack {
namespace {

struct LibraryEntry {
  uint64_t Need = 0;
  bool CallsBack = false;
};

const StringMap<LibraryEntry> &libraryTable() {
  static const StringMap<LibraryEntry> Table = [] {
    StringMap<LibraryEntry> T;
#define MORESTACK_LIBRARY_NEED(Name, Bytes) T[Name].Need = Bytes;
#define MORESTACK_LIBRARY_CALLS_BACK(Name) T[Name].CallsBack = true;
#include "LibraryStackNeeds.inc"
#undef MORESTACK_LIBRARY_CALLS_BACK
#undef MORESTACK_LIBRARY_NEED
    return T;
  }();
  return Table;
}

/// What the thrower's stack needs for a throw out of a C++ library function
/// (the unwinder itself runs on the system stack: runtime/unwinder.cpp).
constexpr uint64_t kLibraryThrowNeed =
#define MORESTACK_LIBRARY_NEED(Name, Bytes)
#define MORESTACK_LIBRARY_CALLS_BACK(Name)
#define MORESTACK_LIBRARY_THROW_NEED(Bytes) Bytes +
#include "LibraryStackNeeds.inc"
#undef MORESTACK_LIBRARY_THROW_NEED
#undef MORESTACK_LIBRARY_CALLS_BACK
#undef MORESTACK_LIBRARY_NEED
    0;

/// What a function of the runtime's API needs (MORESTACK_API_NEEDS), or 0
/// if Name is not one.
uint64_t apiNeed(StringRef Name) {
#define MORESTACK_API_CASE(Fn, Bytes)                                          \
  if (Name == #Fn)                                                             \
    return Bytes;
  MORESTACK_API_NEEDS(MORESTACK_API_CASE)
#undef MORESTACK_API_CASE
  return 0;
}

/// The unwinder's entry points, which the runtime defines
/// (MORESTACK_UNWINDER_ENTRIES): callable from any stack.
bool isUnwinderEntry(StringRef Name) {
#define MORESTACK_IS_ENTRY(name) Name == #name ||
  return MORESTACK_UNWINDER_ENTRIES(MORESTACK_IS_ENTRY) false;
#undef MORESTACK_IS_ENTRY
}

/// What a call needs checked before it, if anything.
struct Need {
  enum Kind { None, Constant, Marker, Indirect, System } K = None;
  uint64_t Bytes = 0;   ///< Constant
  StringRef Callee;     ///< Marker
};

/// Whether every argument of CB travels in a register under the SysV x86-64
/// convention (at most 6 integer-class and 8 vector-class words; nothing in
/// memory: no byval/inalloca/preallocated, no x87 long double, no
/// aggregate, no vector wider than 16 bytes). __morestack_call_on_system
/// moves nothing from the caller's stack.
bool argumentsInRegisters(const CallBase &CB) {
  unsigned Gpr = 0, Sse = 0;
  for (unsigned I = 0; I < CB.arg_size(); ++I) {
    if (CB.isByValArgument(I) || CB.isInAllocaArgument(I) || CB.isPassPointeeByValueArgument(I))
      return false;
    Type *T = CB.getArgOperand(I)->getType();
    if (T->isPointerTy() || (T->isIntegerTy() && T->getIntegerBitWidth() <= 64))
      ++Gpr;
    else if (T->isIntegerTy(128))
      Gpr += 2;
    else if (T->isFloatTy() || T->isDoubleTy() || T->isFP128Ty() || T->isHalfTy() ||
             (T->isVectorTy() && T->getPrimitiveSizeInBits().getFixedValue() <= 128))
      ++Sse;
    else
      return false; // x86_fp80 (memory), aggregates, wide vectors
  }
  return Gpr <= 6 && Sse <= 8;
}

/// Whether the call to a library function whose need is Bytes may run on
/// the system stack instead (CallSiteReserve.h).
bool runsOnSystemStack(const CallBase &CB, const Function &Callee, uint64_t Bytes,
                       bool CallsBack) {
  return ClSystemStackCalls && Bytes > kSystemStackNeed && !CallsBack && isa<CallInst>(CB) &&
         !CB.isMustTailCall() && CB.getCalledOperand() == &Callee &&
         CB.getFunctionType() == Callee.getFunctionType() &&
         !Callee.getName().starts_with("_Z") && !CB.doesNotReturn() &&
         !Callee.doesNotReturn() && argumentsInRegisters(CB);
}

Need needOf(const CallBase &CB) {
  if (CB.isInlineAsm())
    return {};
  const Function *Callee = CB.getCalledFunction();
  if (!Callee) {
    // A call through a pointer (or a cast of a function: still a direct
    // call to a known symbol).
    const Value *V = CB.getCalledOperand()->stripPointerCasts();
    Callee = dyn_cast<Function>(V);
    if (!Callee)
      return {Need::Indirect, 0, {}};
  }
  // Under ASan or TSan, library functions are the sanitizer's interceptors
  // (malloc, memcpy, strlen...: checks, allocator refills, reports), which
  // need more than the glibc functions the table measured: every call
  // into code without checks keeps at least the unknown callee's need.
  const Function &Caller = *CB.getFunction();
  const bool Sanitized = Caller.hasFnAttribute(Attribute::SanitizeAddress) ||
                         Caller.hasFnAttribute(Attribute::SanitizeThread);
  // Intrinsics: those that become library calls (memcpy, memset, math)
  // call functions whose needs are within the nosplit budget.
  if (Callee->isIntrinsic()) {
    if (Sanitized && isa<MemIntrinsic>(CB))
      return {Need::Constant, MORESTACK_UNKNOWN_CALLEE_NEED, {}};
    return {};
  }
  StringRef Name = Callee->getName();
  if (Name.starts_with(MORESTACK_FN_MORESTACK) || isUnwinderEntry(Name))
    return {}; // the runtime: callable from any stack
  if (!Callee->isDeclaration() && !Callee->hasAvailableExternallyLinkage())
    return {}; // defined here: checked itself, or nosplit within the budget
  if (uint64_t N = apiNeed(Name))
    return N <= MORESTACK_NOSPLIT_BUDGET ? Need{} : Need{Need::Constant, N, {}};
  auto It = libraryTable().find(Name);
  if (It != libraryTable().end()) {
    uint64_t N = It->second.Need;
    // The table measures what its test calls do; for a C++ function that
    // may throw that is usually the path that does not (std::string::at),
    // while a throw formats its message and allocates the exception below
    // it. Such a call reserves at least what a throw needs.
    if (Name.starts_with("_Z") && !CB.doesNotThrow() && !Callee->doesNotThrow())
      N = std::max(N, kLibraryThrowNeed);
    // (Small ones do not move to the system stack for a sanitizer's sake:
    // ASan's stack traces of allocations stop at the first frame outside
    // the running stack.)
    if (Sanitized && !runsOnSystemStack(CB, *Callee, N, It->second.CallsBack))
      return {Need::Constant, std::max<uint64_t>(N, MORESTACK_UNKNOWN_CALLEE_NEED), {}};
    if (N <= MORESTACK_NOSPLIT_BUDGET)
      return {}; // always free below a checked frame
    if (runsOnSystemStack(CB, *Callee, N, It->second.CallsBack))
      return {Need::System, N, Name};
    return {Need::Constant, N, {}};
  }
  if (Callee->hasFnAttribute(kNosplitFnAttr))
    return {}; // declared nosplit: its own file checks it fits the budget
  return {Need::Marker, 0, Name};
}

class Inserter {
public:
  explicit Inserter(Function &F)
      : F(F), M(*F.getParent()), Ctx(F.getContext()), I64(Type::getInt64Ty(Ctx)) {}

  void insert(CallBase &CB, const Need &N, CallSiteCounts &Counts) {
    IRBuilder<> B(&CB);
    B.SetCurrentDebugLocation(CB.getDebugLoc());
    Value *Enough;
    Value *Bytes;
    switch (N.K) {
    case Need::Constant:
      Bytes = B.getInt64(N.Bytes);
      Enough = roomFor(B, Bytes);
      ++Counts.Checked;
      break;
    case Need::Marker: {
      // need = the published value - 1, so an undefined marker (0: the
      // callee is not known to check itself) wraps to 2^64 - 1, above the
      // budget, and the common case (a callee built with the plugin: need
      // 0) costs a load of an immediate, a decrement, a compare and a
      // branch. The unknown case picks its default off that path. The
      // load has side effects so that it stays at its call instead of
      // being hoisted (and spilled) to the function's entry.
      std::string Marker = (N.Callee + kNeedMarkerSuffix).str();
      Referenced.insert(Marker);
      // movl to the 32-bit half zero-extends: a 64-bit result, no extension.
      InlineAsm *Load = InlineAsm::get(FunctionType::get(I64, false),
                                       "movl $$\"" + Marker + "\", ${0:k}", "=r",
                                       /*hasSideEffects=*/true);
      Value *Published = B.CreateCall(Load);
      Value *Need = B.CreateSub(Published, B.getInt64(1), "morestack.need");
      Value *Free = B.CreateICmpULE(Need, B.getInt64(MORESTACK_NOSPLIT_BUDGET));
      IRBuilder<> Check(SplitBlockAndInsertIfThen(B, Free));
      Check.SetCurrentDebugLocation(CB.getDebugLoc());
      Value *Unknown = Check.CreateICmpEQ(Need, Check.getInt64(~uint64_t(0)));
      Bytes = Check.CreateSelect(Unknown, Check.getInt64(MORESTACK_UNKNOWN_CALLEE_NEED), Need);
      Enough = roomFor(Check, Bytes);
      ++Counts.Marker;
      emitReserve(Check, CB, N, Enough, Bytes);
      return;
    }
    case Need::Indirect:
      Bytes = B.getInt64(MORESTACK_UNKNOWN_CALLEE_NEED);
      Enough = roomFor(B, Bytes);
      ++Counts.Indirect;
      break;
    case Need::System:
      CB.setCalledOperand(systemStackStub(M, *CB.getCalledFunction()));
      ++Counts.System;
      return;
    case Need::None:
      return;
    }
    emitReserve(B, CB, N, Enough, Bytes);
  }

  /// if (!Enough) reserve Bytes (or, for an indirect call, what the target
  /// needs), then the call.
  void emitReserve(IRBuilder<> &B, CallBase &CB, const Need &N, Value *Enough, Value *Bytes) {
    Instruction *Then = SplitBlockAndInsertIfThen(B, Enough);
    IRBuilder<> Slow(Then);
    Slow.SetCurrentDebugLocation(CB.getDebugLoc());
    if (N.K == Need::Indirect) {
      FunctionCallee Fn = M.getOrInsertFunction(
          MORESTACK_FN_RESERVE_CALL, AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind),
          Slow.getVoidTy(), Slow.getPtrTy());
      Slow.CreateCall(Fn, {CB.getCalledOperand()});
    } else {
      FunctionCallee Fn = M.getOrInsertFunction(
          MORESTACK_FN_RESERVE, AttributeList().addFnAttribute(Ctx, Attribute::NoUnwind),
          Slow.getVoidTy(), I64);
      Slow.CreateCall(Fn, {Bytes});
    }
  }

  const StringSet<> &referencedMarkers() const { return Referenced; }

private:
  /// %rsp - Bytes > guard: the callee has Bytes plus the guard region.
  Value *roomFor(IRBuilder<> &B, Value *Bytes) {
    Function *ReadReg = Intrinsic::getDeclaration(&M, Intrinsic::read_register, {I64});
    Value *Rsp = MetadataAsValue::get(Ctx, MDNode::get(Ctx, {MDString::get(Ctx, "rsp")}));
    Value *Sp = B.CreateCall(ReadReg, {Rsp}, "morestack.sp");
    Value *GuardPtr = ConstantExpr::getIntToPtr(B.getInt64(MORESTACK_GUARD_TLS_OFFSET),
                                                PointerType::get(Ctx, 257 /* %fs */));
    Value *Guard = B.CreateLoad(I64, GuardPtr, "morestack.guard");
    return B.CreateICmpUGT(B.CreateSub(Sp, Bytes), Guard, "morestack.room");
  }

  /// Splits before the insertion point: if (!Enough) { <returned> } ...
  Instruction *SplitBlockAndInsertIfThen(IRBuilder<> &B, Value *Enough) {
    Instruction *At = &*B.GetInsertPoint();
    BasicBlock *Head = At->getParent();
    BasicBlock *Tail = Head->splitBasicBlock(At, Head->getName() + ".morestack.call");
    BasicBlock *Grow = BasicBlock::Create(Ctx, "morestack.reserve", &F, Tail);
    Head->getTerminator()->eraseFromParent();
    IRBuilder<> HB(Head);
    MDBuilder MDB(Ctx);
    HB.CreateCondBr(Enough, Tail, Grow, MDB.createBranchWeights(1u << 20, 1));
    IRBuilder<> GB(Grow);
    return GB.CreateBr(Tail);
  }

  Function &F;
  Module &M;
  LLVMContext &Ctx;
  Type *I64;
  StringSet<> Referenced;
};

} // namespace

std::optional<uint64_t> libraryNeed(StringRef Symbol) {
  const StringMap<LibraryEntry> &T = libraryTable();
  auto It = T.find(Symbol);
  if (It == T.end())
    return std::nullopt;
  return It->second.Need;
}

CallSiteCounts reserveForCalls(Function &F, StringSet<> &MarkersUsed) {
  CallSiteCounts Counts;
  if (!ClCallSiteReserve)
    return Counts;
  SmallVector<std::pair<CallBase *, Need>, 16> Sites;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      if (auto *CB = dyn_cast<CallBase>(&I)) {
        Need N = needOf(*CB);
        if (N.K != Need::None)
          Sites.push_back({CB, N});
        else if (CB->getCalledFunction() && !CB->getCalledFunction()->isIntrinsic() &&
                 libraryNeed(CB->getCalledFunction()->getName()))
          ++Counts.Free;
      }
  Inserter Ins(F);
  for (auto &[CB, N] : Sites)
    Ins.insert(*CB, N, Counts);
  for (const auto &Marker : Ins.referencedMarkers())
    MarkersUsed.insert(Marker.getKey());
  return Counts;
}

void emitCheckedMarkers(Module &M, const StringSet<> &MarkersUsed) {
  std::string Asm;
  for (const Function &F : M) {
    if (F.isDeclaration() || F.hasLocalLinkage() || F.hasAvailableExternallyLinkage() ||
        F.getName().starts_with(MORESTACK_FN_MORESTACK)) // the runtime's stubs
      continue;
    if (!F.hasFnAttribute(kSplitStackFnAttr) && !F.hasFnAttribute(kNosplitFnAttr) &&
        !F.hasFnAttribute(kVarargThunkFnAttr))
      continue;
    std::string Marker = (F.getName() + kNeedMarkerSuffix).str();
    Asm += ".weak \"" + Marker + "\"\n.hidden \"" + Marker + "\"\n.set \"" + Marker + "\", 1\n";
  }
  for (const auto &Marker : MarkersUsed)
    Asm += ".weak \"" + Marker.getKey().str() + "\"\n.hidden \"" + Marker.getKey().str() + "\"\n";
  if (!Asm.empty())
    M.appendModuleInlineAsm(Asm);
}

} // namespace morestack

//===- NosplitBudget.cpp - The nosplit budget check, per TU ---------------===//
//
// What this file does:
//   Implements NosplitGraph (see NosplitBudget.h for the arithmetic and the
//   invariants): the call graph of the unchecked functions of a module,
//   taken from the IR at the end of SplitStackPass, and the check of every
//   chain through it against MORESTACK_NOSPLIT_BUDGET once the backend has
//   chosen the frame sizes.
//
// Soundness notes (what the IR can and cannot tell):
//   - Inlining is over by OptimizerLast, so direct calls in the IR are the
//     calls in the object code, except: llvm.memcpy/memmove/memset may
//     become calls to memcpy/memmove/memset (recorded as calls to them);
//     the backend's own helper calls (__divti3, fmod for frem, ...) and
//     inline assembly are not seen. A call that becomes a sibling call
//     (jmp) is counted as a call, which only over-estimates.
//   - A function that makes no call other than tail calls may be a leaf
//     that keeps locals in the 128-byte red zone below %rsp, which the
//     -fstack-usage number leaves out: it is counted, unless the function
//     is noredzone. A non-leaf never uses the red zone.
//   - -fstack-usage does not count stack realignment (an over-aligned local,
//     a spilled 32/64-byte vector): `and $-A, %rsp` drops %rsp by up to A-8
//     bytes and the allocation is rounded up to A, so such frames get
//     2*A - 16 bytes of slack.
//
//===----------------------------------------------------------------------===//
#include "NosplitBudget.h"
#include "Report.h"
#include "Unchecked.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <optional>

#define DEBUG_TYPE "morestack-nosplit-budget"

using namespace llvm;

namespace morestack {

std::string displayName(StringRef IRName) {
  std::string S = IRName.str();
  std::string Demangled = demangle(IRName);
  if (Demangled != IRName)
    S += " (" + Demangled + ")";
  return S;
}

namespace {

//===-- Collection (IR) ---------------------------------------------------===//

} // namespace

void NosplitGraph::collect(
    Module &M, const std::function<void(StringRef)> &WarnLibraryCall) {
  Nodes.clear();
  TargetLibraryInfoImpl TLII(Triple(M.getTargetTriple()));
  TargetLibraryInfo TLI(TLII);

  // Unchecked definitions that run on the managed stack: ifunc resolvers,
  // interrupt handlers and the runtime's own functions are part of no chain.
  auto IsUncheckedDef = [&](const Function &F) {
    return runsOnManagedStack(F) && !F.hasFnAttribute(kSplitStackFnAttr);
  };

  for (Function &F : M) {
    if (!IsUncheckedDef(F))
      continue;
    NosplitNode N;
    N.Name = F.getName().str();
    N.Reason = skipReasonName(*recordedSkip(F)).str();
    uint64_t Align = maxFrameRealignment(F);
    N.RealignSlack = Align ? 2 * Align - 16 : 0;

    bool MakesCall = false; // a call that certainly pushes a return address
    auto AddCall = [&](NosplitCall::Kind K, StringRef Callee) {
      for (const NosplitCall &C : N.Calls)
        if (C.K == K && C.Callee == Callee)
          return;
      N.Calls.push_back({K, Callee.str()});
    };
    for (Instruction &I : instructions(F)) {
      if (auto *AI = dyn_cast<AllocaInst>(&I)) {
        if (!AI->isStaticAlloca())
          ++N.DynamicAllocas;
        continue;
      }
      auto *CB = dyn_cast<CallBase>(&I);
      if (!CB || CB->isInlineAsm())
        continue; // inline assembly is not analysed
      const Value *Target = CB->getCalledOperand()->stripPointerCastsAndAliases();
      const auto *Callee = dyn_cast<Function>(Target);
      if (Callee && Callee->isIntrinsic()) {
        // Only these may turn into calls of the C library in the backend
        // (their inline expansion is the other possibility, hence no
        // MakesCall). glibc's versions are frameless leaves.
        switch (Callee->getIntrinsicID()) {
        case Intrinsic::memcpy:
          AddCall(NosplitCall::External, "memcpy");
          break;
        case Intrinsic::memmove:
          AddCall(NosplitCall::External, "memmove");
          break;
        case Intrinsic::memset:
          AddCall(NosplitCall::External, "memset");
          break;
        default:
          break;
        }
        continue;
      }
      auto *CI = dyn_cast<CallInst>(CB);
      if (!CI || !CI->isTailCall())
        MakesCall = true; // invoke, or a call that cannot become a jmp
      if (!Callee) {
        AddCall(NosplitCall::Indirect, "");
        continue;
      }
      if (IsUncheckedDef(*Callee)) {
        AddCall(NosplitCall::Unchecked, Callee->getName());
        continue;
      }
      if (!Callee->isDeclaration() && !Callee->hasAvailableExternallyLinkage() &&
          Callee->hasFnAttribute(kSplitStackFnAttr)) {
        AddCall(NosplitCall::Checked, Callee->getName());
        continue;
      }
      if (Callee->isDeclaration() && DeclaredNosplit.count(Callee->getName())) {
        AddCall(NosplitCall::ExternalNosplit, Callee->getName());
        continue;
      }
      LibFunc LF;
      if (Callee->isDeclaration() && TLI.getLibFunc(*Callee, LF)) {
        size_t Before = N.Calls.size();
        AddCall(NosplitCall::Library, Callee->getName());
        if (N.Calls.size() != Before && WarnLibraryCall)
          WarnLibraryCall(
              "morestack: " + N.Reason + " function '" + displayName(N.Name) +
              "' calls '" + displayName(Callee->getName()) +
              "', a C library function without a stack check: it runs on "
              "the same stack and its use is not covered by the nosplit "
              "budget of " +
              std::to_string(MORESTACK_NOSPLIT_BUDGET) + " bytes");
        continue;
      }
      AddCall(NosplitCall::External, Callee->getName());
    }
    N.MayUseRedZone = !MakesCall && !F.hasFnAttribute(Attribute::NoRedZone);
    LLVM_DEBUG(dbgs() << "nosplit-budget: " << N.Name << " (" << N.Reason
                      << "), " << N.Calls.size() << " callee(s)"
                      << (N.MayUseRedZone ? ", may use the red zone" : "")
                      << "\n");
    Nodes.push_back(std::move(N));
  }
}

//===-- The check (after code generation) ---------------------------------===//

namespace {

constexpr uint64_t kBudget = MORESTACK_NOSPLIT_BUDGET;

/// What a call that ends the chain may use below the caller's frame.
uint64_t endingCallCost(NosplitCall::Kind K) {
  return K == NosplitCall::ExternalNosplit ? kBudget : kCheckedCallCost;
}

/// What a node's chain ends with after its own frame.
enum class Tail { Nothing, RedZone, Call };

struct NodeResult {
  bool Unbounded = false; ///< reaches a cycle of unchecked functions
  uint64_t Use = 0;       ///< bytes below the checked caller's frame
  Tail T = Tail::Nothing;
  int BestCall = -1;      ///< index into Calls, if T == Call
};

class Checker {
public:
  Checker(const std::vector<NosplitNode> &Nodes,
          const StringMap<uint64_t> &FrameSizes)
      : Nodes(Nodes), FrameSizes(FrameSizes), Results(Nodes.size()),
        Index(Nodes.size(), -1), Low(Nodes.size(), 0),
        OnStack(Nodes.size(), false), SccOf(Nodes.size(), -1) {
    for (unsigned I = 0; I != Nodes.size(); ++I)
      ByName[Nodes[I].Name] = I;
    Succ.resize(Nodes.size());
    for (unsigned I = 0; I != Nodes.size(); ++I)
      for (const NosplitCall &C : Nodes[I].Calls)
        if (C.K == NosplitCall::Unchecked) {
          auto It = ByName.find(C.Callee);
          Succ[I].push_back(It == ByName.end() ? -1 : int(It->second));
        } else {
          Succ[I].push_back(-1);
        }
  }

  void run(const NosplitGraph::Emit &E, StringMap<std::string> *ChainNotes);

private:
  uint64_t frame(unsigned I) const {
    auto It = FrameSizes.find(Nodes[I].Name);
    return It == FrameSizes.end() ? 0 : It->second;
  }
  bool hasFrame(unsigned I) const { return FrameSizes.count(Nodes[I].Name); }
  void tarjan(unsigned V);
  void evaluate(unsigned V);
  std::string chainMessage(unsigned Root) const;
  std::string cycleMessage(const std::vector<unsigned> &Scc) const;

  const std::vector<NosplitNode> &Nodes;
  const StringMap<uint64_t> &FrameSizes;
  std::vector<NodeResult> Results;
  StringMap<unsigned> ByName;
  /// Succ[I][K]: node index of Nodes[I].Calls[K] if it is Unchecked, else -1.
  std::vector<std::vector<int>> Succ;

  // Tarjan's strongly connected components.
  std::vector<int> Index, Low;
  std::vector<bool> OnStack;
  std::vector<unsigned> Stack;
  int NextIndex = 0;
  std::vector<int> SccOf;
  std::vector<std::vector<unsigned>> Cycles; ///< cyclic SCCs
};

void Checker::tarjan(unsigned V) {
  Index[V] = Low[V] = NextIndex++;
  Stack.push_back(V);
  OnStack[V] = true;
  for (int W : Succ[V]) {
    if (W < 0)
      continue;
    if (Index[W] < 0) {
      tarjan(W);
      Low[V] = std::min(Low[V], Low[W]);
    } else if (OnStack[W]) {
      Low[V] = std::min(Low[V], Index[W]);
    }
  }
  if (Low[V] != Index[V])
    return;
  std::vector<unsigned> Scc;
  unsigned W;
  do {
    W = Stack.back();
    Stack.pop_back();
    OnStack[W] = false;
    Scc.push_back(W);
  } while (W != V);
  bool Cyclic = Scc.size() > 1 ||
                std::find(Succ[V].begin(), Succ[V].end(), int(V)) != Succ[V].end();
  if (Cyclic) {
    for (unsigned X : Scc)
      Results[X].Unbounded = true;
    std::sort(Scc.begin(), Scc.end());
    Cycles.push_back(std::move(Scc));
    return;
  }
  // SCCs come out callees first, so every callee is evaluated already.
  evaluate(V);
}

void Checker::evaluate(unsigned V) {
  const NosplitNode &N = Nodes[V];
  NodeResult &R = Results[V];
  uint64_t Below = 0;
  if (N.MayUseRedZone) {
    Below = MORESTACK_RED_ZONE;
    R.T = Tail::RedZone;
  }
  for (unsigned K = 0; K != N.Calls.size(); ++K) {
    uint64_t Cost = endingCallCost(N.Calls[K].K);
    if (int W = Succ[V][K]; W >= 0) {
      if (Results[W].Unbounded) {
        R.Unbounded = true;
        return;
      }
      Cost = Results[W].Use;
    }
    if (Cost > Below) {
      Below = Cost;
      R.T = Tail::Call;
      R.BestCall = K;
    }
  }
  R.Use = kReturnAddressSize + frame(V) + N.RealignSlack + Below;
}

std::string Checker::chainMessage(unsigned Root) const {
  std::string S;
  raw_string_ostream OS(S);
  const NodeResult &RR = Results[Root];
  OS << "morestack: nosplit stack over " << kBudget << " byte limit in '"
     << displayName(Nodes[Root].Name) << "': " << RR.Use << " bytes, over by "
     << RR.Use - kBudget << " bytes";
  uint64_t Total = 0;
  unsigned V = Root;
  while (true) {
    const NosplitNode &N = Nodes[V];
    const NodeResult &R = Results[V];
    uint64_t Own = kReturnAddressSize + frame(V) + N.RealignSlack;
    Total += Own;
    if (R.T == Tail::RedZone)
      Total += MORESTACK_RED_ZONE;
    OS << "\n  " << format_decimal(Total, 6) << "  " << displayName(N.Name);
    if (N.Reason != "nosplit")
      OS << " [" << N.Reason << "]";
    OS << ": " << kReturnAddressSize << " return address + ";
    if (hasFrame(V))
      OS << frame(V) << " frame";
    else
      OS << "? frame";
    if (N.RealignSlack)
      OS << " + " << N.RealignSlack << " realignment";
    if (R.T == Tail::RedZone)
      OS << " + " << MORESTACK_RED_ZONE << " red zone";
    if (N.DynamicAllocas)
      OS << " (+ " << N.DynamicAllocas << " dynamic alloca(s), not counted)";
    if (R.T != Tail::Call)
      break;
    const NosplitCall &C = N.Calls[R.BestCall];
    if (int W = Succ[V][R.BestCall]; W >= 0) {
      V = W;
      continue;
    }
    Total += endingCallCost(C.K);
    OS << "\n  " << format_decimal(Total, 6) << "  ";
    if (C.K == NosplitCall::ExternalNosplit) {
      OS << "calls '" << displayName(C.Callee)
         << "' (nosplit, defined in another file): up to " << kBudget
         << ", all that file's check promises (define it in this file to "
            "count its real chain)";
      break;
    }
    switch (C.K) {
    case NosplitCall::Checked:
      OS << "calls '" << displayName(C.Callee) << "' (checked)";
      break;
    case NosplitCall::External:
      OS << "calls '" << displayName(C.Callee)
         << "' (defined elsewhere, assumed checked)";
      break;
    case NosplitCall::Library:
      OS << "calls '" << displayName(C.Callee)
         << "' (C library, unchecked: its own use is not counted)";
      break;
    case NosplitCall::Indirect:
      OS << "indirect call (assumed checked)";
      break;
    case NosplitCall::Unchecked:
      OS << "calls '" << displayName(C.Callee) << "' (frame unknown)";
      break;
    case NosplitCall::ExternalNosplit:
      break; // above
    }
    OS << ": " << kReturnAddressSize << " return address + "
       << kCheckedCallCost - kReturnAddressSize
       << " __morestack if its check fails";
    break;
  }
  return S;
}

std::string Checker::cycleMessage(const std::vector<unsigned> &Scc) const {
  // The shortest cycle through the SCC's first function (breadth first,
  // inside the SCC).
  unsigned Start = Scc.front();
  DenseMap<unsigned, unsigned> Parent;
  SmallVector<unsigned, 8> Queue{Start};
  bool Found = false;
  unsigned Last = Start;
  for (size_t Q = 0; Q < Queue.size() && !Found; ++Q) {
    unsigned V = Queue[Q];
    for (int W : Succ[V]) {
      if (W < 0 || !std::binary_search(Scc.begin(), Scc.end(), unsigned(W)))
        continue;
      if (unsigned(W) == Start) {
        Found = true;
        Last = V;
        break;
      }
      if (Parent.try_emplace(W, V).second)
        Queue.push_back(W);
    }
  }
  SmallVector<unsigned, 8> Path{Start};
  for (unsigned V = Last; V != Start; V = Parent.lookup(V))
    Path.push_back(V);
  std::reverse(Path.begin() + 1, Path.end());
  Path.push_back(Start);

  std::string S;
  raw_string_ostream OS(S);
  OS << "morestack: nosplit recursion: ";
  for (size_t I = 0; I != Path.size(); ++I)
    OS << (I ? " -> '" : "'") << displayName(Nodes[Path[I]].Name) << "'";
  OS << ": no function in the cycle checks the stack, so its depth is "
        "unbounded";
  if (Scc.size() + 1 > Path.size())
    OS << " (" << Scc.size() << " functions call each other recursively)";
  return S;
}

void Checker::run(const NosplitGraph::Emit &E,
                  StringMap<std::string> *ChainNotes) {
  for (unsigned V = 0; V != Nodes.size(); ++V)
    if (Index[V] < 0)
      tarjan(V);

  // Roots: over the budget, and not called by an unchecked function that
  // is over the budget too (that one's chain contains this one's).
  std::vector<bool> OverCaller(Nodes.size(), false);
  auto Over = [&](unsigned V) {
    return !Results[V].Unbounded && Results[V].Use > kBudget;
  };
  for (unsigned V = 0; V != Nodes.size(); ++V)
    if (Over(V))
      for (int W : Succ[V])
        if (W >= 0)
          OverCaller[W] = true;

  for (unsigned V = 0; V != Nodes.size(); ++V) {
    if (ChainNotes && hasFrame(V)) {
      std::string Note;
      if (Results[V].Unbounded)
        Note = "nosplit chain unbounded (recursion)";
      else
        Note = "nosplit chain " + std::to_string(Results[V].Use) + " of " +
               std::to_string(kBudget) + " bytes" +
               (Over(V) ? ", over by " + std::to_string(Results[V].Use - kBudget) + " bytes"
                        : std::string());
      (*ChainNotes)[Nodes[V].Name] = Note;
    }
    if (Over(V) && !OverCaller[V])
      E(chainMessage(V));
  }
  std::sort(Cycles.begin(), Cycles.end()); // module order of their first
  for (const std::vector<unsigned> &Scc : Cycles)
    E(cycleMessage(Scc));
}

} // namespace

void NosplitGraph::check(const StringMap<uint64_t> &FrameSizes, const Emit &E,
                         StringMap<std::string> *ChainNotes) const {
  if (FrameSizes.empty() || Nodes.empty())
    return; // no code generation: no frame sizes
  Checker(Nodes, FrameSizes).run(E, ChainNotes);
}

} // namespace morestack

//===- Report.cpp - What the plugin did to each function ------------------===//
//
// What this file does:
//   Implements the per-function report (see Report.h for the format). Frame
//   sizes come from the stack-usage file the backend writes while it emits
//   code: the same number (MachineFrameInfo::getStackSize) that the
//   split-stack prologue loads into %r10 for __morestack.
//
// Invariants:
//   - Names are printed as they are in IR (mangled), followed by the
//     demangled form in parentheses when they differ, so a test can match
//     either.
//
//===----------------------------------------------------------------------===//
#include "Report.h"

#include "llvm/Demangle/Demangle.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace morestack {

StringRef skipReasonName(SkipReason R) {
  switch (R) {
  case SkipReason::Nosplit:
    return "nosplit";
  case SkipReason::Naked:
    return "naked";
  case SkipReason::VarargThunk:
    return "vararg-thunk";
  case SkipReason::VarargUnoutlinable:
    return "vararg-not-outlinable";
  case SkipReason::IfuncResolver:
    return "ifunc-resolver";
  case SkipReason::InterruptCC:
    return "interrupt-handler";
  case SkipReason::UnsupportedCC:
    return "unsupported-calling-convention";
  case SkipReason::PreservesRegisters:
    return "preserves-registers";
  case SkipReason::Runtime:
    return "morestack-runtime";
  }
  llvm_unreachable("unknown SkipReason");
}

std::optional<SkipReason> parseSkipReason(StringRef Name) {
  for (SkipReason R : {SkipReason::Nosplit, SkipReason::Naked, SkipReason::VarargThunk,
                       SkipReason::VarargUnoutlinable, SkipReason::IfuncResolver,
                       SkipReason::InterruptCC, SkipReason::UnsupportedCC,
                       SkipReason::PreservesRegisters, SkipReason::Runtime})
    if (skipReasonName(R) == Name)
      return R;
  return std::nullopt;
}

void Report::addInstrumented(StringRef Name, StringRef Detail) {
  FunctionRecord R;
  R.Name = Name.str();
  R.Instrumented = true;
  R.Detail = Detail.str();
  Records.push_back(std::move(R));
}

void Report::addObjects(StringRef Name, unsigned Moving, unsigned Side, StringRef Detail) {
  for (FunctionRecord &R : Records)
    if (R.Name == Name) {
      R.MovingObjects = (int)Moving;
      R.SideObjects = (int)Side;
      R.ObjectDetail = Detail.str();
    }
}

void Report::addSkipped(StringRef Name, SkipReason Reason, StringRef Detail) {
  FunctionRecord R;
  R.Name = Name.str();
  R.Reason = Reason;
  R.Detail = Detail.str();
  Records.push_back(std::move(R));
}

StringMap<uint64_t> Report::readStackUsage(StringRef Path) {
  StringMap<uint64_t> Sizes;
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return Sizes;
  SmallVector<StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef Line : Lines) {
    // "<file>:<line>:<name>\t<bytes>\t<static|dynamic>" or, without debug
    // info, "<module>:<name>\t...". The name never contains ':' or '\t'.
    auto [Loc, Rest] = Line.split('\t');
    StringRef Bytes = Rest.split('\t').first;
    StringRef Name = Loc.rsplit(':').second;
    uint64_t N;
    if (!Name.empty() && !Bytes.getAsInteger(10, N))
      Sizes[Name] = N;
  }
  return Sizes;
}

static void printName(raw_ostream &OS, StringRef Name) {
  OS << Name;
  std::string Demangled = demangle(Name);
  if (Demangled != Name)
    OS << " (" << Demangled << ")";
}

void Report::print(raw_ostream &OS, StringRef TUName,
                   const StringMap<uint64_t> &FrameSizes,
                   const StringMap<std::string> *ChainNotes) const {
  OS << "morestack-report: " << TUName << ": " << Records.size()
     << " function(s)\n";
  for (const FunctionRecord &R : Records) {
    OS << "morestack-report: ";
    printName(OS, R.Name);
    auto It = FrameSizes.find(R.Name);
    std::string Frame =
        It == FrameSizes.end() ? "?" : std::to_string(It->second);
    if (R.Instrumented) {
      OS << ": instrumented, frame " << Frame << " bytes";
    } else {
      OS << ": skipped (" << skipReasonName(R.Reason) << ")";
      if (It != FrameSizes.end())
        OS << ", frame " << Frame << " bytes";
      if (ChainNotes)
        if (auto N = ChainNotes->find(R.Name); N != ChainNotes->end())
          OS << ", " << N->second;
    }
    if (R.SideObjects >= 0 && R.MovingObjects + R.SideObjects > 0)
      OS << ", objects: " << R.MovingObjects << " moving, " << R.SideObjects << " side"
         << R.ObjectDetail;
    if (!R.Detail.empty())
      OS << ": " << R.Detail;
    OS << '\n';
  }
}

} // namespace morestack

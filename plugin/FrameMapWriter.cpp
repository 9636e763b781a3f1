//===- FrameMapWriter.cpp - Write the stack map records -------------------===//
//
// What this file does:
//   Writes one morestack_map_record (include/morestack/stack_map.h) for every
//   function StackMapPass marked, from the final machine frame: the frame
//   size and, for each stack object the runtime must leave alone, its offset,
//   size and kind. Everything it needs exists only after frame lowering, and
//   LLVM 19 lets a plugin add no machine pass; but a plugin may register a GC
//   strategy and its GCMetadataPrinter, and the printer's beginAssembly gets
//   the AsmPrinter, which accepts user AsmPrinterHandlers. The handler below
//   sees every MachineFunction as it is printed (beginFunction/endFunction):
//   MachineFrameInfo holds every frame object with its final offset, size,
//   whether it is a spill slot, and the alloca it came from.
//
//   (The previous design made each alloca an llvm.gcroot and read the root
//   offsets GCMachineCodeAnalysis computed. LLVM 19's GC lowering
//   null-initialises a root with `cast<PointerType>(allocated type)` when
//   anything it cannot prove harmless precedes the root's first store in the
//   entry block (a ptrtoint that loop strength reduction hoists there, a
//   sanitizer's call): for an array root that cast is invalid and clang
//   crashed at -O2. No gcroot is used any more; only the registration
//   constructor carries gc "morestack", so that the strategy exists and the
//   printer is asked to begin.)
//
// Invariants:
//   - frame_size = MachineFrameInfo's stack size + 8 (the return address):
//     CFA - %rsp at every call site of a function with a static frame
//     (no variable-sized objects, no realignment).
//   - Objects: only what the runtime must skip is listed; every other word of
//     the frame (spill slots of 8 bytes or more, saved registers, the
//     outgoing-argument area, temporaries, scanned objects) is relocated if
//     it points into the old stack. Listed, as PTRFREE: every alloca left on
//     the moving stack (EscapeAnalysis.h: no moving-stack address is ever
//     stored in one, since storing an object's address sends that object to
//     the side stack) but a scanned one (kScannedMetadata: a va_list, an
//     object holding an argument pointer), and spill slots
//     narrower than a word (their other bytes are stale, so the word is not
//     a value). A function that reads its own frame's address
//     (llvm.frameaddress and friends) may store it anywhere: its objects are
//     not listed. Objects are sorted, disjoint, inside the frame; offsets are
//     from the CFA, or from the frame's %rsp at call sites (flag
//     MORESTACK_MAP_SP_OBJECTS) in a realigned frame. A frame addressed
//     through a base pointer (realigned and dynamic) lists none.
//   - Every address in a record is PC-relative to local labels: a label this
//     handler puts at the function's first byte and the AsmPrinter's end
//     label, so the code range is right for -S output too and needs no
//     relocation against a preemptible symbol in a shared library.
//   - Records go to a section of their own per text section, SHF_LINK_ORDER
//     to it and in its COMDAT group, so --gc-sections and COMDAT folding drop
//     a record with its function.
//
//===----------------------------------------------------------------------===//
#include "Options.h"
#include "SideStackPass.h"
#include "StackMapPass.h"

#include "morestack/stack_map.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/CodeGen/AsmPrinter.h"
#include "llvm/CodeGen/AsmPrinterHandler.h"
#include "llvm/CodeGen/GCMetadata.h"
#include "llvm/CodeGen/GCMetadataPrinter.h"
#include "llvm/CodeGen/MachineFrameInfo.h"
#include "llvm/CodeGen/MachineFunction.h"
#include "llvm/CodeGen/TargetFrameLowering.h"
#include "llvm/CodeGen/TargetRegisterInfo.h"
#include "llvm/CodeGen/TargetSubtargetInfo.h"
#include "llvm/IR/GCStrategy.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCSectionELF.h"
#include "llvm/MC/MCStreamer.h"
#include "llvm/MC/MCSymbolELF.h"

#include <algorithm>
#include <cstddef>

#define DEBUG_TYPE "morestack-stack-maps"

using namespace llvm;

STATISTIC(NumRecords, "Stack map records written");
STATISTIC(NumDynamicFrames, "Stack map records without a static frame");
STATISTIC(NumObjects, "Stack objects listed in records");

namespace morestack {
namespace {

constexpr int64_t kWord = 8;
constexpr int64_t kReturnAddress = 8;
constexpr int64_t kSavedFramePointer = 8;

/// The records are written field by field (endFunction below, in this
/// order and with these widths) and read through the structs of
/// stack_map.h: the compiler holds the two to the same layout.
/// X(field, offset, bytes):
#define MORESTACK_MAP_RECORD_FIELDS(X)                                          \
  X(size, 0, 4) X(code_end, 4, 4) X(code_size, 8, 4) X(frame_size, 12, 4)       \
  X(flags, 16, 2) X(num_objects, 18, 2) X(name, 20, 4)
#define MORESTACK_MAP_OBJECT_FIELDS(X)                                          \
  X(cfa_offset, 0, 4) X(size, 4, 4) X(kind, 8, 4) X(bitmap, 12, 4)
#define MORESTACK_MAP_FIELD(Type, Field, Offset, Bytes)                         \
  static_assert(offsetof(Type, Field) == (Offset) &&                          \
                    sizeof(Type::Field) == (Bytes),                           \
                "stack_map.h: " #Type "::" #Field " is not where FrameMapWriter writes it");
#define MORESTACK_MAP_RECORD_FIELD(F, O, B) MORESTACK_MAP_FIELD(morestack_map_record, F, O, B)
#define MORESTACK_MAP_OBJECT_FIELD(F, O, B) MORESTACK_MAP_FIELD(morestack_map_object, F, O, B)
MORESTACK_MAP_RECORD_FIELDS(MORESTACK_MAP_RECORD_FIELD)
MORESTACK_MAP_OBJECT_FIELDS(MORESTACK_MAP_OBJECT_FIELD)
static_assert(sizeof(morestack_map_record) == 24 && alignof(morestack_map_record) == 4,
              "stack_map.h: a record is 24 bytes, 4-aligned");
static_assert(sizeof(morestack_map_object) == 16 && alignof(morestack_map_object) == 4,
              "stack_map.h: an object is 16 bytes, 4-aligned");
#undef MORESTACK_MAP_RECORD_FIELD
#undef MORESTACK_MAP_OBJECT_FIELD
#undef MORESTACK_MAP_FIELD

class MorestackGC : public GCStrategy {
public:
  MorestackGC() {
    UsesMetadata = true;      // have the AsmPrinter create our printer
    NeededSafePoints = false; // no labels after calls
  }
};

struct Object {
  int32_t Offset;
  uint32_t Size;
  uint32_t Kind;
  std::string Bitmap;
};

/// Whether F gets a record (StackMapPass marked it).
bool described(const Function &F) { return F.hasFnAttribute(kDescribeFnAttr); }

/// Whether F takes the address of its own frame (or of its return address):
/// a moving-stack address the escape analysis did not see, which any of its
/// objects may then hold.
bool readsFrameAddress(const Function &F) {
  for (const Instruction &I : instructions(F))
    if (const auto *II = dyn_cast<IntrinsicInst>(&I))
      switch (II->getIntrinsicID()) {
      case Intrinsic::frameaddress:
      case Intrinsic::addressofreturnaddress:
      case Intrinsic::sponentry:
        return true;
      default:
        break;
      }
  return false;
}

/// What the runtime must skip in F's frame; false if the frame cannot be
/// described object by object (then it is scanned whole).
class FrameLayout {
public:
  FrameLayout(const MachineFunction &MF) : MF(MF), MFI(MF.getFrameInfo()) {
    const TargetRegisterInfo &TRI = *MF.getSubtarget().getRegisterInfo();
    Static = !MFI.hasVarSizedObjects() && !TRI.hasStackRealignment(MF);
    FrameSize = MFI.getStackSize() + kReturnAddress;
  }

  bool isStatic() const { return Static; }
  uint64_t frameSize() const { return FrameSize; }
  bool spRelative() const { return SpRelative; }

  /// Fills Objects, sorted; false (and no objects) if some object's place
  /// cannot be expressed from the CFA or the frame's %rsp.
  bool collect(std::vector<Object> &Objects) {
    const bool ListAllocas = !readsFrameAddress(MF.getFunction());
    for (int FI = MFI.getObjectIndexBegin(); FI != MFI.getObjectIndexEnd(); ++FI) {
      if (MFI.isDeadObjectIndex(FI) || MFI.isVariableSizedObjectIndex(FI) ||
          MFI.isFixedObjectIndex(FI))
        continue; // fixed objects: saved registers (scanned), incoming arguments (the caller's)
      int64_t Size = MFI.getObjectSize(FI);
      if (Size <= 0)
        continue;
      Object O;
      if (const AllocaInst *AI = MFI.getObjectAllocation(FI)) {
        if (!ListAllocas || AI->hasMetadata(kScannedMetadata))
          continue; // scanned with the rest of the frame
        O.Kind = MORESTACK_MAP_PTRFREE;
        O.Size = uint32_t(Size);
      } else if (MFI.isSpillSlotObjectIndex(FI) && Size < kWord) {
        O.Kind = MORESTACK_MAP_PTRFREE;
        O.Size = uint32_t(Size);
      } else {
        continue;
      }
      std::optional<int64_t> Off = offsetOf(FI);
      if (!Off) {
        Objects.clear();
        return false;
      }
      O.Offset = int32_t(*Off);
      Objects.push_back(std::move(O));
    }
    llvm::sort(Objects, [](const Object &A, const Object &B) { return A.Offset < B.Offset; });
    for (size_t I = 0; I < Objects.size(); ++I) {
      const Object &O = Objects[I];
      bool Inside = SpRelative ? O.Offset >= 0
                               : O.Offset < 0 && O.Offset + int64_t(O.Size) <= -kReturnAddress &&
                                     (!Static || -int64_t(O.Offset) <= int64_t(FrameSize));
      bool Disjoint = I == 0 || int64_t(Objects[I - 1].Offset) + Objects[I - 1].Size <= O.Offset;
      if (!Inside || !Disjoint) {
        Objects.clear(); // describe nothing rather than guess
        return false;
      }
    }
    NumObjects += Objects.size();
    return true;
  }

private:
  /// FI's offset from the CFA (or, for SpRelative, from %rsp at call sites).
  std::optional<int64_t> offsetOf(int FI) {
    const TargetFrameLowering &TFL = *MF.getSubtarget().getFrameLowering();
    const TargetRegisterInfo &TRI = *MF.getSubtarget().getRegisterInfo();
    Register Reg;
    StackOffset SO = TFL.getFrameIndexReference(MF, FI, Reg);
    if (SO.getScalable())
      return std::nullopt;
    int64_t Off = SO.getFixed();
    StringRef Name = TRI.getName(Reg);
    bool FromSP = Name == "RSP", FromFP = Name == "RBP";
    if (FromFP && !SpRelative) {
      Seen = true;
      return Off - kSavedFramePointer - kReturnAddress; // CFA = %rbp + 16
    }
    if (FromSP && Static && !SpRelative) {
      Seen = true;
      return Off - int64_t(FrameSize);
    }
    if (FromSP && !Static && (!Seen || SpRelative)) {
      Seen = SpRelative = true; // realigned: only %rsp knows where objects are
      return Off;
    }
    return std::nullopt; // a base pointer, or objects on two different bases
  }

  const MachineFunction &MF;
  const MachineFrameInfo &MFI;
  bool Static;
  uint64_t FrameSize;
  bool SpRelative = false;
  bool Seen = false;
};

/// The AsmPrinter handler that writes the records.
class FrameMapWriter : public AsmPrinterHandler {
public:
  explicit FrameMapWriter(AsmPrinter &AP) : AP(AP) {}

  void endModule() override {}

  void beginFunction(const MachineFunction *MF) override {
    Begin = nullptr;
    if (!described(MF->getFunction()))
      return;
    // Called right after the function's entry label: this is its first byte.
    Begin = AP.OutContext.createTempSymbol("morestack_begin");
    AP.OutStreamer->emitLabel(Begin);
  }

  void endFunction(const MachineFunction *MF) override {
    if (Begin && AP.getFunctionEnd())
      emitRecord(*MF);
    Begin = nullptr;
  }

private:
  MCSection *sectionFor(const MCSectionELF &Text) {
    unsigned Flags = ELF::SHF_ALLOC | ELF::SHF_LINK_ORDER;
    StringRef Group;
    if (const MCSymbolELF *G = Text.getGroup()) {
      Group = G->getName();
      Flags |= ELF::SHF_GROUP;
    }
    return AP.OutContext.getELFSection(MORESTACK_MAP_SECTION, ELF::SHT_PROGBITS, Flags, 0,
                                       Group, /*IsComdat=*/true, Text.getUniqueID(),
                                       cast<MCSymbolELF>(Text.getBeginSymbol()));
  }

  void emitRecord(const MachineFunction &MF) {
    const Function &F = MF.getFunction();
    MCContext &Ctx = AP.OutContext;
    MCStreamer &OS = *AP.OutStreamer;

    FrameLayout Layout(MF);
    uint16_t Flags = F.hasFnAttribute(kSplitStackFnAttr) ? MORESTACK_MAP_SPLIT
                                                         : MORESTACK_MAP_NOSPLIT;
    if (F.hasFnAttribute(kRbpFrameFnAttr))
      Flags |= MORESTACK_MAP_RBP_FRAME;
    uint32_t FrameSize = 0;
    if (Layout.isStatic()) {
      Flags |= MORESTACK_MAP_FRAME_KNOWN;
      FrameSize = uint32_t(Layout.frameSize());
    } else {
      ++NumDynamicFrames;
    }
    std::vector<Object> Objects;
    Layout.collect(Objects);
    if (Layout.spRelative() && !Objects.empty())
      Flags |= MORESTACK_MAP_SP_OBJECTS;

    StringRef Name = GlobalValue::dropLLVMManglingEscape(F.getName());
    uint32_t Offset = sizeof(morestack_map_record) + Objects.size() * sizeof(morestack_map_object);
    std::vector<uint32_t> BitmapOffsets;
    for (const Object &O : Objects) {
      BitmapOffsets.push_back(O.Bitmap.empty() ? 0 : Offset);
      Offset += O.Bitmap.size();
    }
    uint32_t NameOffset = Offset;
    uint32_t Size = alignTo(NameOffset + Name.size() + 1, 4);

    const auto *Text = cast<MCSectionELF>(OS.getCurrentSectionOnly());
    OS.pushSection();
    OS.switchSection(sectionFor(*Text));
    // Field by field, in the order and widths of MORESTACK_MAP_*_FIELDS.
    OS.emitValueToAlignment(Align(alignof(morestack_map_record)));
    OS.emitInt32(Size);
    MCSymbol *Here = Ctx.createTempSymbol();
    OS.emitLabel(Here);
    const MCExpr *End = MCSymbolRefExpr::create(AP.getFunctionEnd(), Ctx);
    OS.emitValue(MCBinaryExpr::createSub(End, MCSymbolRefExpr::create(Here, Ctx), Ctx), 4);
    OS.emitValue(MCBinaryExpr::createSub(End, MCSymbolRefExpr::create(Begin, Ctx), Ctx), 4);
    OS.emitInt32(FrameSize);
    OS.emitInt16(Flags);
    OS.emitInt16(uint16_t(Objects.size()));
    OS.emitInt32(NameOffset);
    for (size_t I = 0; I < Objects.size(); ++I) {
      OS.emitInt32(uint32_t(Objects[I].Offset));
      OS.emitInt32(Objects[I].Size);
      OS.emitInt32(Objects[I].Kind);
      OS.emitInt32(BitmapOffsets[I]);
    }
    for (const Object &O : Objects)
      OS.emitBytes(O.Bitmap);
    OS.emitBytes(Name);
    OS.emitZeros(Size - NameOffset - Name.size());
    OS.popSection();
    ++NumRecords;
  }

  AsmPrinter &AP;
  MCSymbol *Begin = nullptr;
};

class MorestackMapPrinter : public GCMetadataPrinter {
public:
  void beginAssembly(Module &, GCModuleInfo &, AsmPrinter &AP) override {
    AP.addAsmPrinterHandler(std::make_unique<FrameMapWriter>(AP));
  }
};

GCRegistry::Add<MorestackGC>
    RegisterGC(MORESTACK_MAP_GC_NAME, "morestack: asks for the stack map printer");
GCMetadataPrinterRegistry::Add<MorestackMapPrinter>
    RegisterPrinter(MORESTACK_MAP_GC_NAME,
                    "morestack: writes the morestack_maps records from the final frames");

} // namespace
} // namespace morestack

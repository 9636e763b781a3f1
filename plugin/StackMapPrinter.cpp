//===- StackMapPrinter.cpp - Write the stack map records ------------------===//
//
// What this file does:
//   Registers with LLVM, when the plugin is loaded, the "morestack" GC
//   strategy and its GCMetadataPrinter. For every function StackMapPass gave
//   gc "morestack", LLVM's GCMachineCodeAnalysis records after frame
//   lowering the frame size (or "dynamic") and the %rbp-relative offset of
//   every gcroot; at the end of the module the AsmPrinter calls
//   finishAssembly below, which writes one morestack_map_record per function
//   (include/morestack/stack_map.h) into a section "morestack_maps" linked
//   (SHF_LINK_ORDER) to the function's text section and in its COMDAT group.
//
// Invariants:
//   - frame_size = MachineFrameInfo's stack size + 8 (the return address):
//     CFA - %rsp at every call site of a function with a static frame.
//   - Objects are emitted only for static frames, with their offset from
//     the CFA (see collectObjects for the frame register).
//   - Every address is PC-relative; code_end is the function's end label
//     and code_size its ELF size expression (both 0 when the output is
//     textual assembly, where the size is not known to the streamer: the
//     runtime then cannot match return addresses to the function and scans
//     its frames whole).
//
//===----------------------------------------------------------------------===//
#include "Options.h"
#include "StackMapPass.h"

#include "morestack/stack_map.h"

#include "llvm/ADT/Statistic.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/CodeGen/AsmPrinter.h"
#include "llvm/CodeGen/GCMetadata.h"
#include "llvm/CodeGen/GCMetadataPrinter.h"
#include "llvm/CodeGen/TargetLoweringObjectFileImpl.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GCStrategy.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCSectionELF.h"
#include "llvm/MC/MCStreamer.h"
#include "llvm/MC/MCSymbolELF.h"
#include "llvm/Target/TargetMachine.h"

#include <algorithm>

#define DEBUG_TYPE "morestack-stack-maps"

using namespace llvm;

STATISTIC(NumRecords, "Stack map records written");
STATISTIC(NumDynamicFrames, "Stack map records without a static frame");

namespace morestack {
namespace {

class MorestackGC : public GCStrategy {
public:
  MorestackGC() {
    UsesMetadata = true;      // run GCMachineCodeAnalysis, call our printer
    NeededSafePoints = false; // no labels after calls: the code range is enough
  }
};

struct Object {
  int32_t CfaOffset;
  uint32_t Size;
  uint32_t Kind;
  std::string Bitmap;
};

/// The layout StackMapPass attached for the gcroot whose second operand is
/// inttoptr(Index + 1).
const MDNode *layoutFor(const Function &F, const Constant *Tag) {
  const MDNode *All = F.getMetadata(kObjectsMetadata);
  const auto *CE = dyn_cast_or_null<ConstantExpr>(Tag);
  if (!All || !CE || CE->getOpcode() != Instruction::IntToPtr)
    return nullptr;
  uint64_t Index = cast<ConstantInt>(CE->getOperand(0))->getZExtValue();
  if (Index == 0 || Index > All->getNumOperands())
    return nullptr;
  return cast<MDNode>(All->getOperand(Index - 1));
}

uint64_t constantOf(const MDOperand &Op) {
  return mdconst::extract<ConstantInt>(Op)->getZExtValue();
}

/// The objects of a function with a static frame of FrameSize bytes, sorted;
/// empty if anything does not fit the frame (then it is scanned whole).
/// GCMachineCodeAnalysis gives each root's offset from the frame register:
/// %rbp in a function with a frame pointer (objects lie below it: negative
/// offsets, and %rbp = CFA - 16), else %rsp after the prologue (objects lie
/// above it: offsets >= 0, and %rsp = CFA - FrameSize).
std::vector<Object> collectObjects(GCFunctionInfo &FI, uint64_t FrameSize) {
  std::vector<Object> Objects;
  const Function &F = FI.getFunction();
  for (auto R = FI.roots_begin(), E = FI.roots_end(); R != E; ++R) {
    const MDNode *L = layoutFor(F, R->Metadata);
    if (!L)
      continue;
    Object O;
    O.CfaOffset = R->StackOffset < 0 ? R->StackOffset - 16
                                     : R->StackOffset - int64_t(FrameSize);
    O.Kind = uint32_t(constantOf(L->getOperand(0)));
    O.Size = uint32_t(constantOf(L->getOperand(1)));
    O.Bitmap = cast<MDString>(L->getOperand(2))->getString().str();
    if (O.CfaOffset >= 0 || int64_t(O.CfaOffset) + O.Size > 0 ||
        uint64_t(-int64_t(O.CfaOffset)) > FrameSize)
      return {};
    Objects.push_back(std::move(O));
  }
  llvm::sort(Objects, [](const Object &A, const Object &B) {
    return A.CfaOffset < B.CfaOffset;
  });
  for (size_t I = 1; I < Objects.size(); ++I)
    if (int64_t(Objects[I - 1].CfaOffset) + Objects[I - 1].Size >
        Objects[I].CfaOffset)
      return {}; // overlapping slots: describe nothing rather than guess
  return Objects;
}

class MorestackMapPrinter : public GCMetadataPrinter {
public:
  void finishAssembly(Module &M, GCModuleInfo &Info, AsmPrinter &AP) override {
    for (auto I = Info.funcinfo_begin(), E = Info.funcinfo_end(); I != E; ++I)
      if ((*I)->getStrategy().getName() == MORESTACK_MAP_GC_NAME)
        emitRecord(**I, AP);
  }

private:
  static MCSection *sectionFor(const Function &F, AsmPrinter &AP) {
    const auto *Text = cast<MCSectionELF>(
        AP.getObjFileLowering().SectionForGlobal(&F, AP.TM));
    unsigned Flags = ELF::SHF_ALLOC | ELF::SHF_LINK_ORDER;
    StringRef Group;
    if (const MCSymbolELF *G = Text->getGroup()) {
      Group = G->getName();
      Flags |= ELF::SHF_GROUP;
    }
    return AP.OutContext.getELFSection(
        MORESTACK_MAP_SECTION, ELF::SHT_PROGBITS, Flags, 0, Group,
        /*IsComdat=*/true, Text->getUniqueID(),
        cast<MCSymbolELF>(Text->getBeginSymbol()));
  }

  static void emitRecord(GCFunctionInfo &FI, AsmPrinter &AP) {
    const Function &F = FI.getFunction();
    MCContext &Ctx = AP.OutContext;
    MCStreamer &OS = *AP.OutStreamer;
    MCSymbol *Fn = AP.getSymbol(&F);

    uint16_t Flags = 0;
    if (F.hasFnAttribute(kRbpFrameFnAttr))
      Flags |= MORESTACK_MAP_RBP_FRAME;
    if (F.hasFnAttribute(kSplitStackFnAttr))
      Flags |= MORESTACK_MAP_SPLIT;
    else
      Flags |= MORESTACK_MAP_NOSPLIT;
    uint32_t FrameSize = 0;
    std::vector<Object> Objects;
    if (FI.getFrameSize() != UINT64_MAX) {
      Flags |= MORESTACK_MAP_FRAME_KNOWN;
      FrameSize = uint32_t(FI.getFrameSize() + 8);
      Objects = collectObjects(FI, FrameSize);
    } else {
      ++NumDynamicFrames;
    }

    StringRef Name = GlobalValue::dropLLVMManglingEscape(F.getName());
    uint32_t Offset = sizeof(morestack_map_record) +
                      Objects.size() * sizeof(morestack_map_object);
    std::vector<uint32_t> BitmapOffsets;
    for (const Object &O : Objects) {
      BitmapOffsets.push_back(O.Bitmap.empty() ? 0 : Offset);
      Offset += O.Bitmap.size();
    }
    uint32_t NameOffset = Offset;
    uint32_t Size = alignTo(NameOffset + Name.size() + 1, 4);

    OS.switchSection(sectionFor(F, AP));
    OS.emitValueToAlignment(Align(4));
    OS.emitInt32(Size);
    // code_end - &code_end: the end label is local, so this is resolved
    // against the text section even when the function's own symbol is
    // preemptible (a PC32 reference to it would not link into a .so).
    const auto *CodeSize = dyn_cast_or_null<MCBinaryExpr>(cast<MCSymbolELF>(Fn)->getSize());
    MCSymbol *Here = Ctx.createTempSymbol();
    OS.emitLabel(Here);
    if (CodeSize && CodeSize->getOpcode() == MCBinaryExpr::Sub) {
      OS.emitValue(MCBinaryExpr::createSub(CodeSize->getLHS(),
                                           MCSymbolRefExpr::create(Here, Ctx), Ctx),
                   4);
      OS.emitValue(CodeSize, 4);
    } else {
      OS.emitInt32(0);
      OS.emitInt32(0);
    }
    OS.emitInt32(FrameSize);
    OS.emitInt16(Flags);
    OS.emitInt16(uint16_t(Objects.size()));
    OS.emitInt32(NameOffset);
    for (size_t I = 0; I < Objects.size(); ++I) {
      OS.emitInt32(uint32_t(Objects[I].CfaOffset));
      OS.emitInt32(Objects[I].Size);
      OS.emitInt32(Objects[I].Kind);
      OS.emitInt32(BitmapOffsets[I]);
    }
    for (const Object &O : Objects)
      OS.emitBytes(O.Bitmap);
    OS.emitBytes(Name);
    OS.emitZeros(Size - NameOffset - Name.size());
    ++NumRecords;
  }
};

GCRegistry::Add<MorestackGC>
    RegisterGC(MORESTACK_MAP_GC_NAME,
               "morestack: frame sizes and stack objects for stack maps");
GCMetadataPrinterRegistry::Add<MorestackMapPrinter>
    RegisterPrinter(MORESTACK_MAP_GC_NAME,
                    "morestack: writes the morestack_maps records");

} // namespace
} // namespace morestack

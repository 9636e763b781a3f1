//===- StackObjectLayout.cpp - What a stack object may hold ---------------===//
//
// What this file does: see StackObjectLayout.h. One recursive walk over the
// type marks the words that may hold a pointer; subtrees that cannot hold
// one (arrays of double, say) are skipped without visiting their elements,
// so a megabyte of floats costs nothing.
//
//===----------------------------------------------------------------------===//
#include "StackObjectLayout.h"

#include "morestack/stack_map.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace morestack {
namespace {

constexpr uint64_t kWord = 8;

bool isUnion(const StructType *ST) {
  return ST->hasName() && ST->getName().starts_with("union.");
}

/// Whether any byte of a value of type T may hold (part of) a pointer.
bool mayHoldPointer(Type *T) {
  if (T->isFloatingPointTy() || T->isX86_FP80Ty())
    return false;
  if (auto *IT = dyn_cast<IntegerType>(T))
    return IT->getBitWidth() >= 64 || IT->getBitWidth() == 8;
  if (auto *VT = dyn_cast<FixedVectorType>(T))
    return mayHoldPointer(VT->getElementType());
  if (auto *AT = dyn_cast<ArrayType>(T))
    return mayHoldPointer(AT->getElementType());
  if (auto *ST = dyn_cast<StructType>(T)) {
    if (isUnion(ST) || ST->isOpaque())
      return true;
    for (Type *E : ST->elements())
      if (mayHoldPointer(E))
        return true;
    return false;
  }
  return true; // ptr, and anything these rules do not know
}

class Marker {
public:
  Marker(const DataLayout &DL, uint64_t Size)
      : DL(DL), Words((Size + kWord - 1) / kWord) {}

  void mark(Type *T, uint64_t Offset) {
    if (!mayHoldPointer(T))
      return;
    uint64_t Size = DL.getTypeAllocSize(T);
    if (auto *ST = dyn_cast<StructType>(T); ST && !isUnion(ST) && !ST->isOpaque()) {
      const StructLayout *SL = DL.getStructLayout(ST);
      for (unsigned I = 0, E = ST->getNumElements(); I != E; ++I)
        mark(ST->getElementType(I), Offset + SL->getElementOffset(I));
      return;
    }
    if (auto *AT = dyn_cast<ArrayType>(T)) {
      uint64_t Stride = DL.getTypeAllocSize(AT->getElementType());
      for (uint64_t I = 0, E = AT->getNumElements(); I != E; ++I)
        mark(AT->getElementType(), Offset + I * Stride);
      return;
    }
    if (auto *VT = dyn_cast<FixedVectorType>(T)) {
      uint64_t Stride = DL.getTypeStoreSize(VT->getElementType());
      for (unsigned I = 0, E = VT->getNumElements(); I != E; ++I)
        markBytes(Offset + I * Stride, Stride);
      return;
    }
    markBytes(Offset, Size); // a scalar that may hold a pointer, or unknown
  }

  const BitVector &words() const { return Words; }

private:
  void markBytes(uint64_t Offset, uint64_t Size) {
    if (Size == 0)
      return;
    uint64_t Last = (Offset + Size - 1) / kWord;
    for (uint64_t W = Offset / kWord; W <= Last && W < Words.size(); ++W)
      Words.set(W);
  }

  const DataLayout &DL;
  BitVector Words;
};

} // namespace

ObjectLayout classifyAlloca(const AllocaInst &AI, const DataLayout &DL) {
  ObjectLayout L;
  std::optional<TypeSize> Size = AI.getAllocationSize(DL);
  L.Size = Size && !Size->isScalable() ? Size->getFixedValue() : 0;
  Type *T = AI.getAllocatedType();
  if (!mayHoldPointer(T)) {
    L.Kind = MORESTACK_MAP_PTRFREE;
    return L;
  }
  L.Kind = MORESTACK_MAP_UNKNOWN;
  if (L.Size == 0 || L.Size > kMaxBitmapBytes * kWord || AI.getAlign().value() < kWord)
    return L;
  Marker M(DL, L.Size);
  uint64_t Count = 1;
  if (auto *CI = dyn_cast<ConstantInt>(AI.getArraySize()))
    Count = CI->getZExtValue();
  uint64_t Stride = DL.getTypeAllocSize(T);
  for (uint64_t I = 0; I != Count; ++I)
    M.mark(T, I * Stride);
  const BitVector &W = M.words();
  if (W.all())
    return L;
  if (W.none()) {
    L.Kind = MORESTACK_MAP_PTRFREE;
    return L;
  }
  L.Kind = MORESTACK_MAP_POINTERS;
  L.Bitmap.assign((W.size() + 7) / 8, '\0');
  for (unsigned I : W.set_bits())
    L.Bitmap[I / 8] = char(uint8_t(L.Bitmap[I / 8]) | (1u << (I % 8)));
  return L;
}

} // namespace morestack

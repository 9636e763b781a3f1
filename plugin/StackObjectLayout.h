//===- StackObjectLayout.h - What a stack object may hold -------*- C++ -*-===//
//
// What this file does:
//   Decides, from an alloca's IR type, which 8-byte words of the object may
//   hold a pointer: the "kind" and bitmap of a stack map object
//   (include/morestack/stack_map.h).
//
// The rules (docs/stack-maps.md, "What a word may hold"):
//   - ptr, integers of 64 bits or more, and i8 (byte storage: char buffers,
//     memcpy targets) may hold a pointer;
//   - floating point (scalars and vectors) and integers of 16/32 bits may
//     not; neither may struct padding;
//   - a struct whose name starts with "union." (clang names every C/C++ union
//     so) and any type the rules do not know may hold anything: its IR type
//     is only one of its members'.
//   An object is PTRFREE when no word may hold a pointer, UNKNOWN when every
//   word may, POINTERS (with a bitmap) otherwise. A pointer-bearing object
//   larger than kMaxBitmapBytes, or not 8-byte aligned, is UNKNOWN.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_STACKOBJECTLAYOUT_H
#define MORESTACK_PLUGIN_STACKOBJECTLAYOUT_H

#include <cstdint>
#include <string>

namespace llvm {
class AllocaInst;
class DataLayout;
} // namespace llvm

namespace morestack {

/// Objects with pointer words larger than this are described as UNKNOWN
/// rather than with a bitmap (which would take size / 64 bytes).
inline constexpr uint64_t kMaxBitmapBytes = 4096;

struct ObjectLayout {
  unsigned Kind;      ///< MORESTACK_MAP_PTRFREE / POINTERS / UNKNOWN
  uint64_t Size;      ///< bytes
  std::string Bitmap; ///< POINTERS: one bit per word, LSB first
};

/// The layout of a static alloca.
ObjectLayout classifyAlloca(const llvm::AllocaInst &AI,
                            const llvm::DataLayout &DL);

} // namespace morestack

#endif // MORESTACK_PLUGIN_STACKOBJECTLAYOUT_H

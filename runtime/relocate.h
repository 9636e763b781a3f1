// runtime/relocate.h: fixing pointers after a stack moved.
//
// The live part [old_lo, old_hi) of a stack (from its stack pointer to its
// top) was copied so that every byte now sits `delta` bytes further up. Any
// word that held an address inside it must now hold that address + delta.
// Without a map of the frames,
// every word of the copied region is treated as a possible pointer
// (conservative scan): a non-pointer whose bits happen to fall in the old
// range is changed too. The realistic case is a partly written byte buffer
// whose other bytes still hold an old pointer into the stack (stale data of
// an earlier call): the bytes above the lowest one can change. See
// docs/runtime.md, "What conservative relocation cannot tell apart". The range test is half-open: a word equal to old_hi
// points just past the block (into whatever is mapped there) and is left
// alone; the top of every managed stack holds runtime words, never the end
// of a user object.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace morestack {

// glibc stores the stack and frame pointers in a jmp_buf mangled with the
// thread's pointer guard (PTR_MANGLE: xor %fs:0x30, rol $0x11). The scan
// recognises a word that demangles into the old block as such a pointer and
// rewrites it mangled. A random word demangles into a block of B bytes with
// probability B / 2^64, so the cost of a false match is negligible.
inline uintptr_t mangle_pointer(uintptr_t p, uintptr_t key) {
  p ^= key;
  return (p << 0x11) | (p >> (64 - 0x11));
}
inline uintptr_t demangle_pointer(uintptr_t p, uintptr_t key) {
  return ((p >> 0x11) | (p << (64 - 0x11))) ^ key;
}

// The calling thread's pointer guard (tcbhead_t.pointer_guard, %fs:0x30).
inline uintptr_t pointer_guard() {
  uintptr_t key;
  asm("movq %%fs:0x30, %0" : "=r"(key));
  return key;
}

// Relocate every word in [begin, end), plain or mangled with `key`.
// Returns how many were changed.
size_t relocate_words(uintptr_t *begin, uintptr_t *end, uintptr_t old_lo, uintptr_t old_hi,
                      intptr_t delta, uintptr_t key);

// Count the words in [begin, end) that still point into [old_lo, old_hi),
// plainly or mangled with `key`.
size_t count_stale_words(const uintptr_t *begin, const uintptr_t *end, uintptr_t old_lo,
                         uintptr_t old_hi, uintptr_t key);

} // namespace morestack

// runtime/relocate.h: fixing pointers after a stack moved.
//
// The live part [old_lo, old_hi) of a stack (from its stack pointer to its
// top) was copied so that every byte now sits `delta` bytes further up. Any
// word that held an address inside it must now hold that address + delta.
//
// Which words may hold one comes from the stack maps (frame_walk.h,
// include/morestack/stack_map.h): in a frame the compiler described, the
// words of PTRFREE objects and the unmarked words of POINTERS objects are
// left alone; every other word of the live part (spill slots, saved
// registers, UNKNOWN objects, runtime frames, the register save area, and
// everything from the first undescribed frame up) is treated as a possible
// pointer (conservative scan). A non-pointer in a scanned word whose bits
// happen to fall in the old range is changed too: see docs/runtime.md, "What
// conservative relocation cannot tell apart". The range test is half-open: a
// word equal to old_hi points just past the block and is left alone; the top
// of every managed stack holds runtime words, never the end of a user object.
#pragma once

#include "frame_walk.h"

#include <morestack/glibc_facts.h>
#include <stddef.h>
#include <stdint.h>

namespace morestack {

// glibc stores the stack and frame pointers in a jmp_buf mangled with the
// thread's pointer guard (PTR_MANGLE: glibc_facts.h). The scan recognises a
// word that demangles into the old block as such a pointer and rewrites it
// mangled. A random word demangles into a block of B bytes with
// probability B / 2^64, so the cost of a false match is negligible.
inline uintptr_t mangle_pointer(uintptr_t p, uintptr_t key) {
  constexpr int r = MORESTACK_GLIBC_PTR_MANGLE_ROTATE;
  p ^= key;
  return (p << r) | (p >> (64 - r));
}
inline uintptr_t demangle_pointer(uintptr_t p, uintptr_t key) {
  constexpr int r = MORESTACK_GLIBC_PTR_MANGLE_ROTATE;
  return ((p >> r) | (p << (64 - r))) ^ key;
}

// The calling thread's pointer guard, PTR_MANGLE's key.
inline uintptr_t pointer_guard() {
  uintptr_t key;
  asm("movq %%fs:%c1, %0" : "=r"(key) : "i"(MORESTACK_GLIBC_TCB_POINTER_GUARD));
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

// What a frame-by-frame pass over a stack saw.
struct ScanResult {
  WalkResult walk;
  size_t pointer_free_words;  // words the maps proved pointer-free
};

// Split the live part [sp, hi) of a stopped stack, whose first frame is
// `start`, into the word ranges that may hold pointers: calls
// may_hold(begin, end) for each maximal run, in increasing order, covering
// every word except those the maps prove pointer-free.
template <class MayHold>
ScanResult for_each_pointer_range(FrameCursor start, uintptr_t sp, uintptr_t hi, MayHold &&may_hold) {
  ScanResult result = {};
  uintptr_t done = sp;  // everything below is handled
  // Adjacent ranges (the top of one frame, the bottom of the next) are
  // passed on as one.
  uintptr_t pending_lo = 0, pending_hi = 0;
  auto emit = [&](uintptr_t lo, uintptr_t hi) {
    if (lo == pending_hi) {
      pending_hi = hi;
      return;
    }
    if (pending_lo < pending_hi) may_hold(pending_lo, pending_hi);
    pending_lo = lo;
    pending_hi = hi;
  };
  auto scan_to = [&](uintptr_t end) {
    if (done >= end) return;
    emit(done, end);
    done = end;
  };
  result.walk = walk_frames(start, hi, [&](const WalkedFrame &f) {
    scan_to(f.sp);
    const MapRecord *r = f.record;
    if (r && r->num_objects) {
      const uintptr_t base = (r->flags & MORESTACK_MAP_SP_OBJECTS) ? f.sp : f.cfa;
      const MapObject *o = record_objects(r);
      for (const MapObject *end = o + r->num_objects; o < end; ++o) {
        if (o->kind == MORESTACK_MAP_UNKNOWN) continue;
        uintptr_t lo = base + (intptr_t)o->cfa_offset;
        uintptr_t first = (lo + 7) & ~uintptr_t(7), last = (lo + o->size) & ~uintptr_t(7);
        if (first < done) first = done;
        if (last > f.cfa) last = f.cfa;
        if (first >= last) continue;
        bool bitmap = o->kind == MORESTACK_MAP_POINTERS && (lo & 7) == 0;
        if (o->kind != MORESTACK_MAP_PTRFREE && !bitmap) continue;  // scanned with the rest
        scan_to(first);
        if (bitmap) {
          const uint8_t *bits = object_bitmap(r, o);
          for (uintptr_t w = first; w < last; w += 8) {
            size_t i = (w - lo) / 8;
            if (bits[i / 8] >> (i % 8) & 1) emit(w, w + 8);
            else ++result.pointer_free_words;
          }
        } else {
          result.pointer_free_words += (last - first) / 8;
        }
        done = last;
      }
    }
    scan_to(f.cfa);
  });
  scan_to(hi);
  if (pending_lo < pending_hi) may_hold(pending_lo, pending_hi);
  return result;
}

} // namespace morestack

// runtime/relocate.cpp: the conservative relocation scan (see relocate.h).
//
// One unsigned compare per word: (v - lo) < (hi - lo) is lo <= v < hi; one
// more rotate, xor and compare for the mangled form.
#include "relocate.h"

namespace morestack {

size_t relocate_words(uintptr_t *begin, uintptr_t *end, uintptr_t old_lo, uintptr_t old_hi,
                      intptr_t delta, uintptr_t key) {
  const uintptr_t span = old_hi - old_lo;
  size_t changed = 0;
  for (uintptr_t *p = begin; p < end; ++p) {
    uintptr_t v = *p;
    if (v - old_lo < span) {
      *p = v + (uintptr_t)delta;
      ++changed;
      continue;
    }
    uintptr_t d = demangle_pointer(v, key);
    if (d - old_lo < span) {
      *p = mangle_pointer(d + (uintptr_t)delta, key);
      ++changed;
    }
  }
  return changed;
}

size_t count_stale_words(const uintptr_t *begin, const uintptr_t *end, uintptr_t old_lo,
                         uintptr_t old_hi, uintptr_t key) {
  const uintptr_t span = old_hi - old_lo;
  size_t n = 0;
  for (const uintptr_t *p = begin; p < end; ++p)
    n += (*p - old_lo < span) || (demangle_pointer(*p, key) - old_lo < span);
  return n;
}

} // namespace morestack

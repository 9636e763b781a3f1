// runtime/relocate.cpp: the conservative relocation scan (see relocate.h).
//
// One unsigned compare per word: (v - lo) < (hi - lo) is lo <= v < hi.
#include "relocate.h"

namespace morestack {

size_t relocate_words(uintptr_t *begin, uintptr_t *end, uintptr_t old_lo, uintptr_t old_hi,
                      intptr_t delta) {
  const uintptr_t span = old_hi - old_lo;
  size_t changed = 0;
  for (uintptr_t *p = begin; p < end; ++p) {
    uintptr_t v = *p;
    if (v - old_lo < span) {
      *p = v + (uintptr_t)delta;
      ++changed;
    }
  }
  return changed;
}

size_t count_stale_words(const uintptr_t *begin, const uintptr_t *end, uintptr_t old_lo,
                         uintptr_t old_hi) {
  const uintptr_t span = old_hi - old_lo;
  size_t n = 0;
  for (const uintptr_t *p = begin; p < end; ++p) n += (*p - old_lo < span);
  return n;
}

} // namespace morestack

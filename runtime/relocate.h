// runtime/relocate.h: fixing pointers after a stack moved.
//
// A stack block [old_lo, old_hi) was copied so that every byte now sits
// `delta` bytes further up. Any word that held an address inside the old
// block must now hold that address + delta. Without a map of the frames,
// every word of the copied region is treated as a possible pointer
// (conservative scan): a non-pointer whose bits happen to fall in the old
// block is changed too. The range test is half-open: a word equal to old_hi
// points just past the block (into whatever is mapped there) and is left
// alone; the top of every managed stack holds runtime words, never the end
// of a user object.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace morestack {

// Relocate every word in [begin, end). Returns how many were changed.
size_t relocate_words(uintptr_t *begin, uintptr_t *end, uintptr_t old_lo, uintptr_t old_hi,
                      intptr_t delta);

// Count the words in [begin, end) that still point into [old_lo, old_hi).
size_t count_stale_words(const uintptr_t *begin, const uintptr_t *end, uintptr_t old_lo,
                         uintptr_t old_hi);

} // namespace morestack

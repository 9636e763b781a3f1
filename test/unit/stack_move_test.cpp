// Unit tests of stack_move (runtime/stack.h): copying and relocating a
// synthetic stack.
#include "stack.h"

#include <gtest/gtest.h>

using namespace morestack;

namespace {

TEST(StackMove, CopiesTheLivePartToTheTopAndRelocates) {
  Stack s;
  stack_init(s, 2048, StackKind::Fiber, 99);
  ASSERT_EQ(s.size(), 2048u);
  uintptr_t *w = (uintptr_t *)s.hi;
  // A fake live area of 16 words below the top: a frame-pointer chain, a
  // pointer to a local, a non-pointer, a pointer to the heap.
  uintptr_t sp = s.hi - 16 * sizeof(uintptr_t);
  int heap_object = 0;
  w[-16] = (uintptr_t)&w[-8];      // saved rbp -> next frame
  w[-8] = (uintptr_t)&w[-2];       // saved rbp -> top frame
  w[-12] = (uintptr_t)&w[-10];     // pointer to a local
  w[-11] = 12345;                  // a plain number
  w[-10] = (uintptr_t)&heap_object;
  w[-1] = s.hi;                    // one past the top: not into the block
  const uintptr_t old_hi = s.hi;

  uintptr_t new_sp = stack_move(s, 8192, sp, FrameCursor{0, sp, 0});  // no frames: scanned whole
  ASSERT_EQ(s.size(), 8192u);
  EXPECT_EQ(s.hi - new_sp, old_hi - sp) << "offset from the top is kept";
  uintptr_t *n = (uintptr_t *)s.hi;
  EXPECT_EQ(n[-16], (uintptr_t)&n[-8]);
  EXPECT_EQ(n[-8], (uintptr_t)&n[-2]);
  EXPECT_EQ(n[-12], (uintptr_t)&n[-10]);
  EXPECT_EQ(n[-11], 12345u);
  EXPECT_EQ(n[-10], (uintptr_t)&heap_object);
  EXPECT_EQ(n[-1], old_hi);
  EXPECT_EQ(s.stats.bytes_copied, 16 * sizeof(uintptr_t));
  EXPECT_EQ(s.stats.peak_size, 8192u);
  stack_release(s);
  EXPECT_EQ(s.lo, 0u);
}

TEST(StackMove, ShrinkingMovesDownToASmallerBlock) {
  Stack s;
  stack_init(s, 65536, StackKind::Fiber, 1);
  uintptr_t *w = (uintptr_t *)s.hi;
  w[-1] = (uintptr_t)&w[-4];
  uintptr_t new_sp = stack_move(s, 4096, s.hi - 64, FrameCursor{0, s.hi - 64, 0});
  EXPECT_EQ(s.size(), 4096u);
  EXPECT_EQ(s.hi - new_sp, 64u);
  EXPECT_EQ(((uintptr_t *)s.hi)[-1], (uintptr_t) & ((uintptr_t *)s.hi)[-4]);
  stack_release(s);
}

TEST(StackInit, RoundsUpToAPowerOfTwo) {
  Stack s;
  stack_init(s, 3000, StackKind::Thread, 2);
  EXPECT_EQ(s.size(), 4096u);
  EXPECT_EQ(s.guard(), s.lo + MORESTACK_STACK_GUARD);
  stack_release(s);
}

} // namespace

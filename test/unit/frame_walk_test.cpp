// Unit tests of the frame walk and of the split of a stack into the words
// that may hold pointers (runtime/frame_walk.h, runtime/relocate.h), on a
// synthetic stack described by a synthetic stack map record registered
// like a module's (runtime/stack_map.h).
#include "relocate.h"
#include "stack_map.h"

#include <gtest/gtest.h>

#include <string.h>
#include <vector>

using namespace morestack;

namespace {

// Two "functions": only their address ranges matter to the walk.
alignas(16) char fake_code[64];
alignas(16) char fake_dynamic_code[64];

// Two records: "fake", a static frame of 160 bytes (CFA - %rsp) with three
// objects, and "dyn", a dynamic frame (found from %rbp).
struct alignas(4) FakeMaps {
  morestack_map_record record;
  morestack_map_object objects[3];
  uint8_t bitmap[4];
  char name[8];
  morestack_map_record dynamic;
  char dynamic_name[4];
};

FakeMaps make_maps() {
  FakeMaps m;
  memset(&m, 0, sizeof m);
  m.record.size = offsetof(FakeMaps, dynamic);  // code_end is set where the record finally sits
  m.record.code_size = sizeof fake_code;
  m.record.frame_size = 160;
  m.record.flags = MORESTACK_MAP_SPLIT | MORESTACK_MAP_FRAME_KNOWN;
  m.record.num_objects = 3;
  m.record.name = offsetof(FakeMaps, name);
  // cfa-128: 32 bytes, pointers in words 0 and 2 only
  m.objects[0] = {-128, 32, MORESTACK_MAP_POINTERS, (uint32_t)offsetof(FakeMaps, bitmap)};
  m.bitmap[0] = 0x5;
  // cfa-80: 32 bytes of doubles
  m.objects[1] = {-80, 32, MORESTACK_MAP_PTRFREE, 0};
  // cfa-40: 16-byte union
  m.objects[2] = {-40, 16, MORESTACK_MAP_UNKNOWN, 0};
  strcpy(m.name, "fake");
  m.dynamic.size = sizeof m.dynamic + sizeof m.dynamic_name;
  m.dynamic.code_size = sizeof fake_dynamic_code;
  m.dynamic.flags = MORESTACK_MAP_SPLIT;  // no FRAME_KNOWN: dynamic
  m.dynamic.name = sizeof m.dynamic;
  strcpy(m.dynamic_name, "dyn");
  return m;
}

class FrameWalk : public ::testing::Test {
protected:
  void SetUp() override {
    maps = new FakeMaps(make_maps());
    // The record's code_end is relative to where it sits: compute it in place.
    maps->record.code_end =
        (int32_t)((intptr_t)(fake_code + sizeof fake_code) - (intptr_t)&maps->record.code_end);
    maps->dynamic.code_end = (int32_t)((intptr_t)(fake_dynamic_code + sizeof fake_dynamic_code) -
                                       (intptr_t)&maps->dynamic.code_end);
    __morestack_register_maps((const char *)maps, (const char *)(maps + 1));
  }
  void TearDown() override {
    __morestack_unregister_maps((const char *)maps, (const char *)(maps + 1));
    delete maps;
  }
  FakeMaps *maps = nullptr;
};

TEST_F(FrameWalk, LooksUpTheRecordByAddress) {
  EXPECT_EQ(map_lookup((uintptr_t)fake_code), &maps->record);
  EXPECT_EQ(map_lookup((uintptr_t)fake_code + 63), &maps->record);
  EXPECT_NE(map_lookup((uintptr_t)fake_code + 64), &maps->record);  // one past the end
  EXPECT_STREQ(record_name(&maps->record), "fake");
  EXPECT_EQ(map_lookup((uintptr_t)fake_dynamic_code + 1), &maps->dynamic);
  EXPECT_STREQ(record_name(&maps->dynamic), "dyn");
}

// A 64-word stack: one described frame [sp, cfa) of 160 bytes at the
// bottom, whose caller is code without maps (return address 1).
struct FakeStack {
  alignas(16) uintptr_t w[64] = {};
  uintptr_t hi() const { return (uintptr_t)(w + 64); }
  uintptr_t cfa() const { return (uintptr_t)(w + 20); }  // 160 bytes above w
  FrameCursor start() {
    uintptr_t rbp = cfa() - 16;
    ((uintptr_t *)cfa())[-1] = 1;  // caller's return address: not described
    ((uintptr_t *)cfa())[-2] = 0;  // caller's %rbp
    return {(uintptr_t)fake_code + 5, (uintptr_t)w, rbp};
  }
};

TEST_F(FrameWalk, VisitsTheDescribedFrameAndStopsAtUndescribedCode) {
  FakeStack s;
  std::vector<WalkedFrame> frames;
  WalkResult r = walk_frames(s.start(), s.hi(), [&](const WalkedFrame &f) { frames.push_back(f); });
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].sp, (uintptr_t)s.w);
  EXPECT_EQ(frames[0].cfa, s.cfa());
  EXPECT_EQ(frames[0].record, &maps->record);
  EXPECT_EQ(r.end, WalkEnd::Undescribed);
  EXPECT_EQ(r.end_sp, s.cfa());
  EXPECT_EQ(r.frames, 1u);
}

TEST_F(FrameWalk, AStaticFrameLeavingTheStackIsBroken) {
  FakeStack s;
  FrameCursor c = s.start();
  c.sp = s.hi() - 64;  // a 160-byte frame cannot start 64 bytes below the top
  WalkResult r = walk_frames(c, s.hi(), [](const WalkedFrame &) {});
  EXPECT_EQ(r.end, WalkEnd::Broken);
  EXPECT_EQ(r.frames, 0u);
}

// "fake" (static, 160 bytes) called by "dyn" (dynamic frame, %rbp = w[40]).
struct TwoFrames : FakeStack {
  FrameCursor start(bool fake_keeps_frame_pointer) {
    ((uintptr_t *)cfa())[-1] = (uintptr_t)fake_dynamic_code + 7;  // return into dyn
    w[40] = 0;      // dyn's caller's %rbp
    w[41] = 1;      // dyn's return address: undescribed code
    uintptr_t dyn_rbp = (uintptr_t)&w[40];
    if (fake_keeps_frame_pointer) {
      ((uintptr_t *)cfa())[-2] = dyn_rbp;  // saved by fake's prologue
      return {(uintptr_t)fake_code + 5, (uintptr_t)w, cfa() - 16};
    }
    return {(uintptr_t)fake_code + 5, (uintptr_t)w, dyn_rbp};  // fake left %rbp alone...
  }
};

TEST_F(FrameWalk, FollowsFramePointersToADynamicFrame) {
  TwoFrames s;
  std::vector<const MapRecord *> seen;
  WalkResult r = walk_frames(s.start(true), s.hi(), [&](const WalkedFrame &f) { seen.push_back(f.record); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], &maps->dynamic);
  EXPECT_EQ(r.end, WalkEnd::Undescribed);
  EXPECT_EQ(r.end_sp, (uintptr_t)&s.w[42]);
}

TEST_F(FrameWalk, ADynamicFrameAfterAFrameWithoutFramePointerEndsTheWalk) {
  // ...but the walk cannot know that: a frame without a frame pointer may
  // have used %rbp as an ordinary register.
  TwoFrames s;
  WalkResult r = walk_frames(s.start(false), s.hi(), [](const WalkedFrame &) {});
  EXPECT_EQ(r.end, WalkEnd::NoFramePointer);
  EXPECT_EQ(r.frames, 1u);
  EXPECT_EQ(r.end_sp, s.cfa());
}

TEST_F(FrameWalk, PointerRangesSkipExactlyThePointerFreeWords) {
  FakeStack s;
  std::vector<std::pair<size_t, size_t>> ranges;  // word indexes [a, b)
  ScanResult r = for_each_pointer_range(s.start(), (uintptr_t)s.w, s.hi(), [&](uintptr_t a, uintptr_t b) {
    ranges.push_back({(a - (uintptr_t)s.w) / 8, (b - (uintptr_t)s.w) / 8});
  });
  // CFA is word 20: the POINTERS object is words 4..7 (pointers at 4 and 6),
  // the doubles words 10..13, the union words 15..16 (scanned like the rest).
  // Adjacent ranges come as one.
  std::vector<std::pair<size_t, size_t>> expected = {{0, 5}, {6, 7}, {8, 10}, {14, 64}};
  EXPECT_EQ(ranges, expected);
  EXPECT_EQ(r.pointer_free_words, 6u);  // words 5, 7 and 10..13
  EXPECT_EQ(r.walk.end, WalkEnd::Undescribed);
}

TEST_F(FrameWalk, RelocationLeavesPointerFreeWordsAlone) {
  FakeStack s;
  FrameCursor start = s.start();
  uintptr_t lo = (uintptr_t)s.w, hi = s.hi();
  // Every word holds an address inside the stack: only the scanned ones move.
  for (int i = 0; i < 64; ++i)
    if (i != 18 && i != 19) s.w[i] = lo + 8 * (i % 8);
  alignas(16) uintptr_t copy[64];
  memcpy(copy, s.w, sizeof copy);
  intptr_t delta = (intptr_t)copy - (intptr_t)s.w;
  for_each_pointer_range(start, lo, hi, [&](uintptr_t a, uintptr_t b) {
    relocate_words((uintptr_t *)(a + delta), (uintptr_t *)(b + delta), lo, hi, delta, pointer_guard());
  });
  for (int i : {5, 7, 10, 11, 12, 13}) EXPECT_EQ(copy[i], s.w[i]) << "word " << i << " is pointer-free";
  for (int i : {0, 4, 6, 9, 15, 16, 30}) EXPECT_EQ(copy[i], s.w[i] + delta) << "word " << i;
}

} // namespace

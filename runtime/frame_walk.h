// runtime/frame_walk.h: walking the frames of a stopped stack.
//
// A stopped stack is one whose registers the runtime saved: a growth or an
// explicit shrink (the save area, frames.h) or a suspended fiber (the switch
// frame). From there the walker goes up frame by frame:
//
//   - a return address inside a function with a stack map record (the
//     plugin's functions, which all keep a frame pointer): CFA = %rbp + 16,
//     the caller's return address is at CFA - 8 and its %rbp at CFA - 16.
//     When the record knows the frame size, CFA - %rsp must be at least
//     that (more when arguments were pushed for the call);
//   - a return address in the runtime's own frames (MORESTACK_RUNTIME_FRAME,
//     built with frame pointers): the same rule, and the base of the stack
//     when %rbp points outside it (stacks start with %rbp 0 or the OS %rbp);
//   - anything else is an undescribed frame (code built without the plugin):
//     the walk stops there.
//
// Invariants: the walker only reads words inside [sp, hi) of the stack it
// is given, never follows a frame pointer downwards or outside the stack,
// and visits frames in strictly increasing address order, each frame being
// [sp, cfa). It never writes.
#pragma once

#include "frames.h"
#include "stack_map.h"

#include <stddef.h>
#include <stdint.h>

namespace morestack {

// Where a walk starts: the first frame's return address (into the function
// the frame belongs to), its stack pointer at that call, and its %rbp.
struct FrameCursor {
  uintptr_t pc;
  uintptr_t sp;
  uintptr_t rbp;
};

struct WalkedFrame {
  uintptr_t pc;             // return address into the frame's function
  uintptr_t sp;             // lowest address of the frame
  uintptr_t cfa;            // one past its highest
  const MapRecord *record;  // null for a runtime frame
};

enum class WalkEnd : uint8_t {
  Base,         // reached the bottom frame of the stack
  Undescribed,  // a frame of code without stack maps: [end_sp, hi) unknown
  Broken,       // a frame contradicting its record (frame size, %rbp chain)
};

struct WalkResult {
  WalkEnd end;
  uintptr_t end_sp;  // where the walk stopped
  uintptr_t end_pc;  // the return address found there
  size_t frames;     // described frames visited
};

inline uintptr_t load_word(uintptr_t addr) { return *(const uintptr_t *)addr; }

// The first frame of a stack stopped in morestack.S (save area at `sp`;
// ra_offset is SAVE_AREA_RA_PROLOGUE or SAVE_AREA_RA_BODY).
inline FrameCursor cursor_at_save_area(uintptr_t sp, size_t ra_offset) {
  return {load_word(sp + ra_offset), sp + ra_offset + 8, load_word(sp + SAVE_RBP)};
}

// The first frame of a suspended stack (switch frame at saved_sp).
inline FrameCursor cursor_at_switch_frame(uintptr_t saved_sp) {
  return {load_word(saved_sp + SWITCH_FRAME_RA), saved_sp + SWITCH_FRAME_RA + 8,
          load_word(saved_sp + SWITCH_FRAME_RBP)};
}

// Call visit(const WalkedFrame &) for every frame from `c` up, within the
// stack whose top is `hi`.
template <class Visit> WalkResult walk_frames(FrameCursor c, uintptr_t hi, Visit &&visit) {
  WalkResult result = {WalkEnd::Base, c.sp, c.pc, 0};
  const MapRecord *last = nullptr;  // recursion: the same function again and again
  uintptr_t last_lo = 0, last_hi = 0;
  for (;;) {
    result.end_sp = c.sp;
    result.end_pc = c.pc;
    if (c.sp >= hi) return result;
    const MapRecord *r;
    if (c.pc - 1 - last_lo < last_hi - last_lo) {
      r = last;
    } else if ((r = map_lookup(c.pc - 1))) {
      last = r;
      last_hi = record_code_end(r);
      last_lo = last_hi - r->code_size;
    }
    bool runtime = !r && in_runtime_frames(c.pc - 1);
    if (!r && !runtime) {
      result.end = WalkEnd::Undescribed;
      return result;
    }
    bool rbp_ok = c.rbp >= c.sp && c.rbp + 16 <= hi && (c.rbp & 7) == 0;
    if (!rbp_ok) {
      result.end = runtime ? WalkEnd::Base : WalkEnd::Broken;
      return result;
    }
    uintptr_t cfa = c.rbp + 16;
    if (r && (r->flags & MORESTACK_MAP_FRAME_KNOWN) && cfa - c.sp < r->frame_size) {
      result.end = WalkEnd::Broken;
      return result;
    }
    visit(WalkedFrame{c.pc, c.sp, cfa, r});
    result.frames += r != nullptr;
    c = {load_word(cfa - 8), cfa, load_word(cfa - 16)};
  }
}

} // namespace morestack

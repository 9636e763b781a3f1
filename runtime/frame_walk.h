// runtime/frame_walk.h: walking the frames of a stopped stack.
//
// A stopped stack is one whose registers the runtime saved: a growth or an
// explicit shrink (the save area, frames.h) or a suspended fiber (the switch
// frame). From there the walker goes up frame by frame, by return address:
//
//   - inside a function with a stack map record and a known frame size:
//     CFA = %rsp + frame_size (the plugin keeps %rsp fixed at call sites);
//   - inside a function whose record says dynamic frame or RBP_FRAME
//     (realignment, inline assembly), or in the runtime's own frames
//     (MORESTACK_RUNTIME_FRAME, built with frame pointers): CFA = %rbp + 16;
//     in the runtime's frames, %rbp outside the stack marks its base;
//   - anywhere else, a frame of code built without the plugin (libc calling
//     a callback): found through its unwind information (cfi.h) and walked
//     over as a "foreign" frame, whose words are all scanned. Without usable
//     unwind information the walk stops there (Undescribed).
//   Either way the return address is at CFA - 8.
//
// %rbp: the walk knows its value at the first frame (saved with the
// registers). A frame that keeps a frame pointer has %rbp = CFA - 16 at its
// call sites and saved its caller's %rbp at CFA - 16, so the walk keeps
// knowing %rbp through such frames. A frame without one may use %rbp as an
// ordinary register (saved somewhere the maps do not say), so after it the
// value is unknown until the test %rbp == CFA - 16 succeeds again (only a
// frame pointer can be equal to that). When a frame needs %rbp while it is
// unknown, the walk recovers it by stepping again, with the unwind
// information (which says where each function saved %rbp), over the frames
// since the last point where it was known; if that fails the walk ends
// (NoFramePointer) and the rest is scanned, as for undescribed code. Built
// with -fplugin-arg-morestack-frame-pointers, every calling function keeps
// a frame pointer and %rbp is always known.
//
// Invariants: the walker only reads words inside [sp, hi) of the stack it
// is given, visits frames in strictly increasing address order, each frame
// being [sp, cfa), and never writes.
#pragma once

#include "cfi.h"
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
  const MapRecord *record;  // null for a runtime or foreign frame
  bool foreign;             // code without stack maps, found by its unwind info
};

enum class WalkEnd : uint8_t {
  Base,            // reached the bottom frame of the stack
  Undescribed,     // a frame of code without stack maps: [end_sp, hi) unknown
  NoFramePointer,  // a frame found from %rbp while %rbp is unknown (see above)
  Broken,          // a frame contradicting its record or leaving the stack
};

struct WalkResult {
  WalkEnd end;
  uintptr_t end_sp;  // where the walk stopped
  uintptr_t end_pc;  // the return address found there
  size_t frames;     // described frames visited
  size_t foreign;    // frames of code without stack maps walked over
};

inline uintptr_t load_word(uintptr_t addr) { return *(const uintptr_t *)addr; }

// The first frame of a stack stopped in morestack.S (save area at `sp`;
// ra_offset is SAVE_AREA_RA_PROLOGUE or SAVE_AREA_RA_BODY).
inline FrameCursor cursor_at_save_area(uintptr_t sp, size_t ra_offset) {
  return {load_word(sp + ra_offset), sp + ra_offset + 8, ((const SaveArea *)sp)->rbp};
}

// The first frame of a suspended stack (switch frame at saved_sp).
inline FrameCursor cursor_at_switch_frame(uintptr_t saved_sp) {
  const SwitchFrame *f = (const SwitchFrame *)saved_sp;
  return {f->ra, saved_sp + sizeof(SwitchFrame), f->rbp};
}

// Call visit(const WalkedFrame &) for every frame from `c` up, within the
// stack whose top is `hi`.
// %rbp at frame `to`, recomputed with the unwind information from frame
// `from` (where it was known) up. False if a step fails.
inline bool recover_rbp(FrameCursor from, const FrameCursor &to, uintptr_t hi, uintptr_t *rbp) {
  bool known = true;
  while (from.sp < to.sp) {
    CfiStep s;
    if (!cfi_step(from.pc, from.sp, from.rbp, known, hi, &s)) return false;
    from = {load_word(s.cfa - 8), s.cfa, s.caller_rbp};
    known = s.caller_rbp_known;
  }
  *rbp = from.rbp;
  return known && from.sp == to.sp && from.pc == to.pc;
}

template <class Visit> WalkResult walk_frames(FrameCursor c, uintptr_t hi, Visit &&visit) {
  WalkResult result = {WalkEnd::Base, c.sp, c.pc, 0, 0};
  const MapRecord *last = nullptr;  // recursion: the same function again and again
  uintptr_t last_lo = 0, last_hi = 0;
  bool rbp_known = true;     // c.rbp is %rbp's value at the frame's call site
  FrameCursor known_at = c;  // the last frame where it was
  for (;;) {
    result.end_sp = c.sp;
    result.end_pc = c.pc;
    if (c.sp >= hi) return result;
    if (rbp_known) known_at = c;
    const MapRecord *r;
    if (c.pc - 1 - last_lo < last_hi - last_lo) {
      r = last;
    } else if ((r = map_lookup(c.pc - 1))) {
      last = r;
      last_lo = record_code_start(r);
      last_hi = record_code_end(r);
    }
    bool runtime = !r && in_runtime_frames(c.pc - 1);
    if (!r && !runtime) {
      CfiStep s;
      if (!cfi_step(c.pc, c.sp, c.rbp, rbp_known, hi, &s)) {
        result.end = WalkEnd::Undescribed;
        return result;
      }
      visit(WalkedFrame{c.pc, c.sp, s.cfa, nullptr, true});
      ++result.foreign;
      rbp_known = s.caller_rbp_known;
      c = {load_word(s.cfa - 8), s.cfa, s.caller_rbp};
      continue;
    }
    uintptr_t cfa, rbp;
    bool by_size = r && (r->flags & (MORESTACK_MAP_FRAME_KNOWN | MORESTACK_MAP_RBP_FRAME)) ==
                            MORESTACK_MAP_FRAME_KNOWN;
    if (by_size) {
      cfa = c.sp + r->frame_size;
      if (cfa > hi || cfa < c.sp + 8) {
        result.end = WalkEnd::Broken;
        return result;
      }
      rbp_known = c.rbp == cfa - 16;  // a frame pointer: the caller's %rbp is saved below the CFA
      rbp = rbp_known ? load_word(cfa - 16) : c.rbp;
    } else {
      if (!rbp_known && !runtime) rbp_known = recover_rbp(known_at, c, hi, &c.rbp);
      if (!rbp_known || c.rbp < c.sp || c.rbp + 16 > hi || (c.rbp & 7)) {
        result.end = runtime ? WalkEnd::Base : rbp_known ? WalkEnd::Broken : WalkEnd::NoFramePointer;
        return result;
      }
      cfa = c.rbp + 16;
      if (r && (r->flags & MORESTACK_MAP_FRAME_KNOWN) && cfa - c.sp < r->frame_size) {
        result.end = WalkEnd::Broken;
        return result;
      }
      rbp = load_word(cfa - 16);
    }
    visit(WalkedFrame{c.pc, c.sp, cfa, r, false});
    result.frames += r != nullptr;
    c = {load_word(cfa - 8), cfa, rbp};
  }
}

} // namespace morestack

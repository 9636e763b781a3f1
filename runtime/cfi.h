// runtime/cfi.h: stepping over one frame with the unwind information
// (.eh_frame) every x86-64 object carries.
//
// The stack maps describe the plugin's functions. Two things they cannot
// say: where the frame of code built without the plugin ends (glibc's qsort
// between two instrumented frames), and where a function without a frame
// pointer saved %rbp (needed to find a dynamic frame above it by its frame
// pointer). The call frame information that compilers emit for exception
// handling says both. This reader looks up the FDE of a return address
// through _dl_find_object and the binary-search table of .eh_frame_hdr, runs
// its CIE's and its own instructions up to that address, and evaluates two
// rules: the CFA (a register plus an offset) and %rbp (unchanged, or saved
// at an offset from the CFA). Anything else (expressions, %rbp kept in
// another register, a missing table) makes it give up, and the caller falls
// back to scanning.
//
// Invariants: reads only the unwind tables and words inside [sp, hi); no
// locks, no allocation, no libc calls but _dl_find_object (lock-free), so it
// runs on the system stack during a growth and in any thread.
#pragma once

#include <stdint.h>

namespace morestack {

struct CfiStep {
  uintptr_t cfa;         // the frame's canonical frame address
  uintptr_t caller_rbp;  // %rbp at the caller's call site
  bool caller_rbp_known; // false if the rules do not say (or %rbp was unknown)
};

// Step over the frame whose return address is `pc` (its code is at pc - 1),
// whose %rsp at that call is `sp` and whose %rbp is `rbp` (valid only if
// rbp_known), on a stack whose top is `hi`. False if the unwind information
// is missing or uses rules this reader does not follow, or if the result
// leaves [sp, hi].
bool cfi_step(uintptr_t pc, uintptr_t sp, uintptr_t rbp, bool rbp_known, uintptr_t hi,
              CfiStep *out);

} // namespace morestack

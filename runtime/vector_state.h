// runtime/vector_state.h: saving the vector registers across a stack move.
//
// A checked function's prologue may call __morestack with arguments in
// %xmm0..7, and with AVX or AVX-512 in all of %ymm0..7 / %zmm0..7 (and
// __m256d / __m512 arguments use those upper parts); the runtime's own C++
// may use any vector register. So morestack.S saves every vector register
// the machine has, with XSAVE and the XCR0 components that hold them
// (SSE, AVX, AVX-512 opmask and upper halves), or with FXSAVE on a machine
// without XSAVE, into an area on the thread's system stack (not the small
// stack: up to 2.7 KiB with AVX-512), and restores it before returning.
//
// Invariants:
//  - __morestack_xsave_mask is 0 (FXSAVE) until vector_state_init() has run
//    (from .preinit_array, before any constructor), then the XSAVE
//    component mask; __morestack_vector_area_size is always large enough for
//    the format in use, plus VECTOR_AREA_ALIGN bytes of alignment slack
//    (frames.h: the area's layout).
//  - The save area is in the standard (non-compacted) XSAVE format, so the
//    offset of each component is CPUID leaf 0xD's.
#pragma once

#include <stddef.h>
#include <stdint.h>

extern "C" {
extern uint64_t __morestack_xsave_mask;
extern uint64_t __morestack_vector_area_size;
}

namespace morestack {

// Read CPUID / XCR0 and set the two values above. Idempotent.
void vector_state_init();

// A vector register argument (%xmm0..7 and their %ymm / %zmm upper parts,
// 8 bytes at a time) that points into [old_lo, old_hi) is moved by delta,
// like every other saved register. Returns how many lanes changed.
size_t relocate_vector_state(void *area, uintptr_t old_lo, uintptr_t old_hi, intptr_t delta);

} // namespace morestack

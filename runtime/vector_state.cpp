// runtime/vector_state.cpp: see vector_state.h.
#include "vector_state.h"

#include "frames.h"

#include <cpuid.h>

// Before vector_state_init(): FXSAVE, which every x86-64 machine has (the
// alignment's worth extra is slack for aligning the area down).
extern "C" {
uint64_t __morestack_xsave_mask = 0;
uint64_t __morestack_vector_area_size = FXSAVE_AREA_SIZE + VECTOR_AREA_ALIGN;
}

namespace morestack {
namespace {

// XCR0 components (frames.h).
constexpr uint64_t kSse = XCR0_SSE, kAvx = XCR0_AVX, kZmmHi256 = XCR0_ZMM_HI256;
constexpr uint64_t kVectorComponents = XCR0_SSE | XCR0_AVX | XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM;

// Where the standard format keeps each register's parts.
constexpr size_t kLegacyXmmOffset = 160;  // %xmm0..15, 16 bytes each
size_t avx_offset, zmm_hi256_offset;      // %ymm upper halves (16 bytes each), %zmm upper (32)
constexpr int kArgumentRegisters = 8;     // %xmm0..7 carry arguments

uint64_t xgetbv0() {
  uint32_t lo, hi;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t)hi << 32 | lo;
}

size_t component_offset(unsigned c) {
  unsigned a, b, cx, d;
  __cpuid_count(0xD, c, a, b, cx, d);
  return b;
}

size_t relocate_lanes(uint64_t *lanes, size_t n, uintptr_t lo, uintptr_t hi, intptr_t delta) {
  size_t changed = 0;
  for (size_t i = 0; i < n; ++i)
    if (lanes[i] - lo < hi - lo) {
      lanes[i] += (uint64_t)delta;
      ++changed;
    }
  return changed;
}

} // namespace

void vector_state_init() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return;
  const bool xsave = (c & bit_XSAVE) && (c & bit_OSXSAVE);
  if (!xsave) return;
  uint64_t mask = xgetbv0() & kVectorComponents;
  if (!(mask & kSse)) return;
  __cpuid_count(0xD, 0, a, b, c, d);  // b: size of the standard area for XCR0's components
  if (mask & kAvx) avx_offset = component_offset(2);
  if (mask & kZmmHi256) zmm_hi256_offset = component_offset(6);
  __atomic_store_n(&__morestack_vector_area_size, (uint64_t)b + VECTOR_AREA_ALIGN, __ATOMIC_RELAXED);
  __atomic_store_n(&__morestack_xsave_mask, mask, __ATOMIC_RELEASE);
}

size_t relocate_vector_state(void *area, uintptr_t lo, uintptr_t hi, intptr_t delta) {
  char *base = (char *)area;
  size_t changed =
      relocate_lanes((uint64_t *)(base + kLegacyXmmOffset), 2 * kArgumentRegisters, lo, hi, delta);
  const uint64_t mask = __atomic_load_n(&__morestack_xsave_mask, __ATOMIC_ACQUIRE);
  const uint64_t present = mask ? *(const uint64_t *)(base + XSAVE_HEADER) : 0;  // XSTATE_BV
  if ((present & kAvx) && avx_offset)
    changed += relocate_lanes((uint64_t *)(base + avx_offset), 2 * kArgumentRegisters, lo, hi, delta);
  if ((present & kZmmHi256) && zmm_hi256_offset)
    changed += relocate_lanes((uint64_t *)(base + zmm_hi256_offset), 4 * kArgumentRegisters, lo, hi,
                              delta);
  return changed;
}

} // namespace morestack

// Before any constructor: a constructor may already grow a stack.
__attribute__((section(".preinit_array"), used)) static void (*const init_vector_state)() =
    morestack::vector_state_init;

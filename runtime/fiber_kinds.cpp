// runtime/fiber_kinds.cpp: learned start sizes (see fiber_kinds.h).
#include "fiber_kinds.h"

#include <morestack/morestack.h>

#include "config.h"

namespace morestack {
namespace {

struct Kind {
  uintptr_t fn;        // 0: a free slot
  int32_t avg_log;     // moving average of log2(need), in 1/256ths
  uint32_t samples;    // fibers measured
  size_t start;        // power of two at or above the average (0: none yet)
};

Kind kinds[kKindSlots];

constexpr int kLogScale = 256;  // avg_log's fixed point

// log2(v) in 1/256ths, the fraction linear between powers of two (off by
// less than 0.09 of a power: plenty for choosing one).
int32_t log2_fixed(size_t v) {
  if (v < 1) v = 1;
  const int e = 63 - __builtin_clzl(v);
  const size_t mantissa = e >= 8 ? v >> (e - 8) : v << (8 - e);  // in [256, 512)
  return e * kLogScale + (int32_t)(mantissa - kLogScale);
}

// 2^(l / 256), with the same linear fraction.
size_t exp2_fixed(int32_t l) {
  const int e = l / kLogScale;
  const size_t mantissa = kLogScale + (size_t)(l % kLogScale);
  return e >= 8 ? mantissa << (e - 8) : mantissa >> (8 - e);
}

// The power of two at or above 2^(l / 256), at most kMaxLearnedStart.
size_t start_for(int32_t l) {
  const int e = (l + kLogScale - 1) / kLogScale;
  const size_t s = e >= 63 ? kMaxLearnedStart : size_t(1) << e;
  return s < kMaxLearnedStart ? s : kMaxLearnedStart;
}

Kind *find(uintptr_t fn, bool claim) {
  const size_t h = (size_t)((fn * 0x9e3779b97f4a7c15u) >> 54);
  static_assert(kKindSlots == 1 << 10, "h is 10 bits");
  for (int i = 0; i < kKindProbes; ++i) {
    Kind &k = kinds[(h + i) & (kKindSlots - 1)];
    uintptr_t key = __atomic_load_n(&k.fn, __ATOMIC_ACQUIRE);
    if (key == fn) return &k;
    if (key != 0) continue;
    if (!claim) return nullptr;
    if (__atomic_compare_exchange_n(&k.fn, &key, fn, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
        key == fn)
      return &k;
  }
  return nullptr;
}

} // namespace

size_t kind_start_size(uintptr_t fn, size_t configured) {
  // Fibers come by the thousand from one function: the slot is cached per
  // thread (a claimed slot keeps its function for good).
  static __thread uintptr_t last_fn;
  static __thread Kind *last_kind;
  if (fn != last_fn || !last_kind) {
    last_kind = find(fn, /*claim=*/false);
    last_fn = fn;
  }
  const size_t start = last_kind ? __atomic_load_n(&last_kind->start, __ATOMIC_RELAXED) : 0;
  return start > configured ? start : configured;
}

void kind_learn(uintptr_t fn, size_t need) {
  static __thread uint32_t tick;
  Kind *k = find(fn, /*claim=*/true);
  if (!k) return;
  const uint32_t n = __atomic_load_n(&k->samples, __ATOMIC_RELAXED);
  if (n >= kWarmupSamples && (++tick & (kSampleEvery - 1)) != 0) return;
  const int32_t x = log2_fixed(need);
  const int32_t avg = __atomic_load_n(&k->avg_log, __ATOMIC_RELAXED);
  // Toward the sample a quarter of the way, rounding toward it, so that a
  // kind whose fibers all need the same settles exactly there.
  const int32_t next = n == 0 ? x : avg + (x - avg) / (1 << kAverageWeightShift);
  if (n == 0 || next != avg) __atomic_store_n(&k->avg_log, next, __ATOMIC_RELAXED);
  const size_t start = start_for(next);
  if (__atomic_load_n(&k->start, __ATOMIC_RELAXED) != start)
    __atomic_store_n(&k->start, start, __ATOMIC_RELAXED);
  __atomic_add_fetch(&k->samples, 1, __ATOMIC_RELAXED);
}

} // namespace morestack

using namespace morestack;

extern "C" size_t morestack_fiber_kinds(morestack_fiber_kind *out, size_t max) {
  size_t count = 0;
  for (const Kind &k : kinds) {
    const uintptr_t fn = __atomic_load_n(&k.fn, __ATOMIC_ACQUIRE);
    const uint32_t samples = __atomic_load_n(&k.samples, __ATOMIC_RELAXED);
    if (!fn || !samples) continue;
    if (count < max) {
      morestack_fiber_kind &o = out[count];
      o.function = (const void *)fn;
      const size_t start = __atomic_load_n(&k.start, __ATOMIC_RELAXED);
      o.start_size = start > config.fiber_stack ? start : config.fiber_stack;
      o.typical_need = exp2_fixed(__atomic_load_n(&k.avg_log, __ATOMIC_RELAXED));
      o.fibers_measured = samples;
    }
    ++count;
  }
  return count;
}

// runtime/stats.cpp: statistics a program can read or print.
#include <morestack/morestack.h>

#include "config.h"
#include "faults.h"
#include "fiber.h"
#include "stack.h"
#include "stack_map.h"
#include "stack_pool.h"

#include <stdio.h>

namespace morestack {
uint64_t fiber_count_created();
uint64_t fiber_count_live();

namespace {
void fill(const Stack &s, morestack_stack_stats *out) {
  out->size = s.compacted() ? s.min_size : s.size();
  out->parked_size = s.compacted() ? s.size() : 0;
  out->initial_size = s.initial_size;
  out->peak_size = s.stats.peak_size;
  out->growths = s.stats.growths;
  out->shrinks = s.stats.shrinks;
  out->bytes_copied = s.stats.bytes_copied;
  out->reserve_growths = s.stats.reserve_growths;
  out->largest_reserve = s.stats.largest_reserve;
}
} // namespace
} // namespace morestack

using namespace morestack;

extern "C" {

int morestack_current_stack_stats(morestack_stack_stats *out) {
  *out = morestack_stack_stats();
  const Stack *s = thread_state().current;
  if (!s) return 0;
  fill(*s, out);
  return 1;
}

int morestack_fiber_stats(const morestack_fiber *f, morestack_stack_stats *out) {
  check_fiber(f, "morestack_fiber_stats");
  fill(f->stack, out);
  if (f->state == FiberState::Finished) out->size = 0;
  return 1;
}

void morestack_get_process_stats(morestack_process_stats *out) {
  GrowthTotals g = growth_totals();
  PoolStats p = pool_stats();
  out->growths = g.growths;
  out->shrinks = g.shrinks;
  out->bytes_copied = g.bytes_copied;
  out->fibers_created = fiber_count_created();
  out->fibers_live = fiber_count_live();
  out->pool_bytes_mapped = p.bytes_mapped;
  out->pool_bytes_in_use = p.bytes_in_use;
  out->move_ns = g.move_ns;
  out->frames_described = g.frames_described;
  out->frames_foreign = g.frames_foreign;
  out->walks_undescribed = g.walks_undescribed;
  out->walks_broken = g.walks_broken;
  out->pointer_free_words = g.pointer_free_words;
  out->shrinks_refused = g.shrinks_refused;
  out->map_records = map_record_count();
  out->map_modules = map_module_count();
  out->reserve_growths = g.reserve_growths;
  out->largest_reserve = g.largest_reserve;
  out->parked_compactions = g.compactions;
}

void morestack_print_summary(void) {
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  fprintf(stderr,
          "morestack: %llu growths (%llu for calls into code without checks, the largest "
          "asking %zu bytes), %llu shrinks, %llu bytes copied; fibers: %llu created, "
          "%llu live, %llu times compacted while parked; stacks: %zu bytes in use, %zu bytes "
          "mapped\n",
          (unsigned long long)s.growths, (unsigned long long)s.reserve_growths,
          s.largest_reserve, (unsigned long long)s.shrinks,
          (unsigned long long)s.bytes_copied,
          (unsigned long long)s.fibers_created, (unsigned long long)s.fibers_live,
          (unsigned long long)s.parked_compactions, s.pool_bytes_in_use, s.pool_bytes_mapped);
  fprintf(stderr,
          "morestack: stack maps: %zu functions in %zu modules; moves relocated %llu described "
          "and %llu foreign frames, left %llu pointer-free words untouched, stopped %llu walks "
          "early and met %llu broken ones; %llu shrinks refused\n",
          s.map_records, s.map_modules, (unsigned long long)s.frames_described,
          (unsigned long long)s.frames_foreign, (unsigned long long)s.pointer_free_words,
          (unsigned long long)s.walks_undescribed,
          (unsigned long long)s.walks_broken, (unsigned long long)s.shrinks_refused);
  // Fiber kinds that learned to start bigger than configured (fiber_kinds.h).
  morestack_fiber_kind kinds[8];
  const size_t n = morestack_fiber_kinds(kinds, 8);
  bool header = false;
  for (size_t i = 0; i < n && i < 8; ++i) {
    if (kinds[i].start_size <= config.fiber_stack) continue;
    char name[160];
    function_name_at((uintptr_t)kinds[i].function, name, sizeof name);
    if (!header) fprintf(stderr, "morestack: fibers that start bigger than %zu bytes, learned:\n",
                         config.fiber_stack);
    header = true;
    fprintf(stderr, "morestack:   %s: %zu bytes (typically needs %zu; %llu fibers measured)\n",
            name, kinds[i].start_size, kinds[i].typical_need,
            (unsigned long long)kinds[i].fibers_measured);
  }
  if (n > 8) fprintf(stderr, "morestack:   (%zu fiber functions measured in all)\n", n);
}

} // extern "C"

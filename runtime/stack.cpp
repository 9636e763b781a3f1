// runtime/stack.cpp: growth by copying (Go's newstack + copystack).
//
// __morestack_grow runs on the thread's system stack with the guard at 0, so
// nothing it calls can re-enter the runtime. It decides the new size, checks
// the limit, and moves the stack. The register save area that morestack.S
// pushed sits at `sp`, inside the live part, so registers that held pointers
// into the old stack are relocated with everything else.
#include "stack.h"

#include "asm_entry.h"
#include "config.h"
#include "debugger.h"
#include "fatal.h"
#include "faults.h"
#include "jmp_bufs.h"
#include "quarantine.h"
#include "relocate.h"
#include "sanitizers.h"
#include "stack_pool.h"
#include "vector_state.h"
#include "valgrind_requests.h"
#include "verify_escapes.h"

#include <errno.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>

namespace morestack {
namespace {

uint64_t total_growths, total_shrinks, total_bytes_copied, total_move_ticks;
uint64_t total_frames_described, total_frames_foreign, total_walks_undescribed, total_walks_broken;
uint64_t total_pointer_free_words, total_shrinks_refused, total_reserve_growths;
uint64_t total_compactions;
size_t largest_reserve;

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// Moves are timed with the time-stamp counter (a few cycles, where two
// clock_gettime calls cost ~80 ns, a quarter of a small growth). Ticks
// become nanoseconds with the rate measured between the first move and the
// moment the totals are read (x86-64 CPUs have an invariant TSC).
uint64_t first_move_tsc, first_move_ns;

uint64_t now_ticks() { return __builtin_ia32_rdtsc(); }

void note_first_move(uint64_t tsc) {
  uint64_t zero = 0;
  if (!__atomic_load_n(&first_move_tsc, __ATOMIC_ACQUIRE) &&
      __atomic_compare_exchange_n(&first_move_tsc, &zero, tsc, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE))
    __atomic_store_n(&first_move_ns, now_ns(), __ATOMIC_RELEASE);
}

uint64_t ticks_to_ns(uint64_t ticks) {
  uint64_t tsc0 = __atomic_load_n(&first_move_tsc, __ATOMIC_ACQUIRE);
  uint64_t ns0 = __atomic_load_n(&first_move_ns, __ATOMIC_ACQUIRE);
  uint64_t dt = now_ticks() - tsc0, dns = now_ns() - ns0;
  if (!tsc0 || !ns0 || dt == 0 || dns == 0) return 0;
  return (uint64_t)((double)ticks * (double)dns / (double)dt);
}

void count(uint64_t &counter, uint64_t n) { __atomic_add_fetch(&counter, n, __ATOMIC_RELAXED); }

void count_walk(const ScanResult &r) {
  count(total_frames_described, r.walk.frames);
  count(total_frames_foreign, r.walk.foreign);
  count(total_pointer_free_words, r.pointer_free_words);
  if (r.walk.end == WalkEnd::Undescribed || r.walk.end == WalkEnd::NoFramePointer)
    count(total_walks_undescribed, 1);
  if (r.walk.end == WalkEnd::Broken) count(total_walks_broken, 1);
}

// A growth asked for from the save area at `sp` (on the system stack)
// would pass the limit: name the function that asked, print the stack (a
// deep recursion folded), stop.
[[noreturn]] void fatal_limit_at(const Stack &s, size_t wanted, uintptr_t sp, size_t ra_offset,
                                 size_t frame, bool prologue) {
  char name[48], who[512];
  function_name_at(load_word(sp + MORESTACK_SAVE_AREA) - 1, who, sizeof who);
  print_stack_backtrace("the stack at the overflow:", cursor_at_save_area(sp, ra_offset), s.hi);
  fatal("stack overflow: %s %s %zu bytes, and the stack of %s would need %zu bytes, more than the "
        "limit of %zu bytes (MORESTACK_MAX_STACK, morestack_set_max_stack_size)",
        who, prologue ? "needs a frame of" : "calls code without checks that needs", frame,
        describe(s, name, sizeof name), wanted, config.max_stack);
}

const char *walk_end_name(WalkEnd e) {
  switch (e) {
  case WalkEnd::Base: return "the stack's base";
  case WalkEnd::Undescribed: return "a frame without a stack map";
  case WalkEnd::NoFramePointer: return "a dynamic frame with no frame pointer to find it by";
  case WalkEnd::Broken: return "a frame contradicting its stack map";
  }
  return "?";
}

// MORESTACK_VERIFY: walk the moved stack again and check what the move must
// have achieved: the same frames, no word that may hold a pointer still
// pointing into the old block, the stack pointer inside the new block with
// room above the guard.
void verify_move(const Stack &s, const FrameCursor &new_start, uintptr_t new_sp,
                 const ScanResult &before, uintptr_t old_sp, uintptr_t old_hi) {
  const uintptr_t old_lo = old_sp;
  char name[48];
  const uintptr_t key = pointer_guard();
  uintptr_t first_stale = 0;
  size_t stale = 0;
  ScanResult after = for_each_pointer_range(new_start, new_sp, s.hi, [&](uintptr_t a, uintptr_t b) {
    for (uintptr_t w = a; w < b; w += 8)
      if (count_stale_words((const uintptr_t *)w, (const uintptr_t *)w + 1, old_lo, old_hi, key)) {
        if (!stale++) first_stale = w;
      }
  });
  if (stale)
    fatal("verify: after moving the stack of %s, %zu words still point into the old block "
          "[%#lx, %#lx); the first at %#lx (offset %#lx from the top) holds %#lx",
          describe(s, name, sizeof name), stale, old_lo, old_hi, first_stale, s.hi - first_stale,
          *(const uintptr_t *)first_stale);
  if (after.walk.frames != before.walk.frames || after.walk.foreign != before.walk.foreign ||
      after.walk.end != before.walk.end ||
      s.hi - after.walk.end_sp != old_hi - before.walk.end_sp)
    fatal("verify: the frames of %s differ after the move: %zu described frames up to %s "
          "before, %zu up to %s after", describe(s, name, sizeof name), before.walk.frames,
          walk_end_name(before.walk.end), after.walk.frames, walk_end_name(after.walk.end));
  if (before.walk.end == WalkEnd::Broken)
    fatal("verify: walking the stack of %s stopped at %s, %#lx bytes below its top",
          describe(s, name, sizeof name), walk_end_name(before.walk.end),
          old_hi - before.walk.end_sp);
  if (new_sp < s.lo || new_sp >= s.hi || (new_sp & 7) != 0)
    fatal("verify: stack pointer %#lx of %s is outside its new block [%#lx, %#lx)", new_sp,
          describe(s, name, sizeof name), s.lo, s.hi);
  if (thread_state().current == &s && s.hi - new_sp + MORESTACK_STACK_GUARD > s.size())
    fatal("verify: %s was moved into a block with no room above its guard",
          describe(s, name, sizeof name));
  verify_no_outside_pointers(s, old_sp, old_hi, new_start);
}

// The canary of a block at `lo`: a secret of this process (from the
// kernel's AT_RANDOM bytes) mixed with the address, so that neither a zero
// fill nor a copy of another block's canary passes.
uint64_t canary_for(uintptr_t lo) {
  static uint64_t secret;
  uint64_t k = __atomic_load_n(&secret, __ATOMIC_RELAXED);
  if (!k) {
    const uint64_t *random = (const uint64_t *)getauxval(AT_RANDOM);
    k = (random ? random[1] : 0x9e3779b97f4a7c15u) | 1;
    __atomic_store_n(&secret, k, __ATOMIC_RELAXED);
  }
  return (lo * 0x9e3779b97f4a7c15u) ^ k;
}

void write_canary(uintptr_t lo) {
  static_assert(MORESTACK_STACK_CANARY == 16, "two words");
  uint64_t c = canary_for(lo);
  ((uint64_t *)lo)[0] = c;
  ((uint64_t *)lo)[1] = ~c;
}

// Where a stack of `size` bytes lives: a range of its own past the small
// classes (stack_pool.h), else an ordinary block.
struct Home {
  uintptr_t lo, hi, range_lo;
};

Home new_home(size_t size) {
  if (size > kLargestSmallClass) {
    Range r;
    if (range_reserve(config.max_stack, &r)) return {r.hi - size, r.hi, r.lo};
    static bool warned;
    if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
      warn("cannot reserve %zu bytes of address space for a big stack (%s): such stacks keep "
           "moving in ordinary blocks instead of growing in place (vm.max_map_count, ulimit -v?)",
           config.max_stack + kRangeGuard, strerror(errno));
  }
  uintptr_t lo = (uintptr_t)pool_alloc(size);
  return {lo, lo + size, 0};
}

// What code may have written below a stack's low end: signal frames are
// elsewhere (signals.h), checked code stays above the guard, so only the
// red zone of a leaf at the very bottom, rounded up generously.
constexpr uintptr_t kRangeTouchSlack = 4096;

// A stack in a range takes [new_lo, hi): grow or shrink in place. Pages
// below new_lo go back to the OS when it shrinks.
void set_low_end(Stack &s, uintptr_t new_lo) {
  if (new_lo > s.lo) range_return_pages(s.lo, new_lo);
  s.lo = new_lo;
  if (new_lo < s.range_touched) s.range_touched = new_lo;
  // Below the stack pointer: memcheck took the canary's words for dead.
  valgrind_block_writable((const void *)new_lo, MORESTACK_STACK_CANARY);
  write_canary(new_lo);
  valgrind_deregister_stack(s.valgrind_id);
  s.valgrind_id = valgrind_register_stack(s.lo, s.hi);
  sanitizer_stack_bounds_changed(s);  // ASan's bounds of the running stack
  if (s.size() > s.stats.peak_size) s.stats.peak_size = s.size();
}

} // namespace

void stack_check_canary(const Stack &s, const char *when) {
  if (!s.lo || s.kind == StackKind::Signal) return;
  uint64_t c = canary_for(s.lo);
  const uint64_t *w = (const uint64_t *)s.lo;
  if (__builtin_expect(w[0] == c && w[1] == ~c, 1)) return;
  char name[64];
  fatal("the stack of %s was overrun below its low end (its %zu-byte block at %#lx, canary "
        "overwritten, found %s): code built without the plugin used more stack than was "
        "reserved for it, or a buffer on the stack overflowed downwards",
        describe(s, name, sizeof name), s.size(), s.lo, when);
}

void stack_init(Stack &s, size_t size, StackKind kind, uint64_t id) {
  size = round_up_pow2(size);
  Home h = new_home(size);
  s.lo = h.lo;
  s.hi = h.hi;
  s.range_lo = h.range_lo;
  s.range_touched = h.lo;
  sanitizer_block_acquired(s.lo);  // TSan: after its previous owner's accesses
  s.valgrind_id = valgrind_register_stack(s.lo, s.hi);
  write_canary(s.lo);
  s.saved_sp = 0;
  s.initial_size = s.min_size = size;
  s.kind = kind;
  s.id = id;
  s.stats = StackStats();
  s.stats.peak_size = size;
  s.quiet_safe_points = 0;
  s.shrink_backoff = kShrinkQuietSafePoints;
  s.shrank_since_growth = false;
  s.parks_until_compact = 0;
  s.compact_interval = 1;
  s.growths_seen = 0;
  s.jmp_bufs = nullptr;
}

size_t initial_stack_size(size_t wanted, uintptr_t entry) {
  // Fibers are created by the hundred thousand with the same function: the
  // lookup in the stack maps is cached, per thread, for the last entry.
  static __thread uintptr_t last_entry;
  static __thread size_t last_need;
  if (entry != last_entry) {
    last_need = __morestack_target_need(entry);
    last_entry = entry;
  }
  if (!last_need) return wanted;
  size_t unchecked = round_up_pow2(last_need + MORESTACK_STACK_GUARD + MORESTACK_STACK_CANARY);
  if (unchecked > config.max_stack) unchecked = config.max_stack;
  return wanted > unchecked ? wanted : unchecked;
}

size_t stack_release(Stack &s) {
  stack_check_canary(s, "when it was freed");
  forget_jmp_bufs(s);
  valgrind_deregister_stack(s.valgrind_id);
  // ASan: no redzone of a frame that never returned stays behind; TSan:
  // the next owner's accesses come after ours.
  if (s.range_lo && s.range_touched - kRangeTouchSlack >= s.range_lo)
    sanitizer_block_released(s.range_touched - kRangeTouchSlack, s.hi);
  else if (s.lo)
    sanitizer_block_released(s.range_lo ? s.range_lo : s.lo, s.hi);
  size_t written = 0;
  if (s.range_lo) {
    range_release({s.range_lo, s.hi}, s.range_touched - kRangeTouchSlack);
    written = s.hi - s.range_touched;
  } else if (s.lo) {
    // The canary goes first, so that the pool's scan for the high-water
    // mark finds the stack's own lowest word.
    valgrind_block_writable((const void *)s.lo, MORESTACK_STACK_CANARY);
    memset((void *)s.lo, 0, MORESTACK_STACK_CANARY);
    written = pool_free((void *)s.lo, s.size());
  }
  s.lo = s.hi = s.saved_sp = s.range_lo = 0;
  const size_t need = written + MORESTACK_STACK_GUARD;
  return need > s.stats.deepest ? need : s.stats.deepest;
}

uintptr_t stack_move(Stack &s, size_t new_size, uintptr_t sp, const FrameCursor &start,
                     void *vectors, const MoveHook *hook) {
  const uint64_t t0 = now_ticks();
  note_first_move(t0);
  stack_check_canary(s, "when it moved");
  const uintptr_t old_lo = s.lo, old_hi = s.hi;
  const size_t used = old_hi - sp;
  const Home home = new_home(new_size);  // a stack in a range never moves
  const uintptr_t new_lo = home.lo;
  const uintptr_t new_hi = home.hi;
  const intptr_t delta = (intptr_t)(new_hi - old_hi);
  const uintptr_t new_sp = sp + delta;
  const uintptr_t key = pointer_guard();

  sanitizer_block_acquired(new_lo);
  // Not memcpy: a sanitizer's memcpy would check the redzones it copies.
  copy_bytes((void *)new_sp, (const void *)sp, used);
  write_canary(new_lo);
  // Live pointers point into the live part [sp, old_hi): what lies below sp
  // belongs to frames that have returned. Narrowing the range to it keeps
  // stale bytes of dead frames from being taken for pointers. The frames
  // are walked on the old copy, which stays intact until it is freed.
  ScanResult scan = for_each_pointer_range(start, sp, old_hi, [&](uintptr_t a, uintptr_t b) {
    valgrind_scanned((const void *)(a + delta), b - a);
    relocate_words((uintptr_t *)(a + delta), (uintptr_t *)(b + delta), sp, old_hi, delta, key);
  });
  if (vectors) {
    valgrind_scanned(vectors, __morestack_vector_area_size);
    relocate_vector_state(vectors, sp, old_hi, delta);
  }
  relocate_jmp_bufs(s, sp, old_hi, delta);
  if (hook) hook->relocate(hook->ctx, sp, old_hi, delta);

  s.lo = new_lo;
  s.hi = new_hi;
  s.range_lo = home.range_lo;
  s.range_touched = new_lo;
  valgrind_deregister_stack(s.valgrind_id);
  s.valgrind_id = valgrind_register_stack(new_lo, new_hi);
  // ASan: the live part's shadow moves along, and its bounds if it runs;
  // the old block's shadow is cleared as it goes back.
  sanitizer_stack_moved(s, old_lo, old_hi, sp);
  sanitizer_block_released(old_lo, old_hi);
  if (config.verify) {
    FrameCursor moved = {start.pc, start.sp + delta,
                         start.rbp - sp < used ? start.rbp + delta : start.rbp};
    verify_move(s, moved, new_sp, scan, sp, old_hi);
  }
  __morestack_stack_moved(old_lo, old_hi, new_lo, new_hi);  // for debuggers, before the old block goes
  retire_block(s, old_lo, old_hi, delta);
  s.stats.bytes_copied += used;
  if (new_size > s.stats.peak_size) s.stats.peak_size = new_size;
  count(total_bytes_copied, used);
  count_walk(scan);
  count(total_move_ticks, now_ticks() - t0);
  return new_sp;
}

GrowthTotals growth_totals() {
  auto get = [](const uint64_t &c) { return __atomic_load_n(&c, __ATOMIC_RELAXED); };
  return {get(total_growths),          get(total_shrinks),
          get(total_bytes_copied),     ticks_to_ns(get(total_move_ticks)),
          get(total_frames_described), get(total_frames_foreign),
          get(total_walks_undescribed),
          get(total_walks_broken),     get(total_pointer_free_words),
          get(total_shrinks_refused),  get(total_reserve_growths),
          get(largest_reserve),        get(total_compactions)};
}

size_t shrink_target(const Stack &s, size_t used, bool one_step) {
  // The code that runs on after the safe point (a yield, an explicit
  // shrink) checks the stack again before every call that needs more than
  // the guard region (plugin/CallSiteReserve.h), so the guard region and
  // the red zone are all a shrink must leave.
  const size_t keep = used + MORESTACK_STACK_GUARD + MORESTACK_RED_ZONE;
  size_t size = s.size();
  while (size / 2 >= s.min_size && used < size / 4 && keep <= size / 2) {
    size /= 2;
    if (one_step) break;
  }
  return size;
}

namespace {

// Shrinking is optional, so it happens only when the stack maps describe
// every frame: a frame of code built without the plugin (a C library
// callback on the way to a yield, say) holds words the runtime can only
// guess about, even when its unwind information lets the walk step over it.
bool walkable(const FrameCursor &start, uintptr_t hi) {
  WalkResult w = walk_frames(start, hi, [](const WalkedFrame &) {});
  if (w.end == WalkEnd::Base && w.foreign == 0) return true;
  count(total_shrinks_refused, 1);
  return false;
}

// Before a stack leaves its block for a smaller one: what it needed there
// (the new block's high-water mark starts over; fiber_kinds.h learns from
// StackStats::deepest). The scan starts above the canary's 64-byte line.
void note_high_water(Stack &s) {
  valgrind_scanned((const void *)(s.lo + 64), s.size() - 64);
  const size_t need = block_high_water((const void *)(s.lo + 64), s.size() - 64) +
                      MORESTACK_STACK_GUARD;
  if (need > s.stats.deepest) s.stats.deepest = need;
}

// Shrink to new_size: in place for a stack in a range (nothing moves, so
// any frame may be on it), else by a move if every frame can be walked.
// Returns the stack pointer (moved by the same delta as the stack).
uintptr_t shrink_to(Stack &s, size_t new_size, uintptr_t sp, const FrameCursor &start,
                    void *vectors = nullptr, const MoveHook *hook = nullptr) {
  uintptr_t new_sp = sp;
  if (s.range_lo) {
    stack_check_canary(s, "when it shrank");
    set_low_end(s, s.hi - new_size);
    // Pages of the remaining stack well below the live part go back too
    // (main's 8 MiB after a deep recursion, say): the next deep call
    // faults them in again, as it would have faulted the block a moving
    // stack had to get.
    // (The canary's page stays.)
    if (sp - s.lo > kShrinkKeepBelowSp)
      range_return_pages(s.lo + MORESTACK_STACK_CANARY, sp - kShrinkKeepBelowSp);
  } else if (walkable(start, s.hi)) {
    note_high_water(s);
    new_sp = stack_move(s, new_size, sp, start, vectors, hook);
  } else {
    // Not now, and less often from now on: a stack that parks under a
    // frame without a map (a task parked in an interposed read, a fiber
    // yielding in a qsort callback) usually parks there again.
    s.quiet_safe_points = 0;
    if (s.shrink_backoff < kShrinkMaxBackoff) s.shrink_backoff *= 2;
    return sp;
  }
  ++s.stats.shrinks;
  s.shrank_since_growth = true;
  count(total_shrinks, 1);
  return new_sp;
}

struct ShrinkRequest {
  Stack *stack;
  size_t new_size;
  const MoveHook *hook;
};

void *shrink_suspended(void *p) {
  ShrinkRequest *r = (ShrinkRequest *)p;
  Stack &s = *r->stack;
  FrameCursor start = cursor_at_switch_frame(s.saved_sp);
  s.saved_sp = shrink_to(s, r->new_size, s.saved_sp, start, nullptr, r->hook);
  return nullptr;
}

// The block a parked stack's live part fits in (stack.h), or its own size
// if no smaller block would hold it.
size_t compact_target(const Stack &s) {
  const size_t need = s.hi - s.saved_sp + MORESTACK_STACK_CANARY;
  size_t size = kSmallestClass;
  while (size < need && size < s.size()) size <<= 1;
  return size;
}

void *compact_suspended(void *p) {
  const ShrinkRequest *r = (const ShrinkRequest *)p;
  Stack &s = *r->stack;
  FrameCursor start = cursor_at_switch_frame(s.saved_sp);
  if (!walkable(start, s.hi)) {  // try again later, ever more rarely
    if (s.compact_interval < kShrinkMaxBackoff) s.compact_interval *= 2;
    s.parks_until_compact = s.compact_interval - 1;
    return nullptr;
  }
  note_high_water(s);
  s.saved_sp = stack_move(s, compact_target(s), s.saved_sp, start, nullptr, r->hook);
  count(total_compactions, 1);
  return nullptr;
}

void *expand_suspended(void *p) {
  Stack &s = *(Stack *)p;
  s.saved_sp = stack_move(s, s.min_size, s.saved_sp, cursor_at_switch_frame(s.saved_sp));
  if (s.compact_interval < kShrinkMaxBackoff) s.compact_interval *= 2;
  s.parks_until_compact = s.compact_interval - 1;
  return nullptr;
}

// At a park of a stack at its smallest size: compact it if the policy
// (stack.h) says so.
bool compact_at_park(Stack &s, const MoveHook *hook) {
  if (s.parks_until_compact) {  // the common case once a fiber parks often
    --s.parks_until_compact;
    return false;
  }
  if (!config.compact_parked || s.range_lo || s.kind != StackKind::Fiber ||
      compact_target(s) >= s.size())
    return false;
  ShrinkRequest r = {&s, 0, hook};
  on_system_stack(compact_suspended, &r);
  return s.compacted();
}

} // namespace

void stack_expand_parked(Stack &s) { on_system_stack(expand_suspended, &s); }

bool stack_shrink_at_safe_point(Stack &s, const MoveHook *hook) {
  if (s.size() <= s.min_size) return compact_at_park(s, hook);
  if (s.stats.growths != s.growths_seen) {
    s.growths_seen = s.stats.growths;
    s.quiet_safe_points = 0;
    return false;
  }
  if (++s.quiet_safe_points < s.shrink_backoff) return false;
  size_t new_size = shrink_target(s, s.hi - s.saved_sp, /*one_step=*/true);
  if (new_size == s.size()) return false;
  ShrinkRequest r = {&s, new_size, hook};
  on_system_stack(shrink_suspended, &r);
  return true;
}

} // namespace morestack

using namespace morestack;

extern "C" MoveResult __morestack_grow(uintptr_t sp, size_t frame, size_t extra, size_t ra_offset,
                                      void *vectors) {
  ThreadState &t = thread_state();
  Stack *s = t.current;
  write_guard(0);
  uintptr_t preempt = 0;  // 1: yield before returning into the task
  if (__builtin_expect(__atomic_load_n(&t.preempt_requested, __ATOMIC_RELAXED), 0)) {
    // The scheduler poisoned the guard (scheduler.cpp, "Preemption"): the
    // check may have failed only for that. Yield (morestack.S) once back on
    // the stack, with MORESTACK_PREEMPT_ROOM below the save area; grow
    // first only if the check would have failed anyway or that room is
    // missing.
    __atomic_store_n(&t.preempt_requested, 0, __ATOMIC_RELAXED);
    preempt = 1;
    if (s && s->contains(sp) && sp >= s->guard() + frame + extra &&
        sp - s->lo >= MORESTACK_STACK_CANARY + MORESTACK_PREEMPT_ROOM) {
      write_guard(s->guard());
      return {sp, preempt};
    }
    if (!s) return {sp, 0};  // the poison landed on an unmanaged stack: nothing to grow
    if (extra < MORESTACK_PREEMPT_ROOM) extra = MORESTACK_PREEMPT_ROOM;
  }
  if (!s)
    fatal("a stack check failed on a stack the runtime does not manage (sp=%#lx, guard set "
          "without a managed stack)", sp);
  if (!s->contains(sp)) {
    char name[48];
    fatal("a stack check failed while running outside the stack of %s (sp=%#lx, stack "
          "[%#lx, %#lx)): code switched stacks behind the runtime's back (ucontext? a signal "
          "handler without SA_ONSTACK? a hook such as a register_printf_function handler or a "
          "fopencookie function, called by a C library function that runs on the system "
          "stack?)", describe(*s, name, sizeof name), sp, s->lo, s->hi);
  }
  if (s->kind == StackKind::Signal)
    fatal("a signal handler needs more than the %zu bytes of the signal handler stack of thread "
          "%llu (a checked function asked for %zu bytes more): it recurses too deep",
          s->size(), (unsigned long long)s->id, frame + extra);
  const size_t used = s->hi - sp;
  const size_t need = used + frame + extra + MORESTACK_STACK_GUARD;
  if (need < used || need > config.max_stack)
    fatal_limit_at(*s, need, sp, ra_offset, frame + extra, ra_offset == SAVE_AREA_RA_PROLOGUE);
  if (need > s->stats.deepest) s->stats.deepest = need;
  size_t new_size = s->size() * 2;
  while (new_size < need) new_size *= 2;
  if (new_size > config.max_stack) new_size = config.max_stack;

  uintptr_t new_sp = sp;
  if (s->range_lo && s->hi - new_size >= s->range_lo) {
    stack_check_canary(*s, "when it grew");
    set_low_end(*s, s->hi - new_size);
  } else if (s->range_lo) {  // a range reserved before the limit was raised
    fatal_limit_at(*s, s->hi - s->range_lo + 1, sp, ra_offset, frame + extra,
                   ra_offset == SAVE_AREA_RA_PROLOGUE);
  } else {
    new_sp = stack_move(*s, new_size, sp, cursor_at_save_area(sp, ra_offset), vectors);
  }
  ++s->stats.growths;
  if (ra_offset == SAVE_AREA_RA_BODY) {  // __morestack_reserve: a call-site check, for `frame` bytes
    ++s->stats.reserve_growths;
    if (frame > s->stats.largest_reserve) s->stats.largest_reserve = frame;
    count(total_reserve_growths, 1);
    size_t seen = __atomic_load_n(&largest_reserve, __ATOMIC_RELAXED);
    while (frame > seen &&
           !__atomic_compare_exchange_n(&largest_reserve, &seen, frame, true, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED)) {
    }
  }
  if (s->shrank_since_growth) {  // it shrank and needed the room again: shrink later next time
    s->shrank_since_growth = false;
    if (s->shrink_backoff < kShrinkMaxBackoff) s->shrink_backoff *= 2;
  }
  count(total_growths, 1);
  write_guard(s->guard());
  return {new_sp, preempt};
}

extern "C" MoveResult __morestack_shrink_current(uintptr_t sp, size_t, size_t, size_t, void *vectors) {
  Stack *s = thread_state().current;
  write_guard(0);
  uintptr_t new_sp = sp;
  if (s && s->contains(sp)) {
    size_t new_size = shrink_target(*s, s->hi - sp, /*one_step=*/false);
    FrameCursor start = cursor_at_save_area(sp, SAVE_AREA_RA_BODY);
    if (new_size != s->size()) new_sp = shrink_to(*s, new_size, sp, start, vectors);
  }
  write_guard(s ? s->guard() : 0);
  return {new_sp, 0};
}

extern "C" void __morestack_no_system_stack(uintptr_t sp) {
  fatal("a stack check failed at sp=%#lx but this thread never left its own stack: the guard "
        "at %%fs:%#x was set by someone other than the morestack runtime", sp, MORESTACK_GUARD_TLS_OFFSET);
}

// The backend's split-stack lowering of dynamic allocas calls this when the
// alloca does not fit above the guard; libgcc's version hands out memory it
// never frees. With the plugin dynamic allocas live on the side stack, so
// this path is never taken; code compiled with plain -fsplit-stack reaches
// it. (Defining it here also keeps libgcc.a's
// morestack.o, with its own __morestack, out of the link.)
extern "C" void *__morestack_allocate_stack_space(size_t bytes) {
  fatal("a dynamic alloca of %zu bytes did not fit on the stack and there is no leak-free way "
        "to place it elsewhere: this code was compiled with -fsplit-stack but without the "
        "morestack plugin (which puts dynamic allocas on its side stack); rebuild it with "
        "-fplugin=MorestackPlugin.so or morestack-clang", bytes);
}
// Its twin for shared libraries' stubs (morestack.S, EXPORT_TWIN).
extern "C" void *__morestack_allocate_stack_space_export(size_t bytes)
    __attribute__((alias("__morestack_allocate_stack_space")));

// runtime/stack.cpp: growth by copying (Go's newstack + copystack).
//
// __morestack_grow runs on the thread's system stack with the guard at 0, so
// nothing it calls can re-enter the runtime. It decides the new size, checks
// the limit, and moves the stack. The register save area that morestack.S
// pushed sits at `sp`, inside the live part, so registers that held pointers
// into the old stack are relocated with everything else.
#include "stack.h"

#include "config.h"
#include "fatal.h"
#include "relocate.h"
#include "stack_pool.h"

#include <string.h>

namespace morestack {
namespace {

uint64_t total_growths, total_shrinks, total_bytes_copied;

[[noreturn]] void fatal_limit(const Stack &s, size_t wanted) {
  char name[48];
  fatal("stack overflow: the stack of %s needs %zu bytes, more than the limit of %zu bytes "
        "(MORESTACK_MAX_STACK, morestack_set_max_stack_size)",
        describe(s, name, sizeof name), wanted, config.max_stack);
}

void verify_move(const Stack &s, uintptr_t new_sp, uintptr_t old_lo, uintptr_t old_hi) {
  char name[48];
  size_t stale = count_stale_words((const uintptr_t *)new_sp, (const uintptr_t *)s.hi, old_lo, old_hi,
                                   pointer_guard());
  if (stale)
    fatal("verify: after moving the stack of %s, %zu words still point into the old block "
          "[%#lx, %#lx)", describe(s, name, sizeof name), stale, old_lo, old_hi);
  if (new_sp < s.lo || new_sp >= s.hi || (new_sp & 7) != 0)
    fatal("verify: stack pointer %#lx of %s is outside its new block [%#lx, %#lx)", new_sp,
          describe(s, name, sizeof name), s.lo, s.hi);
  if (thread_state().current == &s && s.hi - new_sp + MORESTACK_STACK_GUARD > s.size())
    fatal("verify: %s was moved into a block with no room above its guard",
          describe(s, name, sizeof name));
}

} // namespace

void stack_init(Stack &s, size_t size, StackKind kind, uint64_t id) {
  size = round_up_pow2(size);
  s.lo = (uintptr_t)pool_alloc(size);
  s.hi = s.lo + size;
  s.saved_sp = 0;
  s.initial_size = size;
  s.kind = kind;
  s.id = id;
  s.stats = StackStats();
  s.stats.peak_size = size;
  s.quiet_safe_points = 0;
  s.shrink_backoff = kShrinkQuietSafePoints;
  s.shrank_since_growth = false;
  s.growths_seen = 0;
}

void stack_release(Stack &s) {
  if (s.lo) pool_free((void *)s.lo, s.size());
  s.lo = s.hi = s.saved_sp = 0;
}

uintptr_t stack_move(Stack &s, size_t new_size, uintptr_t sp) {
  const uintptr_t old_lo = s.lo, old_hi = s.hi;
  const size_t used = old_hi - sp;
  const uintptr_t new_lo = (uintptr_t)pool_alloc(new_size);
  const uintptr_t new_hi = new_lo + new_size;
  const intptr_t delta = (intptr_t)(new_hi - old_hi);
  const uintptr_t new_sp = sp + delta;

  memcpy((void *)new_sp, (const void *)sp, used);
  // Live pointers point into the live part [sp, old_hi): what lies below sp
  // belongs to frames that have returned. Narrowing the range to it keeps
  // stale bytes of dead frames from being taken for pointers.
  relocate_words((uintptr_t *)new_sp, (uintptr_t *)new_hi, sp, old_hi, delta, pointer_guard());
  pool_free((void *)old_lo, old_hi - old_lo);

  s.lo = new_lo;
  s.hi = new_hi;
  s.stats.bytes_copied += used;
  if (new_size > s.stats.peak_size) s.stats.peak_size = new_size;
  __atomic_add_fetch(&total_bytes_copied, used, __ATOMIC_RELAXED);
  if (config.verify) verify_move(s, new_sp, old_lo, old_hi);
  return new_sp;
}

GrowthTotals growth_totals() {
  return {__atomic_load_n(&total_growths, __ATOMIC_RELAXED),
          __atomic_load_n(&total_shrinks, __ATOMIC_RELAXED),
          __atomic_load_n(&total_bytes_copied, __ATOMIC_RELAXED)};
}

size_t shrink_target(const Stack &s, size_t used, bool one_step) {
  size_t size = s.size();
  while (size / 2 >= s.initial_size && used < size / 4 &&
         used + MORESTACK_STACK_GUARD + MORESTACK_RED_ZONE <= size / 2) {
    size /= 2;
    if (one_step) break;
  }
  return size;
}

namespace {

uintptr_t shrink_to(Stack &s, size_t new_size, uintptr_t sp) {
  uintptr_t new_sp = stack_move(s, new_size, sp);
  ++s.stats.shrinks;
  s.shrank_since_growth = true;
  __atomic_add_fetch(&total_shrinks, 1, __ATOMIC_RELAXED);
  return new_sp;
}

struct ShrinkRequest {
  Stack *stack;
  size_t new_size;
};

void *shrink_suspended(void *p) {
  ShrinkRequest *r = (ShrinkRequest *)p;
  r->stack->saved_sp = shrink_to(*r->stack, r->new_size, r->stack->saved_sp);
  return nullptr;
}

} // namespace

bool stack_shrink_at_safe_point(Stack &s) {
  if (s.size() == s.initial_size) return false;  // nothing to shrink: the common case
  if (s.stats.growths != s.growths_seen) {
    s.growths_seen = s.stats.growths;
    s.quiet_safe_points = 0;
    return false;
  }
  if (++s.quiet_safe_points < s.shrink_backoff) return false;
  size_t new_size = shrink_target(s, s.hi - s.saved_sp, /*one_step=*/true);
  if (new_size == s.size()) return false;
  ShrinkRequest r = {&s, new_size};
  on_system_stack(shrink_suspended, &r);
  return true;
}

} // namespace morestack

using namespace morestack;

extern "C" uintptr_t __morestack_grow(uintptr_t sp, size_t frame, size_t extra) {
  ThreadState &t = thread_state();
  Stack *s = t.current;
  write_guard(0);
  if (!s)
    fatal("a stack check failed on a stack the runtime does not manage (sp=%#lx, guard set "
          "without a managed stack)", sp);
  if (!s->contains(sp)) {
    char name[48];
    fatal("a stack check failed while running outside the stack of %s (sp=%#lx, stack "
          "[%#lx, %#lx)): code switched stacks behind the runtime's back (ucontext? a signal "
          "handler without SA_ONSTACK?)", describe(*s, name, sizeof name), sp, s->lo, s->hi);
  }
  const size_t used = s->hi - sp;
  const size_t need = used + frame + extra + MORESTACK_STACK_GUARD;
  if (need < used || need > config.max_stack) fatal_limit(*s, need);
  size_t new_size = s->size() * 2;
  while (new_size < need) new_size *= 2;
  if (new_size > config.max_stack) new_size = config.max_stack;

  uintptr_t new_sp = stack_move(*s, new_size, sp);
  ++s->stats.growths;
  if (s->shrank_since_growth) {  // it shrank and needed the room again: shrink later next time
    s->shrank_since_growth = false;
    if (s->shrink_backoff < kShrinkMaxBackoff) s->shrink_backoff *= 2;
  }
  __atomic_add_fetch(&total_growths, 1, __ATOMIC_RELAXED);
  write_guard(s->guard());
  return new_sp;
}

extern "C" uintptr_t __morestack_shrink_current(uintptr_t sp) {
  Stack *s = thread_state().current;
  write_guard(0);
  uintptr_t new_sp = sp;
  if (s && s->contains(sp)) {
    size_t new_size = shrink_target(*s, s->hi - sp, /*one_step=*/false);
    if (new_size != s->size()) new_sp = shrink_to(*s, new_size, sp);
  }
  write_guard(s ? s->guard() : 0);
  return new_sp;
}

extern "C" void __morestack_no_system_stack(uintptr_t sp) {
  fatal("a stack check failed at sp=%#lx but this thread never left its own stack: the guard "
        "at %%fs:0x70 was set by someone other than the morestack runtime", sp);
}

// The backend's split-stack lowering of dynamic allocas calls this when the
// alloca does not fit above the guard; libgcc's version hands out memory it
// never frees. The plugin calls __morestack_reserve before every dynamic
// alloca, so with the plugin this path is never taken; code compiled with
// plain -fsplit-stack reaches it. (Defining it here also keeps libgcc.a's
// morestack.o, with its own __morestack, out of the link.)
extern "C" void *__morestack_allocate_stack_space(size_t bytes) {
  fatal("a dynamic alloca of %zu bytes did not fit on the stack and there is no leak-free way "
        "to place it elsewhere: this code was compiled with -fsplit-stack but without the "
        "morestack plugin (which grows the stack before every dynamic alloca); rebuild it with "
        "-fplugin=MorestackPlugin.so or morestack-clang", bytes);
}

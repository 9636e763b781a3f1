// runtime/sanitizers.cpp: the hooks of sanitizers.h (read its invariants
// first).
//
// The sanitizer entry points are weak: a program built without
// -fsanitize=... has none, and every hook returns at its first test.
// Programs built with one link the sanitizer's runtime into the
// executable (clang links it whole), where these references resolve.
#include "sanitizers.h"

#include "fatal.h"
#include "fiber.h"
#include "relocate.h"
#include "side_stack.h"
#include "thread_state.h"

#include <stdlib.h>
#include <string.h>

#define WEAK __attribute__((weak))

extern "C" {
// AddressSanitizer (compiler-rt/include/sanitizer/common_interface_defs.h,
// asan_interface.h).
WEAK void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                          size_t *size_old);
WEAK void __asan_unpoison_memory_region(const volatile void *addr, size_t size);
WEAK void __asan_get_shadow_mapping(size_t *shadow_scale, size_t *shadow_offset);
WEAK extern int __asan_option_detect_stack_use_after_return;
// ThreadSanitizer (tsan_interface.h).
WEAK void *__tsan_create_fiber(unsigned flags);
WEAK void __tsan_destroy_fiber(void *fiber);
WEAK void *__tsan_get_current_fiber(void);
WEAK void __tsan_acquire(void *addr);
WEAK void __tsan_release(void *addr);
// The interceptors of the functions the runtime interposes too (each
// sanitizer defines those it intercepts; their plain names are weak there,
// so the runtime's definitions win and must call these).
WEAK void __interceptor_pthread_create();
WEAK void __interceptor_sigaction();
WEAK void __interceptor_signal();
WEAK void __interceptor_longjmp();
WEAK void __interceptor__longjmp();
WEAK void __interceptor_siglongjmp();
WEAK void __interceptor___longjmp_chk();
// The blocking calls (blocking_calls.cpp): those ASan or TSan intercept.
#define MORESTACK_INTERCEPTED_BLOCKING_CALLS(X)                                                     \
  X(read) X(write) X(readv) X(writev) X(recv) X(recvfrom) X(recvmsg) X(send) X(sendto) X(sendmsg)   \
  X(accept) X(accept4) X(connect) X(poll) X(ioctl) X(close) X(dup2) X(dup3) X(nanosleep) X(sleep)   \
  X(usleep) X(fclose) X(preadv2) X(pwritev2)
#define X(name) WEAK void __interceptor_##name();
MORESTACK_INTERCEPTED_BLOCKING_CALLS(X)
#undef X
}

namespace morestack {
namespace {

bool asan() { return &__sanitizer_start_switch_fiber && &__sanitizer_finish_switch_fiber; }
bool tsan() { return &__tsan_switch_to_fiber && &__tsan_create_fiber; }

// The OS stack of this thread as ASan knew it when the thread last left
// it for a managed stack (what it is told when the thread comes back).
__thread uintptr_t os_bottom __attribute__((tls_model("initial-exec")));
__thread size_t os_size __attribute__((tls_model("initial-exec")));

void asan_set_bounds(uintptr_t lo, size_t size, bool leaving_os_stack) {
  const void *old_bottom = nullptr;
  size_t old_size = 0;
  // No fake stack to keep (they are off): null destroys the current one,
  // if ASan made one before sanitizers_init ran.
  __sanitizer_start_switch_fiber(nullptr, (const void *)lo, size);
  __sanitizer_finish_switch_fiber(nullptr, &old_bottom, &old_size);
  if (leaving_os_stack) {
    os_bottom = (uintptr_t)old_bottom;
    os_size = old_size;
  }
}

// Where ASan keeps the shadow byte of `addr`.
uint8_t *asan_shadow(uintptr_t addr) {
  size_t scale = 0, offset = 0;
  __asan_get_shadow_mapping(&scale, &offset);
  return (uint8_t *)((addr >> scale) + offset);
}

bool option_set(const char *options, const char *name) {
  if (!options) return false;
  const size_t n = strlen(name);
  for (const char *p = strstr(options, name); p; p = strstr(p + 1, name)) {
    const bool starts = p == options || p[-1] == ':' || p[-1] == ',' || p[-1] == ' ';
    if (starts && p[n] == '=') return p[n + 1] == '1' || strncmp(p + n + 1, "true", 4) == 0;
  }
  return false;
}

} // namespace

void sanitizers_init() {
  if (&__asan_option_detect_stack_use_after_return && __asan_option_detect_stack_use_after_return) {
    if (option_set(getenv("ASAN_OPTIONS"), "detect_stack_use_after_return"))
      fatal("ASAN_OPTIONS=detect_stack_use_after_return=1 is not supported with morestack: ASan's "
            "fake frames remember the address of their real frame and are freed by comparing it "
            "with the stack pointer, which is wrong once a stack has moved; leave the option out "
            "(the runtime turns it off) (docs/runtime.md, \"Sanitizers\")");
    __asan_option_detect_stack_use_after_return = 0;
  }
}

void sanitizer_switch_stack_slow(const Stack *from, const Stack *to) {
  if (!asan()) return;
  if (to) asan_set_bounds(to->lo, to->size(), from == nullptr);
  else if (os_size) asan_set_bounds(os_bottom, os_size, false);
}

void sanitizer_stack_bounds_changed_slow(const Stack &s) {
  if (!asan() || thread_state().current != &s) return;
  asan_set_bounds(s.lo, s.size(), false);
}

// Runs on the system stack (stack_move is called there).
void sanitizer_stack_moved_slow(const Stack &s, uintptr_t old_lo, uintptr_t old_hi, uintptr_t sp) {
  (void)old_lo;
  if (!&__asan_get_shadow_mapping) return;
  // Shadow granules are 8 bytes and both blocks' tops are page-aligned, so
  // the live part's shadow is a whole number of shadow bytes. (The old
  // block's is cleared when it is released.)
  const uintptr_t live = old_hi - sp;
  copy_bytes(asan_shadow(s.hi - live), asan_shadow(sp), live >> 3);
  // ASan's frames live on the side stack with everything in them (the
  // plugin's passes run after ASan's, which merged a function's objects
  // into one frame whose address escapes), va_lists and objects that hold
  // pointers into the moving stack included: those words move with it.
  // Conservatively, like the frames of code without stack maps.
  const intptr_t delta = (intptr_t)(s.hi - old_hi);
  const uintptr_t key = pointer_guard();
  auto relocate = [&](uintptr_t a, uintptr_t b) {
    a = (a + 7) & ~uintptr_t(7);
    if (b > a) relocate_words((uintptr_t *)a, (uintptr_t *)(b & ~uintptr_t(7)), sp, old_hi, delta, key);
  };
  if (thread_state().current == &s) {
    side_used_ranges(current_side_stack(), true, relocate);
  } else if (s.kind == StackKind::Fiber) {  // a suspended fiber shrinking
    const Fiber *f = (const Fiber *)((const char *)&s - __builtin_offsetof(Fiber, stack));
    side_used_ranges(f->side, false, relocate);
  }
  sanitizer_stack_bounds_changed_slow(s);
}

void sanitizer_block_acquired_slow(uintptr_t lo) {
  if (&__tsan_acquire) __tsan_acquire((void *)lo);
}

void sanitizer_block_released_slow(uintptr_t lo, uintptr_t hi) {
  struct Args {
    uintptr_t lo, hi;
  } a = {lo, hi};
  on_system_stack(
      [](void *p) -> void * {
        const Args *a = (const Args *)p;
        if (&__asan_unpoison_memory_region)
          __asan_unpoison_memory_region((const void *)a->lo, a->hi - a->lo);
        if (&__tsan_release) __tsan_release((void *)a->lo);
        return nullptr;
      },
      &a);
}

void sanitizer_fiber_created_slow(SanitizerFiber &f) {
  f.tsan = tsan() ? __tsan_create_fiber(0) : nullptr;
  f.tsan_resumer = nullptr;
}

void sanitizer_fiber_gone_slow(SanitizerFiber &f) {
  if (f.tsan)
    on_system_stack([](void *fiber) -> void * { __tsan_destroy_fiber(fiber); return nullptr; },
                    f.tsan);
  f.tsan = nullptr;
}

namespace {

struct Switch {
  SanitizerFiber *f;
  const Stack *from, *to;
  bool enter;
};

// On the system stack: the sanitizers need more than a 2 KiB fiber may
// have left (resume and yield promise callers a few words).
void *switch_on_system_stack(void *p) {
  const Switch *w = (const Switch *)p;
  sanitizer_switch_stack_slow(w->from, w->to);
  SanitizerFiber &f = *w->f;
  if (!f.tsan) return nullptr;
  if (w->enter) {
    f.tsan_resumer = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(f.tsan, 0);  // 0: synchronise (resumer before fiber)
  } else if (f.tsan_resumer) {
    __tsan_switch_to_fiber(f.tsan_resumer, 0);
  }
  return nullptr;
}

} // namespace

void sanitizer_enter_fiber_slow(SanitizerFiber &f, const Stack *from, const Stack &to) {
  Switch w = {&f, from, &to, true};
  on_system_stack(switch_on_system_stack, &w);
}

void sanitizer_leave_fiber_slow(SanitizerFiber &f, const Stack &from, const Stack *to) {
  Switch w = {&f, &from, to, false};
  on_system_stack(switch_on_system_stack, &w);
}

void *sanitizer_interceptor(const char *name) {
  struct Entry {
    const char *name;
    void (*fn)();
  };
  const Entry entries[] = {
      {"pthread_create", &__interceptor_pthread_create},
      {"sigaction", &__interceptor_sigaction},
      {"signal", &__interceptor_signal},
      {"longjmp", &__interceptor_longjmp},
      {"_longjmp", &__interceptor__longjmp},
      {"siglongjmp", &__interceptor_siglongjmp},
      {"__longjmp_chk", &__interceptor___longjmp_chk},
#define X(name) {#name, &__interceptor_##name},
      MORESTACK_INTERCEPTED_BLOCKING_CALLS(X)
#undef X
  };
  for (const Entry &e : entries)
    if (strcmp(e.name, name) == 0) {
      if (e.fn) return (void *)e.fn;
      // TSan intercepts longjmp and siglongjmp only; glibc's _longjmp and
      // __longjmp_chk jump the same way, so they go through its longjmp.
      if ((strcmp(name, "_longjmp") == 0 || strcmp(name, "__longjmp_chk") == 0) && tsan())
        return (void *)&__interceptor_longjmp;
      return nullptr;
    }
  return nullptr;
}

} // namespace morestack

// runtime/signals.cpp: alternate signal stacks, the handler stack, the
// handler trampoline and the fault handler. See signals.h.
//
// Invariants:
//  - On a thread with `own_alt`, the kernel always has an armed alternate
//    stack outside signal handlers (SS_AUTODISARM disarms it while one
//    runs; sigreturn re-arms it; a longjmp out of a handler re-arms it in
//    leave_signal_handler_for()).
//  - While the trampoline runs a handler, ThreadState::current is the
//    thread's handler Stack (kind Signal) and the guard is its guard; the
//    state it replaced is restored when the handler returns, or by
//    leave_signal_handler_for() when a longjmp leaves it.
//  - user_handler[sig] is the program's handler for sig (or null); the
//    kernel's action for it is the trampoline (or, for SIGSEGV and SIGBUS,
//    the fault handler).
#include "signals.h"

#include "faults.h"
#include "asm_entry.h"
#include "fatal.h"
#include "sanitizers.h"
#include "side_stack.h"
#include "thread_state.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

// Linux 4.7's SS_AUTODISARM (include/uapi/linux/signal.h); glibc 2.36 does
// not name it.
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)
#endif

namespace morestack {
namespace {

constexpr size_t kPage = 4096;
// The kernel's frame (up to ~3.5 KiB with AVX-512 state) and the trampoline.
constexpr size_t kAltStackSize = 64 * 1024;
// Handlers run here: as much as a thread's default stack, touched on use.
constexpr size_t kHandlerStackSize = size_t(8) << 20;
// Below an interrupted handler's stack pointer: its red zone, and a margin.
constexpr uintptr_t kNestedGap = MORESTACK_RED_ZONE + 128;

struct ThreadSignals {
  uintptr_t alt_lo = 0, alt_hi = 0;  // ours, guard page below
  bool own_alt = false;              // the runtime armed an alternate stack here
  uintptr_t kept_lo = 0, kept_hi = 0;  // or kept the one it found (the program's, a sanitizer's)
  bool user_disabled = false;        // the program asked for SS_DISABLE (not done)
  Stack handler;                     // the handler stack (lo == 0: not mapped yet)
  uintptr_t side_lo = 0;             // the handlers' side stack (kSignalSideStackSize)
  int depth = 0;                     // handlers running on the handler stack
  Stack *outer_current = nullptr;    // ThreadState::current before the outermost one
  uintptr_t outer_side_sp = 0, outer_side_limit = 0;  // the side stack it used
};

__thread ThreadSignals tls __attribute__((tls_model("initial-exec")));

// The user's handlers, by signal number, and the flags they asked for.
// Written by sigaction(), read by the trampoline; word-sized stores.
void *user_handler[NSIG];
int user_flags[NSIG];

template <class Fn> Fn real(const char *name) {
  // A sanitizer's interceptor first (sanitizers.h); it calls libc's.
  if (void *interceptor = sanitizer_interceptor(name)) return (Fn)interceptor;
  Fn f = (Fn)dlsym(RTLD_NEXT, name);
  if (!f) fatal("cannot find libc's %s: %s", name, dlerror());
  return f;
}

using sigaction_fn = int (*)(int, const struct sigaction *, struct sigaction *);
using sigaltstack_fn = int (*)(const stack_t *, stack_t *);

sigaction_fn real_sigaction() {
  static sigaction_fn fn = real<sigaction_fn>("sigaction");
  return fn;
}
sigaltstack_fn real_sigaltstack() {
  static sigaltstack_fn fn = real<sigaltstack_fn>("sigaltstack");
  return fn;
}

// [lo, hi) of `size` usable bytes with an inaccessible page below; 0 on
// failure. Async-signal-safe (mmap is a system call).
uintptr_t map_guarded(size_t size, bool noreserve) {
  int flags = MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0);
  void *p = mmap(nullptr, size + kPage, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) return 0;
  mprotect(p, kPage, PROT_NONE);
  return (uintptr_t)p + kPage;
}

void unmap_guarded(uintptr_t lo, size_t size) { munmap((void *)(lo - kPage), size + kPage); }

// sigaltstack with SS_AUTODISARM added. Where the flag is refused
// (valgrind 3.19 emulates sigaltstack and rejects it; kernels before 4.7),
// the stack is armed without it: handlers still run on the handler stack,
// but a signal nested in a handler may then be delivered at the top of the
// alternate stack, over the outer signal's frame.
int set_autodisarm(stack_t ss) {
  static bool refused = false;
  if (!__atomic_load_n(&refused, __ATOMIC_RELAXED)) {
    ss.ss_flags |= SS_AUTODISARM;
    const int r = real_sigaltstack()(&ss, nullptr);
    if (r == 0 || errno != EINVAL) return r;
    __atomic_store_n(&refused, true, __ATOMIC_RELAXED);
  }
  ss.ss_flags &= ~SS_AUTODISARM;
  return real_sigaltstack()(&ss, nullptr);
}

int arm(uintptr_t lo, size_t size) {
  stack_t ss = {};
  ss.ss_sp = (void *)lo;
  ss.ss_size = size;
  return set_autodisarm(ss);
}

Stack *handler_stack() {
  ThreadSignals &t = tls;
  if (!t.handler.lo) {
    uintptr_t side = map_guarded(kSignalSideStackSize, /*noreserve=*/true);
    if (!side) return nullptr;
    uintptr_t lo = map_guarded(kHandlerStackSize, /*noreserve=*/true);
    if (!lo) {
      unmap_guarded(side, kSignalSideStackSize);
      return nullptr;
    }
    t.side_lo = side;
    t.handler.lo = lo;
    t.handler.hi = lo + kHandlerStackSize;
    t.handler.initial_size = t.handler.min_size = kHandlerStackSize;
    t.handler.kind = StackKind::Signal;
    t.handler.id = current_thread_number();
  }
  return &t.handler;
}

struct HandlerCall {
  void *handler;
  int sig;
  siginfo_t *info;
  void *uctx;
};

void *call_handler(void *p) {
  HandlerCall *c = (HandlerCall *)p;
  ((void (*)(int, siginfo_t *, void *))c->handler)(c->sig, c->info, c->uctx);
  return nullptr;
}

// Run the user's handler for `sig` on the handler stack (below an
// interrupted handler, if one is running there).
void run_user_handler(void *h, int sig, siginfo_t *info, void *uctx) {
  ThreadState &ts = thread_state();
  Stack *const before = ts.current;
  const uintptr_t guard = read_guard();
  HandlerCall call = {h, sig, info, uctx};
  Stack *hs = handler_stack();
  if (!hs) {  // no memory for it: run where the kernel put us, unchecked
    write_guard(0);
    call_handler(&call);
    write_guard(guard);
    return;
  }
  const uintptr_t sp = (uintptr_t)((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RSP];
  const bool nested = hs->contains(sp);
  uintptr_t top = nested ? (sp - kNestedGap) & ~uintptr_t(15) : hs->hi;
  if (nested && top < hs->guard())
    fatal("a signal handler for signal %d (%s) ran out of the %zu-byte signal handler stack "
          "(nested signals)", sig, strsignal(sig), kHandlerStackSize);
  ThreadSignals &t = tls;
  // The handler's side stack: its own region (the interrupted code may be
  // between reading the side pointer and storing the lowered one); a
  // nested handler goes on below the interrupted one.
  const uintptr_t side_sp = read_side_sp(), side_limit = read_side_limit();
  const uintptr_t side_hi = t.side_lo + kSignalSideStackSize;
  if (t.depth++ == 0) {
    t.outer_current = before;
    t.outer_side_sp = side_sp;
    t.outer_side_limit = side_limit;
  }
  if (!(side_sp > t.side_lo && side_sp <= side_hi)) write_side(side_hi, t.side_lo);
  set_current(hs);
  uintptr_t unused;
  if (nested) call_handler(&call);  // already below the interrupted handler
  else __morestack_call_on_stack(call_handler, &call, top, &unused);
  --t.depth;
  ts.current = before;
  write_side(side_sp, side_limit);
  write_guard(guard);
}

void trampoline(int sig, siginfo_t *info, void *uctx) {
  void *h = __atomic_load_n(&user_handler[sig], __ATOMIC_ACQUIRE);
  if (h) run_user_handler(h, sig, info, uctx);
}

void fault_handler(int sig, siginfo_t *info, void *uctx) {
  const uintptr_t guard = read_guard();
  write_guard(0);
  explain_fault(sig, info, (ucontext_t *)uctx);  // returns only if it is not ours
  ThreadSignals &t = tls;
  if (t.handler.lo && (uintptr_t)info->si_addr < t.handler.lo &&
      (uintptr_t)info->si_addr >= t.handler.lo - kPage)
    fatal("a signal handler overflowed the %zu-byte signal handler stack in code built without "
          "the plugin (address %p, just below it)", kHandlerStackSize, info->si_addr);
  write_guard(guard);
  void *h = __atomic_load_n(&user_handler[sig], __ATOMIC_ACQUIRE);
  if (h) {
    run_user_handler(h, sig, info, uctx);
    return;
  }
  // Not ours and no handler of the program's: the default action, when the
  // faulting instruction runs again.
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  real_sigaction()(sig, &dfl, nullptr);
}

bool is_function(const struct sigaction *act) {
  void *h = (act->sa_flags & SA_SIGINFO) ? (void *)act->sa_sigaction : (void *)act->sa_handler;
  return h != (void *)SIG_DFL && h != (void *)SIG_IGN;
}

bool is_fault(int sig) { return sig == SIGSEGV || sig == SIGBUS; }

bool fault_handler_installed;

void install_kernel_action(int sig, const struct sigaction *user, struct sigaction *old) {
  struct sigaction mine = {};
  if (user) mine = *user;
  mine.sa_sigaction = is_fault(sig) ? fault_handler : trampoline;
  mine.sa_flags |= SA_SIGINFO | SA_ONSTACK;
  // The handler's own SA_RESETHAND would reset to the trampoline's default,
  // which is what it asked for; SA_NODEFER likewise carries over.
  real_sigaction()(sig, &mine, old);
}

} // namespace

void ensure_signal_stack() {
  ThreadSignals &t = tls;
  if (t.own_alt) return;
  stack_t current;
  if (real_sigaltstack()(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) {
    // The program's own alternate stack: keep it, but have it disarmed
    // while handlers run (they run on the handler stack; a nested signal
    // must not land on the top of the alternate stack, where the kernel's
    // frame for the outer one lives).
    if (!(current.ss_flags & SS_AUTODISARM)) {
      current.ss_flags = 0;
      set_autodisarm(current);
    }
    t.kept_lo = (uintptr_t)current.ss_sp;
    t.kept_hi = t.kept_lo + current.ss_size;
    t.own_alt = true;
    return;
  }
  uintptr_t lo = map_guarded(kAltStackSize, /*noreserve=*/false);
  if (!lo) fatal("out of memory: cannot map an alternate signal stack");
  if (arm(lo, kAltStackSize) != 0) fatal("sigaltstack failed: %s", strerror(errno));
  t.alt_lo = lo;
  t.alt_hi = lo + kAltStackSize;
  t.own_alt = true;
}

void release_signal_stack() {
  ThreadSignals &t = tls;
  if (t.alt_lo) {
    stack_t ss = {};
    ss.ss_flags = SS_DISABLE;
    real_sigaltstack()(&ss, nullptr);
    unmap_guarded(t.alt_lo, kAltStackSize);
    t.alt_lo = t.alt_hi = 0;
  }
  if (t.handler.lo) {
    unmap_guarded(t.handler.lo, kHandlerStackSize);
    unmap_guarded(t.side_lo, kSignalSideStackSize);
  }
  t.handler.lo = t.handler.hi = t.side_lo = 0;
  t.kept_lo = t.kept_hi = 0;
  t.own_alt = false;
}

void install_fault_handler() {
  // A plain load first: fibers are created often, and an exchange is a
  // locked instruction every time.
  if (__atomic_load_n(&fault_handler_installed, __ATOMIC_ACQUIRE)) return;
  if (__atomic_exchange_n(&fault_handler_installed, true, __ATOMIC_ACQ_REL)) return;
  static const int kFaults[] = {SIGSEGV, SIGBUS};
  for (int sig : kFaults) {
    struct sigaction old = {};
    real_sigaction()(sig, nullptr, &old);
    if (old.sa_handler != SIG_DFL) {
      // Installed before the runtime (by a constructor, say): keep it, behind us.
      void *h = (old.sa_flags & SA_SIGINFO) ? (void *)old.sa_sigaction : (void *)old.sa_handler;
      if (h != (void *)SIG_IGN && h != (void *)fault_handler) {
        user_handler[sig] = h;
        user_flags[sig] = old.sa_flags;
      }
    }
    sigemptyset(&old.sa_mask);
    old.sa_flags = 0;
    install_kernel_action(sig, &old, nullptr);
  }
}

void leave_signal_handler_for(uintptr_t sp) {
  ThreadSignals &t = tls;
  if (!t.depth) return;
  bool on_handler_stack = t.handler.contains(sp);
  bool on_alt = (sp >= t.alt_lo && sp < t.alt_hi) || (sp >= t.kept_lo && sp < t.kept_hi);
  if (on_handler_stack || on_alt) return;  // a jump within the handler
  t.depth = 0;
  set_current(t.outer_current);
  write_side(t.outer_side_sp, t.outer_side_limit);
  // sigreturn would have re-armed it. Also the alternate stack the runtime
  // found and kept (the sanitizers install one in every thread they see):
  // left disarmed, the next signal would land on a 2 KiB fiber stack.
  if (t.alt_lo) arm(t.alt_lo, kAltStackSize);
  else if (t.kept_hi) arm(t.kept_lo, t.kept_hi - t.kept_lo);
}

int install_runtime_handler(int sig, void (*handler)(int, siginfo_t *, void *),
                            struct sigaction *old) {
  struct sigaction sa = {};
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  return real_sigaction()(sig, &sa, old);
}

void restore_runtime_handler(int sig, const struct sigaction *old) {
  real_sigaction()(sig, old, nullptr);
}

} // namespace morestack

using namespace morestack;

// The user's view of the action: their handler where the kernel has ours.
static void report_user_action(struct sigaction *old, void *prev_handler, int prev_flags) {
  if (!old) return;
  if (old->sa_sigaction == trampoline || old->sa_sigaction == fault_handler) {
    if (prev_handler) {
      old->sa_sigaction = (decltype(old->sa_sigaction))prev_handler;
      old->sa_flags = prev_flags;
    } else {
      old->sa_handler = SIG_DFL;
      old->sa_flags = 0;
    }
  }
}

extern "C" int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  if (sig <= 0 || sig >= NSIG) return real_sigaction()(sig, act, old);
  void *prev = __atomic_load_n(&user_handler[sig], __ATOMIC_ACQUIRE);
  int prev_flags = user_flags[sig];
  if (!act) {
    int rc = real_sigaction()(sig, nullptr, old);
    if (rc == 0) report_user_action(old, prev, prev_flags);
    return rc;
  }
  bool fault_ours = is_fault(sig) && __atomic_load_n(&fault_handler_installed, __ATOMIC_ACQUIRE);
  if (is_function(act) || fault_ours) {
    void *h = !is_function(act) ? nullptr
              : (act->sa_flags & SA_SIGINFO) ? (void *)act->sa_sigaction : (void *)act->sa_handler;
    if (!h && act->sa_handler == SIG_IGN) {
      // Ignoring SIGSEGV/SIGBUS: the kernel ignores nothing it raises for a
      // fault; leave it to libc.
      __atomic_store_n(&user_handler[sig], nullptr, __ATOMIC_RELEASE);
      int rc = real_sigaction()(sig, act, old);
      if (rc == 0) report_user_action(old, prev, prev_flags);
      return rc;
    }
    // SA_SIGINFO handlers and plain ones are called the same way: the
    // trampoline passes (sig, info, uctx), which a one-argument handler
    // ignores (the System V x86-64 convention makes that safe).
    __atomic_store_n(&user_handler[sig], h, __ATOMIC_RELEASE);
    user_flags[sig] = act->sa_flags;
    struct sigaction prev_kernel;
    install_kernel_action(sig, act, &prev_kernel);
    if (old) {
      *old = prev_kernel;
      report_user_action(old, prev, prev_flags);
    }
    return 0;
  }
  __atomic_store_n(&user_handler[sig], nullptr, __ATOMIC_RELEASE);
  int rc = real_sigaction()(sig, act, old);
  if (rc == 0) report_user_action(old, prev, prev_flags);
  return rc;
}

extern "C" sighandler_t signal(int sig, sighandler_t handler) {
  struct sigaction act = {}, old = {};
  act.sa_handler = handler;
  sigemptyset(&act.sa_mask);
  act.sa_flags = SA_RESTART;  // BSD semantics, as glibc's signal()
  if (sigaction(sig, &act, &old) != 0) return SIG_ERR;
  return old.sa_handler;
}

extern "C" int sigaltstack(const stack_t *ss, stack_t *old) {
  ThreadSignals &t = tls;
  if (!t.own_alt) return real_sigaltstack()(ss, old);
  stack_t current;
  if (real_sigaltstack()(nullptr, &current) != 0) return -1;
  stack_t seen = current;
  if (t.user_disabled) {
    seen.ss_flags = SS_DISABLE | (current.ss_flags & SS_ONSTACK);
    seen.ss_sp = nullptr;
    seen.ss_size = 0;
  }
  seen.ss_flags &= ~SS_AUTODISARM;
  if (ss) {
    if (current.ss_flags & SS_ONSTACK) {
      errno = EPERM;  // as the kernel: not while running on it
      return -1;
    }
    if (ss->ss_flags & SS_DISABLE) {
      // Keep an armed alternate stack: the kernel would otherwise write a
      // signal frame onto whatever stack the thread is on, a 2 KiB fiber.
      t.user_disabled = true;
      if (!t.alt_lo) {
        uintptr_t lo = map_guarded(kAltStackSize, false);
        if (!lo) {
          errno = ENOMEM;
          return -1;
        }
        t.alt_lo = lo;
        t.alt_hi = lo + kAltStackSize;
      }
      if ((uintptr_t)current.ss_sp != t.alt_lo && arm(t.alt_lo, kAltStackSize) != 0) return -1;
    } else {
      if (set_autodisarm(*ss) != 0) return -1;
      t.user_disabled = false;
    }
  }
  if (old) *old = seen;
  return 0;
}

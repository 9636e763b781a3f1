// runtime/signals.cpp: alternate signal stacks and the handler trampoline.
// See signals.h.
#include "signals.h"

#include "fatal.h"
#include "thread_state.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

namespace morestack {
namespace {

// Big enough for the kernel's frame with AVX-512 state and a handler that
// formats a message: 64 KiB.
constexpr size_t kSignalStackSize = 64 * 1024;

__thread void *own_altstack __attribute__((tls_model("initial-exec")));

// The user's handlers, by signal number. Written by sigaction(), read by the
// trampoline; a word-sized store, so a handler sees the old or new pointer.
void *user_handler[NSIG];

using sigaction_fn = int (*)(int, const struct sigaction *, struct sigaction *);

sigaction_fn real_sigaction() {
  static sigaction_fn real = (sigaction_fn)dlsym(RTLD_NEXT, "sigaction");
  if (!real) fatal("cannot find libc's sigaction: %s", dlerror());
  return real;
}

void trampoline(int sig, siginfo_t *info, void *uctx) {
  uintptr_t guard = read_guard();
  write_guard(0);
  void *h = __atomic_load_n(&user_handler[sig], __ATOMIC_ACQUIRE);
  ((void (*)(int, siginfo_t *, void *))h)(sig, info, uctx);
  write_guard(guard);
}

bool is_function(const struct sigaction *act) {
  void *h = (act->sa_flags & SA_SIGINFO) ? (void *)act->sa_sigaction : (void *)act->sa_handler;
  return h != (void *)SIG_DFL && h != (void *)SIG_IGN;
}

} // namespace

void ensure_signal_stack() {
  if (own_altstack) return;
  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;
  void *mem = mmap(nullptr, kSignalStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) fatal("out of memory: cannot map an alternate signal stack");
  stack_t ss = {};
  ss.ss_sp = mem;
  ss.ss_size = kSignalStackSize;
  if (sigaltstack(&ss, nullptr) != 0) fatal("sigaltstack failed");
  own_altstack = mem;
}

void release_signal_stack() {
  if (!own_altstack) return;
  stack_t ss = {};
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, nullptr);
  munmap(own_altstack, kSignalStackSize);
  own_altstack = nullptr;
}

} // namespace morestack

using namespace morestack;

extern "C" int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  if (sig <= 0 || sig >= NSIG) return real_sigaction()(sig, act, old);
  struct sigaction mine;
  const struct sigaction *use = act;
  if (act && is_function(act)) {
    mine = *act;
    void *h = (act->sa_flags & SA_SIGINFO) ? (void *)act->sa_sigaction : (void *)act->sa_handler;
    mine.sa_sigaction = trampoline;
    mine.sa_flags |= SA_SIGINFO | SA_ONSTACK;
    use = &mine;
    void *prev = __atomic_exchange_n(&user_handler[sig], h, __ATOMIC_ACQ_REL);
    int rc = real_sigaction()(sig, use, old);
    if (rc != 0) __atomic_store_n(&user_handler[sig], prev, __ATOMIC_RELEASE);
    else if (old && old->sa_sigaction == trampoline)
      old->sa_sigaction = (decltype(old->sa_sigaction))prev;  // the user's, not ours
    return rc;
  }
  int rc = real_sigaction()(sig, use, old);
  if (rc == 0 && old && old->sa_sigaction == trampoline)
    old->sa_sigaction = (decltype(old->sa_sigaction))user_handler[sig];
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

namespace morestack {

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

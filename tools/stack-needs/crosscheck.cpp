// crosscheck: an independent measure of a few needs, by faulting instead of
// poisoning. The call runs in a thread whose 256 KiB stack
// (pthread_attr_setstack) sits right above 64 KiB of PROT_NONE; the thread
// first moves its %rsp down with alloca, and that amount is bisected (in
// 16-byte steps) up to the largest with which the call still completes. The
// need is then the headroom at the call: %rsp at the call instruction (read
// just before it) minus the end of the guard. Each try runs in a forked
// child, so a fault only ends that child.
//
//   crosscheck > lines   "X  name  symbol  variant  mode  headroom-fail  headroom-ok"
//
// mode "first": the parent never called the function (first call in the
// process, in a new thread); "warm": the parent called it once before.
// Built with plain clang and -z now (like the harness: the caller's own PLT
// slot is not part of a need); independent of the harness's code.
#include "runtime_model.h"
#include <float.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace {

constexpr size_t kGuard = 64 * 1024;

struct Shared {  // in a MAP_SHARED page: written by the child, read by the parent
  uintptr_t rsp;        // %rsp at the call, written just before the call
  uintptr_t guard_end;  // the thread stack's lowest usable byte
  int done;
};
Shared *g_sh;

#define AT_CALL()                                               \
  do {                                                          \
    uintptr_t sp_;                                              \
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp_)::"memory");    \
    g_sh->rsp = sp_;                                            \
  } while (0)

// Each case reads %rsp and makes the call from the same frame (clang keeps
// %rsp fixed after the prologue; stack arguments are stored, not pushed).
__attribute__((noinline)) void case_printf_Lf() {
  AT_CALL();
  printf("%Lf\n", 1e300L);
}
__attribute__((noinline)) void case_malloc_1M() {
  AT_CALL();
  void *volatile p = malloc(1 << 20);
  (void)p;
}
struct addrinfo *g_ai;
__attribute__((noinline)) void case_getaddrinfo() {
  AT_CALL();
  getaddrinfo("localhost", nullptr, nullptr, &g_ai);
  __asm__ volatile("" ::: "memory");  // no tail call: a real call from this frame
}
__attribute__((noinline)) void case_throw() {
  try {
    AT_CALL();
    throw 42;
  } catch (int) {
  }
}
__attribute__((noinline)) void case_snprintf_Lf_max() {
  static char buf[8192];
  AT_CALL();
  snprintf(buf, sizeof buf, "%Lf", LDBL_MAX);
}

// The harness test each mode is compared with (symbol, variant for the
// first call, variant for a warm call).
struct Case {
  const char *name, *sym, *variant_first, *variant_warm;
  void (*fn)();
};
const Case kCases[] = {
    {"printf(\"%Lf\", 1e300L)", "printf", "stdout:long-double-1e300", "stdout:long-double-1e300", case_printf_Lf},
    {"malloc(1 << 20)", "malloc", "1MiB-mmap", "1MiB-mmap", case_malloc_1M},
    // Each try is a new thread; warm: in a process that has called it before.
    {"getaddrinfo(\"localhost\")", "getaddrinfo", "localhost-first", "localhost-each-call-in-a-new-thread",
     case_getaddrinfo},
    {"throw 42; catch (int)", "__cxa_throw", "int", "int", case_throw},
    {"snprintf(\"%Lf\", LDBL_MAX)", "snprintf", "long-double-max", "long-double-max", case_snprintf_Lf_max},
};

const Case *g_case;
size_t g_pad;
constexpr size_t kStack = 256 * 1024;

void *thread_main(void *) {
  volatile char *p = (volatile char *)__builtin_alloca(g_pad);
  p[0] = 0;
  g_case->fn();
  g_sh->done = 1;
  return nullptr;
}

// One try: a fresh child runs the case in a thread that first allocas `pad`
// bytes. Returns true when the call completed; *headroom = %rsp at the call
// minus the end of the guard (-1 if the thread faulted before the call).
bool try_pad(size_t pad, long *headroom) {
  g_sh->rsp = 0;
  g_sh->done = 0;
  g_sh->guard_end = 0;
  g_pad = pad;
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    unsigned char *m = (unsigned char *)mmap(nullptr, kGuard + kStack, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) _exit(3);
    mprotect(m, kGuard, PROT_NONE);
    g_sh->guard_end = (uintptr_t)(m + kGuard);
    pthread_attr_t a;
    pthread_attr_init(&a);
    if (pthread_attr_setstack(&a, m + kGuard, kStack) != 0) _exit(4);
    pthread_t t;
    if (pthread_create(&t, &a, thread_main, nullptr) != 0) _exit(5);
    pthread_join(t, nullptr);
    _exit(g_sh->done ? 0 : 6);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  *headroom = g_sh->rsp ? (long)(g_sh->rsp - g_sh->guard_end) : -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

}  // namespace

int main() {
  ms_model_runtime();
  // Results go to the original stdout; the cases' own output to /dev/null.
  int res = dup(1);
  FILE *out = fdopen(res, "w");
  freopen("/dev/null", "w", stdout);
  void *sh = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_sh = (Shared *)sh;
  for (int warm = 0; warm < 2; warm++) {
    for (const Case &c : kCases) {
      g_case = &c;
      if (warm) {
        // Warm the parent (children inherit bound PLT slots, initialised
        // malloc, stdio buffers, the resolver's and unwinder's caches).
        c.fn();
      }
      // Bisect the pad: [ok: the call completes, fail: it faults].
      size_t ok = 0, fail = kStack;  // alloca past the whole stack: its store faults in the guard
      long h_ok = -1, h_fail = -1, h;
      const char *mode = warm ? "warm" : "first";
      const char *variant = warm ? c.variant_warm : c.variant_first;
      if (!try_pad(ok, &h)) {
        fprintf(out, "X\t%s\t%s\t%s\t%s\tfails-with-%ld-bytes\t-\n", c.name, c.sym, variant, mode, h);
        continue;
      }
      h_ok = h;
      if (try_pad(fail, &h)) {
        fprintf(out, "X\t%s\t%s\t%s\t%s\t-\t%ld\n", c.name, c.sym, variant, mode, h);
        continue;
      }
      h_fail = h;
      while (fail - ok > 16) {
        size_t mid = (ok + (fail - ok) / 2) & ~(size_t)15;
        if (mid <= ok) mid = ok + 16;
        if (try_pad(mid, &h)) { ok = mid; h_ok = h; }
        else { fail = mid; h_fail = h; }
      }
      fprintf(out, "X\t%s\t%s\t%s\t%s\t%ld\t%ld\n", c.name, c.sym, variant, mode, h_fail, h_ok);
      fflush(out);
    }
  }
  if (g_ai) freeaddrinfo(g_ai);
  return 0;
}

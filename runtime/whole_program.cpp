// runtime/whole_program.cpp: main and every thread on growable stacks.
//
// The runtime defines __libc_start_main, which the program's start code
// (crt1.o) calls with the address of main: ours wins over libc's because
// the executable defines it, and it calls libc's with main_on_growable_stack
// in place of main. That creates main's managed stack (config.main_stack)
// and runs the real main on it; when main returns, the thread is back on its
// OS stack with the guard at 0, so exit handlers and static destructors run
// unchecked on the OS stack, as usual.
//
// (Not -Wl,--wrap=main, which was dropped when lld still rewrote the
// prologues of functions calling uninstrumented code: its wrapping
// redirects the object's own symbol `main`, so lld did not find main's
// prologue and main's calls into libc lost their reserve. Calls are now
// checked where they are made, plugin/CallSiteReserve.h; the interposition
// stayed.)
//
// Linking with -Wl,--defsym=__morestack_no_whole_program=1 (the wrappers'
// -morestack-no-whole-program) turns this off: main and threads keep their
// OS stacks, and only fibers grow.
//
// pthread_create is interposed (the executable's definition wins over
// libc's, also for calls from libstdc++'s std::thread). Once main runs on a
// managed stack, every new thread runs its start routine on a managed stack
// of config.thread_stack bytes; before that (threads started by
// constructors), and in programs that opted out of whole-program mode, threads start
// as usual and never grow.
//
// Each managed thread gets an alternate signal stack (signals.h). Its stack
// and pool cache are released when the start routine returns.
#include "config.h"
#include "fatal.h"
#include "frames.h"
#include "binding.h"
#include "sanitizers.h"
#include "side_stack.h"
#include "signals.h"
#include "stack.h"
#include "stack_pool.h"

#include <dlfcn.h>
#include <pthread.h>
#include <errno.h>
#include <stdlib.h>

extern "C" void *__morestack_run_thread(void *(*fn)(void *), void *arg, uintptr_t stack_top,
                                        uintptr_t *os_sp);
// Defined, with any non-zero value, by -Wl,--defsym to opt out.
extern "C" char __morestack_no_whole_program __attribute__((weak));

namespace morestack {
namespace {

bool whole_program;
uint64_t next_thread_id = 2;  // main is thread 1

// Run fn(arg) on a new managed stack of `size` bytes (more if `entry`, the
// program's function that runs first on it, was built without the plugin:
// initial_stack_size), the thread's stack until fn returns or the thread
// exits. The Stack lives on the heap: after
// pthread_exit this frame may be gone when __morestack_leave_thread_stack
// (thread_exit.c's cleanup) frees it.
void *run_on_managed_stack(size_t size, StackKind kind, uint64_t id, void *(*fn)(void *), void *arg,
                           uintptr_t entry) {
  ensure_signal_stack();
  ThreadState &t = thread_state();
  t.thread_number = id;
  Stack *stack = (Stack *)calloc(1, sizeof(Stack));  // stack_init sets every field
  if (!stack) fatal("out of memory starting thread %llu", (unsigned long long)id);
  stack_init(*stack, initial_stack_size(size, entry), kind, id);
  t.thread_stack = stack;
  sanitizer_switch_stack(nullptr, stack);  // ASan: the thread leaves its OS stack
  set_current(stack);
  return __morestack_run_thread(fn, arg, stack->hi, &t.os_sp);
}

using main_fn = int (*)(int, char **, char **);
main_fn user_main;

struct MainArgs {
  int argc;
  char **argv;
  char **envp;
  int result;
};

MORESTACK_RUNTIME_FRAME void *call_main(void *p) {
  MainArgs *a = (MainArgs *)p;
  a->result = user_main(a->argc, a->argv, a->envp);
  return nullptr;
}

struct ThreadStart {
  void *(*fn)(void *);
  void *arg;
};

// Threads alive: main, and every thread started through pthread_create
// (the scheduler's deadlock check compares it with the threads waiting on
// the scheduler). A key's destructor counts the exit, which runs after a
// return from the start routine and after pthread_exit alike.
uint64_t threads_alive = 1;
pthread_key_t exit_key;
pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
void count_exit(void *) { __atomic_sub_fetch(&threads_alive, 1, __ATOMIC_SEQ_CST); }
void make_exit_key() {
  if (pthread_key_create(&exit_key, count_exit) != 0) fatal("pthread_key_create failed");
}

void *thread_trampoline(void *p) {
  ThreadStart start = *(ThreadStart *)p;
  free(p);
  pthread_setspecific(exit_key, (void *)1);
  // The TCB slots of the side stack: glibc reuses thread descriptors, and
  // does not clear these two.
  write_side(0, 0);
  if (!__atomic_load_n(&whole_program, __ATOMIC_ACQUIRE)) return start.fn(start.arg);
  uint64_t id = __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
  return run_on_managed_stack(config.thread_stack, StackKind::Thread, id, start.fn, start.arg,
                              (uintptr_t)start.fn);
}

using pthread_create_fn = int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

pthread_create_fn real_pthread_create() {
  // A sanitizer's interceptor (sanitizers.h) must see every thread start.
  static pthread_create_fn real = sanitizer_interceptor("pthread_create")
                                      ? (pthread_create_fn)sanitizer_interceptor("pthread_create")
                                      : (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
  if (!real) fatal("cannot find libc's pthread_create: %s", dlerror());
  return real;
}

} // namespace
} // namespace morestack

using namespace morestack;

extern "C" void __morestack_leave_thread_stack(void) {
  ThreadState &t = thread_state();
  Stack *stack = t.thread_stack;
  if (stack) sanitizer_switch_stack(stack, nullptr);  // ASan: back on the OS stack
  set_current(nullptr);
  t.thread_stack = nullptr;
  if (stack) {
    stack_release(*stack);
    free(stack);
  }
  release_signal_stack();
}

namespace morestack {
namespace {

int main_on_growable_stack(int argc, char **argv, char **envp) {
  __atomic_store_n(&whole_program, true, __ATOMIC_RELEASE);
  MainArgs args = {argc, argv, envp, 0};
  run_on_managed_stack(config.main_stack, StackKind::Main, 1, call_main, &args, (uintptr_t)user_main);
  return args.result;
}

using start_main_fn = int (*)(main_fn, int, char **, void (*)(), void (*)(), void (*)(), void *);

} // namespace
} // namespace morestack

extern "C" int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(),
                                 void (*fini)(), void (*rtld_fini)(), void *stack_end) {
  start_main_fn real = (start_main_fn)dlsym(RTLD_NEXT, "__libc_start_main");
  if (!real) fatal("cannot find libc's __libc_start_main: %s", dlerror());
  init_config();
  sanitizers_init();
  install_fault_handler();
  check_bound_at_load((uintptr_t)main, "the executable");
  bind_libraries();
  thread_state().thread_number = 1;
  if (!&__morestack_no_whole_program) {
    user_main = main;
    main = main_on_growable_stack;
  }
  return real(main, argc, argv, init, fini, rtld_fini, stack_end);
}

extern "C" int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                              void *(*fn)(void *), void *arg) {
  ThreadStart *start = (ThreadStart *)malloc(sizeof(ThreadStart));
  if (!start) return EAGAIN;
  start->fn = fn;
  start->arg = arg;
  pthread_once(&exit_key_once, make_exit_key);
  __atomic_add_fetch(&threads_alive, 1, __ATOMIC_SEQ_CST);
  int rc = real_pthread_create()(thread, attr, thread_trampoline, start);
  if (rc != 0) {
    __atomic_sub_fetch(&threads_alive, 1, __ATOMIC_SEQ_CST);
    free(start);
  }
  return rc;
}

namespace morestack {
uint64_t live_thread_count() { return __atomic_load_n(&threads_alive, __ATOMIC_SEQ_CST); }
} // namespace morestack

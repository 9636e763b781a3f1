// runtime/whole_program.cpp: main and every thread on growable stacks.
//
// The wrappers link with -Wl,--wrap=main, so the C library's start code
// calls __wrap_main instead of main. __wrap_main creates main's managed stack
// (config.main_stack) and runs the real main on it; when main returns, the
// thread is back on its OS stack with the guard at 0, so exit handlers and
// static destructors run unchecked on the OS stack, as usual.
//
// pthread_create is interposed (the executable's definition wins over
// libc's, also for calls from libstdc++'s std::thread). Once main runs on a
// managed stack, every new thread runs its start routine on a managed stack
// of config.thread_stack bytes; before that (threads started by
// constructors), and in programs not linked with --wrap=main, threads start
// as usual and never grow.
//
// Each managed thread gets an alternate signal stack (signals.h). Its stack
// and pool cache are released when the start routine returns.
#include "config.h"
#include "fatal.h"
#include "linker_check.h"
#include "signals.h"
#include "stack.h"
#include "stack_pool.h"

#include <dlfcn.h>
#include <pthread.h>
#include <errno.h>
#include <stdlib.h>

extern "C" void *__morestack_call_on_stack(void *(*fn)(void *), void *arg, uintptr_t stack_top,
                                           uintptr_t *os_sp);
// Weak: without --wrap=main (unit tests, -morestack-no-whole-program) nothing
// calls __wrap_main and __real_main stays unresolved.
extern "C" int __real_main(int argc, char **argv, char **envp) __attribute__((weak));

namespace morestack {
namespace {

bool whole_program;
uint64_t next_thread_id = 2;  // main is thread 1

// Run fn(arg) on `s`, which becomes the thread's stack until fn returns.
void *run_on_stack(Stack &s, void *(*fn)(void *), void *arg) {
  ThreadState &t = thread_state();
  t.thread_stack = &s;
  set_current(&s);
  void *result = __morestack_call_on_stack(fn, arg, s.hi, &t.os_sp);
  set_current(nullptr);
  t.thread_stack = nullptr;
  return result;
}

struct MainArgs {
  int argc;
  char **argv;
  char **envp;
  int result;
};

void *call_main(void *p) {
  MainArgs *a = (MainArgs *)p;
  a->result = __real_main(a->argc, a->argv, a->envp);
  return nullptr;
}

struct ThreadStart {
  void *(*fn)(void *);
  void *arg;
};

void *thread_trampoline(void *p) {
  ThreadStart start = *(ThreadStart *)p;
  free(p);
  ensure_signal_stack();
  Stack stack;
  uint64_t id = __atomic_fetch_add(&next_thread_id, 1, __ATOMIC_RELAXED);
  thread_state().thread_number = id;
  stack_init(stack, config.thread_stack, StackKind::Thread, id);
  void *result = run_on_stack(stack, start.fn, start.arg);
  stack_release(stack);
  release_signal_stack();
  return result;
}

using pthread_create_fn = int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

pthread_create_fn real_pthread_create() {
  static pthread_create_fn real = (pthread_create_fn)dlsym(RTLD_NEXT, "pthread_create");
  if (!real) fatal("cannot find libc's pthread_create: %s", dlerror());
  return real;
}

} // namespace
} // namespace morestack

using namespace morestack;

extern "C" int __wrap_main(int argc, char **argv, char **envp) {
  init_config();
  check_linker();
  ensure_signal_stack();
  thread_state().thread_number = 1;
  Stack stack;
  stack_init(stack, config.main_stack, StackKind::Main, 1);
  whole_program = true;
  MainArgs args = {argc, argv, envp, 0};
  run_on_stack(stack, call_main, &args);
  stack_release(stack);
  return args.result;
}

extern "C" int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                              void *(*fn)(void *), void *arg) {
  if (!__atomic_load_n(&whole_program, __ATOMIC_ACQUIRE)) return real_pthread_create()(thread, attr, fn, arg);
  ThreadStart *start = (ThreadStart *)malloc(sizeof(ThreadStart));
  if (!start) return EAGAIN;
  start->fn = fn;
  start->arg = arg;
  int rc = real_pthread_create()(thread, attr, thread_trampoline, start);
  if (rc != 0) free(start);
  return rc;
}

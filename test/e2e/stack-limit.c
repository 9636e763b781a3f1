// Unbounded recursion stops at the maximum stack size with a fatal message
// that names the function that asked for more, the limit and the stack
// (main, a thread, a fiber), after a backtrace that folds the recursion,
// never with a SIGSEGV. The limit is configurable by environment and API.
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: env MORESTACK_MAX_STACK=16M not --crash %t main 2>&1 | FileCheck %s --check-prefix=MAIN
// RUN: env MORESTACK_MAX_STACK=16M not --crash %t thread 2>&1 | FileCheck %s --check-prefix=THREAD
// RUN: env MORESTACK_MAX_STACK=16M not --crash %t fiber 2>&1 | FileCheck %s --check-prefix=FIBER
// RUN: not --crash %t api 2>&1 | FileCheck %s --check-prefix=API
// With debug information, file and line (read by the runtime from the
// program's .debug_line): of each frame, and of the function that asked.
// RUN: %morestack_clang -O2 -g %s -o %t.g
// RUN: env MORESTACK_MAX_STACK=16M not --crash %t.g main 2>&1 | FileCheck %s --check-prefix=LINES
// LINES: #0 0x{{[0-9a-f]+}} forever at {{.*}}stack-limit.c:[[#CALL:]], {{[0-9]+}} bytes
// LINES-NEXT: #1 0x{{[0-9a-f]+}} forever at {{.*}}stack-limit.c:[[#CALL]], {{[0-9]+}} bytes
// LINES-NEXT: ... {{[0-9,]+}} more frames of forever
// LINES: main{{( at .*stack-limit.c:[0-9]+)?}}, {{[0-9]+}} bytes
// LINES-NEXT: morestack: fatal: stack overflow: forever ({{.*}}stack-limit.c:[[#CALL-3]]) needs a frame
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAX_STACK=16M not --crash %t.O0 fiber 2>&1 | FileCheck %s --check-prefix=FIBER
// A single frame of 3 GiB: its size does not fit the prologue's 32-bit
// displacement, so the plugin puts the array on the side stack, whose
// limit is the same (instead of a check that wraps around and passes, then
// SIGSEGV).
// RUN: not --crash %t huge 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not --crash %t.O0 huge 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: morestack: fatal: side stack overflow: the side stack of main (thread 1) (where objects whose address escapes live) needs 3{{[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]}} bytes, more than the limit of 268435456 bytes
//
// MAIN: morestack: the stack at the overflow:
// MAIN-NEXT: morestack: backtrace of main (thread 1) ({{[0-9]+}} frames):
// MAIN-NEXT: #0 0x{{[0-9a-f]+}} forever, {{[0-9]+}} bytes
// MAIN-NEXT: #1 0x{{[0-9a-f]+}} forever, {{[0-9]+}} bytes
// MAIN-NEXT: ... {{[0-9]+,[0-9][0-9][0-9]}} more frames of forever
// MAIN-NEXT: #{{[0-9]+}} 0x{{[0-9a-f]+}} forever, {{[0-9]+}} bytes
// MAIN-NEXT: #{{[0-9]+}} 0x{{[0-9a-f]+}} main, {{[0-9]+}} bytes
// MAIN-NEXT: morestack: fatal: stack overflow: forever needs a frame of {{[0-9]+}} bytes, and the stack of main (thread 1) would need {{[0-9]+}} bytes, more than the limit of 16777216 bytes (MORESTACK_MAX_STACK, morestack_set_max_stack_size)
// THREAD: morestack: fatal: stack overflow: forever needs a frame of {{[0-9]+}} bytes, and the stack of thread 2 would need {{[0-9]+}} bytes, more than the limit of 16777216 bytes
// FIBER: morestack: fatal: stack overflow: forever needs a frame of {{[0-9]+}} bytes, and the stack of fiber 1 would need {{[0-9]+}} bytes, more than the limit of 16777216 bytes
// API: morestack: fatal: stack overflow: forever needs a frame of {{[0-9]+}} bytes, and the stack of main (thread 1) would need {{[0-9]+}} bytes, more than the limit of 33554432 bytes

#include <morestack/morestack.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int forever(int n) {
  volatile char pad[256];  // indexed by n: the whole array stays
  pad[n % 256] = (char)n;
  int r = forever(n + 1);
  return r + pad[n % 256];
}

__attribute__((noinline)) static int huge_frame(int i) {
  char big[3UL << 30];
  big[i] = 1;
  __asm__ volatile("" : : "r"(big) : "memory");
  return big[i];
}

static void *thread_main(void *arg) { return (void *)(long)forever((int)(long)arg); }
static void fiber_main(void *arg) { forever((int)(long)arg); }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "main";
  if (!strcmp(mode, "thread")) {
    pthread_t t;
    pthread_create(&t, NULL, thread_main, NULL);
    pthread_join(t, NULL);
  } else if (!strcmp(mode, "fiber")) {
    morestack_fiber_resume(morestack_fiber_create(fiber_main, NULL, 0));
  } else if (!strcmp(mode, "huge")) {
    huge_frame(argc);
  } else if (!strcmp(mode, "api")) {
    if (morestack_set_max_stack_size(32 << 20) != 0) return 3;
    forever(0);
  } else {
    forever(0);
  }
  puts("UNREACHABLE");
  return 0;
}

/* runtime/thread_exit.c: leave a thread's managed stack however the thread
 * ends.
 *
 * A thread's start routine runs on its managed stack through
 * __morestack_call_on_stack. It may return, or call pthread_exit (or be
 * cancelled), which unwinds with _Unwind_ForcedUnwind from the managed
 * stack, through the CFI of __morestack_call_on_stack, back to the OS stack
 * and on into glibc's start_thread. This file is compiled with -fexceptions
 * so that the cleanup below runs in both cases: when it runs, the thread is
 * back on its OS stack, so the managed stack can be freed and the guard set
 * to 0 before glibc runs thread-local destructors. It is C, so its
 * personality routine is libgcc's and the runtime stays free of libstdc++.
 */
#include "asm_entry.h"

#include <stdint.h>

/* whole_program.cpp: forget the thread's managed stack and free it. */
void __morestack_leave_thread_stack(void);

static void leave(int *unused) {
  (void)unused;
  __morestack_leave_thread_stack();
}

void *__morestack_run_thread(void *(*fn)(void *), void *arg, uintptr_t stack_top,
                             uintptr_t *os_sp) {
  __attribute__((cleanup(leave))) int on_exit = 0;
  (void)on_exit;
  return __morestack_call_on_stack(fn, arg, stack_top, os_sp);
}

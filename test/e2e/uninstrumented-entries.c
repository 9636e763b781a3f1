// A function built without the plugin that runs as the first frame of a
// managed stack (a library's thread start routine, as libtcl's
// Tcl_CreateThread passes to pthread_create; a fiber function from such a
// library) checks nothing: the stack starts with room for unknown code
// (MORESTACK_UNKNOWN_CALLEE_NEED) instead of 2 KiB, so it does not run
// below its block. Found by SQLite's thread tests with 2 KiB thread stacks
// (the canary fatal at thread exit).
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O0 -fPIC -shared %S/Inputs/plain-entries.c -o %t.dir/libplainentries.so
// RUN: %morestack_clang -O2 %s -L%t.dir -lplainentries -Wl,-rpath,%t.dir -o %t.dir/app
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K %t.dir/app | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t.dir/app | FileCheck %s
//
// CHECK: thread routine from a plain library returned 1
// CHECK-NEXT: fiber function from a plain library: 2, its stack 32768 bytes
// CHECK-NEXT: fiber function built with the plugin: its stack 2048 bytes

#include <morestack/morestack.h>
#include <stdio.h>

int plain_spawn_and_join(void);
void plain_fiber_body(void *arg);
extern int plain_fiber_result;

static size_t checked_size;
static void checked_body(void *arg) {
  (void)arg;
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  checked_size = s.size;
}

int main(void) {
  printf("thread routine from a plain library returned %d\n", plain_spawn_and_join());
  morestack_fiber *f = morestack_fiber_create(plain_fiber_body, (void *)5, 2048);
  morestack_stack_stats s;
  morestack_fiber_stats(f, &s);
  morestack_fiber_resume(f);
  printf("fiber function from a plain library: %d, its stack %zu bytes\n", plain_fiber_result, (size_t)s.size);
  morestack_fiber_destroy(f);
  f = morestack_fiber_create(checked_body, 0, 2048);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
  printf("fiber function built with the plugin: its stack %zu bytes\n", checked_size);
  return 0;
}

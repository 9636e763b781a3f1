// Backtraces of any fiber (and of the calling stack) from the stack maps:
// every frame with its function's name (demangled) and frame size. Frames
// of code built without the plugin (here glibc's qsort) are stepped over
// with their unwind information and shown as such, named from the dynamic
// symbol table when they can be.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: %t.O0 2>&1 | FileCheck %s
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: %t.O2 2>&1 | FileCheck %s
//
// CHECK: morestack: backtrace of fiber 1 (4 frames):
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} walker::level3(int), {{[1-9][0-9]*}} bytes
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} walker::level2(int), {{[1-9][0-9]*}} bytes
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} walker::level1(int), {{[1-9][0-9]*}} bytes
// CHECK-NEXT: #3 0x{{[0-9a-f]+}} fiber_body(void*), {{[1-9][0-9]*}} bytes
// CHECK-NEXT: api: 4 frames, sizes add up: yes, level3 is innermost: yes
// CHECK-NEXT: morestack: backtrace of fiber 2 ({{[0-9]+}} frames):
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} compare(void const*, void const*), {{[1-9][0-9]*}} bytes
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} {{.*}} (no stack map), {{[1-9][0-9]*}} bytes
// CHECK: qsort{{.*}} (no stack map), {{[1-9][0-9]*}} bytes
// CHECK-NEXT: #{{[0-9]+}} 0x{{[0-9a-f]+}} sorter(void*), {{[1-9][0-9]*}} bytes
// CHECK-NEXT: morestack: backtrace of main (thread 1) ({{[0-9]+}} frames):
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} main, {{[1-9][0-9]*}} bytes
// CHECK-NOT: #1

#include <morestack/morestack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace walker {
__attribute__((noinline)) int level3(int n) {
  volatile char pad[100];
  pad[n & 63] = 1;
  morestack_fiber_yield();
  return pad[n & 63];
}
__attribute__((noinline)) int level2(int n) { volatile int v[40]; v[n & 31] = level3(n + 1); return v[n & 31]; }
__attribute__((noinline)) int level1(int n) { volatile int v[8]; v[n & 7] = level2(n + 1); return v[n & 7]; }
} // namespace walker

static volatile int sink;
static void fiber_body(void *) { sink = walker::level1(0); }  // not a tail call

__attribute__((noinline)) static int compare(const void *a, const void *b) {
  static int once;
  if (!once++) morestack_fiber_yield();  // suspended inside qsort
  return *(const int *)a - *(const int *)b;
}
static void sorter(void *) {
  int v[8] = {5, 3, 1, 7, 2, 8, 6, 4};
  qsort(v, 8, sizeof v[0], compare);
}

int main() {
  morestack_fiber *f = morestack_fiber_create(fiber_body, nullptr, 0);
  morestack_fiber_resume(f);
  morestack_print_backtrace(f);
  fflush(stderr);

  morestack_frame frames[16];
  size_t n = morestack_fiber_backtrace(f, frames, 16);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += frames[i].frame_size;
  morestack_stack_stats st;
  morestack_fiber_stats(f, &st);
  // The frames lie inside the fiber's 2 KiB stack, below its runtime base.
  bool adds_up = n == 4 && total > 0 && total < st.size;
  bool innermost = n > 0 && frames[0].described && strstr(frames[0].function, "level3");
  printf("api: %zu frames, sizes add up: %s, level3 is innermost: %s\n", n, adds_up ? "yes" : "no",
         innermost ? "yes" : "no");
  fflush(stdout);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);

  morestack_fiber *g = morestack_fiber_create(sorter, nullptr, 0);
  morestack_fiber_resume(g);
  morestack_print_backtrace(g);
  fflush(stderr);
  morestack_fiber_resume(g);
  morestack_fiber_destroy(g);

  morestack_print_backtrace(nullptr);
  return 0;
}

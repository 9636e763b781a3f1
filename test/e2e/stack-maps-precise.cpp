// What moves and what does not (docs/escape-analysis.md, docs/stack-maps.md),
// after main's stack moved (2 KiB -> 2 MiB through ~1 MiB of recursion):
//  - a local whose address escapes (kept in a global, a union, a byte
//    buffer, a plain pointer, a std::function's reference capture) lives on
//    the side stack and did not move: every copy of its address is right;
//  - a local array whose address only ever sits in registers and spill
//    slots (passed to a function that keeps it across the growth) stays on
//    the moving stack, moves, and the callee's pointer follows it;
//  - a pointer-free local (double) whose bits equal an address in the old
//    stack is left as it was: its frame's map says it holds no pointer.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s --check-prefixes=CHECK,MAPS
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s --check-prefixes=CHECK,MAPS
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s --check-prefixes=CHECK,MAPS
// Without stack maps every object goes to the side stack and only
// compiler-written words stay on the moving one, which is scanned whole:
// RUN: %morestack_clangxx -O2 -fplugin-arg-morestack-no-stack-maps %s -o %t.blind
// RUN: env MORESTACK_MAIN_STACK=2K %t.blind | FileCheck %s --check-prefixes=CHECK,BLIND
//
// CHECK: stack moved: yes
// CHECK-NEXT: escaping local stayed: yes
// CHECK-NEXT: union: yes, byte buffer: yes, pointer: yes, std::function: yes
// CHECK-NEXT: moving array read through the callee's relocated pointer: yes
// CHECK-NEXT: double untouched: yes
// MAPS-NEXT: described frames: some, pointer-free words: some
// BLIND-NEXT: described frames: none, pointer-free words: none
#include <morestack/morestack.h>
#include <functional>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) void escape(void *p) { asm volatile("" : : "r"(p) : "memory"); }

__attribute__((noinline)) int deep(int n) {
  volatile char pad[256];
  pad[n % 256] = (char)n;
  if (n == 0) return 0;
  return deep(n - 1) + pad[n % 256];
}

// An address in the moving stack, as an integer: no local's address is
// taken, so nothing is sent to the side stack for it. (The barrier keeps
// two calls from being merged.)
__attribute__((noinline)) uintptr_t frame_now() {
  asm volatile("" ::: "memory");
  return (uintptr_t)__builtin_frame_address(0);
}

// Holds p (in a register or a spill slot) while the stack moves, then reads
// through it. p does not escape: the caller's array stays on the moving stack.
__attribute__((noinline)) int sum_after_growth(const int *p, int n) {
  deep(4000);
  int s = 0;
  for (int i = 0; i < n; ++i) s += p[i];
  return s;
}

uintptr_t original;  // globals: never relocated
uintptr_t before;

int main() {
  int target = 42;
  original = (uintptr_t)&target;
  union { double x; int *p; } u;
  u.p = &target;
  char buf[16] = {0};
  memcpy(buf + 8, &original, sizeof original);
  int *direct = &target;
  std::function<int()> f = [&target] { return target; };
  escape(&u); escape(buf); escape(&direct); escape(&f);

  int arr[16];
  for (int i = 0; i < 16; ++i) arr[i] = i + 1;
  // In memory on the moving stack (a volatile access sends nothing to the
  // side stack), not in a register: registers and spill slots are
  // relocated as words.
  volatile double d = 0;
  before = frame_now();
  double bits;
  memcpy(&bits, &before, sizeof bits);
  d = bits;

  int sum = sum_after_growth(arr, 16);

  uintptr_t after = frame_now();
  uintptr_t in_buf;
  memcpy(&in_buf, buf + 8, sizeof in_buf);
  printf("stack moved: %s\n", after != before ? "yes" : "no");
  printf("escaping local stayed: %s\n", (uintptr_t)&target == original ? "yes" : "no");
  target = 7;
  printf("union: %s, byte buffer: %s, pointer: %s, std::function: %s\n",
         u.p == &target ? "yes" : "no", in_buf == original ? "yes" : "no",
         direct == &target ? "yes" : "no", f() == 7 ? "yes" : "no");
  printf("moving array read through the callee's relocated pointer: %s\n", sum == 136 ? "yes" : "no");
  bits = d;
  printf("double untouched: %s\n", memcmp(&bits, &before, sizeof bits) == 0 ? "yes" : "no");
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  printf("described frames: %s, pointer-free words: %s\n", s.frames_described ? "some" : "none",
         s.pointer_free_words ? "some" : "none");
  return 0;
}

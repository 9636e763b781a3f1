// Relocation by stack map (docs/stack-maps.md): after main's stack moved
// (2 KiB -> 2 MiB through ~1 MiB of recursion), a double whose bits equal the
// address of a stack variable is left as it was (its frame says it holds no
// pointer), while a union, a byte buffer, a plain pointer and the reference
// capture inside std::function's storage all follow the variable.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s --check-prefixes=CHECK,MAPS
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s --check-prefixes=CHECK,MAPS
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s --check-prefixes=CHECK,MAPS
// Without stack maps every word is scanned and the double is corrupted:
// RUN: %morestack_clangxx -O2 -fplugin-arg-morestack-no-stack-maps %s -o %t.blind
// RUN: env MORESTACK_MAIN_STACK=2K %t.blind | FileCheck %s --check-prefixes=CHECK,BLIND
//
// CHECK: moved: yes
// MAPS-NEXT: double untouched: yes
// BLIND-NEXT: double untouched: no
// CHECK-NEXT: union relocated: yes
// CHECK-NEXT: byte buffer relocated: yes
// CHECK-NEXT: pointer relocated: yes
// CHECK-NEXT: std::function sees the moved local: yes
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

uintptr_t original;  // a global (escaped below): never relocated

int main() {
  int target = 42;
  escape(&original);
  original = (uintptr_t)&target;
  double d[4] = {1.0, 0, 3.0, 4.0};  // pointer-free: a double whose bits equal &target
  memcpy(&d[1], &original, sizeof original);
  union { double x; int *p; } u;      // a union: may hold a pointer
  u.p = &target;
  char buf[16] = {0};                 // a byte buffer holding a pointer
  memcpy(buf + 8, &original, sizeof original);
  int *direct = &target;
  std::function<int()> f = [&target] { return target; };  // reference capture
  escape(d); escape(&u); escape(buf); escape(&direct); escape(&f);

  escape(&original);
  deep(4000);

  uintptr_t now = (uintptr_t)&target;
  uintptr_t in_buf;
  memcpy(&in_buf, buf + 8, sizeof in_buf);
  printf("moved: %s\n", now != original ? "yes" : "no");
  printf("double untouched: %s\n", memcmp(&d[1], &original, 8) == 0 ? "yes" : "no");
  printf("union relocated: %s\n", u.p == &target ? "yes" : "no");
  printf("byte buffer relocated: %s\n", in_buf == now ? "yes" : "no");
  printf("pointer relocated: %s\n", direct == &target ? "yes" : "no");
  target = 7;
  printf("std::function sees the moved local: %s\n", f() == 7 ? "yes" : "no");
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  printf("described frames: %s, pointer-free words: %s\n", s.frames_described ? "some" : "none",
         s.pointer_free_words ? "some" : "none");
  return 0;
}

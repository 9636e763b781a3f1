// Recursion with VLAs and alloca on a 2 KiB main stack: dynamic allocas live
// on the side stack (plugin/SideStackPass.h, docs/escape-analysis.md), so
// the moving frames keep a static size and grow (by copying) with the
// recursion, and the backend's leaky fallback
// (__morestack_allocate_stack_space) is never taken. Over-aligned allocas
// are aligned as asked, and their contents survive the moves of the stack.
//
// RUN: %morestack_clang -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
//
// CHECK: vla recursion: sum ok, aligned ok
// CHECK-NEXT: alloca recursion: sum ok
// CHECK-NEXT: big vla: ok
// CHECK-NEXT: grew: yes

#include <alloca.h>
#include <morestack/morestack.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int misaligned;

static long vla(int n) {
  int len = 16 + n % 48;
  long v[len];                                    // a VLA in every frame
  _Alignas(64) char aligned[len * 4];             // an over-aligned VLA
  if ((uintptr_t)aligned % 64) misaligned = 1;
  for (int i = 0; i < len; ++i) v[i] = n + i;
  memset(aligned, n & 0x7f, sizeof aligned);
  long below = n ? vla(n - 1) : 0;
  long sum = below;
  for (int i = 0; i < len; ++i) sum += v[i] - i;  // contents survived the moves
  if (aligned[len] != (char)(n & 0x7f)) sum = -1000000;
  if ((uintptr_t)aligned % 64) misaligned = 1;
  return sum;
}

static long via_alloca(int n) {
  int len = 8 + n % 24;
  long *p = alloca(len * sizeof(long));
  for (int i = 0; i < len; ++i) p[i] = n;
  long below = n ? via_alloca(n - 1) : 0;
  long sum = below;
  for (int i = 0; i < len; ++i) sum += p[i] == n;
  return sum;
}

static int big(int kib) {
  char buf[kib * 1024];                           // far larger than the whole stack
  memset(buf, 7, sizeof buf);
  return buf[sizeof buf - 1] == 7;
}

int main(void) {
  long expect = 0;
  for (int n = 0; n <= 2000; ++n) expect += (long)(16 + n % 48) * n;
  long got = vla(2000);
  printf("vla recursion: sum %s, aligned %s\n", got == expect ? "ok" : "BROKEN", misaligned ? "NO" : "ok");
  long expect2 = 0;
  for (int n = 0; n <= 2000; ++n) expect2 += 8 + n % 24;
  printf("alloca recursion: sum %s\n", via_alloca(2000) == expect2 ? "ok" : "BROKEN");
  printf("big vla: %s\n", big(512) ? "ok" : "BROKEN");
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  printf("grew: %s\n", s.growths > 5 ? "yes" : "no");
  return 0;
}

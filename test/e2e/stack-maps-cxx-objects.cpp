// C++ objects whose address escapes, in a fiber whose stack grows from 2 KiB
// to about 1 MiB, yields, and is shrunk: std::string's small buffer (a
// pointer into the object itself), a std::optional and std::variant
// (unions), a lambda capturing by reference inside std::function, a
// std::array<double> whose bits equal an address, and a struct mixing
// doubles and a pointer. Their addresses escape, so they live on the side
// stack (docs/escape-analysis.md) and never move: every pointer to them
// stays right, and no word of theirs is touched by the moves.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: %t.O0 | FileCheck %s
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: %t.O2 | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
//
// CHECK: string: yes, optional: yes, variant: yes, function: yes
// CHECK-NEXT: array<double> untouched: yes, mixed struct: yes, objects stayed put: yes
// CHECK-NEXT: grew: yes, shrank: yes

#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "Inputs/grow.h"

uintptr_t original;  // a global, which no move changes

struct Mixed {
  double a;
  int *p;
  double b[3];
};

static void escape(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

static void body() {
  int target = 17;
  original = (uintptr_t)&target;
  std::string small = "short";  // fits the small buffer: points into itself
  std::optional<int *> opt = &target;
  std::variant<double, int *> var = &target;
  std::function<int()> get = [&target] { return target; };
  std::array<double, 4> values{};
  std::memcpy(&values[2], &original, sizeof original);
  Mixed m{1.5, &target, {2.5, 0, 3.5}};
  std::memcpy(&m.b[1], &original, sizeof original);
  escape(&small); escape(&opt); escape(&var); escape(&get); escape(&values); escape(&m);

  grow(2000);  // about 1 MiB: the stack moves several times
  morestack::this_fiber::suspend();  // the resumer shrinks it (after the backoff)
  for (int i = 0; i < 8; ++i) morestack::this_fiber::suspend();

  target = 42;
  bool string_ok = small == "short" && (const void *)small.data() >= (const void *)&small &&
                   (const void *)small.data() < (const void *)(&small + 1);
  std::printf("string: %s, optional: %s, variant: %s, function: %s\n", string_ok ? "yes" : "no",
              *opt == &target ? "yes" : "no", std::get<int *>(var) == &target ? "yes" : "no",
              get() == 42 ? "yes" : "no");
  uintptr_t kept, kept_m;
  std::memcpy(&kept, &values[2], sizeof kept);
  std::memcpy(&kept_m, &m.b[1], sizeof kept_m);
  std::printf("array<double> untouched: %s, mixed struct: %s, objects stayed put: %s\n",
              kept == original ? "yes" : "no",
              m.p == &target && kept_m == original && m.a == 1.5 && m.b[2] == 3.5 ? "yes" : "no",
              (uintptr_t)&target == original ? "yes" : "no");
}

int main() {
  morestack::Fiber f(body);
  while (!f.resume()) {
  }
  morestack_stack_stats st = f.stats();
  std::printf("grew: %s, shrank: %s\n", st.growths ? "yes" : "no", st.shrinks ? "yes" : "no");
  return 0;
}

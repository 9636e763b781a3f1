// C++ exceptions and stack growth: a throw through frames that grew the
// stack, a destructor that grows the stack while the exception unwinds
// through it (libgcc keeps the handler frame's old CFA in the exception; the
// libstdc++ personality finds the handler again), and an exception escaping
// a fiber, rethrown by resume() in the resumer.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 | FileCheck %s
//
// CHECK: caught: deep level0 (destructors ran 51, grew during unwinding: yes)
// CHECK: caught: deep level0 (destructors ran 51, grew during unwinding: yes)
// CHECK: from fiber: thrown at depth 0
// CHECK: done

#include <morestack/fiber.hpp>
#include <cstdio>
#include <stdexcept>
#include <string>
#include "Inputs/grow.h"

static int destructors;
static unsigned long long growths_at_throw;
static unsigned long long growths() {
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  return s.growths;
}

struct GrowsInDestructor {
  int depth;
  ~GrowsInDestructor() { ++destructors; grow(depth); }
};

static int thrower(int n) {
  GrowsInDestructor g{n * 4};  // deeper and deeper as unwinding climbs
  std::string s = "level" + std::to_string(n);
  if (n == 0) {
    growths_at_throw = growths();
    throw std::runtime_error("deep " + s);
  }
  return thrower(n - 1) + (int)s.size();
}

static void fiber_thrower(int n) {
  std::string keep = std::to_string(n);
  if (n == 0) throw std::logic_error("thrown at depth " + keep);
  fiber_thrower(n - 1);
}

// The destructors need ~100 KiB in all, far more than the descent: the
// stack must grow while the exception is in flight.
static void throw_and_catch() {
  destructors = 0;
  try {
    thrower(50);
  } catch (const std::runtime_error &e) {
    std::printf("caught: %s (destructors ran %d, grew during unwinding: %s)\n", e.what(), destructors,
                growths() > growths_at_throw ? "yes" : "no");
  }
}

int main() {
  throw_and_catch();                            // on main's stack
  morestack::Fiber([] { throw_and_catch(); }).resume();  // on a fresh 2 KiB fiber
  morestack::Fiber f([] { fiber_thrower(200); });
  try {
    f.resume();
  } catch (const std::logic_error &e) {
    std::printf("from fiber: %s\n", e.what());
  }
  std::puts("done");
}

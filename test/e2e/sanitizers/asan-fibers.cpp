// AddressSanitizer with fibers and moving stacks: no false report on a
// program whose fibers grow (their stacks move), throw, shrink and migrate
// between threads; and real bugs are still reported from inside a fiber
// whose stack has moved: a use after scope, a stack buffer overflow, a heap
// use after free. ASan's fake stacks are off (docs/runtime.md,
// "Sanitizers"); asking for them is a clear error.
//
// REQUIRES: asan-runtime
// UNSUPPORTED: sanitizer
// RUN: %morestack_clangxx_nosan -fsanitize=address -g -O1 %s -o %t -pthread
// RUN: env ASAN_OPTIONS=detect_leaks=0 MORESTACK_VERIFY=1 %t clean 2>&1 | FileCheck %s --check-prefix=CLEAN
// RUN: env ASAN_OPTIONS=detect_leaks=0 not %t scope 2>&1 | FileCheck %s --check-prefix=SCOPE
// RUN: env ASAN_OPTIONS=detect_leaks=0 not %t overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// RUN: env ASAN_OPTIONS=detect_leaks=0 not %t heap 2>&1 | FileCheck %s --check-prefix=HEAP
// RUN: env ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=1 not --crash %t clean 2>&1 | FileCheck %s --check-prefix=UAR
// The same at -O0 (every local in memory):
// RUN: %morestack_clangxx_nosan -fsanitize=address -g -O0 %s -o %t.O0 -pthread
// RUN: env ASAN_OPTIONS=detect_leaks=0 %t.O0 clean 2>&1 | FileCheck %s --check-prefix=CLEAN
// RUN: env ASAN_OPTIONS=detect_leaks=0 not %t.O0 scope 2>&1 | FileCheck %s --check-prefix=SCOPE
//
// CLEAN-NOT: ERROR: AddressSanitizer
// CLEAN: fibers: 64 finished, sum ok, moved: yes, caught: 64
// CLEAN-NEXT: threads: ok
// CLEAN-NOT: ERROR: AddressSanitizer
// SCOPE: ERROR: AddressSanitizer: stack-use-after-scope
// SCOPE: in use_after_scope
// OVERFLOW: ERROR: AddressSanitizer: stack-buffer-overflow
// OVERFLOW: in overflow
// HEAP: ERROR: AddressSanitizer: heap-use-after-free
// HEAP: in heap_use_after_free
// UAR: morestack: fatal: ASAN_OPTIONS=detect_stack_use_after_return=1 is not supported

#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

__attribute__((noinline)) static void sink(void *p) { __asm__ volatile("" ::"r"(p) : "memory"); }

// Recursion with an array in every frame: 2 KiB fibers move many times.
__attribute__((noinline)) static long grow(int n) {
  char buf[256];
  std::memset(buf, n & 0x7f, sizeof buf);
  sink(buf);
  long below = n ? grow(n - 1) : 0;
  return below + buf[n % sizeof buf];
}

static long expected(int n) {
  long s = 0;
  for (int i = 0; i <= n; ++i) s += i & 0x7f;
  return s;
}

static morestack_stack_stats stats() {
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  return s;
}

__attribute__((noinline)) static int use_after_scope(int n) {
  grow(n);  // the stack has moved by now
  volatile int *p;
  {
    int x = n;
    p = &x;
    sink((void *)p);
  }
  return *p;  // x's scope is over
}

__attribute__((noinline)) static int overflow(int n) {
  grow(n);
  char a[16];
  sink(a);
  volatile int i = 16 + (n & 1) * 0;
  return a[i];  // one past the end
}

__attribute__((noinline)) static int heap_use_after_free(int n) {
  grow(n);
  std::string *s = new std::string(100, 'x');
  delete s;
  return (*s)[0];
}

int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "clean";
  int result = 0;
  if (mode != "clean") {
    morestack::Fiber f([&] {
      if (mode == "scope") result = use_after_scope(200);
      if (mode == "overflow") result = overflow(200);
      if (mode == "heap") result = heap_use_after_free(200);
    });
    f.resume();
    std::printf("no report (%d)\n", result);
    return 0;
  }
  // Many fibers, interleaved: each grows, yields while deep, throws.
  std::vector<morestack::Fiber> fibers;
  long sum = 0, want = 0;
  int caught = 0;
  bool moved = false;
  for (int i = 0; i < 64; ++i) {
    want += expected(100 + i) * 2;
    fibers.emplace_back([&, i] {
      long a = grow(100 + i);
      morestack::this_fiber::suspend();
      long b = grow(100 + i);
      if (stats().growths > 0) moved = true;
      sum += a + b;
      try {
        throw std::runtime_error("from fiber " + std::to_string(i));
      } catch (const std::exception &) {
        ++caught;
      }
    });
  }
  int finished = 0;
  for (int round = 0; round < 3; ++round)
    for (auto &f : fibers)
      if (!f.done() && f.resume()) ++finished;
  std::printf("fibers: %d finished, sum %s, moved: %s, caught: %d\n", finished,
              sum == want ? "ok" : "WRONG", moved ? "yes" : "no", caught);
  // Fibers created on one thread and resumed on others, one at a time.
  std::vector<morestack::Fiber> wanderers;
  long wsum = 0;
  for (int i = 0; i < 8; ++i)
    wanderers.emplace_back([&, i] {
      for (int k = 0; k < 4; ++k) {
        wsum += grow(50 * k + i);
        morestack::this_fiber::suspend();
      }
    });
  for (int k = 0; k < 5; ++k) {
    std::thread t([&] {
      for (auto &f : wanderers)
        if (!f.done()) f.resume();
    });
    t.join();
  }
  long wwant = 0;
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < 4; ++k) wwant += expected(50 * k + i);
  std::printf("threads: %s\n", wsum == wwant ? "ok" : "WRONG");
  return 0;
}

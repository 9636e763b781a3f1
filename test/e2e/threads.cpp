// Every thread runs on a growable stack in whole-program mode, including
// threads that libstdc++ creates for std::thread (pthread_create is
// interposed in the executable) and plain pthreads.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0
// RUN: env MORESTACK_THREAD_STACK=2K %t.O0 | FileCheck %s
// RUN: %morestack_clangxx -O2 %s -o %t.O2
// RUN: env MORESTACK_THREAD_STACK=2K %t.O2 | FileCheck %s
//
// A std::thread's first frame is libstdc++'s thread routine, built without
// the plugin: its stack starts with room for unknown code (32 KiB:
// MORESTACK_UNKNOWN_CALLEE_NEED above the guard; uninstrumented-entries.c);
// a pthread whose routine was built with the plugin starts at 2 KiB.
// CHECK: std::thread 0: depth 30000 ok, stack started 32768, grew yes
// CHECK: std::thread 1: depth 30000 ok, stack started 32768, grew yes
// CHECK: pthread: depth 30000 ok, stack started 2048, grew yes

#include <morestack/morestack.h>
#include <pthread.h>
#include <cstdio>
#include <string>
#include <thread>

static int walk(int n) {
  volatile char pad[64];  // indexed by n: the whole array stays
  pad[n % 64] = (char)n;
  if (n == 0) return 0;
  int r = walk(n - 1);
  return r + 1 + (pad[n % 64] - (char)n);
}

static std::string report() {
  int d = walk(30000);
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  char buf[160];
  snprintf(buf, sizeof buf, "depth %d %s, stack started %zu, grew %s", d, d == 30000 ? "ok" : "BROKEN",
           s.initial_size, s.growths > 0 && s.size >= 1024 * 1024 ? "yes" : "no");
  return buf;
}

static void *pthread_body(void *out) {
  *(std::string *)out = report();
  return nullptr;
}

int main() {
  std::string results[2];
  std::thread t0([&] { results[0] = report(); });
  t0.join();
  std::thread t1([&] { results[1] = report(); });
  t1.join();
  for (int i = 0; i < 2; ++i) printf("std::thread %d: %s\n", i, results[i].c_str());
  std::string p;
  pthread_t th;
  pthread_create(&th, nullptr, pthread_body, &p);
  pthread_join(th, nullptr);
  printf("pthread: %s\n", p.c_str());
}

// Objects whose address escapes (they live on the side stack) while a thread
// ends by returning, pthread_exit or cancellation from deep in a grown stack:
// the forced unwind runs their destructors, each of which finds itself
// through the address kept in a global registry (so the object never moved
// and its side memory is still there), and each destructor takes a side
// frame of its own below. Afterwards every side chunk is back (the pool
// holds what it held before; not in verify mode, which keeps old stack
// blocks in quarantine), and a new thread, which reuses the ended
// thread's descriptor, starts with an empty side stack.
//
// RUN: %morestack_clangxx -O0 %s -o %t.O0 -pthread
// RUN: env MORESTACK_THREAD_STACK=2K %t.O0 | FileCheck %s
// RUN: env MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t.O0 | FileCheck %s
// RUN: %morestack_clangxx -O2 %s -o %t.O2 -pthread
// RUN: env MORESTACK_THREAD_STACK=2K %t.O2 | FileCheck %s
// RUN: env MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
//
// CHECK: return: result 7, nodes 300, destructors 300, found 300, grew yes
// CHECK-NEXT: pthread_exit: result 42, nodes 300, destructors 300, found 300, grew yes
// CHECK-NEXT: cancel: result canceled, nodes 300, destructors 300, found 300, grew yes
// CHECK-NEXT: a new thread's side stack starts empty: yes
// CHECK-NEXT: pool bytes still in use: {{0$|not counted in verify mode}}

#include "Inputs/grow.h"
#include <morestack/morestack.h>
#include <pthread.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr int kDepth = 300;
constexpr uint64_t kMagic = 0x5ade57ac0ffee;

struct Node;
Node *registry[kDepth];  // every live node, by depth
int nodes, destructors, found;

// A side frame of its own: the buffer's address goes to a global.
char *volatile g_sink;
__attribute__((noinline)) int side_frame(int x) {
  char buf[64];
  buf[x % 64] = (char)x;
  g_sink = buf;
  return buf[x % 64];
}

struct Node {
  uint64_t magic = kMagic;
  int depth;
  explicit Node(int d) : depth(d) {
    registry[d] = this;  // the address escapes: a side-stack object
    ++nodes;
  }
  ~Node() {
    ++destructors;
    if (registry[depth] == this && magic == kMagic) ++found;
    registry[depth] = nullptr;
    side_frame(depth);
  }
};

enum class End { Return, Exit, Cancel };
int grew;

__attribute__((noinline)) long deep(int d, End how) {
  Node n(d);
  grow(2);  // about 1 KiB of moving stack per level
  if (d + 1 < kDepth) return deep(d + 1, how) + (n.depth == d ? 0 : 1000);
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  grew = s.size > 2048;
  switch (how) {
  case End::Return: return 7;
  case End::Exit: pthread_exit((void *)42);
  case End::Cancel:
    pthread_cancel(pthread_self());
    pthread_testcancel();
    return -1;  // not reached
  }
  return -1;
}

void *body(void *arg) { return (void *)deep(0, *(End *)arg); }

void run(const char *name, End how) {
  nodes = destructors = found = grew = 0;
  pthread_t t;
  void *result;
  pthread_create(&t, nullptr, body, &how);
  pthread_join(t, &result);
  char r[32];
  if (result == PTHREAD_CANCELED) snprintf(r, sizeof r, "canceled");
  else snprintf(r, sizeof r, "%ld", (long)result);
  std::printf("%s: result %s, nodes %d, destructors %d, found %d, grew %s\n", name, r, nodes,
              destructors, found, grew ? "yes" : "no");
}

void *side_words(void *out) {
  uintptr_t *w = (uintptr_t *)out;
  asm volatile("movq %%fs:0x60, %0" : "=r"(w[0]));
  asm volatile("movq %%fs:0x68, %0" : "=r"(w[1]));
  return nullptr;
}

} // namespace

int main() {
  morestack_process_stats before;
  morestack_get_process_stats(&before);
  run("return", End::Return);
  run("pthread_exit", End::Exit);
  run("cancel", End::Cancel);
  uintptr_t w[2] = {1, 1};
  pthread_t t;
  pthread_create(&t, nullptr, side_words, w);
  pthread_join(t, nullptr);
  std::printf("a new thread's side stack starts empty: %s\n", w[0] == 0 && w[1] == 0 ? "yes" : "no");
  morestack_process_stats after;
  morestack_get_process_stats(&after);
  if (getenv("MORESTACK_VERIFY"))
    std::printf("pool bytes still in use: not counted in verify mode\n");
  else
    std::printf("pool bytes still in use: %zu\n", after.pool_bytes_in_use - before.pool_bytes_in_use);
}

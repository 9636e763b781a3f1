// runtime/thread_state.cpp: the per-thread record and stack names.
#include "thread_state.h"

#include <stdio.h>

extern "C" {
__thread morestack::ThreadState __morestack_thread __attribute__((tls_model("initial-exec")));
}

namespace morestack {
namespace {
uint64_t next_thread_number = 1;
}

uint64_t current_thread_number() {
  ThreadState &t = thread_state();
  if (!t.thread_number) t.thread_number = __atomic_fetch_add(&next_thread_number, 1, __ATOMIC_RELAXED);
  return t.thread_number;
}

const char *describe(const Stack &s, char *buf, size_t len) {
  switch (s.kind) {
  case StackKind::Main: snprintf(buf, len, "main (thread 1)"); break;
  case StackKind::Thread: snprintf(buf, len, "thread %llu", (unsigned long long)s.id); break;
  case StackKind::Fiber: snprintf(buf, len, "fiber %llu", (unsigned long long)s.id); break;
  }
  return buf;
}

} // namespace morestack

// The pass runs after coroutine splitting, at -O0 and -O2: the ramp, resume
// and destroy functions all get the check.
// RUN: %clangxx -std=c++20 -fplugin=%plugin -O0 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s
// RUN: %clangxx -std=c++20 -fplugin=%plugin -O2 -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s
#include <coroutine>

struct Task {
  struct promise_type {
    Task get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};

int callee(int);
struct Awaiter {
  bool await_ready() { return false; }
  void await_suspend(std::coroutine_handle<>);
  int await_resume() { return 1; }
};

Task coro(int x) {
  int y = co_await Awaiter{};
  callee(x + y);
}

// CHECK-DAG: morestack-report: _Z4coroi (coro(int)): instrumented
// CHECK-DAG: morestack-report: _Z4coroi.resume (coro(int) (.resume)): instrumented
// CHECK-DAG: morestack-report: _Z4coroi.destroy (coro(int) (.destroy)): instrumented
// CHECK-NOT: skipped

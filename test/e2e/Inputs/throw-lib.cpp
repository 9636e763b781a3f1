// A C++ library built with the plugin that throws on a 2 KiB fiber: loaded
// by test/e2e/throw-dlopen.c with dlopen, from a C program.
#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <stdexcept>
#include <string>

namespace {

int cleanups;

struct Cleanup {
  ~Cleanup() { ++cleanups; }
};

int descend(int n) {
  Cleanup c;
  std::string s = std::to_string(n);
  if (n == 0) throw std::runtime_error("bottom " + s);
  return descend(n - 1) + (int)s.size();
}

} // namespace

// Throws from `depth` frames down inside a fresh 2 KiB fiber and catches at
// its top; returns the cleanups that ran, and the fiber's stack size.
extern "C" int lib_throw_in_fiber(int depth, size_t *stack_size) {
  cleanups = 0;
  morestack::Fiber f(
      [&] {
        try {
          descend(depth);
        } catch (const std::runtime_error &) {
        }
        morestack_stack_stats st;
        morestack_current_stack_stats(&st);
        *stack_size = st.size;
      },
      2048);
  f.resume();
  return cleanups;
}

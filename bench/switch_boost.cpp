// bench/switch_boost.cpp: the same as switch.c with Boost.Context's
// boost::context::fiber (fcontext: jump_fcontext/ontop_fcontext), and its
// default stack allocator (fixedsize_stack, malloc'd) for spawns.
//
//   switch_boost [n=5000000] [reps=5]
#include "common.h"

#include <boost/context/fiber.hpp>

#include <utility>

namespace ctx = boost::context;

namespace {

double switch_ns(long n) {
  long count = 0;
  ctx::fiber f([&count](ctx::fiber &&back) {
    for (;;) {
      ++count;
      back = std::move(back).resume();
    }
    return std::move(back);
  });
  f = std::move(f).resume();  // warm up: the first switch enters the fiber
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; ++i) f = std::move(f).resume();
  double ns = double(bench_now_ns() - t0) / (2.0 * double(n));
  BENCH_KEEP(count);
  return ns;  // f is destroyed suspended: Boost unwinds it with forced_unwind
}

double spawn_ns(long n) {
  long count = 0;
  uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; ++i) {
    ctx::fiber f([&count](ctx::fiber &&back) {
      ++count;
      return std::move(back);
    });
    f = std::move(f).resume();  // runs to the end; f is empty afterwards
  }
  double ns = double(bench_now_ns() - t0) / double(n);
  BENCH_KEEP(count);
  return ns;
}

} // namespace

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 5000000);
  int reps = bench_reps(argc, argv, 2, 5);
  double sw[64], sp[64];
  for (int r = 0; r < reps; ++r) {
    sw[r] = switch_ns(n);
    sp[r] = spawn_ns(n / 5);
  }
  bench_report("switch", "switch", "boost", bench_median(sw, reps), "ns");
  bench_report("switch", "spawn", "boost", bench_median(sp, reps), "ns");
  return 0;
}

// bench/memory_boost.cpp: what a parked Boost.Context fiber costs, all in:
// boost::context::fiber with its default stack allocator (fixedsize_stack,
// stack_traits::default_size(), malloc'd), each fiber recursing a few frames
// and switching back at the bottom. Resident set growth / N.
//
//   memory_boost <fibers>
#include "common.h"

#include <boost/context/fiber.hpp>

#include <new>
#include <utility>
#include <vector>

namespace ctx = boost::context;

namespace {

constexpr long kDepth = 5;

__attribute__((noinline)) long descend(long depth, long id, ctx::fiber &back) {
  volatile long local[4] = {depth, id, 0, 0};
  if (depth == 0) {
    back = std::move(back).resume();  // parked here
    return local[1];
  }
  return descend(depth - 1, id, back) + local[0];
}

} // namespace

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 1, 10000);
  std::vector<ctx::fiber> fibers(n);
  long before = bench_rss_bytes(), created = 0;
  try {
    for (; created < n; ++created) {
      fibers[created] = ctx::fiber([created](ctx::fiber &&back) {
        BENCH_KEEP(descend(kDepth, created, back));
        return std::move(back);
      });
      fibers[created] = std::move(fibers[created]).resume();
    }
  } catch (const std::bad_alloc &) {
    fprintf(stderr, "memory_boost: out of memory after %ld fibers (each stack is its own mmap: "
            "vm.max_map_count)\n", created);
  }
  long after = bench_rss_bytes();
  for (long i = 0; i < created; ++i) fibers[i] = std::move(fibers[i]).resume();
  fprintf(stderr, "memory_boost: %ld fibers, %zu-byte stacks\n", created,
          ctx::fixedsize_stack::traits_type::default_size());
  if (created < n) return 1;
  char kase[32];
  snprintf(kase, sizeof kase, "%ld", n);
  bench_report("memory", kase, "boost", (double)(after - before) / (double)n, "B");
  return 0;
}

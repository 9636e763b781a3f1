// examples/many_fibers.cpp: 100,000 fibers, each recursing a little, all
// parked at once; prints the memory each one costs.
//
// Every fiber starts on a 2 KiB stack, recurses a few frames, and yields at
// the bottom, where its live part moves into a smaller block until it is
// resumed (docs/runtime.md, "Parked fibers keep only their live part").
// With all of them parked, resident memory grown since the start divided
// by the number of fibers is the all-in cost of one parked fiber: its
// stack, its control block, and the pool's overhead.
#include <morestack/fiber.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace {

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * 4096;
}

int descend(int depth, long *sum) {
  volatile int local[8] = {depth};
  if (depth == 0) {
    morestack::this_fiber::suspend();  // parked here, a few frames deep
    return local[0];
  }
  int below = descend(depth - 1, sum);
  *sum += local[0];
  return below + 1;
}

} // namespace

int main(int argc, char **argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int depth = 5;
  std::vector<morestack::Fiber> fibers;
  std::vector<long> sums(count);
  fibers.reserve(count);

  const long before = resident_bytes();
  for (int i = 0; i < count; ++i)
    fibers.emplace_back([&sums, i, depth] { descend(depth, &sums[i]); });
  for (auto &f : fibers) f.resume();  // every fiber now parked at the bottom
  const long parked = resident_bytes();

  for (auto &f : fibers)
    if (!f.resume()) {
      std::fprintf(stderr, "a fiber did not finish\n");
      return 1;
    }
  long total = 0;
  for (long s : sums) total += s;

  std::printf("%d fibers parked %d frames deep: %.0f bytes of memory per fiber (stack, control "
              "block and pool overhead)\n",
              count, depth, double(parked - before) / count);
  std::printf("all finished; checksum %ld (expected %ld)\n", total, long(count) * 15);
  fibers.clear();
  std::fflush(stdout);
  morestack_print_summary();  // process-wide, on stderr

  return total == long(count) * 15 ? 0 : 1;
}

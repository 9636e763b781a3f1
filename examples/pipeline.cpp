// A Go-style pipeline on morestack's scheduler: a generator, 1,000 filter
// tasks that each recurse a little (their 2 KiB stacks grow, and the kind
// learns to start bigger), and a collector, connected by channels.
//
//   pipeline [numbers=100000]
#include <morestack/go.hpp>

#include <cstdio>
#include <cstdlib>

// Some recursion, so that each filter's stack grows past 2 KiB.
static long digit_sum(long n) { return n < 10 ? n : n % 10 + digit_sum(n / 10); }

int main(int argc, char **argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 100000;
  morestack::Chan<long> numbers(64), results(64);
  morestack::WaitGroup filters;

  morestack::go([&] {
    for (long i = 1; i <= n; ++i) numbers.send(i);
    numbers.close();
  }).detach();

  for (int f = 0; f < 1000; ++f) {
    filters.add(1);
    morestack::go([&] {
      for (long v : numbers)
        if (digit_sum(v) % 3 == 0) results.send(v);  // the multiples of 3
      filters.done();
    }).detach();
  }
  morestack::go([&] {
    filters.wait();
    results.close();
  }).detach();

  long count = 0, sum = 0;
  for (long v : results) {  // main is a thread outside the scheduler: it blocks
    ++count;
    sum += v;
  }
  std::printf("%ld multiples of 3 up to %ld, sum %ld, on %d workers\n", count, n, sum,
              morestack_workers());
  return count == n / 3 ? 0 : 1;
}

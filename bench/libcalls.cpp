// bench/libcalls.cpp: fibers that call the C library (or libstdc++) once
// and park with the result still live.
//
// The project's promise: a fiber starts at 2 KiB and stays small even when
// it calls the C library. For one kind of call, N fibers (morestack::Fiber)
// each make the call(s) once, then yield back to main holding the result
// (a pointer, a buffer, a std::string, a std::vector...). With all N
// parked, main reads, per fiber, the runtime's stack statistics
// (morestack_fiber_stats: peak_size, the largest block the stack has had,
// so a growth that a yield shrank back still counts) and, for the whole
// process, the growth of the resident set since before the first fiber was
// created, divided by N (as bench/memory.c: the stack, the control block,
// the Fiber's callable, the side stack if any, and the result's own heap
// memory). Then every fiber is resumed to its end (freeing its result).
//
// Kinds (what each fiber does before parking):
//   park      nothing (the baseline: a fiber that only yields)
//   malloc    malloc(48) kept, malloc(200)+write+free
//   new       new of a 48-byte object kept, new int[50]+write+delete[]
//   memcpy    memcpy of 256-319 bytes into a local buffer kept
//   strlen    strlen of a 40-103 byte string (the length kept)
//   string    a ~100-character std::string built by appends, kept
//   vector    a std::vector<int> of 100 push_backs, kept
//   snprintf  snprintf(buf, 128, "%d %s %.17g", ...) into a local buffer kept
//
// Figures (bench "libcalls", case "<kind>-<N>", unit B): variants
// peak-max and peak-median (peak_size over the fibers), parked-median (the
// block size while parked, after the yield's shrink check), resident (RSS
// growth / N), largest-reserve (the most a call-site check asked for, B)
// and growths-per-fiber. The same and the pool's figures go to stderr (the
// log).
//
//   libcalls <kind> <fibers>
#include "common.h"

#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <algorithm>
#include <new>
#include <string>
#include <vector>

namespace {

// Inputs the compiler cannot see through (so memcpy and strlen stay calls
// into the C library, with sizes that vary from fiber to fiber).
char g_src[512];
char g_strings[64][128];
const char *volatile g_name = "fiber";

struct Node {
  long id;
  double x;
  Node *next;
  char tag[24];
};

long g_sink;

// Each function is one fiber's body: do the call(s), park holding the
// result, then use it and free it once resumed.
void do_park(long i) {
  long v = i * 3;
  morestack::this_fiber::suspend();
  g_sink += v;
}

void do_malloc(long i) {
  char *keep = static_cast<char *>(malloc(48));
  keep[0] = static_cast<char>(i);
  char *tmp = static_cast<char *>(malloc(200));
  memset(tmp, static_cast<int>(i), 200);
  keep[1] = tmp[i % 200];
  free(tmp);
  morestack::this_fiber::suspend();
  g_sink += keep[0] + keep[1];
  free(keep);
}

void do_new(long i) {
  Node *keep = new Node{i, i * 0.5, nullptr, {}};
  int *tmp = new int[50];
  for (int k = 0; k < 50; ++k) tmp[k] = static_cast<int>(i) + k;
  keep->tag[0] = static_cast<char>(tmp[i % 50]);
  delete[] tmp;
  morestack::this_fiber::suspend();
  g_sink += keep->id + keep->tag[0];
  delete keep;
}

void do_memcpy(long i) {
  char buf[320];
  size_t n = 256 + static_cast<size_t>(i % 64);
  memcpy(buf, g_src + (i % 128), n);
  morestack::this_fiber::suspend();
  g_sink += buf[n - 1] + buf[0];
}

void do_strlen(long i) {
  size_t len = strlen(g_strings[i % 64]);
  morestack::this_fiber::suspend();
  g_sink += static_cast<long>(len);
}

void do_string(long i) {
  std::string s;
  s += "fiber ";
  s += std::to_string(i);
  s += ": ";
  for (int k = 0; k < 8; ++k) s.append(g_name).append(", ");
  s += "and some more text at the end";
  morestack::this_fiber::suspend();
  g_sink += static_cast<long>(s.size()) + s[s.size() / 2];
}

void do_vector(long i) {
  std::vector<int> v;
  for (int k = 0; k < 100; ++k) v.push_back(static_cast<int>(i) + k);
  morestack::this_fiber::suspend();
  g_sink += static_cast<long>(v.size()) + v[static_cast<size_t>(i % 100)];
}

void do_snprintf(long i) {
  char buf[128];
  int n = snprintf(buf, sizeof buf, "%d %s %.17g", static_cast<int>(i), g_name, static_cast<double>(i) / 7.0);
  morestack::this_fiber::suspend();
  g_sink += n + buf[n / 2];
}

struct Kind {
  const char *name;
};
// In the order of the switch in main().
const Kind kKinds[] = {{"park"},   {"malloc"}, {"new"},    {"memcpy"},
                       {"strlen"}, {"string"}, {"vector"}, {"snprintf"}};

size_t median_of(std::vector<size_t> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// N fibers running Fn: create and run each until it parks, read the
// figures with all of them parked, then finish them.
struct Figures {
  std::vector<size_t> peak, parked_size, reserve;
  uint64_t reserve_growths = 0, growths = 0, shrinks = 0;
  double resident = 0;
  size_t pool_mapped = 0;
};

template <void (*Fn)(long)> __attribute__((noinline)) void run(long n, Figures &fig) {
  // The fibers' handles in storage allocated and touched before the first
  // reading (as memory.c's array); the stats vectors too.
  auto *fibers = static_cast<morestack::Fiber *>(malloc(static_cast<size_t>(n) * sizeof(morestack::Fiber)));
  memset(static_cast<void *>(fibers), 0, static_cast<size_t>(n) * sizeof(morestack::Fiber));
  fig.peak.assign(static_cast<size_t>(n), 0);
  fig.parked_size.assign(static_cast<size_t>(n), 0);
  fig.reserve.assign(static_cast<size_t>(n), 0);

  long before = bench_rss_bytes();
  for (long i = 0; i < n; ++i) {
    // Each kind its own callable type: the fiber runs Body<lambda>::call(),
    // with the kind's function (usually inlined there) and nothing else.
    new (&fibers[i]) morestack::Fiber([i] { Fn(i); });
    if (fibers[i].resume()) fprintf(stderr, "libcalls: fiber %ld finished without parking\n", i);
  }
  long after = bench_rss_bytes();
  fig.resident = static_cast<double>(after - before) / static_cast<double>(n);

  for (long i = 0; i < n; ++i) {
    morestack_stack_stats st = fibers[i].stats();
    fig.peak[static_cast<size_t>(i)] = st.peak_size;
    fig.parked_size[static_cast<size_t>(i)] = st.size;
    fig.reserve[static_cast<size_t>(i)] = st.largest_reserve;
    fig.reserve_growths += st.reserve_growths;
    fig.growths += st.growths;
    fig.shrinks += st.shrinks;
  }
  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  fig.pool_mapped = ps.pool_bytes_mapped;

  for (long i = 0; i < n; ++i) {
    if (!fibers[i].resume()) fprintf(stderr, "libcalls: fiber %ld did not finish\n", i);
    fibers[i].~Fiber();
  }
  free(fibers);
}

} // namespace

int main(int argc, char **argv) {
  const Kind *kind = nullptr;
  for (const Kind &k : kKinds)
    if (argc > 1 && !strcmp(argv[1], k.name)) kind = &k;
  long n = bench_arg(argc, argv, 2, 10000);
  if (!kind || n < 1) {
    fprintf(stderr, "usage: libcalls park|malloc|new|memcpy|strlen|string|vector|snprintf <fibers>\n");
    return 2;
  }
  for (size_t k = 0; k < sizeof g_src; ++k) g_src[k] = static_cast<char>('a' + k % 26);
  for (int s = 0; s < 64; ++s) {
    memset(g_strings[s], 'x', static_cast<size_t>(40 + s));
    g_strings[s][40 + s] = 0;
  }

  Figures fig;
  switch (static_cast<int>(kind - kKinds)) {
  case 0: run<do_park>(n, fig); break;
  case 1: run<do_malloc>(n, fig); break;
  case 2: run<do_new>(n, fig); break;
  case 3: run<do_memcpy>(n, fig); break;
  case 4: run<do_strlen>(n, fig); break;
  case 5: run<do_string>(n, fig); break;
  case 6: run<do_vector>(n, fig); break;
  default: run<do_snprintf>(n, fig); break;
  }
  size_t peak_max = *std::max_element(fig.peak.begin(), fig.peak.end());
  size_t peak_med = median_of(fig.peak), parked_med = median_of(fig.parked_size);
  size_t reserve_max = *std::max_element(fig.reserve.begin(), fig.reserve.end());
  double resident = fig.resident;
  fprintf(stderr,
          "libcalls %s x %ld: peak stack max %zu B, median %zu B; parked median %zu B; "
          "resident %.0f B per fiber; growths %llu (%llu by call-site reserves, largest %zu B), shrinks %llu; "
          "pool mapped %zu B (%.0f B per fiber); sink %ld\n",
          kind->name, n, peak_max, peak_med, parked_med, resident, static_cast<unsigned long long>(fig.growths),
          static_cast<unsigned long long>(fig.reserve_growths), reserve_max, static_cast<unsigned long long>(fig.shrinks),
          fig.pool_mapped, static_cast<double>(fig.pool_mapped) / static_cast<double>(n), g_sink);
  char kase[64];
  snprintf(kase, sizeof kase, "%s-%ld", kind->name, n);
  bench_report("libcalls", kase, "peak-max", static_cast<double>(peak_max), "B");
  bench_report("libcalls", kase, "peak-median", static_cast<double>(peak_med), "B");
  bench_report("libcalls", kase, "parked-median", static_cast<double>(parked_med), "B");
  bench_report("libcalls", kase, "resident", resident, "B");
  bench_report("libcalls", kase, "largest-reserve", static_cast<double>(reserve_max), "B");
  bench_report("libcalls", kase, "growths-per-fiber", static_cast<double>(fig.growths) / static_cast<double>(n),
               "growths");
  return 0;
}

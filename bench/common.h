/*
 * bench/common.h: the small timing and reporting helper every C and C++
 * benchmark includes (header-only, C99 and C++; builds with clang, gcc and
 * morestack-clang alike).
 *
 * A benchmark process measures something a few times (inner repetitions),
 * takes the median of those, and prints one JSON line per figure:
 *
 *   {"bench":"growth","case":"64MiB","variant":"grow","value":1.2e7,"unit":"ns"}
 *
 * bench/run.sh runs every process several times (interleaved) and
 * bench/report.py turns the lines into ratios against baselines measured in
 * the same run. Nothing here judges a figure: no benchmark is a test.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __cplusplus
#define BENCH_INLINE inline
#else
#define BENCH_INLINE static inline
#endif

/* Monotonic wall clock in nanoseconds. */
BENCH_INLINE uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Run fn(arg) on a fresh thread and return how long it took, timed inside
 * the thread (so thread creation is not counted). For the gcc -fsplit-stack
 * variants, whose threads start with fresh split stacks. */
typedef struct {
  void (*fn)(void *);
  void *arg;
  double ns;
} bench_thread_job;

BENCH_INLINE void *bench_thread_body(void *p) {
  bench_thread_job *j = (bench_thread_job *)p;
  uint64_t t0 = bench_now_ns();
  j->fn(j->arg);
  j->ns = (double)(bench_now_ns() - t0);
  return NULL;
}

BENCH_INLINE double bench_time_on_thread(void (*fn)(void *), void *arg) {
  bench_thread_job j = {fn, arg, 0};
  pthread_t th;
  pthread_create(&th, NULL, bench_thread_body, &j);
  pthread_join(th, NULL);
  return j.ns;
}

BENCH_INLINE int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median of n values (sorts them in place). */
BENCH_INLINE double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Print one result line. */
BENCH_INLINE void bench_report(const char *bench, const char *kase, const char *variant, double value,
                               const char *unit) {
  printf("{\"bench\":\"%s\",\"case\":\"%s\",\"variant\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n",
         bench, kase, variant, value, unit);
  fflush(stdout);
}

/* Resident set size of this process, in bytes (/proc/self/statm). */
BENCH_INLINE long bench_rss_bytes(void) {
  long pages_total = 0, pages_resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f) return -1;
  if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = -1;
  fclose(f);
  return pages_resident * 4096;
}

/* Peak resident set size of this process (VmHWM), in KiB; 0 if unknown. */
BENCH_INLINE long bench_peak_rss_kb(void) {
  long hwm = 0;
  char line[256];
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmHWM: %ld kB", &hwm) == 1) break;
  fclose(f);
  return hwm;
}

/* argv[i] as a long, or `fallback` when absent. */
BENCH_INLINE long bench_arg(int argc, char **argv, int i, long fallback) {
  return argc > i ? atol(argv[i]) : fallback;
}

/* The number of inner repetitions from argv[i] (default `fallback`),
 * clamped to 1..BENCH_MAX_REPS: the benchmarks keep their samples in arrays
 * of that size. */
#define BENCH_MAX_REPS 64
BENCH_INLINE int bench_reps(int argc, char **argv, int i, int fallback) {
  long r = bench_arg(argc, argv, i, fallback);
  return r < 1 ? 1 : r > BENCH_MAX_REPS ? BENCH_MAX_REPS : (int)r;
}

/* Run fn(arg) `reps` times; return the median wall time in ns. The last
 * result goes to *result (print it, so the work cannot be optimised away). */
BENCH_INLINE double bench_time(long (*fn)(long), long arg, int reps, long *result) {
  double t[64];
  if (reps < 1) reps = 1;
  if (reps > 64) reps = 64;
  for (int r = 0; r < reps; ++r) {
    uint64_t t0 = bench_now_ns();
    *result = fn(arg);
    t[r] = (double)(bench_now_ns() - t0);
  }
  return bench_median(t, reps);
}

/* The label of this build of a benchmark ("morestack", "plain", "gcc-split"):
 * the Makefile passes -DBENCH_VARIANT="...". */
#ifndef BENCH_VARIANT
#define BENCH_VARIANT "plain"
#endif

/* Keep a value alive without letting the compiler see through it. */
#define BENCH_KEEP(x) __asm__ volatile("" : : "r"(x) : "memory")

/* The same for an object in memory (an array on the stack, say), from a
 * function that itself contains no inline assembly: the morestack plugin
 * keeps a frame pointer in every function with inline assembly, and a
 * benchmark's recursion should have the frames ordinary code has. */
static __attribute__((noinline, unused)) void bench_escape(const void *p) { BENCH_KEEP(p); }

/* Since the plugin's escape analysis (plugin/EscapeAnalysis.h), a local
 * whose address is kept - passed to bench_escape() above, or converted to
 * an integer - lives on the side stack, not on the stack that grows and
 * moves. A recursion meant to fill the moving stack therefore hands its
 * arrays to bench_use() (reads them and keeps nothing: capture tracking
 * sees that, so they stay on the moving stack, and the compiler must still
 * write them), and measures its frames with bench_caller_sp() (the caller's
 * stack pointer, read in a function of its own: inline assembly gives the
 * function that contains it a frame pointer). */
static __attribute__((noinline, unused)) long bench_use(const void *p, size_t bytes) {
  /* One byte per cache line, in a loop: no volatile (a volatile access
   * counts as a capture) and no fixed offsets (which would let the compiler
   * pass the bytes instead of the address). */
  const unsigned char *b = (const unsigned char *)p;
  long sum = b[bytes - 1];
  for (size_t i = 0; i < bytes; i += 64) sum += b[i];
  return sum;
}

/* The stack pointer and the running stack's guard (%fs:0x70, the TCB slot
 * both morestack and gcc's -fsplit-stack check against). bench_sp() is
 * inline assembly (see bench_escape); bench_guard() reads through the %fs
 * address space instead, in C (C++ compilers do not all have __seg_fs). */
BENCH_INLINE uintptr_t bench_sp(void) {
  uintptr_t sp;
  __asm__ volatile("movq %%rsp, %0" : "=r"(sp));
  return sp;
}
/* The stack pointer of the function that calls this one, at the call. */
static __attribute__((noinline, unused)) uintptr_t bench_caller_sp(void) { return bench_sp() + sizeof(void *); }
BENCH_INLINE uintptr_t bench_guard(void) {
#if !defined(__cplusplus) && defined(__SEG_FS)
  return *(const volatile uintptr_t __seg_fs *)0x70;
#else
  uintptr_t g;
  __asm__ volatile("movq %%fs:0x70, %0" : "=r"(g));
  return g;
#endif
}

#endif /* BENCH_COMMON_H */

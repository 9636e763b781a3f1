/* bench/move.c: what one stack move costs, against a plain memcpy of the
 * same bytes measured in the same process.
 *
 * A fresh 2 KiB fiber recurses until it has used 15/16 of the target size
 * (1 MiB or 64 MiB, as in growth.c), growing by copying on the way. Every
 * frame holds one 64-word array that escapes through bench_escape() (so it
 * stays in memory, initialised, and is part of every copy; the recursion
 * itself has no inline assembly, which would give it a frame pointer).
 * Two shapes:
 *
 *   doubles   `double a[64]`: the plugin's stack map says PTRFREE, so the
 *             relocation leaves those words alone (only the rest of the
 *             frame, saved registers and spills, is scanned)
 *   pointers  `void *a[64]`, each word the address of a word in the
 *             caller's array: UNKNOWN for the map (all words may hold a
 *             pointer), so every word is scanned and every one rewritten
 *
 * The move figure comes from the runtime itself: the deltas of
 * morestack_get_process_stats() over one recursion give move_ns and
 * growths, so move = move_ns / growths. The runtime times each move with
 * CLOCK_MONOTONIC from taking the new block to giving back the old one
 * (runtime/stack.cpp, stack_move): the copy with its page faults, the frame
 * walk and the relocation, and also the block handling around them: an
 * mmap + mprotect for a new block over 256 KiB (a pool block otherwise) and
 * freeing the old one (munmap over 256 KiB; a memset clearing it otherwise).
 *
 * The baselines copy exactly the same sequence of byte counts with plain
 * memcpy, each copy timed on its own with the same clock. The sequence is
 * recorded once, before timing, by a pass of the same recursion that
 * yields right after each growth (a frame sees the guard at %fs:0x70
 * change, inline, without a call); the resumer reads the fiber's
 * bytes_copied and block size there. Every timed pass is checked against
 * it (same growths, same bytes). Per growth i (`bytes` copied, into a
 * block of `size`):
 *
 *   memcpy-fresh  memcpy to the top of a block just mmap'd the way the
 *                 runtime maps a large block (guard page below it): the
 *                 copy takes the page faults, like the runtime's copy into
 *                 a fresh block. Only the memcpy is timed.
 *   memcpy-warm   memcpy into the same place of a buffer touched before
 *                 (no page faults): the copy alone.
 *
 * The source is one buffer written before timing. Reported per growth
 * (median over the repetitions): move, memcpy-fresh, memcpy-warm (ns);
 * bytes copied; the fraction of the copied bytes the maps proved
 * pointer-free (pointer_free_words * 8 / bytes_copied).
 *
 *   move <target_bytes> [reps=5] [doubles|pointers] [grow|memcpy]
 * Built with morestack-clang only. The last argument (for profiling) runs
 * only the growing fibers or only the memcpys, and reports nothing. */
#include "common.h"

#include <morestack/morestack.h>
#include <sys/mman.h>

#define WORDS 64
#define PAGE 4096

typedef struct {
  long depth;
  int pointers; /* shape: 0 doubles, 1 pointers */
  int recording; /* yield after every growth (the recording pass) */
  int at_bottom; /* set by the fiber when it yields at the end */
  double result;
} Job;

static Job job;
static uintptr_t seen_guard; /* the guard the recursion last saw */
static uintptr_t leaf_frame; /* bytes per frame, measured by the calibration */

/* Recording pass only: a growth in this frame's prologue moved the stack,
 * so the guard changed: let the resumer read the stats. */
static inline void note_growth(void) {
  if (job.recording) {
    uintptr_t g = bench_guard();
    if (g != seen_guard) {
      seen_guard = g;
      morestack_fiber_yield();
    }
  }
}

/* The doubles array goes to bench_use(), which keeps no address, and the
 * frame is measured with bench_caller_sp(): a local whose address is kept
 * (bench_escape, a pointer converted to an integer) now lives on the side
 * stack (common.h), and this recursion must fill the stack that moves. */
static uintptr_t sp_at[2];

__attribute__((noinline)) static double rec_doubles(long n, const double *up) {
  double a[WORDS];
  note_growth();
  for (int i = 0; i < WORDS; ++i) a[i] = (double)(n + i);
  long used = bench_use(a, sizeof a);
  if (n <= 1) sp_at[n] = bench_caller_sp();
  if (n == 0) return a[1] + up[0] + (double)used;
  return rec_doubles(n - 1, a) + a[n & (WORDS - 1)] + (double)used;
}

/* The pointers shape cannot stay on the moving stack any more: each array
 * holds addresses of its caller's array, so the caller's array escapes and
 * the plugin puts every one of them on the side stack (the moving frames
 * are then 40 bytes). Kept as it was; its frame is measured, as before,
 * between two arrays, i.e. on the side stack. */

__attribute__((noinline)) static double rec_pointers(long n, void *const *up) {
  void *a[WORDS];
  note_growth();
  for (int i = 0; i < WORDS; ++i) a[i] = (void *)&up[i];
  bench_escape(a);
  if (n == 0) {
    leaf_frame = (uintptr_t)up - (uintptr_t)a;
    return (double)(uintptr_t)a[1];
  }
  return rec_pointers(n - 1, a) + (double)((uintptr_t)a[n & (WORDS - 1)] & 1);
}

static const double seed_doubles[WORDS];
static void *const seed_pointers[WORDS];

static double run_rec(long depth) {
  return job.pointers ? rec_pointers(depth, seed_pointers) : rec_doubles(depth, seed_doubles);
}

/* Nothing in the fiber calls libc (a call-site check for a library
 * function's need could grow the stack first): only the recursion and the
 * runtime's yield. */
static void fiber_main(void *unused) {
  (void)unused;
  seen_guard = bench_guard();
  job.result = run_rec(job.depth);
  job.at_bottom = 1;
  morestack_fiber_yield(); /* destroyed while suspended here */
}

typedef struct {
  size_t bytes; /* copied by this growth */
  size_t size;  /* of the block it copied into */
} Growth;

#define MAX_GROWTHS 64

/* The recording pass: the byte count and new block size of every growth. */
static int record_growths(Growth *g) {
  morestack_stack_stats st;
  uint64_t copied = 0;
  int n = 0;
  job.recording = 1;
  job.at_bottom = 0;
  morestack_fiber *f = morestack_fiber_create(fiber_main, NULL, 0);
  for (;;) {
    morestack_fiber_resume(f);
    if (job.at_bottom) break;
    morestack_fiber_stats(f, &st);
    if (n == MAX_GROWTHS) {
      fprintf(stderr, "move: more than %d growths\n", MAX_GROWTHS);
      exit(1);
    }
    g[n].bytes = st.bytes_copied - copied;
    g[n].size = st.size;
    copied = st.bytes_copied;
    ++n;
  }
  morestack_fiber_stats(f, &st);
  if ((int)st.growths != n || st.bytes_copied != copied)
    fprintf(stderr, "move: recording saw %d growths / %llu bytes, the fiber says %llu / %llu\n", n,
            (unsigned long long)copied, (unsigned long long)st.growths, (unsigned long long)st.bytes_copied);
  morestack_fiber_destroy(f);
  job.recording = 0;
  return n;
}

typedef struct {
  uint64_t growths, bytes, move_ns, ptrfree_words, frames, undescribed, shrinks;
} MoveDelta;

/* One timed pass: a fresh 2 KiB fiber recurses to the bottom; the deltas
 * of the process-wide counters are its moves (nothing else in the process
 * grows or shrinks meanwhile). */
static MoveDelta grow_once(void) {
  morestack_process_stats a, b;
  job.at_bottom = 0;
  morestack_fiber *f = morestack_fiber_create(fiber_main, NULL, 0);
  morestack_get_process_stats(&a);
  morestack_fiber_resume(f);
  morestack_get_process_stats(&b);
  morestack_fiber_destroy(f);
  MoveDelta d = {b.growths - a.growths,
                 b.bytes_copied - a.bytes_copied,
                 b.move_ns - a.move_ns,
                 b.pointer_free_words - a.pointer_free_words,
                 b.frames_described - a.frames_described,
                 b.walks_undescribed - a.walks_undescribed,
                 b.shrinks - a.shrinks};
  return d;
}

static char *map_or_die(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    perror("move: mmap");
    exit(1);
  }
  return (char *)p;
}

/* Total ns of the memcpys of the sequence into fresh blocks. Each block is
 * mapped like the runtime's large blocks (size + a PROT_NONE page below);
 * mapping and unmapping are not timed, the page faults of the copy are. */
static double memcpy_fresh(const Growth *g, int n, const char *src_top) {
  double total = 0;
  for (int i = 0; i < n; ++i) {
    char *block = map_or_die(g[i].size + PAGE);
    mprotect(block, PAGE, PROT_NONE);
    char *dst = block + PAGE + g[i].size - g[i].bytes;
    uint64_t t0 = bench_now_ns();
    memcpy(dst, src_top - g[i].bytes, g[i].bytes);
    total += (double)(bench_now_ns() - t0);
    BENCH_KEEP(dst);
    munmap(block, g[i].size + PAGE);
  }
  return total;
}

/* The same copies into a resident buffer (its top, like the stack's). */
static double memcpy_warm(const Growth *g, int n, const char *src_top, char *dst_top) {
  double total = 0;
  for (int i = 0; i < n; ++i) {
    char *dst = dst_top - g[i].bytes;
    uint64_t t0 = bench_now_ns();
    memcpy(dst, src_top - g[i].bytes, g[i].bytes);
    total += (double)(bench_now_ns() - t0);
    BENCH_KEEP(dst);
  }
  return total;
}

static const char *case_name(long target, int pointers) {
  static char name[48];
  if (target >= (1L << 20)) snprintf(name, sizeof name, "%ldMiB-%s", target >> 20, pointers ? "pointers" : "doubles");
  else snprintf(name, sizeof name, "%ldKiB-%s", target >> 10, pointers ? "pointers" : "doubles");
  return name;
}

int main(int argc, char **argv) {
  long target = bench_arg(argc, argv, 1, 1L << 20);
  int reps = bench_reps(argc, argv, 2, 5);
  job.pointers = argc > 3 && !strcmp(argv[3], "pointers");
  const char *only = argc > 4 ? argv[4] : "";
  const char *kase = case_name(target, job.pointers);

  /* Calibrate on main's 8 MiB stack: bytes per frame. */
  BENCH_KEEP(run_rec(20));
  long frame = job.pointers ? (long)leaf_frame : (long)(sp_at[1] - sp_at[0]);
  job.depth = target / 16 * 15 / frame;

  Growth g[MAX_GROWTHS];
  int n = record_growths(g);
  size_t max_bytes = 0, total_bytes = 0;
  for (int i = 0; i < n; ++i) {
    total_bytes += g[i].bytes;
    if (g[i].bytes > max_bytes) max_bytes = g[i].bytes;
  }
  size_t buf_bytes = (max_bytes + PAGE - 1) / PAGE * PAGE;
  char *src = map_or_die(buf_bytes), *warm_buf = map_or_die(buf_bytes);
  for (size_t i = 0; i < buf_bytes; ++i) src[i] = (char)(i * 131 + 7);
  memset(warm_buf, 1, buf_bytes);

  double move_ns[64], fresh_ns[64], warm_ns[64], ptrfree = 0;
  MoveDelta d = {0};
  for (int r = 0; r < reps; ++r) { /* interleaved: noise hits every variant */
    if (strcmp(only, "memcpy") != 0) {
      d = grow_once();
      if ((int)d.growths != n || d.bytes != total_bytes || d.shrinks)
        fprintf(stderr, "move %s: pass %d made %llu growths / %llu bytes / %llu shrinks, recorded %d / %zu\n",
                kase, r, (unsigned long long)d.growths, (unsigned long long)d.bytes,
                (unsigned long long)d.shrinks, n, total_bytes);
      move_ns[r] = (double)d.move_ns / (double)d.growths;
      ptrfree = 8.0 * (double)d.ptrfree_words / (double)d.bytes;
    }
    if (strcmp(only, "grow") != 0) {
      fresh_ns[r] = memcpy_fresh(g, n, src + buf_bytes) / n;
      warm_ns[r] = memcpy_warm(g, n, src + buf_bytes, warm_buf + buf_bytes) / n;
    }
  }
  if (*only) return 0;

  fprintf(stderr, "move %s: frame %ld B, depth %ld, %d growths copying %zu bytes (", kase, frame, job.depth, n,
          total_bytes);
  for (int i = 0; i < n; ++i) fprintf(stderr, "%s%zu->%zuK", i ? " " : "", g[i].bytes, g[i].size >> 10);
  fprintf(stderr, "); last pass: %llu frames described, %llu undescribed walks, pointer-free %.3f\n",
          (unsigned long long)d.frames, (unsigned long long)d.undescribed, ptrfree);
  bench_report("move", kase, "move", bench_median(move_ns, reps), "ns");
  bench_report("move", kase, "memcpy-fresh", bench_median(fresh_ns, reps), "ns");
  bench_report("move", kase, "memcpy-warm", bench_median(warm_ns, reps), "ns");
  bench_report("move", kase, "bytes", (double)total_bytes / n, "B");
  bench_report("move", kase, "growths", n, "growths");
  bench_report("move", kase, "ptrfree-fraction", ptrfree, "fraction");
  return 0;
}

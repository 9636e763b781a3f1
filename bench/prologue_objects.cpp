/* bench/prologue_objects.cpp: C++ objects on the stack whose methods are
 * not inlined, so the object's address (`this`) is passed to a call in
 * every frame. A recursive walk of a complete ternary tree (made up as it
 * goes: nothing is allocated) keeps, in each frame:
 *
 *   Stats   a small accumulator (sum, count, min, max) with out-of-line
 *           add() / mean() methods that read and write *this and keep
 *           nothing: LLVM's capture tracking sees that the callees do not
 *           capture `this`, so the plugin leaves the object on the moving
 *           stack (described in the stack map)
 *   Cursor  a position with an out-of-line step(), likewise
 *
 * and, with `capture`, also
 *
 *   Scope   an RAII guard whose out-of-line constructor links `this` into a
 *           global chain of active scopes (a tracer, a lock registry, a
 *           context stack: common C++), and whose destructor unlinks it.
 *           `this` escapes, so the plugin puts the object on the side stack
 *           (runtime/side_stack.h): every frame bumps %fs:0x60 down against
 *           %fs:0x68 and puts it back on the way out.
 *
 * Both are the plugin's default behaviour, nothing is annotated.
 *
 *   prologue_objects [depth=15] [reps=3] [capture]
 * The result is printed as case "objects" or "objects-capture". */
#include "common.h"

#define NOINLINE __attribute__((noinline))

namespace {

struct Stats {
  long sum = 0, count = 0, lo = 0, hi = 0;
  NOINLINE void add(long v);
  NOINLINE long mean() const;
};

void Stats::add(long v) {
  if (count == 0 || v < lo) lo = v;
  if (count == 0 || v > hi) hi = v;
  sum += v;
  ++count;
}

long Stats::mean() const { return count ? sum / count + (hi - lo) : 0; }

struct Cursor {
  long x, y;
  NOINLINE long step(long k);
};

long Cursor::step(long k) {
  x = x * 5 + k;
  y ^= x >> 3;
  return x + y;
}

struct Scope {
  Scope *parent;
  long id;
  NOINLINE explicit Scope(long id);
  NOINLINE ~Scope();
};

Scope *active_scope; /* the chain of live scopes: holds `this` */

Scope::Scope(long i) : parent(active_scope), id(i) { active_scope = this; }
Scope::~Scope() { active_scope = parent; }

NOINLINE long visit(long depth, long seed) {
  Cursor c{seed, depth};
  if (depth == 0) return c.step(seed & 7);
  Stats s;
  for (long k = 0; k < 3; ++k) s.add(visit(depth - 1, c.step(k)));
  return s.mean();
}

NOINLINE long visit_scoped(long depth, long seed) {
  Scope guard(seed);
  Cursor c{seed, depth};
  if (depth == 0) return c.step(seed & 7) + active_scope->id;
  Stats s;
  for (long k = 0; k < 3; ++k) s.add(visit_scoped(depth - 1, c.step(k)));
  return s.mean() + (active_scope == &guard);
}

bool capture;

} // namespace

extern "C" NOINLINE long bench_kernel(long depth) { return capture ? visit_scoped(depth, 1) : visit(depth, 1); }

int main(int argc, char **argv) {
  long depth = bench_arg(argc, argv, 1, 15), result = 0;
  capture = argc > 3 && strcmp(argv[3], "capture") == 0;
  double ns = bench_time(bench_kernel, depth, (int)bench_arg(argc, argv, 2, 3), &result);
  fprintf(stderr, "objects%s: ternary walk to depth %ld: %ld\n", capture ? " (capture)" : "", depth, result);
  bench_report("prologue", capture ? "objects-capture" : "objects", BENCH_VARIANT, ns, "ns");
  return 0;
}

/* bench/prologue_parser.c: a recursive-descent parser and evaluator for
 * integer arithmetic, run over a large generated input (nested parentheses,
 * + - *, spaces). One small function per grammar rule, as a hand-written
 * parser would have:
 *
 *   expr   := term (('+' | '-') term)*
 *   term   := factor ('*' factor)*
 *   factor := number | '(' expr ')' | '-' factor
 *
 * Arithmetic wraps modulo 2^64. The input is made before timing starts.
 *
 *   prologue_parser [megabytes=16] [reps=3] */
#include "common.h"

/* ---- input generator (not timed) ---- */

typedef struct {
  char *buf;
  size_t len, cap;
  uint64_t rng;
} Gen;

static unsigned rnd(Gen *g, unsigned n) {
  g->rng = g->rng * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)(g->rng >> 33) % n;
}

static void put(Gen *g, char c) { g->buf[g->len++] = c; }

static void gen_expr(Gen *g, int depth);

static void gen_factor(Gen *g, int depth) {
  unsigned k = rnd(g, 10);
  if (depth < 12 && k < 3) {
    put(g, '(');
    gen_expr(g, depth + 1);
    put(g, ')');
  } else if (k == 3) {
    put(g, '-');
    gen_factor(g, depth);
  } else {
    g->len += (size_t)sprintf(g->buf + g->len, "%u", rnd(g, 100000));
  }
}

static void gen_term(Gen *g, int depth) {
  gen_factor(g, depth);
  for (unsigned n = rnd(g, 3); n > 0; --n) {
    put(g, '*');
    gen_factor(g, depth);
  }
}

static void gen_expr(Gen *g, int depth) {
  gen_term(g, depth);
  for (unsigned n = rnd(g, 4); n > 0; --n) {
    put(g, ' ');
    put(g, rnd(g, 2) ? '+' : '-');
    put(g, ' ');
    gen_term(g, depth);
  }
}

static char *generate(size_t target) {
  Gen g = {(char *)malloc(target + (1 << 20)), 0, target + (1 << 20), 42};
  gen_term(&g, 0);
  while (g.len < target) {
    put(&g, ' ');
    put(&g, '+');
    put(&g, ' ');
    gen_term(&g, 0);
  }
  g.buf[g.len] = 0;
  return g.buf;
}

/* ---- the parser (timed) ---- */

typedef struct {
  const char *p;
} Parser;

static void skip_spaces(Parser *ps) {
  while (*ps->p == ' ') ++ps->p;
}

static uint64_t parse_expr(Parser *ps);

static uint64_t parse_number(Parser *ps) {
  uint64_t v = 0;
  while (*ps->p >= '0' && *ps->p <= '9') v = v * 10 + (uint64_t)(*ps->p++ - '0');
  return v;
}

static uint64_t parse_factor(Parser *ps) {
  skip_spaces(ps);
  if (*ps->p == '(') {
    ++ps->p;
    uint64_t v = parse_expr(ps);
    skip_spaces(ps);
    ++ps->p; /* ')' */
    return v;
  }
  if (*ps->p == '-') {
    ++ps->p;
    return -parse_factor(ps);
  }
  return parse_number(ps);
}

static uint64_t parse_term(Parser *ps) {
  uint64_t v = parse_factor(ps);
  for (;;) {
    skip_spaces(ps);
    if (*ps->p != '*') return v;
    ++ps->p;
    v *= parse_factor(ps);
  }
}

static uint64_t parse_expr(Parser *ps) {
  uint64_t v = parse_term(ps);
  for (;;) {
    skip_spaces(ps);
    char op = *ps->p;
    if (op != '+' && op != '-') return v;
    ++ps->p;
    uint64_t rhs = parse_term(ps);
    v = op == '+' ? v + rhs : v - rhs;
  }
}

static const char *input;

__attribute__((noinline)) long bench_kernel(long unused) {
  (void)unused;
  Parser ps = {input};
  return (long)parse_expr(&ps);
}

int main(int argc, char **argv) {
  long mb = bench_arg(argc, argv, 1, 16), result = 0;
  input = generate((size_t)mb << 20);
  double ns = bench_time(bench_kernel, 0, (int)bench_arg(argc, argv, 2, 3), &result);
  fprintf(stderr, "parsed %ld MiB: value %ld\n", mb, result);
  bench_report("prologue", "parser", BENCH_VARIANT, ns, "ns");
  return 0;
}

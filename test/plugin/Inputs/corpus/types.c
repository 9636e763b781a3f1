// Compile-only corpus (test/plugin/corpus.test): stack objects of every
// type clang lowers, each kept in memory by passing its address on, so the
// frame layout code sees arrays, unions, vectors, over-aligned objects,
// _BitInt, _Complex, long double, bit-fields, packed and flexible structs,
// VLAs, atomics, setjmp and computed goto.
#include <complex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void use(void *);
void use_n(int n, ...);

#define ARRAY_OF(T, NAME)                                                      \
  T NAME(int n) {                                                              \
    T a[17];                                                                   \
    memset(a, n, sizeof a);                                                    \
    use(a);                                                                    \
    return a[n & 15];                                                          \
  }

ARRAY_OF(char, a_char)
ARRAY_OF(signed char, a_schar)
ARRAY_OF(unsigned char, a_uchar)
ARRAY_OF(_Bool, a_bool)
ARRAY_OF(short, a_short)
ARRAY_OF(int, a_int)
ARRAY_OF(long, a_long)
ARRAY_OF(long long, a_llong)
ARRAY_OF(__int128, a_int128)
ARRAY_OF(unsigned __int128, a_uint128)
ARRAY_OF(float, a_float)
ARRAY_OF(double, a_double)
ARRAY_OF(long double, a_ldouble)
ARRAY_OF(_Float16, a_half)
ARRAY_OF(void *, a_ptr)
typedef int (*fnptr)(int);
ARRAY_OF(fnptr, a_fnptr)
ARRAY_OF(float _Complex, a_cfloat)
ARRAY_OF(double _Complex, a_cdouble)
ARRAY_OF(long double _Complex, a_cldouble)
ARRAY_OF(_BitInt(7), a_bitint7)
ARRAY_OF(_BitInt(65), a_bitint65)
ARRAY_OF(unsigned _BitInt(129), a_bitint129)
ARRAY_OF(_BitInt(256), a_bitint256)

typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef int v16i __attribute__((vector_size(64)));
typedef char v3c __attribute__((ext_vector_type(3)));
typedef long v2l __attribute__((vector_size(16)));
ARRAY_OF(v4f, a_v4f)
ARRAY_OF(v4d, a_v4d)
ARRAY_OF(v16i, a_v16i)
ARRAY_OF(v2l, a_v2l)

v3c ext_vector(int n) {
  v3c v[5];
  memset(v, n, sizeof v);
  use(v);
  return v[n & 3];
}

union mixed {
  double d;
  void *p;
  char bytes[24];
  long double ld;
  v4f vec;
};
union mixed unions(int n) {
  union mixed u[3];
  memset(u, n, sizeof u);
  use(u);
  return u[n & 1];
}

struct bits {
  unsigned a : 3, b : 13;
  signed c : 7;
  void *p;
  unsigned long long d : 40;
};
int bitfields(int n) {
  struct bits b[4] = {{1, 2, 3, 0, 5}};
  b[n & 3].c = n;
  use(b);
  return b[1].a + b[2].c;
}

struct __attribute__((packed)) packed {
  char c;
  void *p;
  short s;
  double d;
};
void *packed_struct(int n) {
  struct packed p[3];
  memset(p, 0, sizeof p);
  p[n % 3].p = &p[0];
  use(p);
  return p[1].p;
}

struct flex {
  int n;
  void *items[];
};
int flexible(int n) {
  struct {
    struct flex f;
    void *storage[4];
  } s;
  s.f.n = n;
  use(&s);
  return s.f.n;
}

int overaligned(int n) {
  _Alignas(64) char line[64];
  _Alignas(4096) double page[8];
  _Alignas(32) void *ptrs[3];
  memset(line, n, sizeof line);
  use(line);
  use(page);
  use(ptrs);
  return line[n & 63] + (int)page[1];
}

int vla(int n) {
  char buf[n];
  double d[n + 1];
  _Alignas(64) int aligned[n + 2];
  use(buf);
  use(d);
  use(aligned);
  return buf[0] + (int)d[0] + aligned[1];
}

int vla_overaligned_mixed(int n) {
  _Alignas(128) char fixed[16];
  char dyn[n];
  use(fixed);
  use(dyn);
  return fixed[0] + dyn[0];
}

int with_alloca(int n) {
  char *p = __builtin_alloca(n);
  memset(p, 1, n);
  use(p);
  return p[n - 1];
}

int atomics(int n) {
  _Atomic long a[4];
  atomic_int i = n;
  _Atomic(void *) p = &i;
  for (int k = 0; k < 4; ++k) atomic_init(&a[k], k);
  use(a);
  use((void *)&p);
  return atomic_load(&i) + (int)atomic_fetch_add(&a[1], n);
}

static jmp_buf env;
int jumps(int n) {
  volatile int tries = 0;
  char buf[32];
  if (setjmp(env)) return tries + buf[0];
  memset(buf, n, sizeof buf);
  use(buf);
  if (++tries < 3) longjmp(env, 1);
  return 0;
}

int labels(int n) {
  static void *table[] = {&&a, &&b, &&c};
  int acc = 0;
  goto *table[n % 3];
a:
  acc += 1;
b:
  acc += 2;
c:
  use(&acc);
  return acc;
}

double variadic_sum(int count, ...) {
  va_list ap, copy;
  va_start(ap, count);
  va_copy(copy, ap);
  double total = 0;
  for (int i = 0; i < count; ++i) total += va_arg(ap, double);
  use(&copy);
  va_end(copy);
  va_end(ap);
  return total;
}

struct big {
  char bytes[4096];
  void *p[64];
};
struct big byvalue(struct big b, int n) {
  b.bytes[n & 4095] = 1;
  use(&b);
  return b;
}

long double long_doubles(long double x, int n) {
  long double a[5] = {x, x * 2, x * 3};
  long double _Complex z = x + 1.0il;
  use(a);
  use(&z);
  return a[n % 5] + __real__ z;
}

_BitInt(1024) huge_bitint(_BitInt(1024) x) {
  _BitInt(1024) a[2] = {x, x + 1};
  use(a);
  return a[0] * a[1];
}

int nested_loops_with_arrays(int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) {
    char name[201];
    double weights[13];
    for (int j = 0; j < 13; ++j) weights[j] = i * j;
    memcpy(name, "x", 2);
    use(name);
    use(weights);
    total += name[0] + (int)weights[i % 13];
  }
  return total;
}

// The reduced input of the -O2 crash (issue 9): loop strength reduction
// hoisted a ptrtoint of `buff` into the entry block.
static const char *conv(const char *s, double *result) {
  char *endptr;
  *result = strtod(s, &endptr);
  if (endptr == s) return NULL;
  while (*endptr == ' ') endptr++;
  return (*endptr == '\0') ? endptr : NULL;
}
size_t str2num(const char *s, double *o) {
  double n;
  const char *e = conv(s, &n);
  if (e == NULL) {
    char buff[201];
    if (strlen(s) > 200) return 0;
    strcpy(buff, s);
    e = conv(buff, &n);
    if (e == NULL) return 0;
    e = s + (e - buff);
  }
  *o = n;
  return (e - s) + 1;
}

__attribute__((no_split_stack)) int nosplit_leaf(int n) {
  int small[4] = {n, n, n, n};
  use(small);
  return small[n & 3];
}

__attribute__((preserve_most)) int preserve_most_fn(int n) {
  char b[16];
  use(b);
  return n + b[0];
}

__thread char tls_buf[64];
int thread_locals(int n) {
  tls_buf[n & 63] = 1;
  char local[8];
  use(local);
  use(tls_buf);
  return local[0];
}

// Vector arguments in %ymm0..7 (AVX) and %zmm0..7 (AVX-512) survive a
// growth in the callee's prologue: the runtime saves the whole vector state
// with XSAVE on the system stack (runtime/vector_state.h), where it used to
// keep only the low 128 bits of %xmm0..7, so the upper halves of __m256d
// arguments came back as zero.
//
// Whether the C library the runtime calls during a move (memcpy, memset)
// clobbers vector registers depends on the machine: on one with AVX-512,
// glibc picks variants that use only %zmm16..31; with copies of 2 KiB or
// more it uses `rep movsb`. GLIBC_TUNABLES makes it pick its AVX2 variants
// and vector loops for every size, which use %ymm0.. and end in vzeroupper:
// with the runtime saving only %xmm0..7, this test then fails.
// DEFINE: %{avx2_libc} = env GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD,-EVEX:glibc.cpu.x86_rep_movsb_threshold=100000000:glibc.cpu.x86_rep_stosb_threshold=100000000
//
// REQUIRES: avx2
// RUN: %morestack_clang -O2 -mavx2 %s -o %t.avx2
// RUN: env MORESTACK_MAIN_STACK=2K %t.avx2 | FileCheck %s --check-prefix=AVX2
// RUN: %{avx2_libc} MORESTACK_MAIN_STACK=2K %t.avx2 | FileCheck %s --check-prefix=AVX2
// RUN: %{avx2_libc} MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.avx2 | FileCheck %s --check-prefix=AVX2
// RUN: %morestack_clang -O0 -mavx2 %s -o %t.avx2.O0
// RUN: %{avx2_libc} MORESTACK_MAIN_STACK=2K %t.avx2.O0 | FileCheck %s --check-prefix=AVX2
// AVX2: 256-bit arguments ok after {{[1-9][0-9]*}} growths
//
// RUN: %if avx512f %{ %morestack_clang -O2 -mavx512f -DWIDE %s -o %t.avx512 %}
// RUN: %if avx512f %{ %{avx2_libc} MORESTACK_MAIN_STACK=2K %t.avx512 | FileCheck %s --check-prefix=AVX512 %}
// AVX512: 512-bit arguments ok after {{[1-9][0-9]*}} growths

#include <immintrin.h>
#include <morestack/morestack.h>
#include <stdio.h>

#ifdef WIDE
typedef __m512d vec;
#define SET(x) _mm512_set_pd(x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7)
#define ADD _mm512_add_pd
#define LANES 8
#define WIDTH 512
#else
typedef __m256d vec;
#define SET(x) _mm256_set_pd(x, x + 1, x + 2, x + 3)
#define ADD _mm256_add_pd
#define LANES 4
#define WIDTH 256
#endif

static double sum(vec v) {
  double d[LANES];
  __builtin_memcpy(d, &v, sizeof d);
  double s = 0;
  for (int i = 0; i < LANES; ++i) s += d[i] * (i + 1);  // weighted: a lost lane shows
  return s;
}

// Eight vector arguments (all of %ymm0..7 / %zmm0..7) live at entry; the
// 300-byte pad makes every few levels cross the guard.
__attribute__((noinline)) static double chain(vec a, vec b, vec c, vec d, vec e, vec f, vec g,
                                              vec h, int n) {
  volatile char pad[300];
  pad[n % 300] = 1;
  if (n == 0)
    return sum(a) + 2 * sum(b) + 3 * sum(c) + 4 * sum(d) + 5 * sum(e) + 6 * sum(f) + 7 * sum(g) +
           8 * sum(h) + (pad[0] - 1);
  vec one = SET(1.0);
  double r = chain(ADD(a, one), b, c, d, e, f, g, h, n - 1);
  return r + (pad[n % 300] - 1);
}

int main(void) {
  const int depth = 400;
  double got = chain(SET(1.0), SET(10.0), SET(100.0), SET(1000.0), SET(1e4), SET(1e5), SET(1e6),
                     SET(1e7), depth);
  // The same computation with no stack to grow.
  double want = 0;
  vec args[8] = {SET(1.0), SET(10.0), SET(100.0), SET(1000.0), SET(1e4), SET(1e5), SET(1e6), SET(1e7)};
  for (int i = 0; i < depth; ++i) args[0] = ADD(args[0], SET(1.0));
  for (int i = 0; i < 8; ++i) want += (i + 1) * sum(args[i]);
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  if (got != want || st.growths == 0) {
    printf("wrong: got %.17g, want %.17g, %llu growths\n", got, want, (unsigned long long)st.growths);
    return 1;
  }
  printf("%d-bit arguments ok after %llu growths\n", WIDTH, (unsigned long long)st.growths);
  return 0;
}

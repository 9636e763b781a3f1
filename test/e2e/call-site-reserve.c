// Calls into code without checks get the stack their callee needs, at the
// call (plugin/CallSiteReserve.h), from 2 KiB fibers:
//  - malloc, free, memcpy, strlen need less than the nosplit budget: no
//    check, no growth;
//  - snprintf("%Lf") of a huge long double (passed in memory), qsort (it
//    calls back), strtod need their measured figures (LibraryStackNeeds.inc):
//    the fiber grows to hold them and the canary below its stack stays
//    intact (the figures hold);
//  - getaddrinfo needs 11 KiB but runs on the system stack: no growth
//    (system-stack-calls.c tests that path);
//  - a library the table does not know gets MORESTACK_UNKNOWN_CALLEE_NEED
//    (16 KiB), also through a function pointer; a pointer to a function
//    built with the plugin costs nothing;
//  - a callee that needs more than that is caught (the canary), not silent.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O0 -fPIC -shared %S/Inputs/plain-lib.c -o %t.dir/libplain.so
// RUN: %morestack_clang -O0 %s -L%t.dir -lplain -Wl,-rpath,%t.dir -o %t.O0
// RUN: %t.O0 | FileCheck %s
// RUN: %morestack_clang -O2 %s -L%t.dir -lplain -Wl,-rpath,%t.dir -o %t.O2
// RUN: %t.O2 | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
// RUN: not --crash %t.O2 overrun 2>&1 | FileCheck %s --check-prefix=TOODEEP
//
// CHECK: small calls: peak 2048
// CHECK-NEXT: snprintf of LDBL_MAX: {{[0-9]+}} characters, peak >= 32768, 1 reserve growth of 37760 bytes
// CHECK-NEXT: getaddrinfo(localhost): ok, peak 2048
// CHECK-NEXT: qsort with a checked comparator: sorted
// CHECK-NEXT: strtod: 1.5e+300
// CHECK-NEXT: unknown library, 10 KiB: ok, peak >= 16384
// CHECK-NEXT: through a pointer to it: ok, peak >= 16384
// CHECK-NEXT: through a pointer to a checked function: peak 2048
// TOODEEP: morestack: fatal: the stack of fiber {{[0-9]+}} was overrun below its low end

#include <float.h>
#include <morestack/morestack.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int plain_deep(int kib);

static morestack_stack_stats last;  // of the latest fiber peak_of ran
static size_t peak_of(void (*fn)(void *), void *arg) {
  morestack_fiber *f = morestack_fiber_create(fn, arg, 0);
  while (!morestack_fiber_resume(f)) {
  }
  morestack_stack_stats s;
  morestack_fiber_stats(f, &s);
  last = s;
  morestack_fiber_destroy(f);
  return s.peak_size;
}

static void small_calls(void *arg) {
  char *p = malloc(100);
  memcpy(p, "hello", 6);
  *(size_t *)arg = strlen(p);
  free(p);
}

static char text[8192];
static void format(void *arg) {
  (void)arg;
  snprintf(text, sizeof text, "%Lf", LDBL_MAX);
}

static int lookup_ok;
static void lookup(void *arg) {
  (void)arg;
  struct addrinfo *ai = NULL;
  lookup_ok = getaddrinfo("localhost", NULL, NULL, &ai) == 0;
  if (ai) freeaddrinfo(ai);
}

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int sorted;
static void sort(void *arg) {
  (void)arg;
  int v[64];
  for (int i = 0; i < 64; ++i) v[i] = (i * 37) % 64;
  qsort(v, 64, sizeof v[0], cmp);
  sorted = 1;
  for (int i = 0; i < 64; ++i) sorted &= v[i] == i;
}

static double parsed;
static void parse(void *arg) {
  (void)arg;
  parsed = strtod("1.5e300", NULL);
}

static int deep_result = -1;
static void unknown(void *arg) { deep_result = plain_deep((int)(long)arg); }

static int (*volatile plain_ptr)(int) = plain_deep;
static void unknown_by_pointer(void *arg) { deep_result = plain_ptr((int)(long)arg); }

__attribute__((noinline)) static int checked(int x) { return x + 1; }
static int (*volatile checked_ptr)(int) = checked;
static void checked_by_pointer(void *arg) { deep_result = checked_ptr((int)(long)arg); }

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "overrun")) {
    peak_of(unknown, (void *)64L);  // 64 KiB: more than the 16 KiB reserve
    return 0;
  }
  size_t len = 0;
  printf("small calls: peak %zu\n", peak_of(small_calls, &len));
  size_t p = peak_of(format, NULL);
  printf("snprintf of LDBL_MAX: %zu characters, peak %s, %llu reserve growth of %zu bytes\n", strlen(text),
         p >= 32768 ? ">= 32768" : "too small", (unsigned long long)last.reserve_growths,
         last.largest_reserve);
  p = peak_of(lookup, NULL);
  printf("getaddrinfo(localhost): %s, peak %zu\n", lookup_ok ? "ok" : "failed", p);
  peak_of(sort, NULL);
  printf("qsort with a checked comparator: %s\n", sorted ? "sorted" : "wrong");
  peak_of(parse, NULL);
  printf("strtod: %g\n", parsed);
  p = peak_of(unknown, (void *)10L);
  printf("unknown library, 10 KiB: %s, peak %s\n", deep_result > 0 ? "ok" : "wrong", p >= 16384 ? ">= 16384" : "too small");
  deep_result = -1;
  p = peak_of(unknown_by_pointer, (void *)10L);
  printf("through a pointer to it: %s, peak %s\n", deep_result > 0 ? "ok" : "wrong", p >= 16384 ? ">= 16384" : "too small");
  printf("through a pointer to a checked function: peak %zu\n", peak_of(checked_by_pointer, (void *)1L));
  return 0;
}

// Calls into uninstrumented code (here snprintf, which needs about 2-4 KiB)
// get the non-split reserve: lld makes the calling function's prologue call
// __morestack_non_split, which grows the stack unless the reserve fits. The
// reserve is tunable (MORESTACK_NONSPLIT_RESERVE, morestack_set_nonsplit_
// reserve): a 2 KiB fiber that calls snprintf grows to hold it.
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: %t | FileCheck %s --check-prefix=DEFAULT
// RUN: env MORESTACK_NONSPLIT_RESERVE=6K %t | FileCheck %s --check-prefix=SIX
// RUN: %t api | FileCheck %s --check-prefix=API
//
// DEFAULT: reserve 16384: fiber stack after snprintf 32768, text '3.14159 and 1e+300'
// SIX: reserve 6144: fiber stack after snprintf 8192, text '3.14159 and 1e+300'
// API: reserve 12288: fiber stack after snprintf 16384, text '3.14159 and 1e+300'

#include <morestack/morestack.h>
#include <stdio.h>
#include <string.h>

static char text[64];

static void format(void *arg) {
  (void)arg;
  snprintf(text, sizeof text, "%g and %Lg", 3.14159, 1e300L);
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "api") && morestack_set_nonsplit_reserve(12 << 10) != 0) return 3;
  morestack_fiber *f = morestack_fiber_create(format, NULL, 0);
  morestack_fiber_resume(f);
  morestack_stack_stats s;
  morestack_fiber_stats(f, &s);
  printf("reserve %zu: fiber stack after snprintf %zu, text '%s'\n", morestack_nonsplit_reserve(),
         s.peak_size, text);
  morestack_fiber_destroy(f);
  return 0;
}

/* Calls into the shared library on a 2 KiB main stack (cmake-package.test). */
#include <morestack/morestack.h>
#include <stdio.h>

int deep_sum(int n);

int main(void) {
  int r = deep_sum(2000);
  morestack_stack_stats s;
  morestack_current_stack_stats(&s);
  printf("deep_sum=%d grew=%d\n", r, s.growths > 0);
  return 0;
}

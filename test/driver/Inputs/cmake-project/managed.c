#include <morestack/morestack.h>
#include <stdio.h>

// Prints whether main runs on a managed (growable) stack.
int main(void) {
  morestack_stack_stats st;
  printf("managed=%d\n", morestack_current_stack_stats(&st));
  return 0;
}

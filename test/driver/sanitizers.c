// The wrappers refuse the sanitizers that cannot work with moving stacks,
// also in a link-only step (where the plugin does not run), with the reason;
// address, thread and undefined compile, link and run.
//
// RUN: not %morestack_clang_nosan -fsanitize=memory %s -o %t 2>&1 | FileCheck %s --check-prefix=MSAN
// RUN: not %morestack_clang_nosan -fsanitize=undefined,hwaddress -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=HWASAN
// RUN: not %morestack_clang_nosan -fsanitize=safe-stack %t.nonexistent.o -o %t 2>&1 | FileCheck %s --check-prefix=SAFESTACK
// RUN: not %morestack_clang_nosan -fsanitize=address -fsanitize-address-use-after-return=always -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=UAR
// REQUIRES: asan-runtime
// RUN: %morestack_clang_nosan -fsanitize=address,undefined -O1 -c %s -o %t.o
// RUN: %morestack_clang_nosan -fsanitize=address,undefined %t.o -o %t
// RUN: env MORESTACK_MAIN_STACK=2K %t | FileCheck %s
//
// MSAN: morestack-clang: error: '-fsanitize=memory': MemorySanitizer is not supported with morestack
// HWASAN: morestack-clang: error: '-fsanitize=undefined,hwaddress': HWASan is not supported with morestack
// SAFESTACK: morestack-clang: error: '-fsanitize=safe-stack': SafeStack is not supported with morestack
// UAR: morestack-clang: error: '-fsanitize-address-use-after-return=always': not supported with morestack
// CHECK: sum 5050, on a managed stack: 1

#include <morestack/morestack.h>
#include <stdio.h>

static int sum(int n) {
  volatile char pad[100];
  pad[0] = (char)n;
  return n ? n + sum(n - 1) + pad[0] - (char)n : 0;
}

int main(void) {
  morestack_stack_stats s;
  printf("sum %d, on a managed stack: %d\n", sum(100), morestack_current_stack_stats(&s));
  return 0;
}

// Sanitizers and the plugin (docs/plugin.md, "Sanitizers"):
//  - those that cannot work with moving stacks are refused, with the
//    reason, and no object is produced;
//  - under ASan and TSan the sanitizer passes run before the plugin's, so
//    the calls they add get call-site checks (their runtime functions are
//    unknown callees: 16 KiB), ASan's frames and their objects go to the
//    side stack, and ASan's fake stacks and dynamic-alloca instrumentation
//    are off.
//
// RUN: not %clang -fplugin=%plugin -I%include -fsanitize=memory -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=MSAN
// RUN: not %clang -fplugin=%plugin -I%include -fsanitize=safe-stack -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=SAFESTACK
// RUN: not %clang -fplugin=%plugin -I%include -fsanitize=dataflow -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=DFSAN
// RUN: not %clang -fplugin=%plugin -I%include -fsanitize=address -fsanitize-address-use-after-return=always -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=UAR
// RUN: %clang -fplugin=%plugin -I%include -O1 -fsanitize=address -S -emit-llvm %s -o - | FileCheck %s --check-prefix=ASAN
// RUN: %clang -fplugin=%plugin -I%include -O0 -fsanitize=address -S -emit-llvm %s -o - | FileCheck %s --check-prefix=ASAN
// RUN: %clang -fplugin=%plugin -I%include -O1 -fsanitize=thread -S -emit-llvm %s -o - | FileCheck %s --check-prefix=TSAN
//
// MSAN: error: morestack: -fsanitize=memory is not supported: MemorySanitizer needs every function
// SAFESTACK: error: morestack: -fsanitize=safe-stack is not supported
// DFSAN: error: morestack: -fsanitize=dataflow is not supported
// UAR: error: morestack: -fsanitize-address-use-after-return=always is not supported
//
// ASan's report call is checked (an unknown callee: the marker symbol, 16 KiB
// when undefined), its frame is on the side stack, no fake stack, and the
// VLA is a side-stack bump without ASan's alloca redzones:
// ASAN-LABEL: define {{.*}}i32 @f(
// ASAN-NOT: __asan_stack_malloc
// ASAN-NOT: __asan_alloca_poison
// ASAN: __morestack_side_more
// ASAN: __asan_report_store4.morestack_need
// ASAN: call void @__morestack_reserve(
// ASAN-NEXT: br
// ASAN: call void @__asan_report_store4(
//
// TSan's calls are checked before they are made:
// TSAN-LABEL: define {{.*}}i32 @f(
// TSAN: __tsan_func_entry.morestack_need
// TSAN: call void @__tsan_func_entry(

void use(int *p, int n);

int f(int n) {
  int a[8];
  int v[n];
  a[n] = 1;
  use(a, n);
  use(v, n);
  return a[0];
}

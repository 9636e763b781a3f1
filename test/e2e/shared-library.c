// Shared libraries built with morestack-clang -shared: their stack checks
// bind to the executable's runtime (the executable exports __morestack*,
// the library carries only weak fallbacks, runtime/shlib_shim.S), their
// stack maps register when they load (and unregister when dlclose()d), and
// a stack grows inside them like anywhere else. The same library also runs
// in a program built without morestack.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %morestack_clang -O2 -fPIC -shared %S/Inputs/shared-lib.c -o %t.dir/libmsl.so
// RUN: %morestack_clang -O2 -fPIC -shared -DSECOND %S/Inputs/shared-lib.c -o %t.dir/libmsl2.so
// RUN: llvm-readelf -d %t.dir/libmsl.so | FileCheck %s --check-prefix=DYN
// RUN: %dump_maps %t.dir/libmsl.so | FileCheck %s --check-prefix=MAPS
// RUN: %morestack_clang -O2 %s -L%t.dir -lmsl -Wl,-rpath,%t.dir -ldl -o %t.dir/app
// RUN: env MORESTACK_MAIN_STACK=2K %t.dir/app %t.dir/libmsl2.so 2>&1 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.dir/app %t.dir/libmsl2.so 2>&1 | FileCheck %s
// RUN: %clang -O2 -I%include -DPLAIN %s -L%t.dir -lmsl2 -Wl,-rpath,%t.dir -o %t.dir/plain
// RUN: %t.dir/plain | FileCheck %s --check-prefix=PLAIN
//
// DYN: (FLAGS) BIND_NOW
// MAPS: lib_deep: frame {{[0-9]+}}, split frame-known, code
// MAPS: lib_print_backtrace: frame {{[0-9]+}}, split frame-known{{( rbp-frame)?}}, code
//
// CHECK: modules with maps: 2
// CHECK-NEXT: lib_deep: ok, grew: yes, doubles untouched: yes
// CHECK-NEXT: morestack: backtrace of main (thread 1) (4 frames):
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} lib_print_backtrace, {{[0-9]+}} bytes
// CHECK-NEXT: #1 0x{{[0-9a-f]+}} lib_print_backtrace, {{[0-9]+}} bytes
// CHECK-NEXT: #2 0x{{[0-9a-f]+}} lib_print_backtrace, {{[0-9]+}} bytes
// CHECK-NEXT: #3 0x{{[0-9a-f]+}} main, {{[0-9]+}} bytes
// CHECK-NEXT: dlopen: modules with maps: 3, lib_deep: ok
// CHECK-NEXT: dlclose: modules with maps: 2
// PLAIN: plain program: lib_deep: ok

#include <dlfcn.h>
#include <morestack/morestack.h>
#include <stdint.h>
#include <stdio.h>

int lib_deep(int n, int *parent, uintptr_t *bits_ok);
void lib_print_backtrace(int depth);

static size_t modules(void) {
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  return s.map_modules;
}

int main(int argc, char **argv) {
  uintptr_t bits_ok = 1;
  int r = lib_deep(3000, 0, &bits_ok);
#ifdef PLAIN
  printf("plain program: lib_deep: %s\n", r == 0 ? "ok" : "wrong");
  return 0;
#else
  printf("modules with maps: %zu\n", modules());
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  printf("lib_deep: %s, grew: %s, doubles untouched: %s\n", r == 0 ? "ok" : "wrong",
         st.growths ? "yes" : "no", bits_ok ? "yes" : "no");
  fflush(stdout);
  lib_print_backtrace(2);
  fflush(stderr);

  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    printf("dlopen: %s\n", dlerror());
    return 1;
  }
  int (*deep2)(int, int *, uintptr_t *) = (int (*)(int, int *, uintptr_t *))dlsym(h, "lib_deep");
  r = deep2(2000, 0, &bits_ok);
  printf("dlopen: modules with maps: %zu, lib_deep: %s\n", modules(), r == 0 && bits_ok ? "ok" : "wrong");
  dlclose(h);
  printf("dlclose: modules with maps: %zu\n", modules());
  return 0;
#endif
}

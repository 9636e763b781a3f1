// Shared libraries built with morestack-clang -shared: their stack checks
// bind to the executable's runtime (the executable exports __morestack*;
// every object of the library carries hidden stubs that jump to those
// exports through the GOT, plugin/RuntimeStubs.h), their stack maps
// register when they load (and unregister when dlclose()d), and a stack
// grows inside them like anywhere else. The same library also runs in a
// program built without morestack.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %morestack_clang -O2 -fPIC -shared %S/Inputs/shared-lib.c -o %t.dir/libmsl.so
// RUN: %morestack_clang -O2 -fPIC -shared -DSECOND %S/Inputs/shared-lib.c -o %t.dir/libmsl2.so
// RUN: %dump_maps %t.dir/libmsl.so | FileCheck %s --check-prefix=MAPS
// RUN: %morestack_clang -O2 %s -L%t.dir -lmsl -Wl,-rpath,%t.dir -ldl -o %t.dir/app
// RUN: env MORESTACK_MAIN_STACK=2K %t.dir/app %t.dir/libmsl2.so 2>&1 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.dir/app %t.dir/libmsl2.so 2>&1 | FileCheck %s
// RUN: %clang -O2 -I%include -DPLAIN %s -L%t.dir -lmsl2 -Wl,-rpath,%t.dir -o %t.dir/plain
// RUN: %t.dir/plain | FileCheck %s --check-prefix=PLAIN
//
// Export control, as distribution builds of libraries do it, changes
// nothing: a version script that exports one symbol, hidden visibility by
// default, --exclude-libs (for the library built from an archive).
// RUN: printf '{ global: lib_deep; local: *; };\n' > %t.dir/only.map
// RUN: %morestack_clang -O2 -fPIC -shared -DSECOND %S/Inputs/shared-lib.c -Wl,--version-script=%t.dir/only.map -o %t.dir/libvs.so
// RUN: %morestack_clang -O2 -fPIC -shared -DSECOND -DEXPORT_ONE -fvisibility=hidden %S/Inputs/shared-lib.c -o %t.dir/libhid.so
// RUN: %morestack_clang -O2 -fPIC -DSECOND -Dlib_deep=lib_deep_in_archive -c %S/Inputs/shared-lib.c -o %t.dir/part.o
// RUN: rm -f %t.dir/libpart.a && llvm-ar rc %t.dir/libpart.a %t.dir/part.o
// RUN: printf '#include <stdint.h>\nint lib_deep_in_archive(int, int *, uintptr_t *);\nint lib_deep(int n, int *p, uintptr_t *ok) { return lib_deep_in_archive(n, p, ok); }\n' > %t.dir/entry.c
// RUN: %morestack_clang -O2 -fPIC -shared %t.dir/entry.c %t.dir/libpart.a -Wl,--exclude-libs,ALL -o %t.dir/libex.so
// RUN: llvm-readelf --dyn-syms %t.dir/libvs.so | FileCheck %s --check-prefix=HIDDEN
// RUN: env MORESTACK_MAIN_STACK=2K %t.dir/app %t.dir/libvs.so 2>&1 | FileCheck %s --check-prefix=DLOPEN
// RUN: env MORESTACK_MAIN_STACK=2K %t.dir/app %t.dir/libhid.so 2>&1 | FileCheck %s --check-prefix=DLOPEN
// RUN: env MORESTACK_MAIN_STACK=2K %t.dir/app %t.dir/libex.so 2>&1 | FileCheck %s --check-prefix=DLOPEN
// The library's own stubs are not exported; it refers to the runtime's twins:
// HIDDEN-NOT: {{ }}__morestack{{$}}
// HIDDEN: WEAK DEFAULT UND __morestack_export
// DLOPEN: dlopen: modules with maps: 3, lib_deep: ok
//
// A program that has the runtime but does not export it (linked by hand,
// without --export-dynamic-symbol) gets a message, not a jump to address 0,
// when a library it dlopen()s needs to grow the stack.
// RUN: %clang -O2 -I%include -DNO_LINKED_LIBRARY %s -fuse-ld=lld -Wl,-z,now -Wl,--whole-archive %rt_lib -Wl,--no-whole-archive -ldl -o %t.dir/noexport
// RUN: env MORESTACK_MAIN_STACK=2K not --crash %t.dir/noexport %t.dir/libmsl2.so 2>&1 | FileCheck %s --check-prefix=UNBOUND
// UNBOUND: morestack: fatal: code built with the morestack plugin in a shared library found a managed stack, but the program's runtime does not export its entry points to shared libraries
//
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
  int r;
#ifdef PLAIN
  r = lib_deep(3000, 0, &bits_ok);
  printf("plain program: lib_deep: %s\n", r == 0 ? "ok" : "wrong");
  return 0;
#else
#ifndef NO_LINKED_LIBRARY /* NO_LINKED_LIBRARY: only dlopen() */
  r = lib_deep(3000, 0, &bits_ok);
  printf("modules with maps: %zu\n", modules());
  morestack_stack_stats st;
  morestack_current_stack_stats(&st);
  printf("lib_deep: %s, grew: %s, doubles untouched: %s\n", r == 0 ? "ok" : "wrong",
         st.growths ? "yes" : "no", bits_ok ? "yes" : "no");
  fflush(stdout);
  lib_print_backtrace(2);
  fflush(stderr);
#endif
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

// C++ throws on small stacks: libstdc++'s __cxa_throw and compiled landing
// pads reach the runtime's _Unwind_RaiseException / _Unwind_Resume, which
// run libgcc's unwinder on the system stack (runtime/unwinder.cpp), so a
// program's first throw (cold unwinder caches, about 5 KiB of unwinder
// stack) from a 2 KiB fiber leaves the fiber at 4 KiB or less (the throw
// site keeps 1600 bytes free, MORESTACK_LIBRARY_THROW_NEED); 20 frames down
// (about 2.5 KiB of frames), at 8 KiB or less: every frame's cleanup
// resumes the unwinding through the runtime's _Unwind_Resume. Here libstdc++
// arrives late: a C program dlopens a C++ library built with the plugin; the
// wrapper exports the runtime's entries so that libstdc++ binds to them.
// Linked without that export, libgcc's entries would win and throws would
// run the unwinder on the fiber: the runtime stops the program when the
// library registers, naming the fix.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %morestack_clangxx -O0 -fPIC -shared %S/Inputs/throw-lib.cpp -o %t.dir/libthrow0.so
// RUN: %morestack_clangxx -O2 -fPIC -shared %S/Inputs/throw-lib.cpp -o %t.dir/libthrow2.so
// RUN: %morestack_clang -O2 %s -ldl -o %t.dir/host
// RUN: %t.dir/host %t.dir/libthrow0.so | FileCheck %s
// RUN: %t.dir/host %t.dir/libthrow2.so | FileCheck %s
// RUN: env MORESTACK_VERIFY=1 %t.dir/host %t.dir/libthrow0.so | FileCheck %s
//
// CHECK: depth 1: cleanups 2, fiber stack at most 4 KiB: yes
// CHECK: depth 20: cleanups 21, fiber stack at most 8 KiB: yes
//
// The same host with a version script that keeps the entries local (as a
// distribution build that exports only its own API might):
// RUN: printf '{ global: *; local: _Unwind_R*; };\n' > %t.dir/local.map
// RUN: %morestack_clang -O2 %s -ldl -Wl,--version-script=%t.dir/local.map -o %t.dir/noexport
// RUN: llvm-nm -D %t.dir/noexport | FileCheck %s --check-prefix=NM
// NM-NOT: _Unwind_R
// RUN: not --crash %t.dir/noexport %t.dir/libthrow2.so 2>&1 | FileCheck %s --check-prefix=NOEXPORT
// NOEXPORT: morestack: fatal: _Unwind_RaiseException resolves to the unwinder's own definition, not the runtime's: {{.*}}-Wl,--export-dynamic-symbol=_Unwind_R*

#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) {
    printf("dlopen: %s\n", dlerror());
    return 1;
  }
  int (*throw_in_fiber)(int, size_t *) = (int (*)(int, size_t *))dlsym(lib, "lib_throw_in_fiber");
  static const int depths[] = {1, 20}, kib[] = {4, 8};
  for (int i = 0; i < 2; ++i) {
    size_t size = 0;
    int cleanups = throw_in_fiber(depths[i], &size);
    printf("depth %d: cleanups %d, fiber stack at most %d KiB: %s\n", depths[i], cleanups, kib[i],
           size <= (size_t)kib[i] * 1024 ? "yes" : "no");
  }
  return 0;
}

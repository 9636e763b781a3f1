// -c, -S, -E, -M, -MM and -fsyntax-only compile (with the plugin and the
// include directory) but never link: the wrapper adds no link flags, which
// -Werror would turn into "argument unused during compilation" errors.
//
// RUN: %morestack_clang -c -O1 -Werror %s -o %t.o -morestack-show 2> %t.show
// RUN: FileCheck %s --check-prefix=SHOW --implicit-check-not=-fuse-ld --implicit-check-not=whole-archive --implicit-check-not=-ldl < %t.show
// SHOW: morestack-clang: {{.*}} -c {{.*}}-fplugin={{.*}} -I{{.*}}include{{$}}
//
// RUN: llvm-readelf -h -S %t.o | FileCheck %s --check-prefix=OBJ
// OBJ: Type: REL
// OBJ: .note.GNU-split-stack
// RUN: llvm-objdump -d --no-show-raw-insn %t.o | FileCheck %s --check-prefix=DIS
// DIS-LABEL: <helper>:
// DIS-NEXT: cmpq %fs:{{0x70|112}}, %rsp
//
// RUN: %morestack_clang -S -O2 -Werror %s -o - | FileCheck %s --check-prefix=ASM
// ASM-LABEL: helper:
// ASM: cmpq %fs:{{0x70|112}}, %rsp
// ASM: .section ".note.GNU-split-stack"
//
// -E: the include directory is there (<morestack/abi.h> is found) and user
// macros arrive intact, quotes and spaces included. (-Werror does not apply to
// -E: clang would only warn about link flags, so stderr must be empty.)
// RUN: %morestack_clang -E %s '-DMSG="a b"' "-DPAIR=1 + 2" 2> %t.pp.err | FileCheck %s --check-prefix=PP
// RUN: count 0 < %t.pp.err
// PP: const char *msg = "a b";
// PP: int pair = 1 + 2;
// PP: unsigned long guard_offset = 0x70;
//
// RUN: %morestack_clang -M -Werror %s -DMSG=0 -DPAIR=0 | FileCheck %s --check-prefix=DEP
// RUN: %morestack_clang -MM -Werror %s -DMSG=0 -DPAIR=0 | FileCheck %s --check-prefix=DEP
// DEP: compile-only.o: {{.*}}compile-only.c
// DEP: morestack{{/|\\}}abi.h
//
// RUN: %morestack_clang -fsyntax-only -Werror %s -DMSG=0 -DPAIR=0

#include <morestack/abi.h>

#ifdef MSG
const char *msg = MSG;
int pair = PAIR;
unsigned long guard_offset = MORESTACK_GUARD_TLS_OFFSET;
#endif

__attribute__((noinline)) static int leaf(int x) {
  volatile int a[4];
  a[x & 3] = x;
  return a[x & 3];
}

int helper(int x) { return leaf(x) * 2 + 1; }

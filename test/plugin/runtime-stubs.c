// Every module with checked functions carries hidden stubs of the runtime's
// entry points (plugin/RuntimeStubs.h): COMDAT, hidden, kept at every
// optimisation level although only the backend's prologue names them, each
// a jump through the GOT to a weak reference to the executable's twin.
//
// RUN: %clang -fplugin=%plugin -O2 -c %s -o %t.o
// RUN: llvm-readelf -s %t.o | FileCheck %s --check-prefix=SYM
// RUN: llvm-objdump -d --no-show-raw-insn -r %t.o | FileCheck %s --check-prefix=DIS
// RUN: %clang -fplugin=%plugin -O0 -c %s -o %t0.o
// RUN: llvm-readelf -s %t0.o | FileCheck %s --check-prefix=SYM
// A module with nothing checked gets none:
// RUN: %clang -fplugin=%plugin -O2 -DONLY_NOSPLIT -c %s -o %t.ns.o
// RUN: llvm-readelf -s %t.ns.o | FileCheck %s --check-prefix=NONE
//
// SYM-DAG: FUNC WEAK HIDDEN {{.*}} __morestack{{$}}
// SYM-DAG: FUNC WEAK HIDDEN {{.*}} __morestack_non_split{{$}}
// SYM-DAG: FUNC WEAK HIDDEN {{.*}} __morestack_reserve{{$}}
// SYM-DAG: FUNC WEAK HIDDEN {{.*}} __morestack_allocate_stack_space{{$}}
// SYM-DAG: FUNC WEAK HIDDEN {{.*}} __morestack_unbound{{$}}
// SYM-DAG: NOTYPE WEAK DEFAULT UND __morestack_export{{$}}
// SYM-DAG: NOTYPE WEAK DEFAULT UND __morestack_reserve_export{{$}}
// DIS-LABEL: <__morestack>:
// DIS-NEXT: movq (%rip), %r11
// DIS-NEXT: R_X86_64_REX_GOTPCRELX __morestack_export-0x4
// DIS-NEXT: testq %r11, %r11
// DIS-NEXT: je
// DIS-NEXT: R_X86_64_PLT32 __morestack_unbound
// DIS-NEXT: jmpq *%r11
// NONE-NOT: __morestack{{(_non_split|_reserve|_unbound|_export)?}}{{$}}

void use(char *);

#ifdef ONLY_NOSPLIT
__attribute__((nosplit)) void f(void) {}
#else
void f(void) {
  char buf[512];
  use(buf);
}
#endif

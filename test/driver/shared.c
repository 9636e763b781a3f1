// -shared and -r links use lld but leave the runtime (and with it
// __libc_start_main) and the -morestack-no-whole-program symbol to the final
// executable (which must have the runtime exactly once). A shared library
// needs nothing more: its objects carry hidden stubs of the runtime's entry
// points (plugin/RuntimeStubs.h), which keep libgcc's split-stack runtime out
// and jump to the executable's runtime.
//
// RUN: %morestack_clang -### -shared -fPIC %s -o %t.so 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=CHECK,NOW --implicit-check-not=libmorestack --implicit-check-not=__morestack_no_whole_program
// RUN: %morestack_clang -### -r %s -o %t.r.o 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=libmorestack_rt --implicit-check-not=whole-archive --implicit-check-not=__morestack_no_whole_program --implicit-check-not=warning
// RUN: %morestack_clang -### -morestack-no-whole-program -shared -fPIC %s -o %t.so 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=libmorestack --implicit-check-not=__morestack_no_whole_program
// RUN: %morestack_clang -### -morestack-no-whole-program -r %s -o %t.r.o 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=libmorestack_rt --implicit-check-not=whole-archive --implicit-check-not=__morestack_no_whole_program --implicit-check-not=warning
// CHECK: "-cc1"{{.*}} "-load" "{{[^"]*}}MorestackPlugin{{[^"]*}}"
// CHECK: "{{[^"]*}}ld.lld"
// Bound at load time, like every module with code built with the plugin:
// NOW-SAME: "-z" "now"
//
// And it really links: a shared library built by the wrapper; its
// libc-calling function keeps its prologue (the call is checked).
// RUN: %morestack_clang -O1 -shared -fPIC %s -o %t.so 2> %t.warn
// RUN: count 0 < %t.warn
// RUN: llvm-objdump -d --no-show-raw-insn %t.so | FileCheck %s --check-prefix=DIS
// DIS-LABEL: <lib_calls_libc>:
// DIS-NEXT: cmpq %fs:0x70, %rsp
// Nor does the library define __libc_start_main (or any runtime symbol but
// the local stubs), nor libgcc's split-stack runtime.
// RUN: llvm-nm %t.so | FileCheck %s --check-prefix=SYMS --implicit-check-not=__libc_start_main --implicit-check-not=morestack_current_stack_stats --implicit-check-not=__morestack_segments --implicit-check-not=__generic_morestack
// SYMS: t __morestack
// SYMS: w __morestack_export
// SYMS: T lib_calls_libc

#include <stdio.h>

int lib_calls_libc(const char *s) { return puts(s) + 1; }

// Every assembly routine of runtime/morestack.S has CFI that is right at
// every instruction: stopped at each one in turn, gdb's backtrace reaches
// main or the fiber's base with every frame named (Inputs/gdb_cfi_check.py
// single-steps the routine; a callee is checked at its first instruction:
// __morestack_grow on the system stack, snprintf, the shrink, the printing
// of a backtrace). Across a move too: the save area is found where the
// grown stack has it.
//
// REQUIRES: gdb
// RUN: %morestack_clang -O1 -g %s -o %t
// RUN: %t 2>&1 | FileCheck %s --check-prefix=OUT
// OUT: morestack: backtrace of fiber 1
// OUT: {{^}}3
// RUN: %gdb_cfi -ex "break *__morestack" -ex run -ex "cfi-check __morestack" %t 2>&1 | FileCheck %s --check-prefix=GROW
// GROW: in callee __morestack_grow: __morestack <- grow <- grow
// GROW: cfi-check: {{[0-9]+}} instructions, 1 callees, 0 bad backtraces
// RUN: %gdb_cfi -ex "break *__morestack_reserve" -ex run -ex "cfi-check __morestack_reserve __morestack" %t 2>&1 | FileCheck %s --check-prefix=RESERVE
// RESERVE: in callee __morestack_grow: __morestack <- parse <- body
// RESERVE: cfi-check: {{[0-9]+}} instructions, 1 callees, 0 bad backtraces
// RUN: %gdb_cfi -ex "break *__morestack_switch" -ex run -ex "cfi-check __morestack_switch" -ex continue -ex "cfi-check __morestack_switch" %t 2>&1 | FileCheck %s --check-prefix=SWITCH
// SWITCH: cfi-check: 22 instructions, 0 callees, 0 bad backtraces
// SWITCH: cfi-check: 22 instructions, 0 callees, 0 bad backtraces
// RUN: %gdb_cfi -ex "break *__morestack_fiber_entry" -ex run -ex "cfi-check -no-return __morestack_fiber_base" %t 2>&1 | FileCheck %s --check-prefix=ENTRY
// ENTRY: in callee morestack::(anonymous namespace)::fiber_main: __morestack_fiber_base
// ENTRY: cfi-check: 2 instructions, 1 callees, 0 bad backtraces
// RUN: %gdb_cfi -ex "break *__morestack_call_on_system" -ex run -ex "cfi-check __morestack_call_on_system __morestack" %t 2>&1 | FileCheck %s --check-prefix=SYSTEM
// SYSTEM: in callee {{.*}}snprintf: __morestack <- {{(format <- )?}}body
// SYSTEM: cfi-check: {{[0-9]+}} instructions, 1 callees, 0 bad backtraces
// RUN: %gdb_cfi -ex "break *morestack_shrink_stack" -ex run -ex "cfi-check morestack_shrink_stack __morestack" %t 2>&1 | FileCheck %s --check-prefix=SHRINK
// SHRINK: in callee __morestack_shrink_current: __morestack <- body
// SHRINK: cfi-check: {{[0-9]+}} instructions, 1 callees, 0 bad backtraces
// RUN: %gdb_cfi -ex "break *__morestack_call_on_system_stack" -ex run -ex "cfi-check __morestack_call_on_system_stack __morestack" %t 2>&1 | FileCheck %s --check-prefix=ONSYSTEM
// ONSYSTEM: in callee {{.*}}print_backtrace: __morestack <- morestack::on_system_stack <- morestack_print_backtrace <- body
// ONSYSTEM: cfi-check: {{[0-9]+}} instructions, 1 callees, 0 bad backtraces
// RUN: %gdb_cfi -ex "break *__morestack_call_on_stack" -ex run -ex "cfi-check __morestack_call_on_stack" %t 2>&1 | FileCheck %s --check-prefix=MAIN
// MAIN: in callee {{.*}}call_main: __morestack_call_on_stack <- __morestack_run_thread
// MAIN: cfi-check: {{[0-9]+}} instructions, 1 callees, 0 bad backtraces
#include <morestack/morestack.h>
#include <stdio.h>
#include <stdlib.h>

#include "Inputs/grow.h"

static char buf[64];
// A call-site check before strtod on a fresh 2 KiB fiber: __morestack_reserve.
__attribute__((noinline)) double parse(void) { return strtod("2.5", 0); }
// snprintf runs on the system stack (__morestack_call_on_system).
__attribute__((noinline)) int format(int n) { return snprintf(buf, sizeof buf, "%d", n); }

static void body(void *arg) {
  (void)arg;
  parse();
  grow(20);  // __morestack, a move
  format(3);
  morestack_shrink_stack();
  morestack_print_backtrace(0);  // on the system stack (__morestack_call_on_system_stack)
  morestack_fiber_yield();
}

int main(void) {
  morestack_fiber *f = morestack_fiber_create(body, 0, 0);
  morestack_fiber_resume(f);
  morestack_fiber_resume(f);
  morestack_fiber_destroy(f);
  puts(buf);
  return 0;
}

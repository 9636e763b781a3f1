// gdb/morestack-gdb.py, loaded by gdb from the program itself
// (runtime/gdb_script.S): `info fibers` lists every live fiber with its
// state, stack and where it is parked; `fiber bt N` shows a parked fiber's
// backtrace; `info stacks` the current stacks. And across a move of the
// stack (fiber 1 grows from 2 KiB to 128 KiB inside deep()): `finish` out
// of a frame stops in the caller at its new place with the value
// returned, `next` over the call stops at the next line, and a watchpoint
// on a local is moved to the local's new address (gdb alone runs to the
// end of the program in the first two cases and deletes the watchpoint).
//
// REQUIRES: gdb
// RUN: %morestack_clang -O0 -g %s -o %t
// RUN: %gdb -ex "break report" -ex run -ex "info fibers" -ex "fiber bt 2" -ex "fiber bt 3" -ex "fiber bt 1 1" -ex "fiber 2 frame 1" -ex "info stacks" -ex "bt 1" %t 2>&1 | FileCheck %s --check-prefix=FIBERS
// FIBERS:      Id State       Stack            Used Peak    Function Where
// FIBERS-NEXT: 1  suspended   128 KiB          {{.*}} 128 KiB fiber_fn parked ({{.*}}gdb-fibers.c:[[#PARK:]])
// FIBERS-NEXT: 2  suspended   {{.*}} fiber_fn parked ({{.*}}gdb-fibers.c:[[#PARK]])
// FIBERS-NEXT: 3  not started 2 KiB            -    2 KiB   fiber_fn -
// FIBERS:      #0 {{.*}}__morestack_switch ()
// FIBERS-NEXT: #1 {{.*}} in parked (depth=7) at {{.*}}gdb-fibers.c:[[#PARK]]
// FIBERS-NEXT: #2 {{.*}} in fiber_fn (arg=0x3) at
// FIBERS-NEXT: #3 {{.*}} in morestack::(anonymous namespace)::fiber_main
// FIBERS-NEXT: #4 {{.*}} in __morestack_fiber_base ()
// FIBERS-NEXT: Fiber 3 has not started: it will run fiber_fn.
// FIBERS-NEXT: #0 {{.*}}__morestack_switch ()
// FIBERS-NEXT: #1 {{.*}} in parked (depth=7) at {{.*}}gdb-fibers.c:[[#PARK]]
// FIBERS-NEXT: [[#PARK]] {{.*}}morestack_fiber_yield();
// FIBERS-NEXT: thread 1: main, [{{.*}}), 8 MiB, {{.*}} in use, peak 8 MiB, 0 growths, grows in place, limit 256 MiB
// FIBERS-NEXT: #0  report () at
//
// RUN: %gdb -ex "break work" -ex run -ex finish -ex 'p $' -ex "bt" %t 2>&1 | FileCheck %s --check-prefix=FINISH
// FINISH:      morestack: the stack moved during the call; stopped in the caller at its new place
// FINISH-NEXT: #0 {{.*}} in fiber_fn (arg=0xc8) at {{.*}}gdb-fibers.c:[[#WORK:]]
// FINISH-NEXT: [[#WORK]] long x = work((long)arg);
// FINISH-NEXT: Value returned is $[[#]] = 1413
// FINISH-NEXT: $[[#]] = 1413
// FINISH-NEXT: #0 {{.*}} in fiber_fn (arg=0xc8)
// FINISH-NEXT: #1 {{.*}} in morestack::(anonymous namespace)::fiber_main
// FINISH-NEXT: #2 {{.*}} in __morestack_fiber_base ()
//
// RUN: %gdb -ex "break work" -ex run -ex next -ex "info locals" -ex next -ex "info locals" %t 2>&1 | FileCheck %s --check-prefix=NEXT
// NEXT:      long r = deep(n);
// NEXT-NEXT: return work_done(r);
// NEXT-NEXT: r = 1412
// NEXT-NEXT: fiber_fn (arg=0xc8) at
// NEXT-NEXT: parked(7);
// NEXT-NEXT: x = 1413
//
// Six moves (2 KiB to 128 KiB), each a stop that replaces the watchpoint;
// at the line after the call, the last one watches r where it is now.
// RUN: %gdb -ex "break work" -ex "break work_done" -ex run -ex "watch r" -ex continue -ex continue -ex continue -ex continue -ex continue -ex continue -ex continue -ex up -ex "p &r" -ex "info watchpoints" %t 2>&1 | FileCheck %s --check-prefix=WATCH
// WATCH:      Hardware watchpoint 3: r
// WATCH:      morestack: the stack moved; watchpoint 3 (r) follows it to {{0x[0-9a-f]+}} as watchpoint 4
// WATCH-NEXT: morestack: stopped where the stack moved (continue to go on)
// WATCH:      morestack: the stack moved; watchpoint 8 (r) follows it to [[ADDR:0x[0-9a-f]+]] as watchpoint 9
// WATCH:      Breakpoint 2, work_done (r=1412)
// WATCH:      $1 = (long *) [[ADDR]]
// WATCH:      9 hw watchpoint keep y{{.*}}*(long *)[[ADDR]]
//
// Without the script, gdb's `finish` misses the moved frame:
// RUN: gdb -batch -nx -iex 'set auto-load safe-path /' -iex "set auto-load python-scripts off" -ex "break work" -ex run -ex finish -ex "bt 1" %t 2>&1 | FileCheck %s --check-prefix=PLAIN
// PLAIN:      Breakpoint 1, work (n=200)
// PLAIN-NOT:  Value returned
// PLAIN:      Breakpoint 1, work (n=3)
#include <morestack/morestack.h>
#include <stdio.h>

__attribute__((noinline)) long deep(long n) {
  volatile char b[512];
  b[n % 512] = (char)n;
  if (n == 0) return b[0];
  return deep(n - 1) + b[n % 512];
}

__attribute__((noinline)) long work_done(long r) { return r + 1; }

__attribute__((noinline)) long work(long n) {
  long r = deep(n);
  return work_done(r);
}

__attribute__((noinline)) void parked(int depth) {
  if (depth > 0) morestack_fiber_yield();
}

static void fiber_fn(void *arg) {
  long x = work((long)arg);
  parked(7);
  printf("fiber result %ld\n", x);
}

__attribute__((noinline)) void report(void) { puts("parked"); }

int main(void) {
  morestack_fiber *f = morestack_fiber_create(fiber_fn, (void *)200, 0);
  morestack_fiber *g = morestack_fiber_create(fiber_fn, (void *)3, 0);
  morestack_fiber *h = morestack_fiber_create(fiber_fn, (void *)1, 0);
  morestack_fiber_resume(f);
  morestack_fiber_resume(g);
  report();
  morestack_fiber_resume(f);
  morestack_fiber_resume(g);
  morestack_fiber_destroy(f);
  morestack_fiber_destroy(g);
  morestack_fiber_destroy(h);
  return 0;
}

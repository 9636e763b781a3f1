// The nosplit budget check (docs/plugin.md, "The nosplit budget"): after
// code generation, every chain of unchecked functions must fit
// MORESTACK_NOSPLIT_BUDGET (768 bytes): 8 bytes of return address per call,
// each frame (the backend's -fstack-usage number), the red zone (128) of a
// final leaf, and 8 + 120 for a call that ends the chain (a checked callee
// whose check may call __morestack). Over budget or recursive: an error
// naming every function of the chain, with running totals and the overage.
//
// Chains that fit: no diagnostic, and the report shows their size.
// RUN: %clang -fplugin=%plugin -O0 -DFITS -c %s -o %t.o -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefixes=FITS,FITS0 --implicit-check-not=error: --implicit-check-not=warning:
// RUN: %clang -fplugin=%plugin -O2 -DFITS -c %s -o %t.o -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefixes=FITS,FITS2 --implicit-check-not=error: --implicit-check-not=warning:
//
// Chains that do not fit: errors, and no object file.
// RUN: rm -f %t.o
// RUN: not %clang -fplugin=%plugin -O0 -DOVER -c %s -o %t.o 2>&1 | FileCheck %s --check-prefixes=OVER,OVER0
// RUN: not ls %t.o
// RUN: not %clang -fplugin=%plugin -O2 -DOVER -c %s -o %t.o 2>&1 | FileCheck %s --check-prefixes=OVER,OVER2
// RUN: not ls %t.o
// RUN: not %clang -fplugin=%plugin -O2 -DOVER -S %s -o /dev/null 2>&1 | FileCheck %s --check-prefixes=OVER,OVER2
// The same with the report on (it shares the consumer that runs the check):
// RUN: not %clang -fplugin=%plugin -O2 -DOVER -c %s -o %t.o -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefixes=OVER,OVER2,OVER-REPORT
//
// nosplit-budget=warn: the same text as warnings; the object is written.
// RUN: %clang -fplugin=%plugin -O2 -DOVER -c %s -o %t.o -fplugin-arg-morestack-nosplit-budget=warn 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: ls %t.o
// RUN: not %clang -fplugin=%plugin -O2 -DOVER -c %s -o /dev/null -fplugin-arg-morestack-nosplit-budget=warn -Werror 2>&1 | FileCheck %s --check-prefix=WERROR
// nosplit-budget=off (and =error, the default, spelled out):
// RUN: %clang -fplugin=%plugin -O2 -DOVER -DRECURSION -c %s -o /dev/null -fplugin-arg-morestack-nosplit-budget=off 2>&1 | count 0
// RUN: not %clang -fplugin=%plugin -O2 -DOVER -c %s -o /dev/null -fplugin-arg-morestack-nosplit-budget=error 2>&1 | FileCheck %s --check-prefixes=OVER,OVER2
// RUN: not %clang -fplugin=%plugin -c %s -o /dev/null -fplugin-arg-morestack-nosplit-budget=maybe 2>&1 | FileCheck %s --check-prefix=BADARG
//
// Recursion among unchecked functions: an error naming the cycle.
// RUN: not %clang -fplugin=%plugin -O0 -DRECURSION -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=REC
// RUN: not %clang -fplugin=%plugin -O2 -DRECURSION -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s --check-prefix=REC
//
// Calls from an unchecked function to C library functions: a warning (the
// library has no check and its stack use is unknown), even without code
// generation; off turns it off too.
// RUN: %clang -fplugin=%plugin -O2 -DLIBC -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIBC
// RUN: %clang -fplugin=%plugin -O2 -DLIBC -S -emit-llvm %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIBC
// RUN: %clang -fplugin=%plugin -O2 -DLIBC -c %s -o /dev/null -fplugin-arg-morestack-nosplit-budget=off 2>&1 | count 0
//
// A function declared nosplit and defined in another file: its own file's
// check only promises that its chain fits the whole budget, so a chain that
// calls it cannot fit.
// RUN: not %clang -fplugin=%plugin -O0 -DCROSS -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=CROSS
// RUN: not %clang -fplugin=%plugin -O2 -DCROSS -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=CROSS
//
// Without code generation there are no frame sizes, hence no check:
// RUN: %clang -fplugin=%plugin -O2 -DOVER -S -emit-llvm %s -o /dev/null 2>&1 | count 0

#include <stdio.h>
#include <stdlib.h>

#define NOSPLIT __attribute__((nosplit))
#define NOINLINE __attribute__((noinline))
// n bytes of locals the optimiser cannot remove.
#define LOCALS(n) volatile char b[n]; b[i & 7] = (char)i

int ext(int);
int (*fp)(int);

#ifdef FITS
// top -> mid -> leaf: 8 + top + 8 + mid + 8 + leaf + 128 (leaf's red zone).
NOSPLIT NOINLINE static int fit_leaf(int i) { LOCALS(300); return b[1]; }
NOSPLIT NOINLINE static int fit_mid(int i) { LOCALS(160); return fit_leaf(b[1]) + b[2]; }
NOSPLIT int fit_top(int i) { LOCALS(120); return fit_mid(b[1]) + b[2]; }

// A call to a checked function ends the chain: its 4000-byte frame is not
// counted (its prologue checks it), only 8 + 120 for its call to
// __morestack. noinline: inlined, its frame would become unchecked.
NOINLINE int big_checked(int i) { LOCALS(4000); return ext(b[1]) + b[2]; }
NOSPLIT int calls_checked(int i) { LOCALS(400); return big_checked(b[1]) + b[2]; }

// FITS: morestack-report: {{.*}}nosplit-budget.c: 5 function(s)
// FITS0-NEXT: fit_top: skipped (nosplit), frame 136 bytes, nosplit chain 656 of 768 bytes
// FITS0-NEXT: fit_mid: skipped (nosplit), frame 184 bytes, nosplit chain 512 of 768 bytes
// FITS0-NEXT: big_checked: instrumented, frame 4056 bytes
// FITS0-NEXT: calls_checked: skipped (nosplit), frame 424 bytes, nosplit chain 560 of 768 bytes
// FITS2-NEXT: fit_top: skipped (nosplit), frame 120 bytes, nosplit chain 624 of 768 bytes
// FITS2-NEXT: fit_mid: skipped (nosplit), frame 168 bytes, nosplit chain 496 of 768 bytes
// FITS2-NEXT: big_checked: instrumented, frame 4008 bytes
// FITS2-NEXT: calls_checked: skipped (nosplit), frame 408 bytes, nosplit chain 544 of 768 bytes
// FITS-NEXT: fit_leaf: skipped (nosplit), frame 184 bytes, nosplit chain 320 of 768 bytes
#endif

#ifdef OVER
// over_top -> over_mid -> over_leaf. over_mid's own chain fits: the error
// is reported once, for the root over_top.
NOSPLIT NOINLINE static int over_leaf(int i) { LOCALS(300); return b[1]; }
NOSPLIT NOINLINE static int over_mid(int i) { LOCALS(240); return over_leaf(b[1]) + b[2]; }
NOSPLIT int over_top(int i) { LOCALS(200); return over_mid(b[1]) + b[2]; }
// Calls to functions defined elsewhere and indirect calls are assumed to
// reach checked functions: 8 + 120.
NOSPLIT int over_ext(int i) { LOCALS(644); return ext(b[1]) + b[2]; }
NOSPLIT int over_ptr(int i) { LOCALS(644); return fp(b[1]) + b[2]; }
// An over-aligned frame: -fstack-usage leaves the realignment out, so the
// check adds 2 * alignment - 16 bytes. A 32-byte vector live across a call
// is spilled to a 32-byte aligned slot, which realigns the frame.
// (Over-aligned locals live on the side stack and realign nothing.)
typedef double v4 __attribute__((vector_size(32)));
__attribute__((target("avx"))) v4 vext(v4);
__attribute__((target("avx"))) NOSPLIT int over_align(int i) {
  LOCALS(512);
  v4 x = vext((v4){b[1], 0, 0, 0});
  x = vext(x) + x;
  return ext((int)x[0]) + b[2];
}
// Two roots share a chain whose middle is over on its own: only the roots
// are reported, each with its whole chain.
NOSPLIT NOINLINE static int shared_mid(int i) { LOCALS(744); return ext(b[1]) + b[2]; }
NOSPLIT int shared_a(int i) { LOCALS(16); return shared_mid(b[1]) + b[2]; }
NOSPLIT int shared_b(int i) { LOCALS(16); return shared_mid(b[1]) + b[2]; }

// OVER0: error: morestack: nosplit stack over 768 byte limit in 'over_top': 816 bytes, over by 48 bytes
// OVER0-NEXT: {{^}}     224  over_top: 8 return address + 216 frame{{$}}
// OVER0-NEXT: {{^}}     496  over_mid: 8 return address + 264 frame{{$}}
// OVER0-NEXT: {{^}}     816  over_leaf: 8 return address + 184 frame + 128 red zone{{$}}
// OVER0-NEXT: error: morestack: nosplit stack over 768 byte limit in 'over_ext': 800 bytes, over by 32 bytes
// OVER0-NEXT: {{^}}     672  over_ext: 8 return address + 664 frame{{$}}
// OVER0-NEXT: {{^}}     800  calls 'ext' (defined elsewhere, assumed checked): 8 return address + 120 __morestack if its check fails{{$}}
// OVER0-NEXT: error: morestack: nosplit stack over 768 byte limit in 'over_ptr': 800 bytes, over by 32 bytes
// OVER0-NEXT: {{^}}     672  over_ptr: 8 return address + 664 frame{{$}}
// OVER0-NEXT: {{^}}     800  indirect call (assumed checked): 8 return address + 120 __morestack if its check fails{{$}}
// OVER0-NEXT: error: morestack: nosplit stack over 768 byte limit in 'over_align': 816 bytes, over by 48 bytes
// OVER0-NEXT: {{^}}     688  over_align: 8 return address + 632 frame + 48 realignment{{$}}
// OVER0-NEXT: {{^}}     816  calls 'vext' (defined elsewhere, assumed checked): 8 return address + 120 __morestack if its check fails{{$}}

// At -O2 the calls are marked `tail` (they may become jumps): the function
// may then be a leaf using the red zone, as costly as a checked call.
// OVER2: error: morestack: nosplit stack over 768 byte limit in 'over_top': 784 bytes, over by 16 bytes
// OVER2-NEXT: {{^}}     208  over_top: 8 return address + 200 frame{{$}}
// OVER2-NEXT: {{^}}     464  over_mid: 8 return address + 248 frame{{$}}
// OVER2-NEXT: {{^}}     784  over_leaf: 8 return address + 184 frame + 128 red zone{{$}}
// OVER2-NEXT: error: morestack: nosplit stack over 768 byte limit in 'over_ext': 784 bytes, over by 16 bytes
// OVER2-NEXT: {{^}}     784  over_ext: 8 return address + 648 frame + 128 red zone{{$}}
// OVER2-NEXT: error: morestack: nosplit stack over 768 byte limit in 'over_ptr': 784 bytes, over by 16 bytes
// OVER2-NEXT: {{^}}     784  over_ptr: 8 return address + 648 frame + 128 red zone{{$}}
// OVER2-NEXT: error: morestack: nosplit stack over 768 byte limit in 'over_align': 816 bytes, over by 48 bytes
// OVER2-NEXT: {{^}}     816  over_align: 8 return address + 632 frame + 48 realignment + 128 red zone{{$}}

// OVER-NEXT: error: morestack: nosplit stack over 768 byte limit in 'shared_a': [[SHARED:[0-9]+]] bytes, over by {{[0-9]+}} bytes
// OVER-NEXT: shared_a: 8 return address + {{[0-9]+}} frame{{$}}
// OVER0-NEXT: shared_mid: 8 return address + {{[0-9]+}} frame{{$}}
// OVER0-NEXT: {{^}}{{ +}}[[SHARED]]  calls 'ext' (defined elsewhere, assumed checked)
// OVER2-NEXT: {{^}}{{ +}}[[SHARED]]  shared_mid: 8 return address + {{[0-9]+}} frame + 128 red zone
// OVER-NEXT: error: morestack: nosplit stack over 768 byte limit in 'shared_b'
// OVER-NEXT: shared_b: 8 return address
// OVER-NEXT: shared_mid: 8 return address
// OVER-NOT: error:
// OVER-REPORT: morestack-report: over_top: skipped (nosplit), frame 200 bytes, nosplit chain 784 of 768 bytes, over by 16 bytes
// OVER-REPORT: morestack-report: over_mid: skipped (nosplit), frame 248 bytes, nosplit chain 576 of 768 bytes, objects: 1 moving, 0 side{{$}}
// OVER-REPORT: morestack-report: shared_mid: skipped (nosplit), frame {{[0-9]+}} bytes, nosplit chain {{[0-9]+}} of 768 bytes, over by
// OVER: 6 errors generated.

// WARN: warning: morestack: nosplit stack over 768 byte limit in 'over_top': 784 bytes, over by 16 bytes
// WARN-NEXT: over_top: 8 return address + 200 frame
// WARN-NEXT: over_mid: 8 return address + 248 frame
// WARN-NEXT: over_leaf: 8 return address + 184 frame + 128 red zone
// WARN: 6 warnings generated.
// WERROR: error: morestack: nosplit stack over 768 byte limit in 'over_top'
#endif

#ifdef RECURSION
// Mutual recursion (noinline keeps -O2 from folding it into one function)
// and self recursion that is not a tail call. A chain that leads into a
// cycle is unbounded too, and reported as the cycle.
NOSPLIT NOINLINE int cyc_b(int i);
NOSPLIT NOINLINE int cyc_a(int i) { LOCALS(16); return i ? cyc_b(b[1]) + b[2] : 0; }
NOSPLIT NOINLINE int cyc_b(int i) { LOCALS(16); return i ? cyc_a(b[1]) + b[2] : 0; }
NOSPLIT int self(int i) { LOCALS(16); if (i > 0) { self(i - 1); self(i - 2); } return b[1]; }
NOSPLIT int into_cycle(int i) { LOCALS(16); return cyc_a(b[1]) + b[2]; }
// A checked function in the cycle breaks it: no error (noinline: inlined
// into via_checked, it would be unchecked, and the cycle a real one).
NOINLINE int checked_rec(int i);
NOSPLIT int via_checked(int i) { LOCALS(16); return i ? checked_rec(b[1]) + b[2] : 0; }
NOINLINE int checked_rec(int i) { return i ? via_checked(i - 1) + 1 : 0; }

// REC: error: morestack: nosplit recursion: 'cyc_a' -> 'cyc_b' -> 'cyc_a': no function in the cycle checks the stack, so its depth is unbounded
// REC-NEXT: error: morestack: nosplit recursion: 'self' -> 'self': no function in the cycle checks the stack, so its depth is unbounded
// REC-NOT: error:
// REC: morestack-report: cyc_a: skipped (nosplit), frame {{[0-9]+}} bytes, nosplit chain unbounded (recursion)
// REC: morestack-report: into_cycle: skipped (nosplit), frame {{[0-9]+}} bytes, nosplit chain unbounded (recursion)
// REC: morestack-report: via_checked: skipped (nosplit), frame {{[0-9]+}} bytes, nosplit chain {{[0-9]+}} of 768 bytes
// REC: 2 errors generated.
#endif

#ifdef LIBC
NOSPLIT int calls_libc(int i) { printf("%d\n", i); return ext(i); }
// LIBC: warning: morestack: nosplit function 'calls_libc' calls 'printf', a C library function without a stack check: it runs on the same stack and its use is not covered by the nosplit budget of 768 bytes
// LIBC-NOT: 'ext'
#endif

#ifdef CROSS
NOSPLIT int nosplit_elsewhere(int i);
NOSPLIT int calls_across(int i) { return nosplit_elsewhere(i) + 1; }
// Declared nosplit, defined here after its use: counted with its real chain.
NOSPLIT int defined_later(int i);
NOSPLIT int calls_later(int i) { return defined_later(i) + 1; }
NOSPLIT int defined_later(int i) { LOCALS(16); return b[1]; }
// CROSS: error: morestack: nosplit stack over 768 byte limit in 'calls_across': {{[0-9]+}} bytes, over by {{[0-9]+}} bytes
// CROSS-NEXT: calls_across: 8 return address + {{[0-9]+}} frame
// CROSS-NEXT: calls 'nosplit_elsewhere' (nosplit, defined in another file): up to 768, all that file's check promises (define it in this file to count its real chain)
// CROSS-NOT: error:
// CROSS: 1 error generated.
#endif

// BADARG: error: morestack: nosplit-budget= takes error, warn or off, not 'maybe'

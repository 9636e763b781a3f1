// Locals whose address is kept outside the stack (docs/escape-analysis.md):
// the plugin puts them on the side stack, which never moves, so every copy
// of their address stays right however often the stack that called them
// grows and shrinks. Each scenario runs on main, in a thread and in a fiber,
// all starting at 2 KiB, at -O0 and -O2, in default mode and under
// MORESTACK_VERIFY (which proves after every move that no side-stack or TLS
// word points into the old block).
//
// RUN: %morestack_clang -O0 %s -o %t.O0 -pthread
// RUN: %morestack_clang -O2 %s -o %t.O2 -pthread
// RUN: env MORESTACK_MAIN_STACK=2K %t.O0 main | FileCheck %s
// RUN: env MORESTACK_THREAD_STACK=2K %t.O0 thread | FileCheck %s
// RUN: env MORESTACK_FIBER_STACK=2K %t.O0 fiber | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K %t.O2 main | FileCheck %s
// RUN: env MORESTACK_THREAD_STACK=2K %t.O2 thread | FileCheck %s
// RUN: env MORESTACK_FIBER_STACK=2K %t.O2 fiber | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O0 main | FileCheck %s
// RUN: env MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t.O0 thread | FileCheck %s
// RUN: env MORESTACK_FIBER_STACK=2K MORESTACK_VERIFY=1 %t.O0 fiber | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_VERIFY=1 %t.O2 main | FileCheck %s
// RUN: env MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t.O2 thread | FileCheck %s
// RUN: env MORESTACK_FIBER_STACK=2K MORESTACK_VERIFY=1 %t.O2 fiber | FileCheck %s
//
// CHECK: parser context in the heap: ok
// CHECK-NEXT: error handler jmp_buf in the heap: ok
// CHECK-NEXT: pointer in a global: ok
// CHECK-NEXT: pointer in a thread-local: ok
// CHECK-NEXT: pointer as uintptr_t: ok
// CHECK-NEXT: pointer in a double's bits: ok
// CHECK-NEXT: pointer in a packed field: ok
// CHECK-NEXT: pointer on another fiber's stack: ok
// CHECK-NEXT: byte buffer sweep: ok
// CHECK-NEXT: union sweep: ok
// CHECK-NEXT: va_list passed down: ok
// CHECK-NEXT: byval argument kept: ok
// CHECK-NEXT: the stack grew: yes, and shrank: yes

#include <morestack/morestack.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Inputs/grow.h"

static void report(const char *what, int ok) { printf("%s: %s\n", what, ok ? "ok" : "WRONG"); }

// Growth, then a shrink back: the stack moves at least twice while the
// callers' objects are live.
static void move_twice(int depth) {
  grow(depth);
  morestack_shrink_stack();
}

// ---- An SQL engine's parser context, reached from the heap -------------
struct parse { int depth_seen; int errors; };
struct vdbe { struct parse *pParse; };

static int parse_expr(struct vdbe *v, int depth) {
  volatile char frame[200];  // each level costs stack, as a real parser's does
  frame[depth % 200] = (char)depth;
  if (depth == 0) {
    v->pParse->depth_seen++;  // through the heap, at the bottom
    return frame[0];
  }
  int r = parse_expr(v, depth - 1);
  v->pParse->depth_seen++;
  return r + frame[depth % 200];
}

static void parser_context(void) {
  struct parse p = {0, 0};
  struct vdbe *v = malloc(sizeof *v);
  v->pParse = &p;
  parse_expr(v, 3000);  // ~700 KiB: the stack moves several times
  morestack_shrink_stack();
  report("parser context in the heap", p.depth_seen == 3001 && v->pParse == &p);
  free(v);
}

// ---- An interpreter's error handler: jmp_buf in a struct on the stack,
//      its address in the heap (Lua's L->errorJmp) ---------------------
struct longjmp_ctx { struct longjmp_ctx *previous; jmp_buf b; volatile int status; };
struct lua_state { struct longjmp_ctx *errorJmp; };

static void raise_error(struct lua_state *L, int depth) {
  volatile char frame[256];
  frame[depth % 256] = 1;
  if (depth == 0) {
    L->errorJmp->status = 42;
    longjmp(L->errorJmp->b, 1);
  }
  raise_error(L, depth - 1);
  frame[0] = 2;
}

static int protected_call(struct lua_state *L) {
  struct longjmp_ctx lj;
  lj.status = 0;
  lj.previous = L->errorJmp;
  L->errorJmp = &lj;
  if (setjmp(lj.b) == 0) raise_error(L, 2000);
  L->errorJmp = lj.previous;
  return lj.status;
}

static void error_handler(void) {
  struct lua_state *L = calloc(1, sizeof *L);
  int first = protected_call(L);
  move_twice(1500);
  int second = protected_call(L);  // after the stack moved and shrank
  report("error handler jmp_buf in the heap", first == 42 && second == 42 && !L->errorJmp);
  free(L);
}

// ---- Pointers to a local kept where no move can reach them -------------
static int *in_global;
static _Thread_local int *in_tls;
struct __attribute__((packed)) packed { char c; int *p; };
static struct packed *in_packed;

static void kept_pointers(void) {
  int g = 1, t = 2, u = 3, d = 4, k = 5;
  in_global = &g;
  in_tls = &t;
  uintptr_t as_int = (uintptr_t)&u;
  double bits;
  int *pd = &d;
  memcpy(&bits, &pd, sizeof bits);
  in_packed = malloc(sizeof *in_packed);
  in_packed->p = &k;  // unaligned
  move_twice(1500);
  *in_global += 10;
  *in_tls += 10;
  *(int *)as_int += 10;
  int *back;
  memcpy(&back, &bits, sizeof back);
  *back += 10;
  *in_packed->p += 10;
  report("pointer in a global", g == 11);
  report("pointer in a thread-local", t == 12);
  report("pointer as uintptr_t", u == 13);
  report("pointer in a double's bits", d == 14);
  report("pointer in a packed field", k == 15);
  free(in_packed);
}

// ---- Another fiber keeps a pointer to this one's local -----------------
struct mailbox { int *target; int writes; };

static void writer(void *arg) {
  struct mailbox *m = arg;
  int *kept = m->target;  // on the writer's own (moving) stack
  morestack_fiber_yield();
  grow(800);              // the writer's stack moves too
  *kept += 100;
  m->writes++;
}

static void other_fiber(void) {
  int value = 1;
  struct mailbox m = {&value, 0};
  morestack_fiber *w = morestack_fiber_create(writer, &m, 0);
  morestack_fiber_resume(w);  // the writer takes the pointer and parks
  move_twice(1500);           // this stack moves
  while (!morestack_fiber_resume(w)) {}
  morestack_fiber_destroy(w);
  report("pointer on another fiber's stack", value == 101 && m.writes == 1);
}

// ---- Data that looks like stack addresses is never changed -------------
// A buffer partly written with words equal to addresses in the live stack,
// one sweep per byte value in the rest: after moves every byte is as
// written (no conservative scan rewrites objects any more).
// (Only volatile accesses, no calls: the buffer's address is never kept, so
// it stays on the moving stack and moves with it. At -O0 nothing would say
// that a helper function taking it does not keep it.)
#define put_word(at, w) \
  for (int k = 0; k < 8; ++k) (at)[k] = (unsigned char)((w) >> (8 * k))

static int sweep_buffer(uintptr_t fake) {
  int bad = 0;
  for (int byte = 0; byte < 256; byte += 17) {
    // `want` is written before the moves too: `fake` itself, in a register
    // or a spill slot across them, is relocated like any word there.
    volatile unsigned char buf[64], want[64];
    for (int i = 0; i < 64; ++i) buf[i] = want[i] = (unsigned char)byte;
    put_word(buf + 8, fake);   // aligned
    put_word(buf + 21, fake);  // unaligned
    put_word(want + 8, fake);
    put_word(want + 21, fake);
    grow(60);
    morestack_shrink_stack();
    for (int i = 0; i < 64; ++i) bad += buf[i] != want[i];
  }
  return bad;
}

static int sweep_union(uintptr_t fake) {
  int bad = 0;
  for (int byte = 0; byte < 256; byte += 17) {
    volatile union { uintptr_t w; double d; unsigned char b[8]; } u;
    u.w = fake;
    u.b[0] = (unsigned char)byte;  // partly overwritten: still looks like an address
    volatile uintptr_t want = u.w;
    grow(60);
    morestack_shrink_stack();
    bad += u.w != want;
  }
  return bad;
}

static void data_untouched(void) {
  volatile char anchor;
  // An address inside the live stack (the integer is computed, no
  // object's address is kept): a conservative scan would take it for a
  // pointer.
  uintptr_t fake = (uintptr_t)__builtin_frame_address(0) + 64;
  anchor = 0;
  grow(200);  // make the stack big enough that `fake` stays inside it
  report("byte buffer sweep", sweep_buffer(fake) == 0);
  report("union sweep", sweep_union(fake) == 0 && anchor == 0);
}

// ---- Variadic recursion, the va_list passed down -----------------------
static long sum_list(int n, va_list *ap) {
  volatile char frame[128];
  frame[n % 128] = (char)n;
  if (n == 0) return 0;
  long v = va_arg(*ap, long);
  return v + sum_list(n - 1, ap) + frame[n % 128] - (char)n;
}

static long sum_levels(int levels, int n, ...);
static long vsum(int levels, int n, va_list ap) {
  if (levels > 0) {
    grow(40);  // each level moves the stack under the va_list
    return 0;
  }
  va_list mine;  // its address goes down the recursion
  va_copy(mine, ap);
  long r = sum_list(n, &mine);
  va_end(mine);
  return r;
}
static long sum_levels(int levels, int n, ...) {
  va_list ap;
  va_start(ap, n);
  long r = levels > 0 ? sum_levels(levels - 1, n, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L) : 0;
  va_list copy;
  va_copy(copy, ap);
  move_twice(300);
  r += vsum(0, n, copy);
  va_end(copy);
  va_end(ap);
  return r;
}

static void varargs(void) {
  long r = sum_levels(5, 8, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
  report("va_list passed down", r == 6 * 36);
}

// ---- A byval struct whose address is kept ------------------------------
struct big { long a[8]; };
static const long *kept_byval;

__attribute__((noinline)) static long take_big(struct big b) {
  kept_byval = &b.a[3];
  move_twice(1000);
  return *kept_byval + b.a[7];
}

static void byval(void) {
  struct big b = {{0, 1, 2, 3, 4, 5, 6, 7}};
  report("byval argument kept", take_big(b) == 10);
}

// ---- Driver --------------------------------------------------------------
static void *scenarios(void *arg) {
  (void)arg;
  parser_context();
  error_handler();
  kept_pointers();
  other_fiber();
  data_untouched();
  varargs();
  byval();
  return NULL;
}

static void fiber_body(void *arg) { scenarios(arg); }

int main(int argc, char **argv) {
  const char *where = argc > 1 ? argv[1] : "main";
  if (!strcmp(where, "thread")) {
    pthread_t t;
    pthread_create(&t, NULL, scenarios, NULL);
    pthread_join(t, NULL);
  } else if (!strcmp(where, "fiber")) {
    morestack_fiber *f = morestack_fiber_create(fiber_body, NULL, 0);
    while (!morestack_fiber_resume(f)) {}
    morestack_fiber_destroy(f);
  } else {
    scenarios(NULL);
  }
  morestack_process_stats s;
  morestack_get_process_stats(&s);
  printf("the stack grew: %s, and shrank: %s\n", s.growths ? "yes" : "no",
         s.shrinks ? "yes" : "no");
  return 0;
}

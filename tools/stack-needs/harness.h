// stack-needs harness: run one library call on a poisoned private stack and
// report how deep below the call it wrote. Built with plain clang (never with
// the morestack plugin). See README.md.
#pragma once
#include "call_layout.h"

#include <stddef.h>
#include <stdint.h>

// One call, in registers and stack words, made by ms_call_on_stack
// (call_on_stack.S). The offsets the assembly uses are call_layout.h's.
struct Call {
  void *fn;               // callee
  uint64_t gpr[6];        // rdi rsi rdx rcx r8 r9
  uint64_t xmm[8][2];     // xmm0..xmm7
  uint64_t nxmm;          // al for variadic callees
  uint64_t nstk;          // words in stk
  uint64_t stk[48];       // stack arguments, lowest address first
  uint64_t call_rsp;      // out: %rsp at the call instruction
  uint64_t ret_rax;
  uint64_t ret_rdx;
  uint64_t ret_xmm0[2];
  uint64_t x87_pops;      // in: x87 registers the callee returns (1: long double)
  uint64_t pad_;
  long double ret_st0;
  long double ret_st1;
  // Not used by the assembly:
  unsigned ngpr;
  const char *sym;        // Test::sym
  void *resolved;         // dlsym(RTLD_DEFAULT, sym), for thunks that call it
  const char *fail;       // set by a setup that cannot run its test
  intptr_t param;         // Test::param, for setups shared by several tests
  int sub;                // which of Test::nsub calls of one repetition
  void *user[4];          // free for setup/teardown (objects to release)

  Call &p(const void *v) { return i((uint64_t)(uintptr_t)v); }
  Call &i(uint64_t v) {
    if (ngpr < 6) gpr[ngpr++] = v; else push(v);
    return *this;
  }
  Call &d(double v) {
    if (nxmm < 8) { __builtin_memcpy(&xmm[nxmm][0], &v, 8); xmm[nxmm][1] = 0; nxmm++; }
    else { uint64_t w; __builtin_memcpy(&w, &v, 8); push(w); }
    return *this;
  }
  Call &f(float v) {  // a float parameter (not variadic: those are doubles)
    if (nxmm < 8) { xmm[nxmm][0] = 0; xmm[nxmm][1] = 0; __builtin_memcpy(&xmm[nxmm][0], &v, 4); nxmm++; }
    else { uint64_t w = 0; __builtin_memcpy(&w, &v, 4); push(w); }
    return *this;
  }
  Call &ld(long double v) {  // class MEMORY: 16-byte aligned stack slot
    if (nstk & 1) push(0);
    uint64_t w[2] = {0, 0};
    __builtin_memcpy(w, &v, 10);
    push(w[0]); push(w[1]);
    return *this;
  }
  Call &push(uint64_t v) { if (nstk < 48) stk[nstk++] = v; return *this; }
  Call &x87(unsigned n = 1) { x87_pops = n; return *this; }
  Call &call(void *target) { fn = target; return *this; }
  void *rp() const { return (void *)(uintptr_t)ret_rax; }
};

#define CALL_CHECK(field, offset) static_assert(offsetof(Call, field) == (offset), "call_layout.h: " #field);
CALL_LAYOUT(CALL_CHECK)
#undef CALL_CHECK

extern "C" void ms_call_on_stack(Call *c, void *stack_top);

// Thunks (small functions of this program run on the private stack) record
// %rsp right before the call they measure; the need is counted from there
// rather than from the thunk's own entry.
// (The mark lives in the private stack's mapping, which is shared with the
// forked child that runs a function that never returns.)
extern "C" volatile uintptr_t *g_mark_slot;
#define MARK_SP() \
  do { uintptr_t sp_; __asm__ volatile("mov %%rsp, %0" : "=r"(sp_)::"memory"); *g_mark_slot = sp_; } while (0)
#define MARK_AT(sp) \
  do { *g_mark_slot = (uintptr_t)(sp); } while (0)

// Re-poison the private stack below the current frame (used to measure a
// later phase of a thunk on its own, e.g. _Unwind_Resume after a cleanup).
extern "C" void ms_repoison_below_here(void);

enum : unsigned {
  T_CALLBACK = 1u << 0,  // calls back into user code: measured with a trivial callback
  T_NORETURN = 1u << 1,  // never returns: each repetition runs in a forked child
  T_THREAD = 1u << 2,    // run the repetitions in a new thread (not the main thread)
  T_LAZY = 1u << 3,      // measures the dynamic linker's lazy binding (first call only)
  T_INFO = 1u << 4,      // scenario measurement: reported, never a table entry
  T_LOCAL = 1u << 5,     // linked into the program (libc_nonshared.a): setup sets c.fn
  T_THREAD_EACH = 1u << 6,  // each repetition in its own new thread
};

typedef void (*SetupFn)(Call &);
struct Test {
  const char *sym;      // table key: the ELF symbol a call site references
  const char *variant;  // what the arguments exercise
  SetupFn setup;        // fills the arguments (and c.fn for thunks); runs on the normal stack
  SetupFn teardown;     // may be null; sees the return registers
  unsigned flags;
  const char *note;     // comment for the generated table
  intptr_t param;       // passed to setup/teardown as c.param
  int nsub;             // calls per repetition (c.sub = 0..nsub-1), e.g. several arguments
};

void register_test(const Test &t);
inline void reg(const char *sym, const char *variant, SetupFn s, SetupFn td = nullptr, unsigned flags = 0,
                const char *note = nullptr, intptr_t param = 0, int nsub = 1) {
  register_test(Test{sym, variant, s, td, flags, note, param, nsub});
}
void register_tests();  // defined by each program (tests_*.cpp)
void tests_init();      // ditto: fills static data, in the measuring process, before any test

// Registration shorthands: MT(symbol, variant, setup statements using `c`).
#define MT(sym, variant, ...) reg(sym, variant, [](Call &c) { __VA_ARGS__; })
#define MTF(flags, note, sym, variant, ...) reg(sym, variant, [](Call &c) { __VA_ARGS__; }, nullptr, flags, note)
#define MTT(sym, variant, setup, teardown) \
  reg(sym, variant, [](Call &c) { setup; }, [](Call &c) { (void)c; teardown; })
#define MTTF(flags, note, sym, variant, setup, teardown) \
  reg(sym, variant, [](Call &c) { setup; }, [](Call &c) { (void)c; teardown; }, flags, note)

// runtime/fatal.h: how the runtime stops a program, and its internal checks.
//
// Every fatal error prints one line, "morestack: fatal: <what>", to stderr
// with write(2) (no stdio, no allocation: we may be out of stack or inside
// the growth routine) and aborts. Messages name the limit, the stack, or the
// environment variable involved, so the user knows what to change.
//
// MS_CHECK(cond) states an invariant of the runtime itself (not a user's
// mistake: those get a fatal() that says what to change). When checks are
// on and cond is false, the program stops through fatal() with
// "morestack: fatal: internal check failed at <file>:<line>: <cond>".
// Checks are on under MORESTACK_VERIFY=1 (init_config) and in the unit
// tests (test/unit/check_test.cpp turns them on before main). Otherwise an
// MS_CHECK costs one load of checks_on and a branch predicted not taken,
// and cond is not evaluated at all, so it may be as costly as a check in
// verify mode may be; it must have no side effects. Not for the hot paths
// (the prologue's entry points, stack switches), where even the load counts.
//
// Invariants: checks_on only ever goes from false to true, before the
// program's own code runs (constructors, init_config).
#pragma once

namespace morestack {

[[noreturn]] void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// What else a fatal error prints after its line, on the system stack: the
// scheduler lists its tasks (scheduler.cpp), as Go prints every goroutine.
// Runs at most once per process (a fatal error inside it just aborts).
void set_fatal_report(void (*report)());

// One-line warning, same format and constraints as fatal(), then continue.
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

extern bool checks_on;
[[noreturn]] void check_failed(const char *file, int line, const char *cond);

} // namespace morestack

#define MS_CHECK(cond)                                                                        \
  ((__builtin_expect(__atomic_load_n(&::morestack::checks_on, __ATOMIC_RELAXED), false) && \
    !(cond))                                                                                  \
       ? ::morestack::check_failed(__FILE_NAME__, __LINE__, #cond)                            \
       : (void)0)

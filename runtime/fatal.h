// runtime/fatal.h: how the runtime stops a program.
//
// Every fatal error prints one line, "morestack: fatal: <what>", to stderr
// with write(2) (no stdio, no allocation: we may be out of stack or inside
// the growth routine) and aborts. Messages name the limit, the stack, or the
// environment variable involved, so the user knows what to change.
#pragma once

namespace morestack {

[[noreturn]] void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// What else a fatal error prints after its line, on the system stack: the
// scheduler lists its tasks (scheduler.cpp), as Go prints every goroutine.
// Runs at most once per process (a fatal error inside it just aborts).
void set_fatal_report(void (*report)());

// One-line warning, same format and constraints as fatal(), then continue.
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace morestack

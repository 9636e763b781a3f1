//===- CallSiteReserve.h - Room for uninstrumented callees -------*- C++ -*-===//
//
// What this file does:
//   Declares reserveForCalls(): in a function that gets a stack check, make
//   sure that each call into code without checks (the C library, libstdc++,
//   any other library) has the stack that callee needs, at the call:
//
//     %sp = read_register(rsp)
//     if (%sp - NEED <= %fs:0x70) call __morestack_reserve(NEED)
//     call @callee(...)
//
//   NEED comes from the callee:
//   - a function defined in this module: checked itself (or nosplit, within
//     the budget): nothing;
//   - a function in the table of the C and C++ runtime libraries, measured
//     on this machine (LibraryStackNeeds.inc, tools/stack-needs): its need;
//     a need within the nosplit budget (MORESTACK_NOSPLIT_BUDGET) is always
//     there below a checked frame, so such calls (malloc, free, memcpy,
//     strlen...) get no check at all;
//   - any other function declared here: the linker knows what it needs.
//     Every module defines, for each external function it checks, the
//     absolute symbol "<name>.morestack_need" = 1 (hidden, weak), and the
//     runtime defines it as 1 + the need of each of its API functions; a
//     call site loads that symbol's value as an immediate (0 when no module
//     defines it: an undefined weak reference) and checks for value - 1
//     bytes if that is over the nosplit budget, or for
//     MORESTACK_UNKNOWN_CALLEE_NEED if the value is 0;
//     A C function of the table (not C++: its functions may call the
//     program back through virtual functions) that needs more than
//     kSystemStackNeed, calls nothing of the program back
//     (MORESTACK_LIBRARY_CALLS_BACK), returns, and takes all its arguments
//     in registers (printf, snprintf, getaddrinfo...) is not checked: the
//     call goes through a stub that runs it on the thread's system stack
//     (RuntimeStubs.h, __morestack_call_on_system in runtime/morestack.S),
//     so a 2 KiB fiber that formats a number stays at 2 KiB. Nothing is
//     switched but %rsp: the guard stays, and an unwind (a thread's
//     cancellation inside the function) steps back to the caller through
//     the entry's CFI. Not covered: hooks the program registered elsewhere
//     that such a function calls (register_printf_function,
//     fopencookie): they run on the system stack, and if their stack check
//     fails there the program stops ("outside the current stack");
//   - a call through a pointer: if MORESTACK_UNKNOWN_CALLEE_NEED is free
//     nothing more; otherwise __morestack_reserve_call(target) asks the
//     runtime, which knows from the stack maps whether the target is
//     checked.
//
// Why this is safe: below the caller's %rsp at the call, NEED bytes (plus
// the guard region) are free when the callee starts, and the callee uses
// at most NEED (the table's figures are measured maxima plus a margin;
// code without checks that uses more is caught by the stacks' canaries or
// guard pages, runtime/stack.h). The check is at the call, not in the
// caller's prologue, so it also holds after the stack has shrunk at a safe
// point in the middle of the caller.
//
// Invariants: only functions that get "split-stack" are changed; the check
// sequence and the slow-path call carry no debug location of their own but
// the call's.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_CALLSITERESERVE_H
#define MORESTACK_PLUGIN_CALLSITERESERVE_H

#include "morestack/abi.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <cstdint>
#include <optional>

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace morestack {

/// Suffix of the marker symbol whose value is 1 + the stack a function
/// needs below its caller (MORESTACK_NEED_SYMBOL_SUFFIX in abi.h).
inline constexpr llvm::StringLiteral kNeedMarkerSuffix = MORESTACK_NEED_SYMBOL_SUFFIX;

/// The measured need of a C or C++ runtime library function, if the table
/// has it.
std::optional<uint64_t> libraryNeed(llvm::StringRef Symbol);

/// Library functions that need more than this run on the system stack when
/// they can (above): a fiber that calls them stays within 4 KiB (the
/// smaller needs are reserved: a 2 KiB fiber grows once, to 4 KiB).
inline constexpr uint64_t kSystemStackNeed = 2048;

struct CallSiteCounts {
  unsigned Checked = 0;  ///< call sites that got a check
  unsigned Free = 0;     ///< calls into libraries within the budget: none
  unsigned Marker = 0;   ///< calls to functions defined elsewhere (linker decides)
  unsigned Indirect = 0; ///< calls through pointers
  unsigned System = 0;   ///< calls run on the system stack
};

/// Inserts the checks in F (which will get "split-stack"); adds the marker
/// symbols its call sites refer to to MarkersUsed.
CallSiteCounts reserveForCalls(llvm::Function &F, llvm::StringSet<> &MarkersUsed);

/// Defines the marker symbols of M's checked external functions and
/// declares the weak references its call sites use (module assembly).
void emitCheckedMarkers(llvm::Module &M, const llvm::StringSet<> &MarkersUsed);

} // namespace morestack

#endif // MORESTACK_PLUGIN_CALLSITERESERVE_H

//===- VarargOutlining.h - Give variadic functions a checked body -*- C++ -*-===//
//
// What this file does:
//   LLVM's x86 backend cannot emit a split-stack prologue for a variadic
//   function (X86FrameLowering::adjustForSegmentedStacks calls
//   report_fatal_error). outlineVarargBody() splits such a function in two:
//
//     T f(A..., ...)                       (keeps its name, linkage, ABI)
//       becomes a small nosplit thunk:     va_start(ap); r = body(a..., ap);
//                                          va_end(ap); return r;
//     T f.morestack.body(A..., ptr %va)    internal, noinline, gets the
//                                          split-stack prologue; holds f's
//                                          original body, with every
//                                          va_start(x) replaced by
//                                          va_copy(x, %va).
//
//   A variadic function that never calls va_start gets a thunk that just
//   forwards its fixed arguments (no va_list, no register save area).
//
// Invariants:
//   - The thunk's shape (register save area + va_list) needs at most
//     kVarargThunkFrameBound bytes, which, with the call to its checked body
//     (kCheckedCallCost, NosplitBudget.h), fits MORESTACK_NOSPLIT_BUDGET
//     (static_assert in VarargOutlining.cpp). At -O0 the thunk also spills
//     its fixed arguments; the nosplit budget check verifies every thunk's
//     real frame after code generation.
//   - byval / sret / nest / inreg / swiftself parameters of f reach the body
//     as plain pointers / values (the thunk already owns the ABI); the body
//     never has an ABI-significant parameter attribute.
//   - f's DISubprogram moves to the body (debuggers show the body as `f`);
//     the thunk has no debug info.
//   - A function is left untouched (nullptr returned, WhyNot set) if moving
//     its body would change its meaning: a musttail call (it forwards f's
//     own variadic frame), an address-taken basic block (blockaddress refers
//     to f), or a swifterror / inalloca / preallocated parameter.
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_VARARGOUTLINING_H
#define MORESTACK_PLUGIN_VARARGOUTLINING_H

#include <cstdint>
#include <string>

namespace llvm {
class Function;
} // namespace llvm

namespace morestack {

/// Upper bound of a thunk's frame, return address included, on x86-64 SysV:
/// 176-byte register save area (6 GPRs + 8 XMMs) + 24-byte va_list + saved
/// %rbp + return address + up to 16 bytes of alignment padding.
inline constexpr uint64_t kVarargThunkFrameBound = 176 + 24 + 8 + 8 + 16;

/// Moves F's body into a new internal function and turns F into a thunk
/// (see above). Returns the body, or nullptr with WhyNot set if F cannot be
/// outlined. F must be a variadic definition.
llvm::Function *outlineVarargBody(llvm::Function &F, std::string &WhyNot);

} // namespace morestack

#endif // MORESTACK_PLUGIN_VARARGOUTLINING_H

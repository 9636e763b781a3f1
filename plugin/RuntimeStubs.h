//===- RuntimeStubs.h - Per-module stubs of the runtime's entries -*- C++ -*-===//
//
// What this file does:
//   Declares emitRuntimeStubs(): give a module a hidden definition of every
//   runtime entry point its code calls (MORESTACK_STUBBED_ENTRIES in
//   include/morestack/abi.h), each a jump through the GOT to the twin the
//   executable's runtime exports:
//
//     __morestack:  movq __morestack_export@GOTPCREL(%rip), %r11
//                   testq %r11, %r11 ; jz __morestack_unbound
//                   jmp *%r11
//
// Why: a shared library built with the plugin must reach the one runtime of
// the process, which lives in the executable.
//   - The stubs are hidden and in COMDAT groups: version scripts, export
//     lists, -fvisibility=hidden and --exclude-libs cannot change where the
//     library's calls go (they only hide definitions; the twin is an
//     undefined reference, which they leave alone).
//   - GOT entries are bound when the library is loaded (GLOB_DAT), never
//     lazily: a lazy PLT resolution would clobber %r10, which carries the
//     frame size into __morestack.
//   - No undefined __morestack is left for the linker to satisfy from
//     libgcc.a (whose morestack.o is GCC's segmented-stack runtime).
//   - The twins are weak references: a library built with the plugin also
//     loads into a program without the runtime, where the guard is 0 and no
//     stub ever runs. In a program that has the runtime but does not export
//     it, the first stub to run reports that, instead of jumping to 0.
//   In an executable the runtime's strong definitions win over the stubs.
//
// Invariants: the stubs use no stack and change no register but %r11 (free
// at every entry: the prologue's argument size, which the runtime ignores,
// or a scratch register at an ordinary call) and, in the system-stack
// stubs, %r10 (the static chain, which no C library function takes).
//
//===----------------------------------------------------------------------===//
#ifndef MORESTACK_PLUGIN_RUNTIMESTUBS_H
#define MORESTACK_PLUGIN_RUNTIMESTUBS_H

namespace llvm {
class Function;
class Module;
} // namespace llvm

namespace morestack {

/// Adds the stubs (once per module); does nothing for a module without
/// functions that call the runtime.
void emitRuntimeStubs(llvm::Module &M);

/// The stub through which a call runs Callee (a library function) on the
/// thread's system stack: MORESTACK_SYSTEM_STUB_PREFIX<name>, of Callee's
/// type, hidden and in a COMDAT of its own, which does
///     movq <name>@GOTPCREL(%rip), %r10 ; jmp __morestack_call_on_system
/// (the runtime entry, stubbed like the others; without a runtime it jumps
/// to the function). Created once per module.
llvm::Function *systemStackStub(llvm::Module &M, llvm::Function &Callee);

} // namespace morestack

#endif // MORESTACK_PLUGIN_RUNTIMESTUBS_H

// Configurations that would give unchecked or unpatchable code are errors,
// whose messages start with "morestack:"; the compilation fails.
// RUN: not %clang -fplugin=%plugin --target=aarch64-linux-gnu -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=AARCH64
// RUN: not %clang -fplugin=%plugin --target=riscv64-linux-gnu -S %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=RISCV
// RUN: not %clang -fplugin=%plugin -m32 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=M32
// RUN: not %clang -fplugin=%plugin -mx32 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=X32
// RUN: not %clang -fplugin=%plugin --target=x86_64-apple-darwin -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=DARWIN
// RUN: not %clang -fplugin=%plugin --target=x86_64-windows-msvc -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=WIN
// RUN: not %clang -fplugin=%plugin -flto -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LTO
// RUN: not %clang -fplugin=%plugin -flto=thin -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=LTO
// RUN: rm -rf %t && mkdir %t && cd %t && not %clang -fplugin=%plugin -save-temps -c %s -o x.o 2>&1 | FileCheck %s --check-prefix=TEMPS
// RUN: not %clang -fplugin=%plugin -fplugin-arg-morestack-bogus -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=ARG
// With the report on (which wraps clang's diagnostic consumer), errors
// still fail the compilation:
// RUN: not %clang -fplugin=%plugin -fplugin-arg-morestack-report -fplugin-arg-morestack-bogus -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=ARG
// RUN: not %clang -fplugin=%plugin -fplugin-arg-morestack-report -m32 -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=M32
// RUN: not %clang -fplugin=%plugin -fplugin-arg-morestack-report-file= -c %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=ARGFILE
// Accepted: -fcf-protection (any; test/e2e/cf-protection.c runs such
// code), -fsplit-stack, and IR printed with -disable-llvm-passes (with a
// warning):
// RUN: %clang -fplugin=%plugin -fcf-protection=return -c %s -o /dev/null
// RUN: %clang -fplugin=%plugin -fcf-protection=full -c %s -o /dev/null
// RUN: %clang -fplugin=%plugin -S -emit-llvm -Xclang -disable-llvm-passes %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOPASSES

int f(int x) { return x + 1; }

// AARCH64: error: morestack: unsupported target 'aarch64-unknown-linux-gnu': stack checks are only implemented for x86_64 Linux (LP64)
// RISCV: error: morestack: unsupported target 'riscv64-unknown-linux-gnu'
// M32: error: morestack: unsupported target 'i386-{{.*}}linux-gnu'
// X32: error: morestack: unsupported target 'x86_64-{{.*}}linux-gnux32'
// DARWIN: error: morestack: unsupported target 'x86_64-apple-
// WIN: error: morestack: unsupported target 'x86_64-unknown-windows-msvc
// LTO: error: morestack: -flto is not supported by default
// TEMPS: error: morestack: -disable-llvm-passes (which -save-temps implies)
// ARG: error: morestack: unknown plugin argument 'bogus' (try -fplugin-arg-morestack-help)
// ARGFILE: error: morestack: report-file= needs a path
// NOPASSES: warning: morestack: -disable-llvm-passes: the IR is printed before the plugin's passes

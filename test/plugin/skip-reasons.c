// Functions that must not get a check are skipped, each with a documented
// reason the report shows; unusual ones also get a warning.
// RUN: %clang -fplugin=%plugin -O2 -mgeneral-regs-only -c %s -o /dev/null -fplugin-arg-morestack-report 2>&1 | FileCheck %s
// RUN: %clang -fplugin=%plugin -O2 -mgeneral-regs-only -S %s -o - 2>/dev/null | FileCheck %s --check-prefix=ASM
// -morestack-warn-skipped warns about every skipped function:
// RUN: %clang -fplugin=%plugin -O2 -mgeneral-regs-only -c %s -o /dev/null -mllvm -morestack-warn-skipped 2>&1 | FileCheck %s --check-prefix=ALL

int callee(int);

// naked: no prologue at all.
__attribute__((naked)) void naked_fn(void) { __asm__("ret"); }

// ifunc resolvers run inside the dynamic loader (in a static binary, before
// TLS exists): no check.
static int impl(int x) { return callee(x); }
static void *resolver(void) { return (void *)impl; }
int dispatched(int) __attribute__((ifunc("resolver")));

// Interrupt handlers.
struct frame;
__attribute__((interrupt)) void isr(struct frame *f) { callee(0); }

// A calling convention that passes arguments in %r11, the prologue's
// scratch register.
__attribute__((preserve_none)) int pn(int x) { return callee(x) + 1; }

// preserve_most / preserve_all promise to keep %r10, which the prologue's
// slow path sets to the frame size: they run unchecked, within the nosplit
// budget (an over-budget frame is the budget check's error).
__attribute__((preserve_most)) int pm(int x) { return callee(x) + 2; }
__attribute__((preserve_all)) int pa(int x) { return callee(x) + 3; }

// A variadic function whose body cannot move (blockaddress refers to it).
int labels(int n, ...) {
  static void *targets[] = {&&one, &&two};
  goto *targets[n & 1];
one:
  return callee(1);
two:
  return callee(2);
}

// The runtime itself, if compiled with the plugin.
void __morestack_reserve(unsigned long n) { callee((int)n); }

// CHECK-DAG: warning: morestack: function 'pn' is left without a stack check (unsupported-calling-convention: calling convention {{[0-9]+}})
// CHECK-DAG: warning: morestack: function 'labels' is left without a stack check (vararg-not-outlinable: has an address-taken label (blockaddress))
// CHECK-DAG: morestack-report: naked_fn: skipped (naked)
// CHECK-DAG: morestack-report: resolver: skipped (ifunc-resolver)
// CHECK-DAG: morestack-report: impl: instrumented
// CHECK-DAG: morestack-report: isr: skipped (interrupt-handler)
// CHECK-DAG: morestack-report: pn: skipped (unsupported-calling-convention)
// CHECK-DAG: morestack-report: labels: skipped (vararg-not-outlinable)
// CHECK-DAG: morestack-report: __morestack_reserve: skipped (morestack-runtime)
// CHECK-DAG: morestack-report: pm: skipped (preserves-registers), frame {{[0-9]+}} bytes, nosplit chain {{[0-9]+}} of 768 bytes
// CHECK-DAG: morestack-report: pa: skipped (preserves-registers), frame {{[0-9]+}} bytes, nosplit chain {{[0-9]+}} of 768 bytes

// ASM-LABEL: naked_fn:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: isr:
// ASM-NOT: callq __morestack
// ASM: .Lfunc_end
// ASM-LABEL: pm:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: pa:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: resolver:
// ASM-NOT: __morestack
// ASM: .Lfunc_end
// ASM-LABEL: impl:
// ASM: cmpq %fs:112, %rsp

// ALL-DAG: warning: morestack: function 'naked_fn' is left without a stack check (naked)
// ALL-DAG: warning: morestack: function 'resolver' is left without a stack check (ifunc-resolver)
// ALL-DAG: warning: morestack: function 'isr' is left without a stack check (interrupt-handler)

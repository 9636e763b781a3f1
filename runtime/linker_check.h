// runtime/linker_check.h: refuse programs not linked by lld.
//
// GNU ld links split-stack objects without rewriting any prologue, so every
// call into libc from a fiber would run on whatever little stack is left:
// silent overflow. linker_probe.c is compiled with -fsplit-stack and calls
// getpid() from the C library; lld rewrites its first instruction
// (cmp %fs:0x70,%rsp -> stc; nopl) because the callee is not split-stack.
// check_linker() reads that instruction and stops with a message naming the
// fix when it was not rewritten.
#pragma once

namespace morestack {
void check_linker();
}

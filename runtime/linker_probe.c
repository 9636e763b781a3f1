/* runtime/linker_probe.c: compiled with -fsplit-stack (see linker_check.h).
 * Its frame is small, so its prologue starts with cmp %fs:0x70,%rsp; the
 * call into libc makes lld rewrite that. */
#include <unistd.h>

int __morestack_linker_probe(void) {
  volatile int pid = getpid();
  return pid + 1;
}

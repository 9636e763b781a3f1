// stackneeds-c: the C library tests (no libstdc++ in this program, so that
// the first calls of malloc & co. see the state of a fresh C program).
#include "common.h"

void register_stdio();
void register_libc();
void register_libm();
void stdio_init();

void register_tests() {
  register_stdio();
  register_libc();
  register_libm();
}

void tests_init() {
  common_init();
  stdio_init();
}

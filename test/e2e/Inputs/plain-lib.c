/* A library built WITHOUT the plugin (call-site-reserve.c): its functions
 * have no stack check and are not in the table of library needs. */
#include <string.h>

/* Uses about `kib` KiB of stack. */
int plain_deep(int kib) {
  volatile char block[1024];
  memset((char *)block, kib, sizeof block);
  if (kib <= 1) return block[0];
  return plain_deep(kib - 1) + block[kib & 1023];
}

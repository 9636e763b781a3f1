// runtime/linker_check.cpp: see linker_check.h.
#include "linker_check.h"

#include "fatal.h"

#include <string.h>

extern "C" int __morestack_linker_probe(void);

namespace morestack {

void check_linker() {
  static const unsigned char unrewritten[] = {0x64, 0x48, 0x3b, 0x24, 0x25};  // cmp %fs:..,%rsp
  static const unsigned char rewritten[] = {0xf9, 0x0f, 0x1f};                // stc; nopl
  const unsigned char *code = (const unsigned char *)&__morestack_linker_probe;
  if (memcmp(code, rewritten, sizeof rewritten) == 0) return;
  if (memcmp(code, unrewritten, sizeof unrewritten) == 0)
    fatal("this program was linked without lld, which leaves calls into uninstrumented code "
          "(libc, libstdc++) unprotected; link it with -fuse-ld=lld (morestack-clang and "
          "morestack-clang++ do this)");
  fatal("cannot recognise the split-stack prologue of the linker probe; was the runtime built "
        "with -fcf-protection?");
}

} // namespace morestack

// runtime/valgrind_requests.h: what the runtime tells valgrind.
//
// Under valgrind (memcheck), a program whose %rsp jumps between blocks the
// runtime allocated looks like "client switching stacks?", and the
// runtime's conservative scans read stack words that were never written
// (padding, dead slots), which memcheck reports as uses of uninitialised
// values. So every managed stack is registered as a stack (and re-registered
// when it moves), and the words a scan reads are marked defined first (the
// program's own later reads of such a word are then not reported either: a
// price paid only for the words the runtime scans).
//
// The requests are valgrind's client requests from <valgrind/memcheck.h>
// (installed with valgrind): a few instructions that do nothing when the
// program does not run under valgrind. Without the header they compile to
// nothing.
#pragma once

#include <stddef.h>
#include <stdint.h>

#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#define MORESTACK_VALGRIND_REQUESTS 1
#endif

namespace morestack {

// Returns valgrind's id for the stack [lo, hi) (0 without valgrind).
inline unsigned valgrind_register_stack(uintptr_t lo, uintptr_t hi) {
#ifdef MORESTACK_VALGRIND_REQUESTS
  return VALGRIND_STACK_REGISTER(lo, hi);
#else
  (void)lo, (void)hi;
  return 0;
#endif
}

inline void valgrind_deregister_stack(unsigned id) {
#ifdef MORESTACK_VALGRIND_REQUESTS
  VALGRIND_STACK_DEREGISTER(id);
#else
  (void)id;
#endif
}

// [p, p + n) is about to be read word by word by a conservative scan.
inline void valgrind_scanned(const void *p, size_t n) {
#ifdef MORESTACK_VALGRIND_REQUESTS
  (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
  (void)p, (void)n;
#endif
}

// A block changes hands (the pool): the memory is the runtime's to write,
// whatever valgrind concluded from a stack pointer that left it (memory
// below a registered stack's pointer is "not addressable" to it).
inline void valgrind_block_writable(const void *p, size_t n) {
#ifdef MORESTACK_VALGRIND_REQUESTS
  (void)VALGRIND_MAKE_MEM_UNDEFINED(p, n);
#else
  (void)p, (void)n;
#endif
}

// [p, p + n) holds zeros (a cleared block, pages never touched included).
inline void valgrind_zeroed(const void *p, size_t n) {
#ifdef MORESTACK_VALGRIND_REQUESTS
  (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
  (void)p, (void)n;
#endif
}

} // namespace morestack

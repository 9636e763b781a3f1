// runtime/verify_escapes.cpp: see verify_escapes.h.
#include "verify_escapes.h"

#include "fatal.h"
#include "faults.h"
#include "relocate.h"
#include "side_stack.h"
#include "valgrind_requests.h"

#include <elf.h>
#include <link.h>
#include <stdio.h>

namespace morestack {
namespace {

struct Finding {
  char where[160];
  uintptr_t at = 0, value = 0;
  size_t count = 0;
};

struct Check {
  uintptr_t lo, hi;
  uintptr_t skip_lo, skip_hi;  // the runtime's own thread record
  Finding found;

  // Plain words only. Mangled ones (a jmp_buf's saved %rsp and %rbp) are
  // not checked: every buffer code built with the plugin passes to setjmp
  // is registered and relocated (jmp_bufs.h), while a dead buffer's bytes
  // stay in side-stack memory, where a later object that is never fully
  // written (a char buffer) would carry them into this check.
  void words(uintptr_t a, uintptr_t b, const char *where) {
    const uintptr_t span = hi - lo;
    if (b > a) valgrind_scanned((const void *)a, b - a);
    for (uintptr_t w = (a + 7) & ~uintptr_t(7); w + 8 <= b; w += 8) {
      if (w >= skip_lo && w < skip_hi) continue;
      const uintptr_t v = *(const uintptr_t *)w;
      if (v - lo >= span) continue;
      if (!found.count++) {
        snprintf(found.where, sizeof found.where, "%s", where);
        found.at = w;
        found.value = v;
      }
    }
  }
};

int check_module_tls(struct dl_phdr_info *info, size_t, void *p) {
  Check &c = *(Check *)p;
  if (!info->dlpi_tls_data) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_TLS) continue;
    char where[160];
    snprintf(where, sizeof where, "the thread-local storage of %s",
             info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "the program");
    const uintptr_t a = (uintptr_t)info->dlpi_tls_data;
    c.words(a, a + ph.p_memsz, where);
  }
  return 0;
}

} // namespace

void verify_no_outside_pointers(const Stack &s, uintptr_t live_lo, uintptr_t old_hi,
                                const FrameCursor &moved) {
  ThreadState &t = thread_state();
  Check c = {live_lo, old_hi, (uintptr_t)&t, (uintptr_t)(&t + 1), {}};
  SideStack &running = current_side_stack();
  side_used_ranges(running, true, [&](uintptr_t a, uintptr_t b) {
    c.words(a, b, "the side stack (objects whose address escapes)");
  });
  if (&running != &t.side)
    side_used_ranges(t.side, false, [&](uintptr_t a, uintptr_t b) {
      c.words(a, b, "the thread's own side stack");
    });
  // dl_iterate_phdr takes the loader's (recursive) lock: not from a
  // signal handler, which may have interrupted a thread holding it.
  if (!t.current || t.current->kind != StackKind::Signal)
    dl_iterate_phdr(check_module_tls, &c);
  if (!c.found.count) return;
  char name[48];
  print_stack_backtrace("the stack moved at:", moved, s.hi);
  fatal("verify: after moving the stack of %s, %zu word(s) outside it still point into its old "
        "block [%#lx, %#lx): the first, in %s at %#lx, holds %#lx. The plugin keeps objects whose "
        "address escapes off the moving stack, so this address was stored by code that promised "
        "not to keep it (a noescape or nocapture parameter) or by code built without the plugin",
        describe(s, name, sizeof name), c.found.count, live_lo, old_hi, c.found.where, c.found.at,
        c.found.value);
}

} // namespace morestack

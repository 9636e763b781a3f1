// Misusing the fiber API is reported, not undefined:
//  - resuming or destroying a fiber that was destroyed (while its memory
//    has not been handed out again), or NULL: a message naming the call;
//  - a moved-from C++ Fiber: done() is true, stats() are zero, resume()
//    throws std::logic_error.
//
// RUN: %morestack_clangxx -O2 %s -o %t
// RUN: %t moved | FileCheck %s --check-prefix=MOVED
// RUN: not --crash %t resume-destroyed 2>&1 | FileCheck %s --check-prefix=RESUME
// RUN: not --crash %t destroy-twice 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not --crash %t resume-null 2>&1 | FileCheck %s --check-prefix=NULLF
//
// MOVED: moved-from: done=1 size=0 resume threw: morestack::Fiber::resume() on a moved-from Fiber
// MOVED-NEXT: the other one ran: yes
// RESUME: morestack: fatal: morestack_fiber_resume: 0x{{[0-9a-f]+}} is not a live fiber: it was destroyed
// TWICE: morestack: fatal: morestack_fiber_destroy: 0x{{[0-9a-f]+}} is not a live fiber: it was destroyed
// NULLF: morestack: fatal: morestack_fiber_resume: the fiber is NULL

#include <morestack/fiber.hpp>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

static void nothing(void *) {}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!std::strcmp(mode, "moved")) {
    bool ran = false;
    morestack::Fiber a([&] { ran = true; });
    morestack::Fiber b(std::move(a));
    std::string what = "nothing";  // a copy: e.what() dies with the exception (found by ASan)
    try {
      a.resume();
    } catch (const std::logic_error &e) {
      what = e.what();
    }
    std::printf("moved-from: done=%d size=%zu resume threw: %s\n", (int)a.done(), a.stats().size,
                what.c_str());
    while (!b.resume()) {
    }
    std::printf("the other one ran: %s\n", ran ? "yes" : "no");
    return 0;
  }
  morestack_fiber *f = morestack_fiber_create(nothing, nullptr, 0);
  if (!std::strcmp(mode, "resume-null")) morestack_fiber_resume(nullptr);
  morestack_fiber_destroy(f);
  if (!std::strcmp(mode, "resume-destroyed")) morestack_fiber_resume(f);
  if (!std::strcmp(mode, "destroy-twice")) morestack_fiber_destroy(f);
  return 0;
}

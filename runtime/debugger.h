// runtime/debugger.h: what the runtime keeps for debuggers (gdb/morestack-gdb.py).
//
//  - Every fiber between morestack_fiber_create and morestack_fiber_destroy
//    is on one of kFiberShards lists (__morestack_fibers), so a debugger
//    (or a core file) can list them. A fiber goes on the shard of the thread
//    that creates it: one uncontended lock and two stores on create and on
//    destroy, and threads creating fibers at once rarely share a lock.
//  - __morestack_stack_moved is called after every move of a stack (growth
//    by copying, shrinking by copying; not in-place growth, which moves
//    nothing), with the old and new blocks: the script's breakpoint there
//    follows frames and watchpoints to their new addresses.
//  - __morestack_debug_layout gives the offsets the script reads, so that it
//    needs no debug information for the runtime.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace morestack {

struct Fiber;

// A fiber's place on its list (fiber.h: Fiber::live).
struct FiberLink {
  Fiber *next = nullptr;
  Fiber *prev = nullptr;
  uint32_t shard = 0;
};

void fibers_register(Fiber *f);
void fibers_unregister(Fiber *f);

} // namespace morestack

extern "C" void __morestack_stack_moved(uintptr_t old_lo, uintptr_t old_hi, uintptr_t new_lo,
                                        uintptr_t new_hi);

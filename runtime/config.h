// runtime/config.h: the runtime's settings (see morestack.h for the knobs).
//
// Invariants: after init_config() every size is valid: initial sizes are
// powers of two >= MORESTACK_MIN_STACK and <= max_stack; the non-split
// reserve is below max_stack. Settings are plain words read without locks:
// a setter racing with stack creation gives the old or the new value.
#pragma once

#include <morestack/abi.h>
#include <stddef.h>

namespace morestack {

struct Config {
  size_t main_stack = 8 << 20;    // see docs/runtime.md: "Why main and threads start at 8 MiB"
  size_t thread_stack = 8 << 20;
  size_t fiber_stack = MORESTACK_MIN_STACK;
  size_t max_stack = size_t(256) << 20;  // docs/runtime.md: "The default limit"
  size_t warm_bytes = size_t(64) << 20;  // MORESTACK_WARM_BYTES: warm ranges' budget (stack_pool.h)
  bool verify = false;
  bool learn_stacks = true;
  bool compact_parked = true;  // MORESTACK_COMPACT_PARKED: parked fibers keep only their live part (stack.h)  // MORESTACK_LEARN_STACKS: fiber start sizes per kind (fiber_kinds.h)
};

extern Config config;

// Read the environment (once; later calls do nothing). Bad values are fatal.
void init_config();

// Parse "64K", "2M", "1G", "4096". Returns false on anything else.
bool parse_size(const char *text, size_t *out);

// Smallest power of two >= n.
size_t round_up_pow2(size_t n);

} // namespace morestack

// Read by __morestack_non_split on every call (runtime/morestack.S).
extern "C" size_t __morestack_nonsplit_reserve;

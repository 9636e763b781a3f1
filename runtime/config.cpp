// runtime/config.cpp: settings from the environment and the setter API.
#include <morestack/abi.h>
#include <morestack/morestack.h>

#include "config.h"
#include "fatal.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

extern "C" size_t __morestack_nonsplit_reserve = MORESTACK_NONSPLIT_RESERVE_DEFAULT;

namespace morestack {

Config config;

bool parse_size(const char *text, size_t *out) {
  if (!text || !*text) return false;
  char *end = nullptr;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || end == text || text[0] == '-') return false;
  unsigned shift = 0;
  switch (*end) {
  case 'k': case 'K': shift = 10; ++end; break;
  case 'm': case 'M': shift = 20; ++end; break;
  case 'g': case 'G': shift = 30; ++end; break;
  default: break;
  }
  if (*end != '\0') return false;
  if (v > (UINT64_MAX >> shift)) return false;
  *out = (size_t)(v << shift);
  return true;
}

size_t round_up_pow2(size_t n) {
  size_t p = MORESTACK_MIN_STACK;
  while (p < n) p <<= 1;
  return p;
}

namespace {

// Largest stack anyone may ask for: 64 GiB, far beyond any real need and
// safely inside the address space.
constexpr size_t kLargestMaxStack = size_t(64) << 30;

// The smallest non-split reserve: what the common C library calls need
// (snprintf of ordinary formats, a first getaddrinfo; tools/stack-needs).
constexpr size_t kMinNonsplitReserve = 8 * 1024;

bool valid_initial(size_t bytes) {
  return bytes >= MORESTACK_MIN_STACK && bytes <= config.max_stack;
}

int set_initial(size_t *field, size_t bytes) {
  if (!valid_initial(bytes)) return EINVAL;
  *field = round_up_pow2(bytes);
  return 0;
}

// A size from the environment, or fatal with the variable's name.
void env_size(const char *name, size_t *field, bool initial) {
  const char *text = getenv(name);
  if (!text) return;
  size_t v;
  if (!parse_size(text, &v))
    fatal("%s=\"%s\" is not a size (use a number of bytes with an optional K, M or G suffix)",
          name, text);
  if (initial && v < MORESTACK_MIN_STACK)
    fatal("%s=%s is below the smallest stack, %d bytes", name, text, MORESTACK_MIN_STACK);
  *field = initial ? round_up_pow2(v) : v;
}

// A 0/1 switch from the environment, or fatal saying what it switches.
void env_flag(const char *name, bool *field, const char *what) {
  const char *v = getenv(name);
  if (!v) return;
  if ((v[0] == '0' || v[0] == '1') && v[1] == '\0') *field = v[0] == '1';
  else fatal("%s=\"%s\": use 1 to enable %s, 0 to disable", name, v, what);
}

void read_environment() {
  env_size("MORESTACK_MAX_STACK", &config.max_stack, false);
  if (config.max_stack < MORESTACK_MIN_STACK || config.max_stack > kLargestMaxStack)
    fatal("MORESTACK_MAX_STACK=%zu is outside [%d, %zu]", config.max_stack, MORESTACK_MIN_STACK,
          kLargestMaxStack);
  env_size("MORESTACK_MAIN_STACK", &config.main_stack, true);
  env_size("MORESTACK_THREAD_STACK", &config.thread_stack, true);
  env_size("MORESTACK_FIBER_STACK", &config.fiber_stack, true);
  env_size("MORESTACK_WARM_BYTES", &config.warm_bytes, false);
  struct { const char *name; size_t v; } initial[] = {
      {"MORESTACK_MAIN_STACK", config.main_stack},
      {"MORESTACK_THREAD_STACK", config.thread_stack},
      {"MORESTACK_FIBER_STACK", config.fiber_stack}};
  for (auto &i : initial)
    if (i.v > config.max_stack)
      fatal("%s (%zu bytes) is larger than MORESTACK_MAX_STACK (%zu bytes)", i.name, i.v,
            config.max_stack);
  size_t reserve = __morestack_nonsplit_reserve;
  env_size("MORESTACK_NONSPLIT_RESERVE", &reserve, false);
  if (reserve < kMinNonsplitReserve)
    fatal("MORESTACK_NONSPLIT_RESERVE (%zu bytes) is below %zu bytes: calls into the C library "
          "from prologues lld rewrote (objects built with plain -fsplit-stack) would overflow", reserve, kMinNonsplitReserve);
  if (reserve >= config.max_stack / 2)
    fatal("MORESTACK_NONSPLIT_RESERVE (%zu bytes) must be below half of MORESTACK_MAX_STACK "
          "(%zu bytes)", reserve, config.max_stack);
  __morestack_nonsplit_reserve = reserve;
  env_flag("MORESTACK_VERIFY", &config.verify, "checking after every move");
  if (config.verify) __atomic_store_n(&checks_on, true, __ATOMIC_RELAXED);  // MS_CHECK (fatal.h)
  env_flag("MORESTACK_LEARN_STACKS", &config.learn_stacks,
           "starting fibers at the size fibers of their function needed");
  env_flag("MORESTACK_COMPACT_PARKED", &config.compact_parked,
           "keeping only the live part of a parked fiber's stack");
}

pthread_once_t once = PTHREAD_ONCE_INIT;

} // namespace

void init_config() { pthread_once(&once, read_environment); }

} // namespace morestack

using namespace morestack;

extern "C" {

int morestack_set_main_stack_size(size_t b) { init_config(); return set_initial(&config.main_stack, b); }
int morestack_set_thread_stack_size(size_t b) { init_config(); return set_initial(&config.thread_stack, b); }
int morestack_set_fiber_stack_size(size_t b) { init_config(); return set_initial(&config.fiber_stack, b); }

int morestack_set_max_stack_size(size_t b) {
  init_config();
  if (b < config.main_stack || b < config.thread_stack || b < config.fiber_stack ||
      b > kLargestMaxStack || __morestack_nonsplit_reserve >= b / 2)
    return EINVAL;
  config.max_stack = b;
  return 0;
}

int morestack_set_nonsplit_reserve(size_t b) {
  init_config();
  if (b < kMinNonsplitReserve || b >= config.max_stack / 2) return EINVAL;
  __morestack_nonsplit_reserve = b;
  return 0;
}

int morestack_set_learn_stack_sizes(int on) {
  init_config();
  if (on != 0 && on != 1) return EINVAL;
  config.learn_stacks = on;
  return 0;
}

size_t morestack_fiber_stack_size(void) { init_config(); return config.fiber_stack; }
size_t morestack_max_stack_size(void) { init_config(); return config.max_stack; }
size_t morestack_nonsplit_reserve(void) { init_config(); return __morestack_nonsplit_reserve; }

} // extern "C"

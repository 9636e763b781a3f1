// runtime/stack_map.cpp: the registry of the compiler's stack maps (see
// stack_map.h).
#include "stack_map.h"

#include "asm_entry.h"
#include "binding.h"

#include "fatal.h"
#include "thread_state.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

extern "C" char __start_morestack_runtime_frames[] __attribute__((visibility("hidden")));
extern "C" char __stop_morestack_runtime_frames[] __attribute__((visibility("hidden")));

namespace morestack {
namespace {

// Modules: a program and the shared libraries it loads.
constexpr size_t kMaxModules = 512;

struct Module {
  const char *start, *stop;
};

struct Entry {
  uintptr_t start, end;
  const MapRecord *record;
};

struct Index {
  size_t count;
  Entry entries[];
};

// Recently found records, by return address: growths walk the same few
// functions again and again. Entries are written and read without locks;
// an entry is used only if its record's code range holds the address, so a
// stale or mismatched one (two words written by different threads) is
// merely a miss. Flushed when the index changes.
constexpr size_t kCacheEntries = 512;
struct CacheEntry {
  uintptr_t pc;
  const MapRecord *record;
};
CacheEntry cache[kCacheEntries];

size_t cache_slot(uintptr_t pc) { return (pc ^ (pc >> 9)) % kCacheEntries; }

bool covers(const MapRecord *r, uintptr_t pc) { return pc - record_code_start(r) < r->code_size; }

void flush_cache() {
  for (CacheEntry &e : cache) __atomic_store_n(&e.record, nullptr, __ATOMIC_RELAXED);
}

pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
Module modules[kMaxModules];
size_t module_count;
Index *published;  // read with acquire loads, written under `lock`
bool stale;        // modules changed since `published` was built

template <class Fn> void for_each_record(const Module &m, Fn fn) {
  const char *p = m.start;
  while (p + sizeof(MapRecord) <= m.stop) {
    const MapRecord *r = (const MapRecord *)p;
    if (r->size == 0) {  // alignment padding between sections
      p += 4;
      continue;
    }
    if (r->size < sizeof(MapRecord) || (r->size & 3) || p + r->size > m.stop)
      fatal("corrupt stack map record at %p (size %u) in the maps at [%p, %p): was this "
            "module built by a different version of the morestack plugin?",
            (const void *)p, r->size, (const void *)m.start, (const void *)m.stop);
    fn(r);
    p += r->size;
  }
}

int compare_entries(const void *a, const void *b) {
  uintptr_t x = ((const Entry *)a)->start, y = ((const Entry *)b)->start;
  return x < y ? -1 : x > y;
}

void *rebuild(void *) {
  size_t n = 0;
  for (size_t i = 0; i < module_count; ++i)
    for_each_record(modules[i], [&](const MapRecord *r) { n += r->code_size != 0; });
  size_t bytes = sizeof(Index) + n * sizeof(Entry);
  void *mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) fatal("out of memory indexing %zu stack map records", n);
  Index *index = (Index *)mem;
  size_t k = 0;
  for (size_t i = 0; i < module_count; ++i)
    for_each_record(modules[i], [&](const MapRecord *r) {
      if (r->code_size == 0) return;
      index->entries[k++] = {record_code_start(r), record_code_end(r), r};
    });
  MS_CHECK(k == n);  // the same records in both passes (under the lock)
  index->count = k;
  qsort(index->entries, k, sizeof(Entry), compare_entries);
  __atomic_store_n(&published, index, __ATOMIC_RELEASE);
  flush_cache();
  return nullptr;
}

// The index, built on first use after the modules changed: a program that
// never moves a stack never sorts its records. Building may start on a
// small stack (a backtrace from a fiber); sorting needs more, so it happens
// on the system stack.
const Index *current_index() {
  if (__atomic_load_n(&stale, __ATOMIC_ACQUIRE)) {
    pthread_mutex_lock(&lock);
    if (stale) {
      on_system_stack(rebuild, nullptr);
      __atomic_store_n(&stale, false, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&lock);
  }
  return __atomic_load_n(&published, __ATOMIC_ACQUIRE);
}

} // namespace

const MapRecord *map_lookup(uintptr_t pc) {
  CacheEntry &slot = cache[cache_slot(pc)];
  const MapRecord *cached = __atomic_load_n(&slot.record, __ATOMIC_RELAXED);
  if (cached && __atomic_load_n(&slot.pc, __ATOMIC_RELAXED) == pc && covers(cached, pc))
    return cached;
  const Index *index = current_index();
  if (!index) return nullptr;
  size_t lo = 0, hi = index->count;  // find the last entry with start <= pc
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (index->entries[mid].start <= pc) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return nullptr;
  const Entry &e = index->entries[lo - 1];
  if (pc >= e.end) return nullptr;
  __atomic_store_n(&slot.pc, pc, __ATOMIC_RELAXED);
  __atomic_store_n(&slot.record, e.record, __ATOMIC_RELAXED);
  return e.record;
}

bool in_runtime_frames(uintptr_t pc) {
  return pc >= (uintptr_t)__start_morestack_runtime_frames &&
         pc < (uintptr_t)__stop_morestack_runtime_frames;
}

size_t map_record_count() {
  const Index *index = current_index();
  return index ? index->count : 0;
}

size_t map_module_count() { return __atomic_load_n(&module_count, __ATOMIC_RELAXED); }

} // namespace morestack

using namespace morestack;

// Called by every module's constructor: only records the module (the index
// is built on first use, see current_index()).
extern "C" void __morestack_register_maps(const char *start, const char *stop) {
  if (!start || start >= stop) return;
  auto known = [&] {
    for (size_t i = 0; i < module_count; ++i)
      if (modules[i].start == start) return true;  // every object file's constructor calls
    return false;
  };
  pthread_mutex_lock(&lock);
  bool seen = known();
  pthread_mutex_unlock(&lock);
  if (seen) return;
  check_bound_at_load((uintptr_t)start, "a module with code built with the plugin");
  pthread_mutex_lock(&lock);
  if (known()) {
    pthread_mutex_unlock(&lock);
    return;
  }
  if (module_count == kMaxModules)
    fatal("more than %zu modules with stack maps are loaded", kMaxModules);
  modules[module_count] = {start, stop};
  __atomic_store_n(&module_count, module_count + 1, __ATOMIC_RELAXED);
  __atomic_store_n(&stale, true, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&lock);
  bind_libraries();
}

// The stack a call through a pointer to `target` needs kept free: nothing if
// the target is the entry of a function built with the plugin (it checks
// for itself), MORESTACK_UNKNOWN_CALLEE_NEED otherwise. Called by
// __morestack_reserve_call (morestack.S) on the caller's small stack: it
// uses little (the lookup, no locks).
extern "C" size_t __morestack_target_need(uintptr_t target) {
  const MapRecord *r = map_lookup(target);
  if (r && record_code_start(r) == target && (r->flags & (MORESTACK_MAP_SPLIT | MORESTACK_MAP_NOSPLIT)))
    return 0;
  return MORESTACK_UNKNOWN_CALLEE_NEED;
}

extern "C" void __morestack_unregister_maps(const char *start, const char *stop) {
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < module_count; ++i)
    if (modules[i].start == start && modules[i].stop == stop) {
      modules[i] = modules[module_count - 1];
      __atomic_store_n(&module_count, module_count - 1, __ATOMIC_RELAXED);
      // The module's code is about to go: no cached lookup may name it.
      flush_cache();
      __atomic_store_n(&stale, true, __ATOMIC_RELEASE);
      break;
    }
  pthread_mutex_unlock(&lock);
}

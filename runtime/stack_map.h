// runtime/stack_map.h: the registry of the compiler's stack maps.
//
// Every module built with the plugin registers its [__start_morestack_maps,
// __stop_morestack_maps) from a constructor (and unregisters it from a
// destructor); the format is include/morestack/stack_map.h. The registry
// keeps one index, sorted by code address, of every record of every
// registered module.
//
// Invariants:
//  - The index is immutable once published: lookups (any thread, during a
//    growth on the system stack) read it without locks. (Un)registration
//    only marks it stale; the first lookup after that builds a new one
//    under a mutex and publishes it with a release store. Replaced indexes
//    are never freed, since a reader may still hold one (modules register
//    once; dlopen/dlclose churn leaks a few bytes per record each time).
//  - Records without a code range (code_size 0: assembled by an external
//    assembler) are not indexed: their frames count as undescribed.
#pragma once

#include <morestack/stack_map.h>

#include <stddef.h>
#include <stdint.h>

namespace morestack {

using MapRecord = morestack_map_record;
using MapObject = morestack_map_object;

inline uintptr_t record_code_end(const MapRecord *r) {
  return (uintptr_t)&r->code_end + (intptr_t)r->code_end;
}
inline uintptr_t record_code_start(const MapRecord *r) { return record_code_end(r) - r->code_size; }
inline const MapObject *record_objects(const MapRecord *r) {
  return (const MapObject *)(r + 1);
}
inline const char *record_name(const MapRecord *r) { return (const char *)r + r->name; }
inline const uint8_t *object_bitmap(const MapRecord *r, const MapObject *o) {
  return (const uint8_t *)r + o->bitmap;
}

// The record of the function containing `pc`, or null. For a return
// address pass ra - 1: a call that ends a function returns past its end.
const MapRecord *map_lookup(uintptr_t pc);

// Whether `pc` is in the runtime's own frames that sit on managed stacks
// (MORESTACK_RUNTIME_FRAME functions and the stack bases in morestack.S).
bool in_runtime_frames(uintptr_t pc);

// Records and modules indexed so far.
size_t map_record_count();
size_t map_module_count();

} // namespace morestack

extern "C" void __morestack_register_maps(const char *start, const char *stop);
extern "C" void __morestack_unregister_maps(const char *start, const char *stop);

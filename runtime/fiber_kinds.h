// runtime/fiber_kinds.h: fibers start at the size fibers of their function
// needed before.
//
// Go starts every goroutine at the average stack size its collector saw
// (Go 1.19), one number for the whole program; its users ask for sizes per
// call site instead (golang/go #18138). Here each fiber function is a kind
// (the C++ Fiber and the scheduler pass an entry function per callable
// type, so each lambda is a kind): a fiber created with stack_size 0 starts
// at what fibers of its kind needed, so a kind that always grows to 8 KiB
// is born with 8 KiB and never moves, while one that parks at 1 KiB keeps
// 2 KiB. An explicit size wins, and such fibers teach nothing.
//
// What a fiber needed (Stack::stats.deepest, stack_release) is its deepest
// growth request, or its high-water mark plus the guard region, which the
// pool finds for free while clearing the freed block (stack_pool.h). The
// kind keeps a moving average of log2(need): a geometric mean, so that one
// fiber in ten going 64 KiB deep does not make every fiber of its kind 8x
// bigger (an arithmetic mean would), and a kind that stops growing drifts
// back down. New fibers start at the power of two at or above the average,
// between the configured fiber size and kMaxLearnedStart; they may still
// shrink to the configured size at safe points (Stack::min_size), so a
// kind born big that parks shallow does not keep its size while parked.
//
// Invariants:
//  - The table is fixed (kKindSlots) and lock-free: a slot is claimed by a
//    compare-and-swap of its function and never freed; a kind that finds no
//    slot within kKindProbes is not learned (its fibers start at the
//    configured size). Updates are relaxed and may lose a sample to a race.
//  - After the first kWarmupSamples fibers of a kind, a thread measures one
//    fiber in kSampleEvery (the update writes a cache line other threads
//    read on every create).
//  - Everything here is a few words of frame: it runs on the resumer's
//    stack when a fiber finishes (fiber_switch.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace morestack {

constexpr size_t kMaxLearnedStart = 64 * 1024;  // a kind never starts bigger
constexpr int kKindSlots = 1024;
constexpr int kKindProbes = 8;
constexpr uint32_t kWarmupSamples = 8;
constexpr uint32_t kSampleEvery = 4;      // a power of two
constexpr int kAverageWeightShift = 2;    // each sample moves the average a quarter of the way

// The size a fiber of `fn` created with the default size starts with:
// `configured` (the fiber stack setting) until the kind has been measured.
size_t kind_start_size(uintptr_t fn, size_t configured);

// A fiber of `fn` created with the default size is gone; it needed `need`
// bytes (stack_release's result).
void kind_learn(uintptr_t fn, size_t need);

} // namespace morestack

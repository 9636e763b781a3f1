// Unit tests of the side stack (runtime/side_stack.h, plugin/SideStackPass.h):
// the per-thread / per-fiber chain of chunks that never move, where the
// plugin puts the locals whose address escapes.
//
// This file is compiled with the plugin (test/unit/CMakeLists.txt), so the
// functions below with an escaping local really get a side frame: they bump
// %fs:0x60 down, check it against %fs:0x68, call __morestack_side_more when
// the frame does not fit, and put both slots back on every return, at a
// catching landing pad and at setjmp's second return.
//
// Two kinds of tests:
//  - protocol tests drive __morestack_side_more by hand, writing the TCB
//    slots the way compiled code does. They run in a fresh fiber, whose side
//    stack starts empty, and touch nothing that could have a side frame of
//    its own while they build a chain (no gtest macros, no locals whose
//    address is taken): every result goes to a global log, and the
//    assertions run afterwards in the test body, on the thread's own side
//    stack;
//  - integration tests run functions with real side frames (escaping
//    locals: `g_sink = obj`).
#include "fiber.h"
#include "jmp_bufs.h"
#include "relocate.h"
#include "side_stack.h"

#include <morestack/abi.h>
#include <morestack/morestack.h>

#include <gtest/gtest.h>

#include <alloca.h>
#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <stdexcept>

// Called directly by the protocol tests below. nodebug: with -g, clang
// attaches a declaration-only DISubprogram to a called declaration, and the
// plugin's stub (plugin/RuntimeStubs.cpp, defineStub) turns that declaration
// into a definition that keeps it, which crashes the backend
// (LexicalScopes::initialize): a plugin bug, reported with this file.
// Without nodebug this file does not compile at -O2 -g.
extern "C" __attribute__((nodebug)) void __morestack_side_more(size_t bytes);

using namespace morestack;

namespace {

// ---- Helpers ---------------------------------------------------------------

// Where escaping addresses go: storing an object's address here makes the
// plugin put the object on the side stack.
void *volatile g_sink;

inline void barrier() { asm volatile("" ::: "memory"); }

// The TCB slots, read with a memory clobber so that the stores the plugin
// emits to them are not moved across the read.
struct SideState {
  uintptr_t sp, limit;
};
inline SideState now() {
  SideState s;
  asm volatile("movq %%fs:%c1, %0" : "=r"(s.sp) : "i"(MORESTACK_SIDE_SP_TLS_OFFSET) : "memory");
  asm volatile("movq %%fs:%c1, %0" : "=r"(s.limit) : "i"(MORESTACK_SIDE_LIMIT_TLS_OFFSET) : "memory");
  return s;
}

// The chunk of `s`'s chain (spare excluded) holding side address p, or null.
const SideChunk *chunk_of(const SideStack &s, uintptr_t p) {
  for (const SideChunk *c = s.newest; c; c = c->older)
    if (c->holds(p)) return c;
  return nullptr;
}

// Pool bytes handed out, without a local whose address escapes (a struct
// returned through a hidden pointer would get a side frame).
morestack_process_stats g_stats;
size_t pool_in_use() {
  morestack_get_process_stats(&g_stats);
  return g_stats.pool_bytes_in_use;
}

// The pool bytes a fiber holds: its stack block, and its side chunks of
// 2 KiB or more (smaller ones come from malloc).
size_t pool_bytes_of(const morestack_fiber *f) {
  size_t n = f->stack.size();
  for (const SideChunk *c = f->side.newest; c; c = c->older)
    if (c->size >= 2048) n += c->size;
  if (f->side.spare && f->side.spare->size >= 2048) n += f->side.spare->size;
  return n;
}

// Pool readings are taken right around the operation they measure: gtest
// assertions in between run instrumented helpers that may take chunks for
// the thread's own side stack.

// A function with a side frame of exactly N bytes (one 16-aligned object).
template <size_t N> __attribute__((noinline)) void side_frame(uintptr_t *where) {
  alignas(16) char obj[N];
  g_sink = obj;
  if (where) *where = (uintptr_t)obj;
}

// Grows the moving stack: about 1 KiB of frame per level, nothing escapes.
__attribute__((noinline)) int grow_moving(int n) {
  volatile char pad[1024];  // a variable index keeps the whole array
  pad[n % 1024] = (char)n;
  if (n == 0) return 0;
  int r = grow_moving(n - 1) + pad[(n * 7) % 1024];
  barrier();
  return r;
}

// ---- 1. Chunks ---------------------------------------------------------------
//
// Invariants checked (runtime/side_stack.cpp, __morestack_side_more):
//  - a side stack starts empty (both TCB slots 0); its first chunk is 512
//    bytes, a 32-byte header included; each later chunk is twice the newest,
//    or the smallest power of two >= 512 that holds the request plus header
//    when the request is larger;
//  - after the call, %fs:0x60 is the new chunk's top and %fs:0x68 its limit
//    (the first byte after the header); the chunk links to the older one
//    and records the side pointer at the moment it was started;
//  - SideStack::bytes counts every chunk; chunks of 2 KiB and more come from
//    the stack pool;
//  - side_used_ranges() visits exactly [sp, top) of the chunk holding sp,
//    then [started_at, top) of each older chunk, newest first, skipping
//    chunks newer than the one holding sp and empty parts;
//  - the header matches abi.h: MORESTACK_SIDE_CHUNK_HEADER bytes, the size
//    at limit + MORESTACK_SIDE_CHUNK_SIZE_AT, top = limit - HEADER + size.

struct Chain {
  SideStack *record;      // current_side_stack() inside the fiber
  SideState at_entry;     // the TCB when the fiber started
  SideChunk *c[4];        // the newest chunk after each call
  SideState after[4];     // the TCB after each call
  size_t bytes[4];        // SideStack::bytes after each call
  size_t pool_before[4], pool_after[4];
};
Chain g_chain;

void chain_more(int i, size_t bytes) {
  g_chain.pool_before[i] = pool_in_use();
  __morestack_side_more(bytes);
  g_chain.pool_after[i] = pool_in_use();
  g_chain.c[i] = g_chain.record->newest;
  g_chain.after[i] = now();
  g_chain.bytes[i] = g_chain.record->bytes;
}

// Builds four chunks the way frames would: each call comes after a (fake)
// frame has used up most of the chunk before. In a fiber with an empty side
// stack; leaves the TCB at the newest chunk's top.
void build_chain() {
  g_chain = Chain();
  g_chain.record = &current_side_stack();
  g_chain.at_entry = now();
  chain_more(0, 16);
  write_side(g_chain.c[0]->limit() + 16, g_chain.c[0]->limit());  // a frame left 16 bytes
  chain_more(1, 100);
  write_side(g_chain.c[1]->limit() + 32, g_chain.c[1]->limit());
  chain_more(2, 64);
  write_side(g_chain.c[2]->hi() - 112, g_chain.c[2]->limit());
  chain_more(3, 5000);  // the next size would be 4096: too small for 5000 + 32
}

// Used ranges collected by side_used_ranges (running: TCB) inside the fiber.
struct Ranges {
  size_t n;
  uintptr_t lo[8], hi[8];
};
Ranges g_ranges[3];
int g_ranges_slot;

void collect_running(int slot) {
  g_ranges_slot = slot;
  g_ranges[slot].n = 0;
  side_used_ranges(current_side_stack(), /*running=*/true, [](uintptr_t a, uintptr_t b) {
    Ranges &r = g_ranges[g_ranges_slot];
    if (r.n < 8) {
      r.lo[r.n] = a;
      r.hi[r.n] = b;
    }
    ++r.n;
  });
}

SideState g_at_yield;

void chain_fiber(void *) {
  build_chain();
  // Frames used 48 bytes of the newest chunk: all four chunks are in use.
  write_side(g_chain.c[3]->hi() - 48, g_chain.c[3]->limit());
  collect_running(0);
  // The frames in c[2] and c[3] returned: only c[0] and c[1] are in use.
  write_side(g_chain.c[1]->limit() + 32, g_chain.c[1]->limit());
  collect_running(1);
  // A frame that just started c[3] and allocated nothing yet in it.
  write_side(g_chain.c[3]->hi(), g_chain.c[3]->limit());
  collect_running(2);
  write_side(g_chain.c[3]->hi() - 48, g_chain.c[3]->limit());
  g_at_yield = now();
  morestack_fiber_yield();  // suspended: the chunks stay for the test to look at
}

TEST(SideStackChunks, FirstChunkIs512ThenDoublingOrLargeEnough) {
  morestack_fiber *f = morestack_fiber_create(chain_fiber, nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  const Chain &ch = g_chain;

  EXPECT_EQ(ch.record, &f->side) << "inside a fiber, the side stack in use is the fiber's";
  EXPECT_EQ(ch.at_entry.sp, 0u) << "a fiber's side stack starts empty";
  EXPECT_EQ(ch.at_entry.limit, 0u);

  const size_t sizes[4] = {512, 1024, 2048, 8192};
  const size_t total[4] = {512, 1536, 3584, 11776};
  const uintptr_t started[4] = {0, ch.c[0]->limit() + 16, ch.c[1]->limit() + 32, ch.c[2]->hi() - 112};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(testing::Message() << "chunk " << i);
    const SideChunk *c = ch.c[i];
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->size, sizes[i]);
    EXPECT_EQ((uintptr_t)c % 16, 0u) << "the usable part must stay 16-aligned";
    EXPECT_EQ(c->older, i ? ch.c[i - 1] : nullptr) << "newest first, linked to the previous newest";
    EXPECT_EQ(c->started_at, started[i]) << "the side pointer when the chunk was started";
    EXPECT_EQ(ch.after[i].sp, (uintptr_t)c + sizes[i]) << "%fs:0x60 = the new chunk's top";
    EXPECT_EQ(ch.after[i].limit, (uintptr_t)c + MORESTACK_SIDE_CHUNK_HEADER)
        << "%fs:0x68 = the first byte after the header";
    EXPECT_EQ(ch.bytes[i], total[i]);
  }
  EXPECT_EQ(ch.pool_after[0] - ch.pool_before[0], 0u) << "512: malloc, not the pool";
  EXPECT_EQ(ch.pool_after[1] - ch.pool_before[1], 0u) << "1024: malloc, not the pool";
  EXPECT_EQ(ch.pool_after[2] - ch.pool_before[2], 2048u) << "2048: the pool's smallest class";
  EXPECT_EQ(ch.pool_after[3] - ch.pool_before[3], 8192u);

  // The suspended fiber's record holds what the TCB held at the yield.
  EXPECT_EQ(f->side.newest, ch.c[3]);
  EXPECT_EQ(f->side.spare, nullptr);
  EXPECT_EQ(f->side.sp, g_at_yield.sp);
  EXPECT_EQ(f->side.limit, g_at_yield.limit);

  // Finishing releases every chunk (the fiber's stack too).
  const size_t held = pool_bytes_of(f);
  const size_t stack_size = f->stack.size();
  const size_t pool_before_finish = pool_in_use();
  const int finished = morestack_fiber_resume(f);
  const size_t pool_after_finish = pool_in_use();
  ASSERT_EQ(finished, 1);
  EXPECT_EQ(held, stack_size + 2048 + 8192) << "premise: c[2] and c[3] from the pool";
  EXPECT_EQ(pool_before_finish - pool_after_finish, held);
  EXPECT_EQ(f->side.newest, nullptr);
  EXPECT_EQ(f->side.bytes, 0u);
  morestack_fiber_destroy(f);
}

TEST(SideStackChunks, UsedRangesAreExactlyTheUsedPartsNewestFirst) {
  morestack_fiber *f = morestack_fiber_create(chain_fiber, nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  SideChunk *const *c = g_chain.c;
  auto expect_ranges = [](const Ranges &r, std::initializer_list<std::pair<uintptr_t, uintptr_t>> want) {
    ASSERT_EQ(r.n, want.size());
    size_t i = 0;
    for (auto [lo, hi] : want) {
      EXPECT_EQ(r.lo[i], lo) << "range " << i;
      EXPECT_EQ(r.hi[i], hi) << "range " << i;
      ++i;
    }
  };
  {
    SCOPED_TRACE("all four chunks in use");
    expect_ranges(g_ranges[0], {{c[3]->hi() - 48, c[3]->hi()},
                                {c[2]->hi() - 112, c[2]->hi()},
                                {c[1]->limit() + 32, c[1]->hi()},
                                {c[0]->limit() + 16, c[0]->hi()}});
  }
  {
    SCOPED_TRACE("frames in c[2], c[3] returned: the newer chunks are not visited");
    expect_ranges(g_ranges[1], {{c[1]->limit() + 32, c[1]->hi()}, {c[0]->limit() + 16, c[0]->hi()}});
  }
  {
    SCOPED_TRACE("nothing allocated yet in the chunk holding sp: no empty range");
    expect_ranges(g_ranges[2], {{c[2]->hi() - 112, c[2]->hi()},
                                {c[1]->limit() + 32, c[1]->hi()},
                                {c[0]->limit() + 16, c[0]->hi()}});
  }
  {
    SCOPED_TRACE("suspended: the pointer comes from the record");
    Ranges r = {};
    side_used_ranges(f->side, /*running=*/false, [&r](uintptr_t a, uintptr_t b) {
      if (r.n < 8) {
        r.lo[r.n] = a;
        r.hi[r.n] = b;
      }
      ++r.n;
    });
    expect_ranges(r, {{c[3]->hi() - 48, c[3]->hi()},
                      {c[2]->hi() - 112, c[2]->hi()},
                      {c[1]->limit() + 32, c[1]->hi()},
                      {c[0]->limit() + 16, c[0]->hi()}});
  }
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  morestack_fiber_destroy(f);
}

TEST(SideStackChunks, HeaderLayoutMatchesTheAbi) {
  EXPECT_EQ(sizeof(SideChunk), size_t(MORESTACK_SIDE_CHUNK_HEADER));
  EXPECT_EQ((ptrdiff_t)offsetof(SideChunk, size) - (ptrdiff_t)sizeof(SideChunk),
            (ptrdiff_t)MORESTACK_SIDE_CHUNK_SIZE_AT);
  EXPECT_EQ(MORESTACK_SIDE_SP_TLS_OFFSET, 0x60);
  EXPECT_EQ(MORESTACK_SIDE_LIMIT_TLS_OFFSET, 0x68);
  // On real chunks, the way plugin code reads them (rewriteStackSaves):
  // size = *(limit + SIZE_AT), top = limit - HEADER + size.
  morestack_fiber *f = morestack_fiber_create(chain_fiber, nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  for (int i = 0; i < 4; ++i) {
    const SideChunk *c = g_chain.c[i];
    const uintptr_t limit = g_chain.after[i].limit;
    const size_t size = *(const size_t *)(limit + MORESTACK_SIDE_CHUNK_SIZE_AT);
    EXPECT_EQ(size, c->size) << "chunk " << i;
    EXPECT_EQ(limit - MORESTACK_SIDE_CHUNK_HEADER + size, c->hi()) << "chunk " << i;
    EXPECT_EQ(limit - MORESTACK_SIDE_CHUNK_HEADER + size, g_chain.after[i].sp) << "chunk " << i;
  }
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  morestack_fiber_destroy(f);
}

// __morestack_side_more is called below a frame that passed its check, or
// at the end of a nosplit chain, which the budget (plugin/NosplitBudget.h)
// counts as a call into checked code: 8 (return address) + 8 +
// MORESTACK_SAVE_AREA. It must use no more of the caller's stack than that:
// its work runs on the system stack. side_more_stack_use(bytes) fills 1 KiB
// below its own %rsp with a pattern, makes the call, and returns how many
// bytes below %rsp at the call were written (the return address included).
extern "C" size_t side_more_stack_use(size_t bytes);
asm(R"(
        .text
        .p2align 4
        .type   side_more_stack_use,@function
side_more_stack_use:
        pushq   %rbx
        movq    %rdi, %rbx
        leaq    -1024(%rsp), %rdi
        movl    $0xa5, %eax
        movl    $1024, %ecx
        cld
        rep stosb
        movq    %rbx, %rdi
        call    __morestack_side_more
        leaq    -1024(%rsp), %rdi
        xorl    %eax, %eax
1:      cmpb    $0xa5, (%rdi,%rax)
        jne     2f
        incq    %rax
        cmpq    $1024, %rax
        jb      1b
2:      movl    $1024, %edx
        subq    %rax, %rdx
        movq    %rdx, %rax
        popq    %rbx
        ret
        .size   side_more_stack_use, .-side_more_stack_use
)");

struct CallerUse {
  size_t first, later, again;
  bool same_chunk;
};
CallerUse g_caller_use;

TEST(SideStackChunks, TheRuntimeCallUsesNoMoreOfTheCallersStackThanABudgetedCall) {
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        g_caller_use.first = side_more_stack_use(64);      // the fiber's first chunk
        const uintptr_t sp = read_side_sp(), limit = read_side_limit();
        g_caller_use.later = side_more_stack_use(100000);  // a large chunk from the pool
        const SideStack &s = current_side_stack();
        // The frame returns (its side pointer goes back to the older chunk)
        // and the boundary is crossed again: the fast path relinks the same
        // chunk.
        const SideChunk *large = s.newest;
        write_side(sp, limit);
        g_caller_use.again = side_more_stack_use(100000);
        g_caller_use.same_chunk = s.newest == large && read_side_sp() == large->hi();
        write_side(s.newest->hi(), s.newest->limit());     // leave it unused for the release
      },
      nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  morestack_fiber_destroy(f);
  const size_t budgeted = 8 + 8 + MORESTACK_SAVE_AREA;
  EXPECT_GT(g_caller_use.first, 8u) << "premise: the measurement sees the call";
  EXPECT_LE(g_caller_use.first, budgeted);
  EXPECT_LE(g_caller_use.later, budgeted);
  EXPECT_LE(g_caller_use.again, budgeted);
  EXPECT_TRUE(g_caller_use.same_chunk) << "a re-crossed boundary reuses the unused newest chunk";
}

// ---- 2. The cache --------------------------------------------------------------
//
// Invariants checked (side_trim, trim_above, __morestack_side_more):
//  - when the frames that used the newer chunks have returned (the side
//    pointer is back in an older chunk), the next trim (a yield, or a call
//    to __morestack_side_more) keeps the largest unused chunk as the spare
//    and frees the others; SideStack::bytes and the pool follow;
//  - a trim with nothing in use frees the spare too;
//  - a boundary crossed again and again (a loop calling a function whose
//    frame does not fit) reuses the spare: the same chunk every time, no
//    new memory.

struct CacheLog {
  size_t pool_before_yield;
  SideChunk *newest[5], *spare[5];
  size_t bytes[5], pool[5];
};
CacheLog g_cache;

void back_to_first_chunk() { write_side(g_chain.c[0]->limit() + 16, g_chain.c[0]->limit()); }

void cache_fiber(void *) {
  build_chain();
  back_to_first_chunk();  // every frame in c[1..3] returned
  g_cache.pool_before_yield = pool_in_use();
  morestack_fiber_yield();  // the resume trims
  for (int i = 0; i < 5; ++i) {
    __morestack_side_more(100);  // a frame that does not fit in what is left of c[0]
    g_cache.newest[i] = current_side_stack().newest;
    g_cache.spare[i] = current_side_stack().spare;
    g_cache.bytes[i] = current_side_stack().bytes;
    g_cache.pool[i] = pool_in_use();
    back_to_first_chunk();  // ... and returns
  }
  morestack_fiber_yield();
}

TEST(SideStackCache, TrimKeepsTheLargestUnusedChunkAndReusesIt) {
  morestack_fiber *f = morestack_fiber_create(cache_fiber, nullptr, 0);
  const int r = morestack_fiber_resume(f);
  const size_t pool_after_trim = pool_in_use();
  ASSERT_EQ(r, 0);
  SideChunk *const *c = g_chain.c;
  ASSERT_EQ(g_chain.bytes[3], 11776u);
  EXPECT_EQ(f->side.newest, c[0]) << "c[1..3] are unused: off the chain";
  EXPECT_EQ(f->side.spare, c[3]) << "the largest unused chunk is kept";
  EXPECT_EQ(f->side.bytes, c[0]->size + c[3]->size) << "c[1] and c[2] freed";
  EXPECT_EQ(g_cache.pool_before_yield - pool_after_trim, 2048u) << "c[2] (2 KiB) back to the pool";

  // Trimming again changes nothing.
  side_trim(f->side);
  EXPECT_EQ(f->side.newest, c[0]);
  EXPECT_EQ(f->side.spare, c[3]);
  EXPECT_EQ(f->side.bytes, c[0]->size + c[3]->size);

  const size_t pool_before_loop = pool_in_use();
  const int r2 = morestack_fiber_resume(f);
  ASSERT_EQ(r2, 0);
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(testing::Message() << "crossing " << i);
    EXPECT_EQ(g_cache.newest[i], c[3]) << "the spare is reused, not a new chunk";
    EXPECT_EQ(g_cache.spare[i], nullptr);
    EXPECT_EQ(g_cache.bytes[i], c[0]->size + c[3]->size) << "no new memory";
    EXPECT_EQ(g_cache.pool[i], pool_before_loop);
  }
  EXPECT_EQ(c[3]->older, c[0]);
  EXPECT_EQ(c[3]->started_at, c[0]->limit() + 16);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  morestack_fiber_destroy(f);
}

void nothing_in_use_fiber(void *) {
  build_chain();
  write_side(0, 0);  // every frame returned: the side stack is as it started
  g_cache.pool_before_yield = pool_in_use();
  morestack_fiber_yield();
}

TEST(SideStackCache, TrimWithNothingInUseFreesEverything) {
  morestack_fiber *f = morestack_fiber_create(nothing_in_use_fiber, nullptr, 0);
  const int r = morestack_fiber_resume(f);
  const size_t pool_after_trim = pool_in_use();
  ASSERT_EQ(r, 0);
  EXPECT_EQ(f->side.newest, nullptr);
  EXPECT_EQ(f->side.spare, nullptr);
  EXPECT_EQ(f->side.bytes, 0u);
  EXPECT_EQ(g_cache.pool_before_yield - pool_after_trim, 2048u + 8192u);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  morestack_fiber_destroy(f);
}

// The same with plugin-compiled frames: outer() (400-byte side frame) fits
// in the first 512-byte chunk, inner() (304 bytes) does not. Each call of
// outer() crosses the boundary once (later inner() calls in the same
// activation stay in the new chunk: "sticky" chunks); the crossing in the
// next call of outer() reuses the chunk kept as spare.
struct LoopLog {
  int n;
  uintptr_t outer_obj[16];
  uintptr_t inner_obj[64];
  const SideChunk *outer_chunk[16], *inner_chunk[64];
  size_t bytes[64], pool[64];
};
LoopLog g_loop;

__attribute__((noinline)) void inner() {
  alignas(16) char obj[300];
  g_sink = obj;
  const SideStack &s = current_side_stack();
  int i = g_loop.n++;
  g_loop.inner_obj[i] = (uintptr_t)obj;
  g_loop.inner_chunk[i] = chunk_of(s, (uintptr_t)obj);
  g_loop.bytes[i] = s.bytes;
  g_loop.pool[i] = pool_in_use();
}

__attribute__((noinline)) void outer(int k) {
  alignas(16) char obj[400];
  g_sink = obj;
  g_loop.outer_obj[k] = (uintptr_t)obj;
  g_loop.outer_chunk[k] = chunk_of(current_side_stack(), (uintptr_t)obj);
  for (int i = 0; i < 3; ++i) inner();
}

TEST(SideStackCache, ABoundaryCrossedInALoopReusesTheSpare) {
  g_loop = LoopLog();
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        for (int k = 0; k < 10; ++k) outer(k);
      },
      nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  ASSERT_EQ(g_loop.n, 30);
  ASSERT_NE(g_loop.outer_chunk[0], nullptr);
  ASSERT_NE(g_loop.inner_chunk[0], nullptr);
  EXPECT_NE(g_loop.inner_chunk[0], g_loop.outer_chunk[0]) << "inner() crossed into a new chunk";
  EXPECT_EQ(g_loop.bytes[0], 512u + 1024u);
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(g_loop.outer_chunk[k], g_loop.outer_chunk[0]) << "outer " << k;
    EXPECT_EQ(g_loop.outer_obj[k], g_loop.outer_obj[0]) << "outer " << k;
  }
  for (int i = 0; i < 30; ++i) {
    SCOPED_TRACE(testing::Message() << "inner call " << i);
    EXPECT_EQ(g_loop.inner_chunk[i], g_loop.inner_chunk[0]) << "the same chunk every time";
    EXPECT_EQ(g_loop.inner_obj[i], g_loop.inner_obj[0]);
    EXPECT_EQ(g_loop.bytes[i], g_loop.bytes[0]) << "no chunk allocated";
    EXPECT_EQ(g_loop.pool[i], g_loop.pool[0]);
  }
  morestack_fiber_destroy(f);
}

// ---- 3. The limit ------------------------------------------------------------
//
// Invariants checked: a side stack's chunks (SideStack::bytes) never total
// more than MORESTACK_MAX_STACK; a frame that would need more is a fatal
// error naming the stack and the limit ("side stack overflow"), wherever
// it comes from (deep recursion, one huge dynamic object, a size so large
// it wraps); a frame that fits within the limit with what is in use is
// not refused.

constexpr size_t k16M = size_t(16) << 20;

__attribute__((noinline)) void deep_side(int n) {
  alignas(16) char obj[65536];
  g_sink = obj;
  if (n > 0) deep_side(n - 1);
  barrier();
}

__attribute__((noinline)) void dynamic_side(size_t n) {
  char *p = (char *)alloca(n);  // dynamic: always on the side stack
  g_sink = p;
  barrier();
}

void set_max_16m_or_exit() {
  // Not below the 8 MiB of main's and the threads' initial stacks.
  if (morestack_set_max_stack_size(k16M) != 0) _exit(3);
}

TEST(SideStackLimitDeathTest, DeepRecursionInAFiberIsReported) {
  EXPECT_DEATH(
      {
        set_max_16m_or_exit();
        morestack_fiber *f = morestack_fiber_create([](void *) { deep_side(1000); }, nullptr, 0);
        morestack_fiber_resume(f);  // 64 MiB of side frames
      },
      "side stack overflow: the side stack of fiber [0-9]+ \\(where objects whose address escapes "
      "live\\) needs [0-9]+ bytes, more than the limit of 16777216 bytes \\(MORESTACK_MAX_STACK");
}

TEST(SideStackLimitDeathTest, OneHugeDynamicObjectOnMainIsReported) {
  EXPECT_DEATH(
      {
        set_max_16m_or_exit();
        dynamic_side(size_t(32) << 20);
      },
      "side stack overflow: the side stack of main \\(thread 1\\) \\(where objects whose address "
      "escapes live\\) "
      "needs [0-9]+ bytes, more than the limit of 16777216 bytes");
}

TEST(SideStackLimitDeathTest, ADirectRequestOverTheLimitIsReported) {
  EXPECT_DEATH(
      {
        set_max_16m_or_exit();
        __morestack_side_more(k16M);  // with its header, one chunk would pass the limit
      },
      "side stack overflow: .* needs [0-9]+ bytes, more than the limit of 16777216 bytes");
}

// alloca(n) / a VLA with a negative size: the plugin asks for about 2^64
// bytes. That must be reported like any other overflow. (The alarm only
// turns a hang into a failure of this test: a child killed by SIGALRM
// prints nothing, so the message does not match.)
TEST(SideStackLimitDeathTest, ASizeNear2To64IsReportedNotAHang) {
  EXPECT_DEATH(
      {
        alarm(10);
        volatile long n = -1000;
        dynamic_side((size_t)n);
      },
      "side stack overflow: .* needs [0-9]+ bytes, more than the limit of [0-9]+ bytes");
}

// Requests that fit must not push the chunks past the limit: 4 MiB in use,
// then a 9 MiB frame: 13 MiB of the 16 MiB limit. Run in a child (the
// limit is process-wide); exit 0 when SideStack::bytes <= the limit.
struct LimitLog {
  size_t bytes, newest_size;
};
LimitLog g_limit;

void chunks_stay_within_the_limit() {
  set_max_16m_or_exit();
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        __morestack_side_more(size_t(2) << 20);  // a 4 MiB chunk
        const SideStack &s = current_side_stack();
        write_side(s.newest->limit(), s.newest->limit());  // frames filled it
        __morestack_side_more(size_t(9) << 20);
        g_limit.bytes = s.bytes;
        g_limit.newest_size = s.newest->size;
        morestack_fiber_yield();
      },
      nullptr, 0);
  morestack_fiber_resume(f);
  fprintf(stderr, "side stack chunks: %zu bytes in all, the newest %zu bytes; limit %zu\n",
          g_limit.bytes, g_limit.newest_size, k16M);
  _exit(g_limit.bytes <= k16M ? 0 : 1);
}

TEST(SideStackLimitDeathTest, ChunksNeverTotalMoreThanTheLimit) {
  EXPECT_EXIT(chunks_stay_within_the_limit(), testing::ExitedWithCode(0), "");
}

// A frame that fits: the program's live side objects never exceed 9 MiB
// plus a few bytes, under a 16 MiB limit; an earlier 5 MiB frame that has
// returned left an 8 MiB chunk, kept as the spare.
__attribute__((noinline)) void side_5m() {
  alignas(16) char obj[5 << 20];
  g_sink = obj;
  barrier();
}
__attribute__((noinline)) void side_9m() {
  alignas(16) char obj[9 << 20];
  g_sink = obj;
  barrier();
}
__attribute__((noinline)) void small_then(void (*fn)()) {
  alignas(16) char obj[16];
  g_sink = obj;
  fn();
  barrier();
}

void a_returned_frame_does_not_count() {
  set_max_16m_or_exit();
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        small_then(side_5m);  // returns: its 8 MiB chunk becomes unused
        small_then(side_9m);  // 9 MiB + 16 bytes live, < 16 MiB
      },
      nullptr, 0);
  morestack_fiber_resume(f);
  _exit(0);
}

TEST(SideStackLimitDeathTest, AnUnusedCachedChunkDoesNotMakeAFittingFrameFail) {
  EXPECT_EXIT(a_returned_frame_does_not_count(), testing::ExitedWithCode(0), "");
}

// ---- 4. Unwinding --------------------------------------------------------------
//
// Invariant checked (SideStackPass: "a landing pad that may catch ... the
// side pointer and limit are put back to the function's own values"): when
// a C++ exception thrown below frames that allocated side frames (crossing
// into newer chunks) is caught, %fs:0x60 / %fs:0x68 equal the catching
// function's own values: its side frame's base and the limit it allocated
// from, or what they were at its entry if it has no side frame. Also
// through a frame with a catch clause that does not match, and a cleanup
// whose destructor itself uses the side stack; and catching in a loop does
// not pile up chunks.

struct UnwindLog {
  SideState own, after;
  uintptr_t own_obj, deepest_obj;
  const SideChunk *own_chunk, *deepest_chunk;
  bool caught, wrong_clause_taken;
  int cleanups;
};
UnwindLog g_unwind;

__attribute__((noinline)) void throw_through(int depth) {
  alignas(16) char obj[256];
  g_sink = obj;
  if (depth == 0) {
    g_unwind.deepest_obj = (uintptr_t)obj;
    g_unwind.deepest_chunk = chunk_of(current_side_stack(), (uintptr_t)obj);
    throw std::runtime_error("deep");
  }
  throw_through(depth - 1);
  barrier();
}

struct UsesSideStackWhenDestroyed {
  ~UsesSideStackWhenDestroyed() {
    side_frame<128>(nullptr);
    ++g_unwind.cleanups;
  }
};

__attribute__((noinline)) void wrong_clause(int depth) {
  alignas(16) char obj[96];
  g_sink = obj;
  UsesSideStackWhenDestroyed cleanup;
  try {
    throw_through(depth);
  } catch (int) {
    g_unwind.wrong_clause_taken = true;
  }
  barrier();
}

__attribute__((noinline)) void catch_with_frame(int depth, bool via_wrong_clause) {
  alignas(16) char obj[64];
  g_sink = obj;
  g_unwind.own = now();
  g_unwind.own_obj = (uintptr_t)obj;
  g_unwind.own_chunk = chunk_of(current_side_stack(), (uintptr_t)obj);
  try {
    if (via_wrong_clause) wrong_clause(depth);
    else throw_through(depth);
  } catch (const std::runtime_error &) {
    g_unwind.after = now();
    g_unwind.caught = true;
  }
}

__attribute__((noinline)) void catch_without_frame(int depth) {
  g_unwind.own = now();
  try {
    throw_through(depth);
  } catch (const std::runtime_error &) {
    g_unwind.after = now();
    g_unwind.caught = true;
  }
}

void check_caught_with_frame(bool expect_cleanup) {
  EXPECT_TRUE(g_unwind.caught);
  EXPECT_FALSE(g_unwind.wrong_clause_taken);
  EXPECT_EQ(g_unwind.own.sp, g_unwind.own_obj) << "premise: the catcher has a side frame";
  EXPECT_NE(g_unwind.deepest_chunk, g_unwind.own_chunk)
      << "premise: the thrower's frames crossed into a newer chunk";
  EXPECT_EQ(g_unwind.after.sp, g_unwind.own.sp) << "%fs:0x60 back to the catcher's frame";
  EXPECT_EQ(g_unwind.after.limit, g_unwind.own.limit) << "%fs:0x68 back to the catcher's chunk";
  if (expect_cleanup) EXPECT_EQ(g_unwind.cleanups, 1);
}

TEST(SideStackUnwind, CatchInAFunctionWithASideFrameOnTheThreadsSideStack) {
  g_unwind = UnwindLog();
  catch_with_frame(20, false);  // 20 x 256 bytes: more than the first chunks hold
  check_caught_with_frame(false);
}

TEST(SideStackUnwind, CatchInAFiberThroughAWrongClauseAndACleanup) {
  g_unwind = UnwindLog();
  morestack_fiber *f = morestack_fiber_create([](void *) { catch_with_frame(20, true); }, nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  check_caught_with_frame(true);
  morestack_fiber_destroy(f);
}

TEST(SideStackUnwind, CatchInAFunctionWithoutASideFrame) {
  g_unwind = UnwindLog();
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        side_frame<480>(nullptr);  // leaves the TCB at the top of a 512-byte chunk
        catch_without_frame(20);
      },
      nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  EXPECT_TRUE(g_unwind.caught);
  EXPECT_NE(g_unwind.own.limit, 0u) << "premise: it ran with a chunk";
  EXPECT_EQ(g_unwind.after.sp, g_unwind.own.sp) << "%fs:0x60 as it was at its entry";
  EXPECT_EQ(g_unwind.after.limit, g_unwind.own.limit) << "%fs:0x68 as it was at its entry";
  morestack_fiber_destroy(f);
}

struct UnwindLoopLog {
  size_t bytes[50], pool[50];
  SideState after[50], own[50];
};
UnwindLoopLog g_unwind_loop;

TEST(SideStackUnwind, CatchingInALoopDoesNotPileUpChunks) {
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        for (int i = 0; i < 50; ++i) {
          catch_with_frame(40, false);
          g_unwind_loop.own[i] = g_unwind.own;
          g_unwind_loop.after[i] = g_unwind.after;
          g_unwind_loop.bytes[i] = current_side_stack().bytes;
          g_unwind_loop.pool[i] = pool_in_use();
        }
      },
      nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(g_unwind_loop.after[i].sp, g_unwind_loop.own[i].sp) << i;
    EXPECT_EQ(g_unwind_loop.after[i].limit, g_unwind_loop.own[i].limit) << i;
  }
  // 40 x 256 bytes need about 10 KiB: a handful of chunks, the same from
  // one round to the next once the spare has grown to fit.
  EXPECT_LE(g_unwind_loop.bytes[49], size_t(32) << 10);
  EXPECT_EQ(g_unwind_loop.bytes[49], g_unwind_loop.bytes[10]);
  EXPECT_EQ(g_unwind_loop.pool[49], g_unwind_loop.pool[10]);
  morestack_fiber_destroy(f);
}

// ---- 5. setjmp / longjmp ---------------------------------------------------------
//
// Invariants checked: at setjmp's second return, %fs:0x60 / %fs:0x68 are
// the values of the function that called setjmp, although the frames the
// longjmp abandoned allocated more and crossed into a newer chunk; the
// jmp_buf (on the side stack: its address went to setjmp) is registered
// with the running stack, and when that stack moves, the stack pointer
// saved in it moves with it (same distance from the top, inside the new
// block), so the longjmp after a growth lands, with the moving-stack
// locals of the setjmp frame intact.

struct JumpLog {
  SideState own, after;
  uintptr_t own_obj;
  const SideChunk *own_chunk, *deepest_chunk;
  bool grow, landed, fell_through, relocation_broken;
  int value, marker;
  size_t registered;
  uintptr_t lo_before, hi_before, saved_before, lo_after, hi_after, saved_after;
};
JumpLog g_jump;

uintptr_t saved_sp(const jmp_buf env) {
  return demangle_pointer((uintptr_t)env[0].__jmpbuf[6], pointer_guard());
}

__attribute__((noinline)) void jump_from(jmp_buf *env, int depth) {
  alignas(16) char obj[256];
  g_sink = obj;
  if (depth == 0) {
    g_jump.deepest_chunk = chunk_of(current_side_stack(), (uintptr_t)obj);
    if (g_jump.grow) {
      const Stack *s = thread_state().current;
      g_jump.registered = registered_jmp_bufs(*s);
      g_jump.lo_before = s->lo;
      g_jump.hi_before = s->hi;
      g_jump.saved_before = saved_sp(*env);
      grow_moving(400);  // ~400 KiB: the stack moves, the setjmp frame with it
      s = thread_state().current;
      g_jump.lo_after = s->lo;
      g_jump.hi_after = s->hi;
      g_jump.saved_after = saved_sp(*env);
      if (!(g_jump.saved_after >= s->lo && g_jump.saved_after < s->hi)) {
        g_jump.relocation_broken = true;  // the longjmp would go to freed memory: report instead
        return;
      }
    }
    longjmp(*env, 7);
  }
  jump_from(env, depth - 1);
  barrier();
}

__attribute__((noinline)) void setjmp_with_frame() {
  alignas(16) char obj[64];
  g_sink = obj;
  jmp_buf env;
  volatile int marker = 1234;  // on the moving stack
  g_jump.own = now();
  g_jump.own_obj = (uintptr_t)obj;
  g_jump.own_chunk = chunk_of(current_side_stack(), (uintptr_t)obj);
  int v = setjmp(env);
  if (v == 0) {
    jump_from(&env, 20);
    g_jump.fell_through = true;
    return;
  }
  g_jump.after = now();
  g_jump.value = v;
  g_jump.marker = marker;
  g_jump.landed = true;
}

void check_jump() {
  EXPECT_FALSE(g_jump.relocation_broken);
  EXPECT_FALSE(g_jump.fell_through);
  EXPECT_TRUE(g_jump.landed);
  EXPECT_EQ(g_jump.value, 7);
  EXPECT_EQ(g_jump.marker, 1234);
  EXPECT_LE(g_jump.own.sp, g_jump.own_obj) << "premise: the setjmp function has a side frame";
  EXPECT_NE(g_jump.deepest_chunk, g_jump.own_chunk) << "premise: the deeper frames crossed into a newer chunk";
  EXPECT_EQ(g_jump.after.sp, g_jump.own.sp) << "%fs:0x60 back to the setjmp function's frame";
  EXPECT_EQ(g_jump.after.limit, g_jump.own.limit) << "%fs:0x68 back to its chunk";
}

TEST(SideStackLongjmp, ReturnsWithTheSetjmpFunctionsSideState) {
  g_jump = JumpLog();
  setjmp_with_frame();
  check_jump();
}

TEST(SideStackLongjmp, InAFiberAfterTheStackMoved) {
  g_jump = JumpLog();
  g_jump.grow = true;
  morestack_fiber *f = morestack_fiber_create([](void *) { setjmp_with_frame(); }, nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  check_jump();
  EXPECT_GE(g_jump.registered, 1u) << "the jmp_buf is registered with the fiber's stack";
  EXPECT_NE(g_jump.hi_after, g_jump.hi_before) << "premise: the stack moved";
  EXPECT_TRUE(g_jump.saved_before >= g_jump.lo_before && g_jump.saved_before < g_jump.hi_before);
  EXPECT_TRUE(g_jump.saved_after >= g_jump.lo_after && g_jump.saved_after < g_jump.hi_after)
      << "the saved stack pointer is inside the new block";
  EXPECT_EQ(g_jump.hi_after - g_jump.saved_after, g_jump.hi_before - g_jump.saved_before)
      << "at the same distance from the top";
  morestack_fiber_destroy(f);
}

TEST(SideStackLongjmp, JumpingInALoopDoesNotPileUpChunks) {
  static size_t bytes[30];
  morestack_fiber *f = morestack_fiber_create(
      [](void *) {
        for (int i = 0; i < 30; ++i) {
          g_jump = JumpLog();
          setjmp_with_frame();
          bytes[i] = current_side_stack().bytes;
        }
      },
      nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 1);
  check_jump();  // the last round
  EXPECT_EQ(bytes[29], bytes[10]);
  EXPECT_LE(bytes[29], size_t(16) << 10);
  morestack_fiber_destroy(f);
}

// ---- 6. Fibers -----------------------------------------------------------------
//
// Invariants checked (fiber_switch.cpp, side_switch): a fiber's side stack
// is its own, separate from the thread's and from other fibers'; a resume
// puts the fiber's pointer and limit in %fs:0x60 / %fs:0x68 and the
// resumer's back when it yields or finishes (the suspended side keeps them
// in its record); objects on a suspended fiber's side stack survive
// whatever the thread or other fibers do meanwhile; a finished or
// destroyed fiber's chunks are all released.

struct HoldLog {
  SideState at_entry, in_frame, after_resume;
  uintptr_t obj;
  bool intact;
};

__attribute__((noinline)) void hold_across_yields(HoldLog *log, char fill, int yields) {
  alignas(16) char obj[128];
  memset(obj, fill, sizeof obj);
  g_sink = obj;
  log->obj = (uintptr_t)obj;
  log->in_frame = now();
  log->intact = true;
  for (int i = 0; i < yields; ++i) {
    morestack_fiber_yield();
    log->after_resume = now();
    for (size_t k = 0; k < sizeof obj; ++k) log->intact &= obj[k] == fill;
  }
}

HoldLog g_hold_a, g_hold_b;

void hold_fiber_a(void *) {
  g_hold_a.at_entry = now();
  hold_across_yields(&g_hold_a, 'A', 3);
}
void hold_fiber_b(void *) {
  g_hold_b.at_entry = now();
  hold_across_yields(&g_hold_b, 'B', 3);
}

TEST(SideStackFibers, AFibersSideStackIsItsOwnAndIsSwappedIn) {
  g_hold_a = HoldLog();
  alignas(16) char obj[64];  // the test body's own side frame
  g_sink = obj;
  morestack_fiber *f = morestack_fiber_create(hold_fiber_a, nullptr, 0);
  const SideState before = now();
  const int r1 = morestack_fiber_resume(f);
  const SideState after_yield = now();
  ASSERT_EQ(r1, 0);
  EXPECT_EQ(g_hold_a.at_entry.sp, 0u) << "the fiber starts on its own, empty side stack";
  EXPECT_EQ(g_hold_a.at_entry.limit, 0u);
  EXPECT_EQ(after_yield.sp, before.sp) << "the yield put the thread's side pointer back";
  EXPECT_EQ(after_yield.limit, before.limit);
  EXPECT_EQ(f->side.sp, g_hold_a.in_frame.sp) << "the suspended fiber's pointer is in its record";
  EXPECT_EQ(f->side.limit, g_hold_a.in_frame.limit);
  EXPECT_NE(chunk_of(f->side, g_hold_a.obj), nullptr) << "the object is in a chunk of the fiber's";
  EXPECT_EQ(chunk_of(thread_state().side, g_hold_a.obj), nullptr) << "... not of the thread's";

  // The thread uses its own side stack meanwhile, crossing into new chunks.
  uintptr_t thread_obj = 0;
  side_frame<8192>(&thread_obj);
  EXPECT_EQ(chunk_of(f->side, thread_obj), nullptr);

  const SideState before2 = now();
  const int r2 = morestack_fiber_resume(f);
  const SideState after2 = now();
  ASSERT_EQ(r2, 0);
  EXPECT_EQ(after2.sp, before2.sp);
  EXPECT_EQ(after2.limit, before2.limit);
  EXPECT_EQ(g_hold_a.after_resume.sp, g_hold_a.in_frame.sp) << "the resume put the fiber's pointer back";
  EXPECT_EQ(g_hold_a.after_resume.limit, g_hold_a.in_frame.limit);
  EXPECT_TRUE(g_hold_a.intact);
  while (!morestack_fiber_resume(f)) {
  }
  EXPECT_TRUE(g_hold_a.intact);
  morestack_fiber_destroy(f);
}

TEST(SideStackFibers, TwoFibersInterleavedKeepTheirObjects) {
  g_hold_a = HoldLog();
  g_hold_b = HoldLog();
  morestack_fiber *a = morestack_fiber_create(hold_fiber_a, nullptr, 0);
  morestack_fiber *b = morestack_fiber_create(hold_fiber_b, nullptr, 0);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(testing::Message() << "round " << round);
    ASSERT_EQ(morestack_fiber_resume(a), 0);
    ASSERT_EQ(morestack_fiber_resume(b), 0);
    {
      EXPECT_NE(chunk_of(a->side, g_hold_a.obj), nullptr);
      EXPECT_NE(chunk_of(b->side, g_hold_b.obj), nullptr);
      EXPECT_EQ(chunk_of(a->side, g_hold_b.obj), nullptr) << "b's object is not in a's chunks";
      EXPECT_EQ(chunk_of(b->side, g_hold_a.obj), nullptr) << "a's object is not in b's chunks";
      EXPECT_EQ(a->side.sp, g_hold_a.in_frame.sp);
      EXPECT_EQ(b->side.sp, g_hold_b.in_frame.sp);
    }
  }
  ASSERT_EQ(morestack_fiber_resume(a), 1);
  ASSERT_EQ(morestack_fiber_resume(b), 1);
  EXPECT_TRUE(g_hold_a.intact);
  EXPECT_TRUE(g_hold_b.intact);
  EXPECT_EQ(g_hold_a.after_resume.sp, g_hold_a.in_frame.sp);
  EXPECT_EQ(g_hold_b.after_resume.sp, g_hold_b.in_frame.sp);
  morestack_fiber_destroy(a);
  morestack_fiber_destroy(b);
}

// Nested: fiber a (object live) resumes fiber b (object live); b's yield
// hands a its own side state back, not the thread's.
struct NestLog {
  SideState a_before, a_after;
  morestack_fiber *b;
};
NestLog g_nest;

TEST(SideStackFibers, NestedResumeSwapsBetweenFibers) {
  g_hold_b = HoldLog();
  g_nest = NestLog();
  g_nest.b = morestack_fiber_create(hold_fiber_b, nullptr, 0);
  morestack_fiber *a = morestack_fiber_create(
      [](void *) {
        alignas(16) char obj[64];
        g_sink = obj;
        g_nest.a_before = now();
        int r = morestack_fiber_resume(g_nest.b);
        g_nest.a_after = now();
        (void)r;
      },
      nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(a), 1);
  EXPECT_NE(g_nest.a_before.limit, 0u) << "premise: a has a chunk";
  EXPECT_EQ(g_nest.a_after.sp, g_nest.a_before.sp);
  EXPECT_EQ(g_nest.a_after.limit, g_nest.a_before.limit);
  EXPECT_EQ(g_hold_b.at_entry.sp, 0u) << "b did not start on a's side stack";
  EXPECT_NE(chunk_of(g_nest.b->side, g_hold_b.obj), nullptr);
  while (!morestack_fiber_resume(g_nest.b)) {
  }
  EXPECT_TRUE(g_hold_b.intact);
  morestack_fiber_destroy(a);
  morestack_fiber_destroy(g_nest.b);
}

struct ReleaseLog {
  size_t bytes_in_fiber;
};
ReleaseLog g_release;

__attribute__((noinline)) void big_side_frames_then_yield() {
  alignas(16) char obj[16384];  // a 32 KiB chunk from the pool
  g_sink = obj;
  side_frame<64>(nullptr);
  side_frame<3000>(nullptr);
  g_release.bytes_in_fiber = current_side_stack().bytes;
  morestack_fiber_yield();
  barrier();
}

TEST(SideStackFibers, AFinishedFibersChunksAreReleased) {
  g_release = ReleaseLog();
  morestack_fiber *f =
      morestack_fiber_create([](void *) { big_side_frames_then_yield(); }, nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  EXPECT_GE(g_release.bytes_in_fiber, 32768u);
  EXPECT_EQ(f->side.bytes, g_release.bytes_in_fiber) << "nothing to trim: all in use";
  const size_t held = pool_bytes_of(f);
  EXPECT_GE(held, f->stack.size() + 32768u) << "premise: a 32 KiB chunk from the pool";
  const size_t pool_before_finish = pool_in_use();
  const int finished = morestack_fiber_resume(f);
  const size_t pool_after_finish = pool_in_use();
  ASSERT_EQ(finished, 1);
  EXPECT_EQ(pool_before_finish - pool_after_finish, held) << "its stack and side chunks back in the pool";
  EXPECT_EQ(f->side.newest, nullptr);
  EXPECT_EQ(f->side.spare, nullptr);
  EXPECT_EQ(f->side.bytes, 0u) << "the malloc'd chunks too";
  EXPECT_EQ(f->side.sp, 0u);
  EXPECT_EQ(f->side.limit, 0u);
  morestack_fiber_destroy(f);
}

TEST(SideStackFibers, DestroyingASuspendedFiberReleasesItsChunks) {
  morestack_fiber *f =
      morestack_fiber_create([](void *) { big_side_frames_then_yield(); }, nullptr, 0);
  ASSERT_EQ(morestack_fiber_resume(f), 0);
  const size_t held = pool_bytes_of(f);
  EXPECT_GE(held, f->stack.size() + 32768u) << "premise: a 32 KiB chunk from the pool";
  const size_t pool_before_destroy = pool_in_use();
  morestack_fiber_destroy(f);
  const size_t pool_after_destroy = pool_in_use();
  EXPECT_EQ(pool_before_destroy - pool_after_destroy, held);
}

// ---- 7. Threads ----------------------------------------------------------------
//
// Invariants checked: each thread has a side stack of its own, empty when
// it starts; the TCB slots of a running side stack always point into a
// chunk of its chain (or are both 0), also while the thread ends: a
// thread-specific-data destructor that runs after the runtime freed the
// thread's side stack must get a fresh chunk for its side frame, not the
// freed one.

struct ThreadLog {
  SideState at_start;
  const SideChunk *own_chunk_of_obj;
  uintptr_t obj;
  int dtor_calls;
  bool released_before_check;
  SideState in_dtor;
  bool tcb_in_chain;
  uintptr_t dtor_obj;
  bool dtor_obj_in_chain;
};
ThreadLog g_thread;
pthread_key_t g_late_key;

void late_destructor(void *) {
  // First round: ask for a second one, which comes after the runtime's
  // own destructor (it runs in the first round, whatever the key order).
  if (++g_thread.dtor_calls == 1) {
    pthread_setspecific(g_late_key, (void *)1);
    return;
  }
  const SideStack &s = thread_state().side;
  g_thread.released_before_check = s.newest == nullptr && s.bytes == 0;
  g_thread.in_dtor = now();
  g_thread.tcb_in_chain = (g_thread.in_dtor.sp == 0 && g_thread.in_dtor.limit == 0) ||
                          chunk_of(s, g_thread.in_dtor.sp) != nullptr;
  side_frame<64>(&g_thread.dtor_obj);
  g_thread.dtor_obj_in_chain = chunk_of(s, g_thread.dtor_obj) != nullptr;
}

void *thread_body(void *) {
  g_thread.at_start = now();
  side_frame<64>(&g_thread.obj);  // the thread's first side frame: a chunk of its own
  g_thread.own_chunk_of_obj = chunk_of(thread_state().side, g_thread.obj);
  pthread_setspecific(g_late_key, (void *)1);
  return nullptr;
}

TEST(SideStackThreads, ANewThreadHasItsOwnSideStackUntilItsLastDestructor) {
  g_thread = ThreadLog();
  ASSERT_EQ(pthread_key_create(&g_late_key, late_destructor), 0);
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, nullptr, thread_body, nullptr), 0);
  ASSERT_EQ(pthread_join(t, nullptr), 0);
  pthread_key_delete(g_late_key);
  EXPECT_EQ(g_thread.at_start.sp, 0u) << "a new thread starts with an empty side stack";
  EXPECT_EQ(g_thread.at_start.limit, 0u);
  EXPECT_NE(g_thread.own_chunk_of_obj, nullptr) << "its object is in the thread's own chain";
  ASSERT_EQ(g_thread.dtor_calls, 2);
  EXPECT_TRUE(g_thread.released_before_check) << "premise: the runtime released the side stack";
  EXPECT_TRUE(g_thread.tcb_in_chain)
      << "after the release, %fs:0x60/0x68 still point into a freed chunk: sp=" << std::hex
      << g_thread.in_dtor.sp << " limit=" << g_thread.in_dtor.limit;
  EXPECT_TRUE(g_thread.dtor_obj_in_chain)
      << "a side frame in a later destructor went to memory that is no chunk of the thread's "
         "(object at " << std::hex << g_thread.dtor_obj << ")";
}

} // namespace

/*
 * morestack/morestack.h: the runtime's public C API.
 *
 * Programs built with morestack-clang / morestack-clang++ link the runtime;
 * this header declares what they may call: fibers, configuration, and
 * statistics. C++ programs may prefer <morestack/fiber.hpp>.
 *
 * Stacks grow by copying. The one rule for users: never keep a pointer to a
 * stack variable where the runtime cannot see it while that stack may grow,
 * i.e. in the heap, in a global, or on another fiber's stack. Pointers held
 * on the stack itself and in registers are moved with it.
 */
#ifndef MORESTACK_MORESTACK_H
#define MORESTACK_MORESTACK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Fibers ------------------------------------------------------------ */

typedef struct morestack_fiber morestack_fiber;
typedef void (*morestack_fiber_fn)(void *arg);

/* Create a suspended fiber that will run fn(arg) on its own growable stack.
 * stack_size 0 means the size fibers of fn needed before (see "Learned start
 * sizes" below), at first the configured fiber stack size (default 2 KiB);
 * other values are rounded up to a power of two, at least 2 KiB, and used
 * as given. Never NULL: out of memory is fatal. */
morestack_fiber *morestack_fiber_create(morestack_fiber_fn fn, void *arg, size_t stack_size);

/* Run the fiber until it yields or finishes. Resuming a finished or running
 * fiber is a fatal error. Returns 1 if the fiber has finished, else 0. */
int morestack_fiber_resume(morestack_fiber *f);

/* Suspend the running fiber and return to whoever resumed it. Fatal when
 * called outside a fiber. */
void morestack_fiber_yield(void);

/* 1 once the fiber's function has returned. */
int morestack_fiber_done(const morestack_fiber *f);

/* Free the fiber and its stack. A suspended, unfinished fiber is discarded
 * without unwinding (its locals' destructors do not run). Destroying the
 * running fiber is fatal. */
void morestack_fiber_destroy(morestack_fiber *f);

/* The fiber running on this thread, or NULL. */
morestack_fiber *morestack_fiber_current(void);

/* ---- Configuration ------------------------------------------------------
 * Each setting also has an environment variable, read once at start-up:
 *   MORESTACK_MAIN_STACK      initial stack of main        (default 8M)
 *   MORESTACK_THREAD_STACK    initial stack of threads     (default 8M)
 *   MORESTACK_FIBER_STACK     initial stack of fibers      (default 2K)
 *   MORESTACK_MAX_STACK       largest any stack may grow   (default 256M)
 *   MORESTACK_NONSPLIT_RESERVE room kept by prologues of plain -fsplit-stack
 *                             objects that lld rewrote (16K)
 *   MORESTACK_LEARN_STACKS    1: learn fiber start sizes per function (1)
 * Sizes take K, M or G suffixes (powers of 1024). Initial sizes are rounded
 * up to a power of two and must be at least 2K; a bad environment value is
 * a fatal error at start-up. The setters return 0, or EINVAL for a bad value
 * (nothing changes then). Settings apply to stacks created afterwards; the
 * main stack is created just before main() runs, so set it from a
 * constructor or the environment. */
int morestack_set_main_stack_size(size_t bytes);
int morestack_set_thread_stack_size(size_t bytes);
int morestack_set_fiber_stack_size(size_t bytes);
int morestack_set_max_stack_size(size_t bytes);
int morestack_set_nonsplit_reserve(size_t bytes);
int morestack_set_learn_stack_sizes(int on); /* 0 or 1 */

size_t morestack_fiber_stack_size(void);
size_t morestack_max_stack_size(void);
size_t morestack_nonsplit_reserve(void);

/* ---- Shrinking -----------------------------------------------------------
 * Like Go, a stack whose live part is under a quarter of its size is halved
 * (never below its initial size) at safe points. A fiber's stack is checked
 * each time it yields; a stack that grows again after shrinking waits twice
 * as many yields before the next shrink, so a deep/shallow pattern does not
 * bounce between sizes. Threads and main shrink only on request: */

/* Shrink the calling stack as far as the rule above allows (repeated
 * halving), now. No effect on an unmanaged stack. */
void morestack_shrink_stack(void);

/* ---- Backtraces ------------------------------------------------------------
 * Walked with the stack maps the plugin emits (docs/stack-maps.md): every
 * function built with the plugin has a record with its name and frame
 * layout, which finds its frame from its size (or, for the few that keep
 * one, from its frame pointer). */
typedef struct morestack_frame {
  const void *pc;       /* return address into the function */
  const char *function; /* symbol name (mangled for C++), NULL if unknown */
  size_t frame_size;    /* bytes of stack the frame occupies */
  int described;        /* 1: built with the plugin; 0: code built without it
                           (name from the dynamic symbol table, if any), or,
                           last, the rest of the stack where the walk had
                           to stop */
} morestack_frame;
/* Fill out[0..max) with the frames of a suspended fiber, innermost first
 * (the runtime's own frames are left out). Returns the number of frames,
 * which may exceed max. Frames of code built without the plugin are found
 * through their unwind information; a walk that cannot go on ends with one
 * frame (described = 0) standing for the rest of the stack. A running or
 * finished fiber has no frames to report (returns 0). */
size_t morestack_fiber_backtrace(const morestack_fiber *f, morestack_frame *out, size_t max);
/* The same for the calling code's own stack, starting with the function
 * that calls morestack_backtrace. */
size_t morestack_backtrace(morestack_frame *out, size_t max);
/* Print such a backtrace to stderr, one line per frame ("#0 0x... name,
 * 96 bytes"), C++ names demangled when the program has libstdc++. NULL
 * prints the calling code's own stack. Usable on a 2 KiB fiber stack. */
void morestack_print_backtrace(const morestack_fiber *f);

/* ---- Statistics ---------------------------------------------------------- */

typedef struct morestack_stack_stats {
  size_t size;          /* current stack block size (what it runs with) */
  size_t initial_size;  /* size it was created with */
  size_t peak_size;     /* largest block this stack has had */
  uint64_t growths;     /* times it grew */
  uint64_t shrinks;     /* times it shrank */
  uint64_t bytes_copied;
  /* Calls into code without checks (the C library...) whose call-site
   * check had to grow the stack first, and the most one asked for. */
  uint64_t reserve_growths;
  size_t largest_reserve;
  /* A suspended fiber whose live part is small waits in a smaller block
   * (512 bytes or 1 KiB) until resumed: that block's size, else 0
   * (MORESTACK_COMPACT_PARKED=0 turns this off). */
  size_t parked_size;
} morestack_stack_stats;

/* Statistics of the stack the calling code runs on (zeroes on an unmanaged
 * stack). Returns 1 if that stack is managed, else 0. */
int morestack_current_stack_stats(morestack_stack_stats *out);
int morestack_fiber_stats(const morestack_fiber *f, morestack_stack_stats *out);

/* ---- Learned start sizes ------------------------------------------------
 * Fibers of one function are a kind. A fiber created with stack_size 0
 * starts at the size fibers of its kind needed (the power of two at or
 * above the geometric mean of what measured fibers needed, at most 64 KiB,
 * never below the configured fiber size), so a kind that always grows to
 * 8 KiB is born with 8 KiB and never moves. Such a fiber may still shrink
 * to the configured size at safe points. A fiber created with an explicit
 * size starts at that size and is not measured. In C++, each callable type
 * given to morestack::Fiber is a kind of its own. */
typedef struct morestack_fiber_kind {
  const void *function;     /* the fiber function (C++: Fiber's entry for one callable type) */
  size_t start_size;        /* what its fibers created with size 0 start with now */
  size_t typical_need;      /* the geometric mean of what they needed, in bytes */
  uint64_t fibers_measured;
} morestack_fiber_kind;
/* Fill out[0..max) with the kinds measured so far; returns how many there
 * are (which may exceed max). */
size_t morestack_fiber_kinds(morestack_fiber_kind *out, size_t max);

/* Process-wide totals. */
typedef struct morestack_process_stats {
  uint64_t growths;
  uint64_t shrinks;
  uint64_t bytes_copied;
  uint64_t fibers_created;
  uint64_t fibers_live;
  size_t pool_bytes_mapped;   /* bytes of stack blocks currently mapped */
  size_t pool_bytes_in_use;   /* bytes of stack blocks handed out */
  /* Moves (growths and shrinks) and the stack maps (docs/stack-maps.md): */
  uint64_t move_ns;           /* time spent copying and relocating */
  uint64_t frames_described;  /* frames relocated with their stack map */
  uint64_t frames_foreign;    /* frames of code built without the plugin,
                                 stepped over with their unwind information
                                 and scanned whole */
  uint64_t walks_undescribed; /* moves whose walk had to stop (no unwind
                                 information, or a dynamic frame not found):
                                 scanned from there up */
  uint64_t walks_broken;      /* moves that met a frame contradicting its map */
  uint64_t pointer_free_words;/* words left untouched as provably pointer-free */
  uint64_t shrinks_refused;   /* shrinks skipped: a frame could not be walked */
  size_t map_records;         /* functions with a stack map, all modules */
  size_t map_modules;         /* modules (program, libraries) with maps */
  uint64_t reserve_growths;   /* growths asked for by call-site checks */
  size_t largest_reserve;     /* the most one of them asked for, in bytes */
  uint64_t parked_compactions;/* parked fibers moved into a smaller block */
} morestack_process_stats;

void morestack_get_process_stats(morestack_process_stats *out);

/* Print the process-wide summary to stderr. */
void morestack_print_summary(void);

#ifdef __cplusplus
}
#endif

#endif /* MORESTACK_MORESTACK_H */

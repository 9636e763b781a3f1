/*
 * morestack/sched.h: Go's concurrency for C: tasks (fibers on a scheduler
 * of N worker threads), channels, select, and fiber-aware sync. C++
 * programs may prefer <morestack/go.hpp>.
 *
 *   static void worker(void *arg) { ... morestack_chan_send(c, &v); ... }
 *   morestack_task *t = morestack_go(worker, arg);
 *   morestack_join(t);
 *
 * A task is a fiber (2 KiB to start, growable) run by one of the
 * scheduler's workers; it may resume on another worker after it parks, so
 * a thread_local (and errno, whose address the compiler may keep across a
 * call) read before a blocking call may be another thread's after it.
 * Blocking operations (channels, sync, sleep, join) park the task, never
 * the worker; called from a thread outside the scheduler they block that
 * thread. Everything here is usable between tasks on different workers and
 * from ordinary threads. The manual fibers of morestack.h (resume/yield)
 * are separate: a task must not call morestack_fiber_yield itself. The C
 * library's blocking calls on sockets, pipes and terminals (read, write,
 * recv, send, accept, connect, poll, select, sleep, nanosleep...) park a
 * task too, and behave as before everywhere else (docs/runtime.md,
 * "Blocking calls").
 *
 * Pointers passed here are used only during the call (noescape): a local
 * handed to morestack_chan_recv stays on the task's stack, which does not
 * move while the task is parked in the call.
 *
 * Errors that Go reports with a panic (send on or close of a closed
 * channel, unlocking an unlocked mutex, a negative wait group counter) are
 * fatal errors here. When every task is blocked, nothing can wake one (no
 * timer, no I/O) and every other thread of the process waits on the
 * scheduler (morestack_join, a channel...), the runtime stops with "all
 * tasks are asleep - deadlock!" and every task's backtrace, as Go does
 * (MORESTACK_DEADLOCK=0 turns the check off; threads are counted through
 * pthread_create, so one started by other means, e.g. clone(), is not).
 */
#ifndef MORESTACK_SCHED_H
#define MORESTACK_SCHED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MORESTACK_NOESCAPE __attribute__((noescape))

/* ---- Tasks ----------------------------------------------------------------- */

typedef struct morestack_task morestack_task;

/* Start fn(arg) on the scheduler (started at the first call, with
 * MORESTACK_WORKERS workers, default the number of cores). The task starts
 * at the size tasks of fn needed before (morestack.h, learned start sizes).
 * Returns a handle to join or detach, exactly once. */
morestack_task *morestack_go(void (*fn)(void *), void *arg);
/* Wait for the task to finish and free it. */
void morestack_join(morestack_task *t);
/* Free the task when it finishes. */
void morestack_detach(morestack_task *t);

/* The running task, or NULL outside one. */
morestack_task *morestack_task_self(void);
/* 1, 2, ... in order of creation. */
uint64_t morestack_task_id(const morestack_task *t);
/* A name for backtraces and deadlock reports (copied, at most 31 bytes). */
void morestack_task_set_name(morestack_task *t, const char *name);
const char *morestack_task_name(const morestack_task *t);

/* Let other tasks run: the task goes to the back of its worker's queue. A
 * thread outside the scheduler calls sched_yield(). */
void morestack_yield(void);
/* Park the task (or block the thread) for at least ns nanoseconds. */
void morestack_sleep_ns(uint64_t ns);
/* Monotonic clock (CLOCK_MONOTONIC), in nanoseconds: deadlines below use it. */
uint64_t morestack_now_ns(void);

/* Task-local storage: up to 64 keys; a task's values start NULL; the
 * destructor (if any) runs at the task's end for each non-NULL value. A
 * thread outside the scheduler has values of its own. Returns -1 when the
 * keys are used up. */
int morestack_key_create(void (*destructor)(void *));
void *morestack_get_specific(int key);
void morestack_set_specific(int key, void *value);

/* Workers: set before the first morestack_go (0: the number of cores);
 * EINVAL afterwards or for more than 1024. */
int morestack_set_workers(int n);
int morestack_workers(void);

/* ---- Channels ----------------------------------------------------------------- */

typedef struct morestack_chan morestack_chan;

/* A channel of elements of elem_size bytes (0 allowed) holding up to
 * capacity of them (0: unbuffered, a send waits for its receiver). */
morestack_chan *morestack_chan_new(size_t elem_size, size_t capacity);
/* Free a channel no task uses any more. */
void morestack_chan_free(morestack_chan *c);
/* Copy elem into the channel; waits while it is full (for a receiver, when
 * unbuffered). Fatal on a closed channel. */
void morestack_chan_send(morestack_chan *c, MORESTACK_NOESCAPE const void *elem);
/* Receive into out (may be NULL to discard): 1, or 0 once the channel is
 * closed and drained (out zero-filled). */
int morestack_chan_recv(morestack_chan *c, MORESTACK_NOESCAPE void *out);
/* Wake every waiting receiver (they get 0) ; further sends are fatal. */
void morestack_chan_close(morestack_chan *c);
size_t morestack_chan_len(morestack_chan *c);
size_t morestack_chan_cap(const morestack_chan *c);

enum { MORESTACK_SELECT_SEND = 1, MORESTACK_SELECT_RECV = 2 };
typedef struct morestack_select_case {
  morestack_chan *chan; /* NULL: the case is never ready (as a nil channel in Go) */
  int dir;              /* MORESTACK_SELECT_SEND or MORESTACK_SELECT_RECV */
  void *elem;           /* what to send, or where to receive (may be NULL) */
  int ok;               /* set for the chosen receive: 1, or 0 if closed */
} morestack_select_case;
/* Wait until one of the cases can proceed, do it and return its index; a
 * random one among those ready. timeout_ns 0: do not wait (Go's default
 * case), MORESTACK_FOREVER: no timeout. Returns -1 on timeout. At most 64
 * cases. */
#define MORESTACK_FOREVER UINT64_MAX
int morestack_select(MORESTACK_NOESCAPE morestack_select_case *cases, size_t n,
                     uint64_t timeout_ns);

/* ---- Sync (zero-initialized objects are ready to use) ------------------------ */

typedef struct morestack_mutex { uint64_t opaque_[4]; } morestack_mutex;
typedef struct morestack_cond { uint64_t opaque_[3]; } morestack_cond;
typedef struct morestack_waitgroup { uint64_t opaque_[4]; } morestack_waitgroup;
typedef struct morestack_once { uint64_t opaque_[5]; } morestack_once;
typedef struct morestack_sem { uint64_t opaque_[4]; } morestack_sem;

void morestack_mutex_lock(morestack_mutex *m);
int morestack_mutex_trylock(morestack_mutex *m); /* 1 if locked */
void morestack_mutex_unlock(morestack_mutex *m);

/* Unlock m, wait for a signal, lock m again. The timed form returns 0 if
 * the deadline (morestack_now_ns) passed first. */
void morestack_cond_wait(morestack_cond *c, morestack_mutex *m);
int morestack_cond_wait_until(morestack_cond *c, morestack_mutex *m, uint64_t deadline_ns);
void morestack_cond_signal(morestack_cond *c);
void morestack_cond_broadcast(morestack_cond *c);

void morestack_waitgroup_add(morestack_waitgroup *wg, int64_t delta);
void morestack_waitgroup_done(morestack_waitgroup *wg);
void morestack_waitgroup_wait(morestack_waitgroup *wg);

/* Run fn(arg) once; other callers wait until it has returned. */
void morestack_once_call(morestack_once *o, void (*fn)(void *), void *arg);

/* A counting semaphore starting at 0 (release first, or morestack_sem_release n times). */
void morestack_sem_acquire(morestack_sem *s);
int morestack_sem_try_acquire(morestack_sem *s); /* 1 if acquired */
void morestack_sem_release(morestack_sem *s);

#ifdef __cplusplus
}
#endif

#endif /* MORESTACK_SCHED_H */

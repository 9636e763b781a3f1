// runtime/sync.cpp: mutex, condition variable, wait group, once and
// semaphore that park the task (or block a thread outside the scheduler),
// on the park/wake protocol of scheduler.h.
//
// Invariants:
//  - Each object is a spin lock, its state and a FIFO of waiting Sudogs,
//    laid over the zero-initialized opaque words of morestack/sched.h
//    (sizes checked below).
//  - Ownership is handed over: unlocking a mutex with waiters, or releasing
//    a semaphore with waiters, gives it to the first of them, which wakes
//    owning it (FIFO, no barging, no lost wake-ups).
#include "scheduler.h"

#include <morestack/sched.h>

#include "fatal.h"
#include "frames.h"

namespace morestack {
namespace {

struct Mutex {
  SpinLock lock;
  uint32_t locked;
  SudogQueue waiters;
};
struct Cond {
  SpinLock lock;
  SudogQueue waiters;
};
struct WaitGroup {
  SpinLock lock;
  int64_t counter;
  SudogQueue waiters;
};
struct Once {
  uint32_t done;
  morestack_mutex mutex;
};
struct Semaphore {
  SpinLock lock;
  uint32_t count;
  SudogQueue waiters;
};
static_assert(sizeof(Mutex) <= sizeof(morestack_mutex), "morestack/sched.h");
static_assert(sizeof(Cond) <= sizeof(morestack_cond), "morestack/sched.h");
static_assert(sizeof(WaitGroup) <= sizeof(morestack_waitgroup), "morestack/sched.h");
static_assert(sizeof(Once) <= sizeof(morestack_once), "morestack/sched.h");
static_assert(sizeof(Semaphore) <= sizeof(morestack_sem), "morestack/sched.h");

void unlock_spin(void *p) { ((SpinLock *)p)->unlock(); }

// Queue the caller on `q` (lock held) and park until woken or `deadline`;
// the lock is released. Returns the wake reason.
MORESTACK_RUNTIME_FRAME uint32_t wait_on(SpinLock &lock, SudogQueue &q, uint64_t deadline) {
  Waiter *w = current_waiter();
  const uint64_t seq = prepare_park(w);
  Sudog *s = &w->one;
  *s = Sudog{w, seq, nullptr, nullptr, 0, false, 0, nullptr, nullptr};
  q.push(s);
  park(w, seq, unlock_spin, &lock, deadline);
  const uint32_t reason = wake_reason(w);
  if (reason == kReasonTimeout) {  // still queued: take it out
    lock.lock();
    q.remove(s);
    lock.unlock();
  }
  return reason;
}

// Wake everyone on q (lock held), after the lock is released.
Sudog *take_all(SudogQueue &q) {
  Sudog *list = nullptr;
  while (Sudog *s = q.pop_winner()) {
    s->next = list;
    list = s;
  }
  return list;
}

void wake_list(Sudog *list) {
  while (list) {
    Sudog *next = list->next;
    make_ready(list->waiter);
    list = next;
  }
}

} // namespace
} // namespace morestack

using namespace morestack;

extern "C" {

MORESTACK_RUNTIME_FRAME void morestack_mutex_lock(morestack_mutex *mu) {
  Mutex *m = (Mutex *)mu;
  m->lock.lock();
  if (!m->locked) {
    m->locked = 1;
    m->lock.unlock();
    return;
  }
  wait_on(m->lock, m->waiters, 0);  // woken owning it
}

int morestack_mutex_trylock(morestack_mutex *mu) {
  Mutex *m = (Mutex *)mu;
  m->lock.lock();
  const bool got = !m->locked;
  m->locked = 1;
  m->lock.unlock();
  return got;
}

void morestack_mutex_unlock(morestack_mutex *mu) {
  Mutex *m = (Mutex *)mu;
  m->lock.lock();
  if (!m->locked) {
    m->lock.unlock();
    fatal_in_task("morestack_mutex_unlock: the mutex is not locked");
  }
  Sudog *next = m->waiters.pop_winner();
  if (!next) m->locked = 0;
  m->lock.unlock();
  if (next) make_ready(next->waiter);
}

MORESTACK_RUNTIME_FRAME int morestack_cond_wait_until(morestack_cond *cv, morestack_mutex *mu,
                                                      uint64_t deadline_ns) {
  Cond *c = (Cond *)cv;
  c->lock.lock();
  // Queued before the mutex is released: a signal after the unlock finds us.
  morestack_mutex_unlock(mu);
  const uint32_t reason = wait_on(c->lock, c->waiters, deadline_ns);
  morestack_mutex_lock(mu);
  return reason != kReasonTimeout;
}

MORESTACK_RUNTIME_FRAME void morestack_cond_wait(morestack_cond *cv, morestack_mutex *mu) {
  morestack_cond_wait_until(cv, mu, 0);
}

void morestack_cond_signal(morestack_cond *cv) {
  Cond *c = (Cond *)cv;
  c->lock.lock();
  Sudog *s = c->waiters.pop_winner();
  c->lock.unlock();
  if (s) make_ready(s->waiter);
}

void morestack_cond_broadcast(morestack_cond *cv) {
  Cond *c = (Cond *)cv;
  c->lock.lock();
  Sudog *all = take_all(c->waiters);
  c->lock.unlock();
  wake_list(all);
}

void morestack_waitgroup_add(morestack_waitgroup *wgp, int64_t delta) {
  WaitGroup *wg = (WaitGroup *)wgp;
  wg->lock.lock();
  wg->counter += delta;
  if (wg->counter < 0) {
    wg->lock.unlock();
    fatal_in_task("morestack_waitgroup: negative counter");
  }
  Sudog *all = wg->counter == 0 ? take_all(wg->waiters) : nullptr;
  wg->lock.unlock();
  wake_list(all);
}

void morestack_waitgroup_done(morestack_waitgroup *wg) { morestack_waitgroup_add(wg, -1); }

MORESTACK_RUNTIME_FRAME void morestack_waitgroup_wait(morestack_waitgroup *wgp) {
  WaitGroup *wg = (WaitGroup *)wgp;
  wg->lock.lock();
  if (wg->counter == 0) {
    wg->lock.unlock();
    return;
  }
  wait_on(wg->lock, wg->waiters, 0);
}

MORESTACK_RUNTIME_FRAME void morestack_once_call(morestack_once *op, void (*fn)(void *), void *arg) {
  Once *o = (Once *)op;
  if (__atomic_load_n(&o->done, __ATOMIC_ACQUIRE)) return;
  morestack_mutex_lock(&o->mutex);
  if (!o->done) {
    fn(arg);
    __atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
  }
  morestack_mutex_unlock(&o->mutex);
}

MORESTACK_RUNTIME_FRAME void morestack_sem_acquire(morestack_sem *sp) {
  Semaphore *s = (Semaphore *)sp;
  s->lock.lock();
  if (s->count) {
    --s->count;
    s->lock.unlock();
    return;
  }
  wait_on(s->lock, s->waiters, 0);  // woken holding the unit released to it
}

int morestack_sem_try_acquire(morestack_sem *sp) {
  Semaphore *s = (Semaphore *)sp;
  s->lock.lock();
  const bool got = s->count > 0;
  if (got) --s->count;
  s->lock.unlock();
  return got;
}

void morestack_sem_release(morestack_sem *sp) {
  Semaphore *s = (Semaphore *)sp;
  s->lock.lock();
  Sudog *next = s->waiters.pop_winner();
  if (!next) ++s->count;
  s->lock.unlock();
  if (next) make_ready(next->waiter);
}

} // extern "C"

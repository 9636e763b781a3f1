// runtime/scheduler.cpp: tasks on N worker threads (Go's scheduler, simplified).
//
// Each worker has a bounded FIFO run queue (kLocalQueue tasks, a spin lock:
// the owner pushes what it readies, thieves take half) and a timer heap;
// one global FIFO takes what is readied outside the workers and what does
// not fit. A worker looks at its timers, its queue, the global queue, then
// steals from the others, polls the netpoller when tasks wait on I/O
// (netpoll.h), then sleeps on a futex (or, one worker at a time, in
// epoll_wait) until something is queued, a descriptor is ready or its
// next timer is due. Go's lock-free queues are left out: measure before
// adding them.
//
// Invariants (besides scheduler.h's):
//  - A task is in at most one run queue, and only while Runnable.
//  - Only the worker owning a timer heap fires its timers; a task adds
//    timers to the heap of the worker it runs on.
//  - idle_workers counts workers between "nothing to do" and the end of
//    their futex wait (or epoll_wait); whoever queues a task after that
//    count is read non-zero bumps idle_epoch and wakes one, or breaks the
//    epoll_wait when the futex had no sleeper (seq_cst on both sides, so a
//    worker going idle either sees the task or is woken).
#include "scheduler.h"

#include <morestack/morestack.h>
#include <morestack/sched.h>

#include "config.h"
#include "fatal.h"
#include "frames.h"
#include "netpoll.h"
#include "stack.h"
#include "thread_state.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace morestack {

enum TaskState : uint32_t {
  kRunnable, kRunning, kParking, kParkingWoken, kParked, kYielding,
  kPreempted,  // yielded at a preemption: goes to the global queue (Go's gopreempt_m)
};

constexpr int kMaxKeys = 64;

struct Task {
  Fiber *fiber;
  void (*fn)(void *);
  void *arg;
  uint64_t id;
  uint32_t state;
  Waiter waiter;
  void (*unlock)(void *);  // what the worker runs once the task is off its stack
  void *unlock_arg;
  SpinLock lock;           // done, detached, joiner
  bool done, detached;
  Waiter *joiner;
  uint64_t joiner_seq;
  void **values;           // task-local storage, kMaxKeys slots once set
  Task *next;              // global queue, free list
  Task *all_prev, *all_next;
  char name[32];
};

void task_finished(Task *t);
void run_key_destructors(Task *t);
uint64_t live_thread_count();  // whole_program.cpp

namespace {

constexpr int kMaxWorkers = 1024;
constexpr uint32_t kLocalQueue = 256;   // a power of two
constexpr size_t kFirstTimers = 256;

struct Timer {
  uint64_t when;
  Waiter *waiter;
  uint64_t seq;
};

struct Worker {
  int index;
  SpinLock qlock;
  uint32_t head, tail;  // ring[head % kLocalQueue] is the oldest
  Task *runnext;        // runs before the ring (Go's runnext), see push_next
  uint32_t next_streak; // runnext picks in a row
  Task *ring[kLocalQueue];
  SpinLock tlock;
  Timer *timers;        // a binary min-heap on `when`
  size_t ntimers, timer_cap;
  // Preemption (below): odd while a task runs, +1 at each start and end;
  // the monitor's last look at it; the worker thread's preempt flag and
  // guard slot (published once the worker runs).
  uint64_t tick;
  uint64_t monitor_seen;
  uint32_t *preempt_flag;
  uintptr_t *guard;
  // Stealing (steal): the victim and its tick when this worker last found
  // only a runnext there and left it.
  int next_victim;
  uint64_t next_victim_tick;
};

Worker *workers;
int nworkers;
int wanted_workers;  // morestack_set_workers (0: the number of cores)
pthread_once_t start_once = PTHREAD_ONCE_INIT;

SpinLock global_lock;
Task *global_head, *global_tail;
uint32_t global_count;

uint32_t idle_workers, idle_epoch;
// Workers looking for work before they sleep (Go's spinning Ms): a task
// queued meanwhile is found without a futex wake-up (a few microseconds
// here), so whoever queues one wakes a sleeper only when none spins.
uint32_t spinning_workers;
constexpr int kSpinRounds = 2000;  // pause instructions: tens of microseconds

SpinLock all_lock;  // the list of live tasks, the free list
Task *all_tasks, *free_tasks;
uint64_t live_tasks, next_task_id;

// Threads outside the scheduler waiting on it without a deadline now
// (deadlock detection; whole_program.cpp counts the threads alive).
uint32_t clients_blocked;
bool deadlock_check = true;
// Preemption is off unless MORESTACK_PREEMPT=1 ("Preemption", below).
bool preempt = false;

__thread Worker *this_worker __attribute__((tls_model("initial-exec")));
__thread Task *this_task __attribute__((tls_model("initial-exec")));

long futex(uint32_t *word, int op, uint32_t value, const timespec *timeout) {
  return syscall(SYS_futex, word, op, value, timeout, nullptr, 0);
}

uint64_t now_ns() {
  timespec ts;
  libc_call([&] { clock_gettime(CLOCK_MONOTONIC, &ts); });
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

timespec relative(uint64_t ns) { return {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)}; }

// ---- Run queues ----

void push_global(Task *t);

bool push_local(Worker *w, Task *t) {
  w->qlock.lock();
  bool ok = w->tail - w->head < kLocalQueue;
  if (ok) w->ring[w->tail++ % kLocalQueue] = t;
  w->qlock.unlock();
  return ok;
}

// A task just created or woken by the running task runs next on this
// worker (Go's runnext): what a task starts or wakes is usually what it
// waits for next, and its data is in cache. Without it the queue is FIFO
// and a tree of tasks (skynet) runs breadth first: a million tasks alive
// at once instead of a few hundred. The task it displaces goes to the
// ring's tail. kMaxNextStreak picks in a row at most, then the ring's
// oldest: two tasks waking each other cannot starve the rest.
constexpr uint32_t kMaxNextStreak = 64;

void push_next(Worker *w, Task *t) {
  w->qlock.lock();
  Task *old = w->runnext;
  w->runnext = t;
  bool ok = true;
  if (old) {
    ok = w->tail - w->head < kLocalQueue;
    if (ok) w->ring[w->tail++ % kLocalQueue] = old;
  }
  w->qlock.unlock();
  if (!ok) push_global(old);
}

Task *pop_local(Worker *w) {
  w->qlock.lock();
  Task *t = nullptr;
  if (w->runnext && (w->next_streak < kMaxNextStreak || w->head == w->tail)) {
    t = w->runnext;
    w->runnext = nullptr;
    ++w->next_streak;
  } else if (w->head != w->tail) {
    t = w->ring[w->head++ % kLocalQueue];
    w->next_streak = 0;
  }
  w->qlock.unlock();
  return t;
}

void push_global(Task *t) {
  t->next = nullptr;
  global_lock.lock();
  if (global_tail) global_tail->next = t;
  else global_head = t;
  global_tail = t;
  __atomic_store_n(&global_count, global_count + 1, __ATOMIC_SEQ_CST);
  global_lock.unlock();
}

Task *pop_global() {
  if (!__atomic_load_n(&global_count, __ATOMIC_SEQ_CST)) return nullptr;
  global_lock.lock();
  Task *t = global_head;
  if (t) {
    global_head = t->next;
    if (!global_head) global_tail = nullptr;
    __atomic_store_n(&global_count, global_count - 1, __ATOMIC_RELAXED);
  }
  global_lock.unlock();
  return t;
}

// Take half of another worker's queue (the oldest, at most kStealBatch),
// queue them here and run the first. The victim's lock is not held while
// ours is taken, so two thieves never wait on each other.
constexpr uint32_t kStealBatch = 32;

Task *steal(Worker *self) {
  for (int i = 1; i < nworkers; ++i) {
    Worker *v = &workers[(self->index + i) % nworkers];
    if (__atomic_load_n(&v->head, __ATOMIC_RELAXED) == __atomic_load_n(&v->tail, __ATOMIC_RELAXED) &&
        !__atomic_load_n(&v->runnext, __ATOMIC_RELAXED))
      continue;
    Task *taken[kStealBatch];
    v->qlock.lock();
    uint32_t n = (v->tail - v->head + 1) / 2;
    if (n > kStealBatch) n = kStealBatch;
    for (uint32_t k = 0; k < n; ++k) taken[k] = v->ring[v->head++ % kLocalQueue];
    // Only its next task waits. While the victim runs the task that
    // readied it, that task is usually about to block on it (a ping-pong
    // over a channel): leave it once, and take it if the victim is still
    // in the same task at the next look (Go's runqsteal waits 3 us
    // before taking a running P's runnext). Taking it at once moved every
    // hand-off of a ping-pong to the other worker: ~7 us a round trip on
    // 2 workers against 0.65 on 1.
    if (!n && v->runnext) {
      const uint64_t tick = __atomic_load_n(&v->tick, __ATOMIC_RELAXED);
      if ((tick & 1) && (self->next_victim != v->index || self->next_victim_tick != tick)) {
        self->next_victim = v->index;
        self->next_victim_tick = tick;
      } else {
        taken[n++] = v->runnext;
        v->runnext = nullptr;
      }
    }
    v->qlock.unlock();
    if (!n) continue;
    for (uint32_t k = 1; k < n; ++k)
      if (!push_local(self, taken[k])) push_global(taken[k]);
    return taken[0];
  }
  return nullptr;
}

void wake_a_worker() {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(&spinning_workers, __ATOMIC_SEQ_CST) != 0) return;
  if (__atomic_load_n(&idle_workers, __ATOMIC_SEQ_CST) == 0) return;
  __atomic_add_fetch(&idle_epoch, 1, __ATOMIC_SEQ_CST);
  // Nobody on the futex: the idle worker may be the one in epoll_wait.
  if (futex(&idle_epoch, FUTEX_WAKE_PRIVATE, 1, nullptr) == 0) netpoll_break();
}

void enqueue(Task *t) {
  Worker *w = this_worker;
  if (w && this_task) push_next(w, t);  // from a task: it runs next here
  else if (!w || !push_local(w, t)) push_global(t);
  wake_a_worker();
}

// A worker puts back the task it ran (yielded, or woken while parking):
// with others queued behind it, an idle worker should come and steal.
void requeue(Worker *w, Task *t) {
  if (!push_local(w, t)) push_global(t);
  if (__atomic_load_n(&w->tail, __ATOMIC_RELAXED) - __atomic_load_n(&w->head, __ATOMIC_RELAXED) > 1)
    wake_a_worker();
}

// ---- Timers ----

void sift_up(Timer *h, size_t i) {
  while (i > 0 && h[(i - 1) / 2].when > h[i].when) {
    Timer tmp = h[i];
    h[i] = h[(i - 1) / 2];
    h[(i - 1) / 2] = tmp;
    i = (i - 1) / 2;
  }
}

void sift_down(Timer *h, size_t n, size_t i) {
  for (;;) {
    size_t m = i, l = 2 * i + 1, r = l + 1;
    if (l < n && h[l].when < h[m].when) m = l;
    if (r < n && h[r].when < h[m].when) m = r;
    if (m == i) return;
    Timer tmp = h[i];
    h[i] = h[m];
    h[m] = tmp;
    i = m;
  }
}

// On the system stack: realloc needs more than a task's stack may have.
void *grow_timers(void *p) {
  Worker *w = (Worker *)p;
  size_t cap = w->timer_cap * 2;
  Timer *t = (Timer *)realloc(w->timers, cap * sizeof(Timer));
  if (!t) fatal("out of memory for the scheduler's timers");
  w->timers = t;
  w->timer_cap = cap;
  return nullptr;
}

void add_timer(Worker *w, uint64_t when, Waiter *waiter, uint64_t seq) {
  w->tlock.lock();
  while (w->ntimers == w->timer_cap) {
    w->tlock.unlock();
    on_system_stack(grow_timers, w);  // only the owner grows its heap
    w->tlock.lock();
  }
  w->timers[w->ntimers] = {when, waiter, seq};
  sift_up(w->timers, w->ntimers++);
  w->tlock.unlock();
}

// Fire the due timers; returns the next deadline (0: none).
uint64_t run_timers(Worker *w) {
  if (!__atomic_load_n(&w->ntimers, __ATOMIC_RELAXED)) return 0;
  uint64_t now = now_ns();
  w->tlock.lock();
  while (w->ntimers && w->timers[0].when <= now) {
    Timer t = w->timers[0];
    w->timers[0] = w->timers[--w->ntimers];
    sift_down(w->timers, w->ntimers, 0);
    w->tlock.unlock();
    if (try_wake(t.waiter, t.seq, kReasonTimeout)) make_ready(t.waiter);
    w->tlock.lock();
  }
  uint64_t next = w->ntimers ? w->timers[0].when : 0;
  w->tlock.unlock();
  return next;
}

// ---- Deadlock detection ----

bool queued_work() {
  if (__atomic_load_n(&global_count, __ATOMIC_SEQ_CST)) return true;
  for (int i = 0; i < nworkers; ++i)
    if (__atomic_load_n(&workers[i].tail, __ATOMIC_SEQ_CST) !=
            __atomic_load_n(&workers[i].head, __ATOMIC_SEQ_CST) ||
        __atomic_load_n(&workers[i].runnext, __ATOMIC_SEQ_CST))
      return true;
  return false;
}

bool timers_pending() {
  for (int i = 0; i < nworkers; ++i)
    if (__atomic_load_n(&workers[i].ntimers, __ATOMIC_SEQ_CST)) return true;
  return false;
}

const char *state_name(uint32_t s) {
  switch (s) {
  case kRunnable: return "runnable";
  case kRunning: return "running";
  case kParked: return "blocked";
  default: return "switching";
  }
}

// Every live task with the backtrace of a suspended one (one running, here
// or on another worker, cannot be walked from here). The caller holds
// all_lock.
void print_tasks() {
  for (Task *t = all_tasks; t; t = t->all_next) {
    const uint32_t state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
    fprintf(stderr, "\ntask %llu%s%s%s [%s]:\n", (unsigned long long)t->id, t->name[0] ? " (" : "",
            t->name, t->name[0] ? ")" : "", t == this_task ? "running here" : state_name(state));
    if (!t->fiber)
      fprintf(stderr, "  (not started yet: no stack)\n");
    else if (t->fiber->state == FiberState::Suspended)
      morestack_print_backtrace(static_cast<morestack_fiber *>(t->fiber));
    else
      fprintf(stderr, "  (running%s: no backtrace)\n", t == this_task ? " here" : " on another worker");
  }
}

// set_fatal_report's hook: a fatal error in a program with tasks lists them.
void report_tasks_at_fatal() {
  // The fatal error may have happened with all_lock held (by this thread,
  // or by another now stopped in the middle): give up after a while.
  for (int i = 0; i < 1000000; ++i) {
    if (all_lock.try_lock()) {
      fprintf(stderr, "morestack: %llu tasks alive:\n",
              (unsigned long long)__atomic_load_n(&live_tasks, __ATOMIC_RELAXED));
      print_tasks();
      all_lock.unlock();
      return;
    }
    __builtin_ia32_pause();
  }
  fprintf(stderr, "morestack: tasks not listed (the scheduler's task list is locked)\n");
}

void *report_deadlock(void *) {
  static uint32_t reported;
  if (__atomic_exchange_n(&reported, 1, __ATOMIC_SEQ_CST)) {
    for (;;) pause();  // another thread is reporting
  }
  set_fatal_report(nullptr);  // listed here, before the fatal line
  fprintf(stderr, "morestack: all tasks are asleep - deadlock! (%llu tasks blocked; %u threads "
                  "outside the scheduler wait for them)\n",
          (unsigned long long)__atomic_load_n(&live_tasks, __ATOMIC_RELAXED),
          __atomic_load_n(&clients_blocked, __ATOMIC_RELAXED));
  all_lock.lock();
  print_tasks();
  all_lock.unlock();
  fatal("all tasks are asleep - deadlock! (MORESTACK_DEADLOCK=0 turns this check off for "
        "programs whose tasks are woken by threads outside the scheduler)");
}

// Every worker idle with nothing queued and no timer, tasks alive, and
// every other thread of the process waiting on the scheduler: nothing can
// ever wake anyone.
void check_deadlock() {
  if (!deadlock_check || !nworkers) return;
  if (__atomic_load_n(&idle_workers, __ATOMIC_SEQ_CST) != (uint32_t)nworkers) return;
  if (!__atomic_load_n(&live_tasks, __ATOMIC_SEQ_CST)) return;
  const uint32_t blocked = __atomic_load_n(&clients_blocked, __ATOMIC_SEQ_CST);
  // (The workers and the monitor thread, if any, are no one's wakers.)
  if (!blocked || blocked != live_thread_count() - (uint64_t)nworkers - (preempt ? 1 : 0)) return;
  // Tasks parked on I/O: the outside world may wake them. Read first: a
  // task the netpoller wakes is queued before it stops counting there.
  if (netpoll_waiting()) return;
  if (queued_work() || timers_pending()) return;
  on_system_stack(report_deadlock, nullptr);
}

// ---- Workers ----

MORESTACK_RUNTIME_FRAME void task_entry(void *p);  // "Tasks", below

// The MoveHook (stack.h) of a parking task: what the runtime pointed into
// its stack from outside, its Sudogs' data pointers (a receive's buffer, a
// send's value, select's elements) and its unlock argument (select's state
// on its stack; a sync object on it). Go's adjustsudogs.
void relocate_parked_task(void *ctx, uintptr_t old_lo, uintptr_t old_hi, intptr_t delta) {
  Task *t = (Task *)ctx;
  auto move = [&](void *&p) {
    if ((uintptr_t)p - old_lo < old_hi - old_lo) p = (char *)p + delta;
  };
  move(t->unlock_arg);
  move(t->waiter.one.elem);
  for (uint32_t i = 0; i < t->waiter.many_cap; ++i) move(t->waiter.many[i].elem);
}

void run_task(Worker *w, Task *t) {
  // A task gets its fiber (stack) when it first runs, not when it is
  // started: a task queued behind thousands of others costs its record
  // only, and the block it gets is the one the last finished task gave
  // back to this thread's pool cache, warm. skynet queues most of its
  // million leaves before they run: with a stack each from the start its
  // peak was ~580 MB and ~40 % of its time page faults on fresh blocks.
  if (!t->fiber) t->fiber = fiber_create(task_entry, t, 0, (uintptr_t)t->fn);
  __atomic_store_n(&t->state, kRunning, __ATOMIC_RELAXED);
  this_task = t;
  __atomic_store_n(&w->tick, w->tick + 1, __ATOMIC_RELAXED);  // odd: running
  const int finished = resume_fiber(t->fiber, /*safe_point=*/false);
  __atomic_store_n(&w->tick, w->tick + 1, __ATOMIC_RELAXED);
  this_task = nullptr;
  if (finished) {
    task_finished(t);
    return;
  }
  const uint32_t s = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
  if (s == kYielding) {
    __atomic_store_n(&t->state, kRunnable, __ATOMIC_RELAXED);
    requeue(w, t);
    return;
  }
  if (s == kPreempted) {  // behind everything queued, not just this worker's queue
    __atomic_store_n(&t->state, kRunnable, __ATOMIC_RELAXED);
    push_global(t);
    wake_a_worker();
    return;
  }
  // Parking, and what it waits on still locked (unlock has not run): no
  // waker can reach its Sudogs yet, so its stack may shrink or compact
  // (stack.h; Go shrinks parked goroutines at GC), the Sudogs' elems and
  // the unlock argument moving with it (relocate_parked_task). Only if
  // every frame from the park down is described: the blocking calls of
  // sched.h are runtime frames, the interposed I/O calls are not (yet).
  const MoveHook hook = {relocate_parked_task, t};
  stack_shrink_at_safe_point(t->fiber->stack, &hook);
  void (*unlock)(void *) = t->unlock;
  void *arg = t->unlock_arg;
  uint32_t parking = kParking;
  if (!__atomic_compare_exchange_n(&t->state, &parking, kParked, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    __atomic_store_n(&t->state, kRunnable, __ATOMIC_RELAXED);  // woken while it parked
    requeue(w, t);
  }
  if (unlock) unlock(arg);
}

// Nothing to run: spin a little (when another worker is busy and may
// queue something), then sleep until a task is queued or the next timer is
// due. A spinner that stops spinning counts itself idle and looks once
// more before it sleeps, so a task queued while it spun is never missed.
// A spinner that finds work wakes another worker if none spins (Go's
// resetspinning): wakers skipped the futex because it spun, and it takes
// one task of what may be several (two tasks queued while one worker
// spun and another slept left the second queued behind a task that
// yielded forever: Sched.YieldLetsOthersRun hung about 1 run in 150).
bool spin_for_work() {
  if (__atomic_load_n(&idle_workers, __ATOMIC_SEQ_CST) + 1 >= (uint32_t)nworkers) return false;
  __atomic_add_fetch(&spinning_workers, 1, __ATOMIC_SEQ_CST);
  bool found = false;
  for (int i = 0; i < kSpinRounds && !found; ++i) {
    __builtin_ia32_pause();
    if ((i & 63) == 63) found = queued_work();
  }
  __atomic_sub_fetch(&spinning_workers, 1, __ATOMIC_SEQ_CST);
  if (found) wake_a_worker();
  return found;
}

// With tasks parked on I/O, an idle worker first polls epoll without
// blocking, and the last to give up blocks in epoll_wait instead of the
// futex (netpoll.h: one at a time), until its next timer; a waker that
// finds nobody on the futex interrupts it (wake_a_worker).
void idle(uint64_t next_timer) {
  if (netpoll_waiting() && netpoll(false, 0)) return;
  if (nworkers > 1 && spin_for_work()) return;
  const uint32_t epoch = __atomic_load_n(&idle_epoch, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&idle_workers, 1, __ATOMIC_SEQ_CST);
  const bool found = queued_work();
  if (!found) {
    if (!next_timer) check_deadlock();
    const uint64_t now = next_timer ? now_ns() : 0;
    if (!next_timer || next_timer > now) {
      if (netpoll_waiting() && netpoll_claim_blocker()) {
        if (!queued_work()) netpoll(true, next_timer);  // a task queued since is seen, or breaks it
        netpoll_release_blocker();
      } else {
        timespec ts = relative(next_timer - now);
        futex(&idle_epoch, FUTEX_WAIT_PRIVATE, epoch, next_timer ? &ts : nullptr);
      }
    }
  }
  __atomic_sub_fetch(&idle_workers, 1, __ATOMIC_SEQ_CST);
  // Work found by this last look may have been queued while this worker
  // spun, and its wakers skipped the futex for that: like a spinner that
  // finds work, wake another for what this one does not take (two tasks
  // queued in the last moments of a spin, this worker taking one and
  // running it for good, left the other queued with a worker asleep:
  // Sched.TwoTasksQueuedAtOnceRunOnBothWorkers hung about 1 round in 5,000
  // on a loaded machine).
  if (found) wake_a_worker();
}

constexpr uint32_t kGlobalQueueEvery = 61;

void *worker_main(void *p) {
  Worker *w = (Worker *)p;
  this_worker = w;
  __atomic_store_n(&w->guard, guard_slot(), __ATOMIC_RELAXED);
  __atomic_store_n(&w->preempt_flag, &thread_state().preempt_requested, __ATOMIC_RELEASE);
  for (uint32_t tick = 1;; ++tick) {
    const uint64_t next_timer = run_timers(w);
    // Every kGlobalQueueEvery-th pick looks at the global queue first (Go's
    // schedtick % 61): a task yielding in a loop keeps the local queue
    // non-empty, and what waits in the global queue must still run here.
    Task *t = tick % kGlobalQueueEvery == 0 ? pop_global() : nullptr;
    if (!t) t = pop_local(w);
    if (!t) t = pop_global();
    if (!t && nworkers > 1) t = steal(w);
    if (t) {
      run_task(w, t);
      // Busy workers poll too, now and then: I/O is not starved by
      // tasks that keep every worker busy.
      if ((tick & 63) == 0 && netpoll_waiting()) netpoll(false, 0);
    } else {
      idle(next_timer);
    }
  }
  return nullptr;
}

void start_monitor();  // "Preemption", below

void start_workers() {
  init_config();
  if (const char *v = getenv("MORESTACK_DEADLOCK")) {
    if ((v[0] != '0' && v[0] != '1') || v[1])
      fatal("MORESTACK_DEADLOCK=\"%s\": use 0 to turn the deadlock check off, 1 for on", v);
    deadlock_check = v[0] == '1';
  }
  if (const char *v = getenv("MORESTACK_PREEMPT")) {
    if ((v[0] != '0' && v[0] != '1') || v[1])
      fatal("MORESTACK_PREEMPT=\"%s\": use 1 to preempt tasks that run past their time slice, 0 "
            "for not", v);
    preempt = v[0] == '1';
  }
  int n = wanted_workers;
  if (const char *v = getenv("MORESTACK_WORKERS")) {
    char *end;
    long k = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || k < 1 || k > kMaxWorkers)
      fatal("MORESTACK_WORKERS=\"%s\": use a number of worker threads from 1 to %d", v, kMaxWorkers);
    n = (int)k;
  }
  if (n <= 0) n = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (n <= 0) n = 1;
  Worker *ws = (Worker *)calloc((size_t)n, sizeof(Worker));
  if (!ws) fatal("out of memory starting the scheduler");
  for (int i = 0; i < n; ++i) {
    ws[i].index = i;
    ws[i].timer_cap = kFirstTimers;
    ws[i].timers = (Timer *)malloc(kFirstTimers * sizeof(Timer));
    if (!ws[i].timers) fatal("out of memory starting the scheduler");
  }
  workers = ws;
  __atomic_store_n(&nworkers, n, __ATOMIC_RELEASE);
  for (int i = 0; i < n; ++i) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int err = pthread_create(&th, &attr, worker_main, &ws[i]);
    pthread_attr_destroy(&attr);
    if (err) fatal("cannot start scheduler worker %d: %s", i, strerror(err));
    char name[16];
    snprintf(name, sizeof name, "morestack-w%d", i);
    pthread_setname_np(th, name);
  }
  if (preempt) start_monitor();
  set_fatal_report(report_tasks_at_fatal);
}

// ---- Preemption (Go's sysmon and stackPreempt) ----
//
// A monitor thread looks at every worker each kTimeSlice: one that has run
// the same task since its last look (its tick unchanged and odd) while
// other work waits gets its preempt flag set and its guard poisoned
// (kPoisonedGuard: every stack check fails). The task's next checked
// prologue or call-site check enters __morestack_grow, which sees the flag
// (stack.cpp) and has morestack.S call __morestack_preempted on the task's
// stack before returning into it: a yield. A loop that calls nothing with a
// check is not preemptible. The poison may land after the task ended: the
// next task yields once early, or checked code outside a task enters
// __morestack_grow once for nothing; the worker's next switch writes the
// right guard again. Never in a signal handler or a fiber the task resumed.
//
// Off by default (MORESTACK_PREEMPT=1 turns it on): unlike Go's runtime,
// which knows every lock a goroutine holds, this one does not see the C
// library's. A task preempted inside a pthread mutex's critical section
// yields holding it; the next task on that worker blocks the worker's
// thread on the mutex (on one worker: forever), and a holder resumed on
// another worker unlocks from the wrong thread (EPERM for a recursive or
// error-checking mutex, the lock then stays held). The same goes for C++
// function-local statics under construction (test/e2e/sched-pthread-
// mutex.c). Preempting only while a task holds no such lock (counting them
// through interposed pthread_mutex_* and __cxa_guard_*, as Go's m.locks)
// would make it safe to turn on by default.
constexpr uint64_t kTimeSlice = 10 * 1000 * 1000;  // ns, Go's forcePreemptNS
constexpr uintptr_t kPoisonedGuard = ~(uintptr_t)0;
uint64_t preemptions;

void *monitor_main(void *) {
  const timespec slice = relative(kTimeSlice);
  for (;;) {
    nanosleep(&slice, nullptr);
    const bool waiting = queued_work();
    for (int i = 0; i < nworkers; ++i) {
      Worker *w = &workers[i];
      const uint64_t tick = __atomic_load_n(&w->tick, __ATOMIC_RELAXED);
      uint32_t *flag = __atomic_load_n(&w->preempt_flag, __ATOMIC_ACQUIRE);
      if (waiting && flag && (tick & 1) && tick == w->monitor_seen) {
        __atomic_store_n(flag, 1, __ATOMIC_RELAXED);
        __atomic_store_n(w->guard, kPoisonedGuard, __ATOMIC_RELEASE);
      }
      w->monitor_seen = tick;
    }
  }
  return nullptr;
}

void start_monitor() {
  pthread_t th;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int err = pthread_create(&th, &attr, monitor_main, nullptr);
  pthread_attr_destroy(&attr);
  if (err) fatal("cannot start the scheduler's monitor thread: %s", strerror(err));
  pthread_setname_np(th, "morestack-mon");
}

void *start_on_system_stack(void *) {
  pthread_once(&start_once, start_workers);
  return nullptr;
}

void ensure_started() {
  if (__builtin_expect(__atomic_load_n(&nworkers, __ATOMIC_ACQUIRE) != 0, 1)) return;
  on_system_stack(start_on_system_stack, nullptr);
}

// ---- Threads outside the scheduler ----

__thread Waiter thread_waiter;

void uncount_blocked(Waiter *w) {
  if (__atomic_exchange_n(&w->counted, false, __ATOMIC_SEQ_CST))
    __atomic_sub_fetch(&clients_blocked, 1, __ATOMIC_SEQ_CST);
}

void park_thread(Waiter *w, uint64_t seq, void (*unlock)(void *), void *arg, uint64_t deadline) {
  // Counted as blocked until woken: the waker uncounts it before it wakes
  // it, so a deadlock check never sees a woken thread as blocked.
  if (!deadline) {
    __atomic_store_n(&w->counted, true, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&clients_blocked, 1, __ATOMIC_SEQ_CST);
  }
  if (unlock) unlock(arg);
  if (!deadline) check_deadlock();
  while (!__atomic_load_n(&w->futex, __ATOMIC_ACQUIRE)) {
    timespec ts, *tp = nullptr;
    if (deadline && wake_reason(w) == 0) {
      const uint64_t now = now_ns();
      if (now >= deadline) {
        if (try_wake(w, seq, kReasonTimeout)) break;
        continue;  // a waker won: it sets futex soon
      }
      ts = relative(deadline - now);
      tp = &ts;
    }
    futex(&w->futex, FUTEX_WAIT_PRIVATE, 0, tp);
  }
  uncount_blocked(w);
}

// ---- Tasks ----

// The fiber function of every task (a runtime frame: the walker steps over
// it by its frame pointer).
MORESTACK_RUNTIME_FRAME void task_entry(void *p) {
  Task *t = (Task *)p;
  t->fn(t->arg);
  if (t->values) run_key_destructors(t);
}

void *new_task_record(void *) {
  Task *t = (Task *)calloc(1, sizeof(Task));
  if (!t) fatal("out of memory creating a task");
  return t;
}

Task *alloc_task() {
  all_lock.lock();
  Task *t = free_tasks;
  if (t) free_tasks = t->next;
  all_lock.unlock();
  if (!t) t = (Task *)on_system_stack(new_task_record, nullptr);
  return t;
}

void *free_task_values(void *p) {
  free(p);
  return nullptr;
}

void free_task(Task *t) {
  if (t->values) on_system_stack(free_task_values, t->values);
  t->values = nullptr;
  all_lock.lock();
  t->next = free_tasks;
  free_tasks = t;
  all_lock.unlock();
}

void unlock_spin(void *p) { ((SpinLock *)p)->unlock(); }

void (*key_destructors[kMaxKeys])(void *);
uint32_t keys_used;

__thread void **thread_values;  // keys of a thread outside the scheduler (allocated on first set)

} // namespace

void task_finished(Task *t) {
  fiber_destroy(t->fiber);  // on the worker's own stack
  t->fiber = nullptr;
  all_lock.lock();
  if (t->all_prev) t->all_prev->all_next = t->all_next;
  else all_tasks = t->all_next;
  if (t->all_next) t->all_next->all_prev = t->all_prev;
  all_lock.unlock();
  __atomic_sub_fetch(&live_tasks, 1, __ATOMIC_SEQ_CST);
  t->lock.lock();
  t->done = true;
  Waiter *joiner = t->joiner;
  const uint64_t seq = t->joiner_seq;
  const bool detached = t->detached;
  t->lock.unlock();
  if (detached) free_task(t);
  else if (joiner && try_wake(joiner, seq, 1)) make_ready(joiner);
}

void run_key_destructors(Task *t) {
  for (int round = 0; round < 4; ++round) {  // as pthread: destructors may set values again
    bool any = false;
    for (int k = 0; k < kMaxKeys; ++k) {
      void *v = t->values[k];
      if (!v || !key_destructors[k]) continue;
      t->values[k] = nullptr;
      key_destructors[k](v);
      any = true;
    }
    if (!any) return;
  }
}

void SudogQueue::push(Sudog *s) {
  s->next = nullptr;
  s->prev = tail;
  if (tail) tail->next = s;
  else head = s;
  tail = s;
}

void SudogQueue::remove(Sudog *s) {
  if (s->prev) s->prev->next = s->next;
  else if (head == s) head = s->next;
  else return;  // not queued
  if (s->next) s->next->prev = s->prev;
  else tail = s->prev;
  s->next = s->prev = nullptr;
}

Sudog *SudogQueue::pop_winner() {
  while (Sudog *s = head) {
    remove(s);
    if (try_wake(s->waiter, s->seq, s->index + 1)) return s;
  }
  return nullptr;
}

uint64_t prepare_park(Waiter *w) {
  const uint64_t seq = (__atomic_load_n(&w->token, __ATOMIC_RELAXED) >> kTokenShift) + 1;
  __atomic_store_n(&w->futex, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&w->token, seq << kTokenShift, __ATOMIC_RELEASE);
  return seq;
}

bool try_wake(Waiter *w, uint64_t seq, uint32_t reason) {
  uint64_t expected = seq << kTokenShift;
  return __atomic_compare_exchange_n(&w->token, &expected, expected | reason, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

void make_ready(Waiter *w) {
  Task *t = w->task;
  if (!t) {
    uncount_blocked(w);
    __atomic_store_n(&w->futex, 1, __ATOMIC_RELEASE);
    futex(&w->futex, FUTEX_WAKE_PRIVATE, 1, nullptr);
    return;
  }
  for (;;) {
    uint32_t s = __atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
    if (s == kParked) {
      if (__atomic_compare_exchange_n(&t->state, &s, kRunnable, false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_ACQUIRE)) {
        enqueue(t);
        return;
      }
    } else if (s == kParking || s == kRunning) {
      if (__atomic_compare_exchange_n(&t->state, &s, kParkingWoken, false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_ACQUIRE))
        return;
    } else {
      fatal("scheduler: task %llu woken twice (state %u)", (unsigned long long)t->id, s);
    }
  }
}

MORESTACK_RUNTIME_FRAME void park(Waiter *w, uint64_t seq, void (*unlock)(void *), void *arg,
                                  uint64_t deadline) {
  Task *t = w->task;
  if (!t) return park_thread(w, seq, unlock, arg, deadline);
  if (running_fiber != t->fiber)
    fatal("a blocking call (channel, sync, sleep, join) in a fiber resumed by a task: only the "
          "task itself may block; run the fiber as a task of its own");
  if (deadline) add_timer(this_worker, deadline, w, seq);
  t->unlock = unlock;
  t->unlock_arg = arg;
  uint32_t running = kRunning;
  if (!__atomic_compare_exchange_n(&t->state, &running, kParking, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    __atomic_store_n(&t->state, kRunning, __ATOMIC_RELAXED);  // already woken
    if (unlock) unlock(arg);
    return;
  }
  switch_to_resumer(t->fiber);
}

Waiter *current_waiter() {
  if (Task *t = this_task) return &t->waiter;
  return &thread_waiter;
}

Waiter *blocking_call_waiter() {
  Task *t = this_task;
  if (!t || running_fiber != t->fiber) return nullptr;
  const Stack *s = thread_state().current;
  if (s != &t->fiber->stack || !s->contains((uintptr_t)__builtin_frame_address(0))) return nullptr;
  return &t->waiter;
}

void fatal_in_task(const char *what) {
  if (Task *t = this_task) fatal("%s (in task %llu%s%s)", what, (unsigned long long)t->id,
                                 t->name[0] ? " " : "", t->name);
  fatal("%s", what);
}

} // namespace morestack

using namespace morestack;


extern "C" {

morestack_task *morestack_go(void (*fn)(void *), void *arg) {
  if (!fn) fatal("morestack_go: the function is NULL");
  ensure_started();
  Task *t = alloc_task();  // its fiber comes when it first runs (run_task)
  t->fiber = nullptr;
  t->fn = fn;
  t->arg = arg;
  t->done = t->detached = false;
  t->joiner = nullptr;
  t->name[0] = '\0';
  t->unlock = nullptr;
  t->waiter.task = t;
  t->id = __atomic_add_fetch(&next_task_id, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&live_tasks, 1, __ATOMIC_SEQ_CST);
  all_lock.lock();
  t->all_prev = nullptr;
  t->all_next = all_tasks;
  if (all_tasks) all_tasks->all_prev = t;
  all_tasks = t;
  all_lock.unlock();
  __atomic_store_n(&t->state, kRunnable, __ATOMIC_RELEASE);
  enqueue(t);
  return (morestack_task *)t;
}

MORESTACK_RUNTIME_FRAME void morestack_join(morestack_task *h) {
  Task *t = (Task *)h;
  if (t == this_task) fatal_in_task("morestack_join: a task joined itself");
  Waiter *w = current_waiter();
  t->lock.lock();
  if (t->detached) fatal_in_task("morestack_join: the task was detached");
  if (!t->done) {
    const uint64_t seq = prepare_park(w);
    t->joiner = w;
    t->joiner_seq = seq;
    park(w, seq, unlock_spin, &t->lock, 0);
  } else {
    t->lock.unlock();
  }
  free_task(t);
}

void morestack_detach(morestack_task *h) {
  Task *t = (Task *)h;
  t->lock.lock();
  t->detached = true;
  const bool done = t->done;
  t->lock.unlock();
  if (done) free_task(t);
}

morestack_task *morestack_task_self(void) { return (morestack_task *)this_task; }
uint64_t morestack_task_id(const morestack_task *t) { return ((const Task *)t)->id; }

void morestack_task_set_name(morestack_task *h, const char *name) {
  Task *t = (Task *)h;
  libc_call([&] {
    size_t n = name ? strnlen(name, sizeof t->name - 1) : 0;
    memcpy(t->name, name, n);
    t->name[n] = '\0';
  });
}

const char *morestack_task_name(const morestack_task *t) { return ((const Task *)t)->name; }

// morestack.S's .Lpreempt, on the preempted task's stack (see
// "Preemption"): yield, unless this is not the task itself running on its
// own stack (a fiber it resumed, a signal handler, the worker's own code).
MORESTACK_RUNTIME_FRAME void __morestack_preempted(void) {
  Task *t = this_task;
  const Stack *s = thread_state().current;
  if (!t || running_fiber != t->fiber || s != &t->fiber->stack) return;
  __atomic_add_fetch(&preemptions, 1, __ATOMIC_RELAXED);
  __atomic_store_n(&t->state, kPreempted, __ATOMIC_RELAXED);
  switch_to_resumer(t->fiber);
}

MORESTACK_RUNTIME_FRAME void morestack_yield(void) {
  Task *t = this_task;
  if (!t) {
    sched_yield();
    return;
  }
  if (running_fiber != t->fiber) fatal("morestack_yield in a fiber resumed by a task");
  __atomic_store_n(&t->state, kYielding, __ATOMIC_RELAXED);
  switch_to_resumer(t->fiber);
}

uint64_t morestack_now_ns(void) { return now_ns(); }

MORESTACK_RUNTIME_FRAME void morestack_sleep_ns(uint64_t ns) {
  if (!this_task) {
    timespec ts = relative(ns);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    return;
  }
  Waiter *w = current_waiter();
  const uint64_t seq = prepare_park(w);
  park(w, seq, nullptr, nullptr, now_ns() + (ns ? ns : 1));
}

int morestack_key_create(void (*destructor)(void *)) {
  uint32_t k = __atomic_fetch_add(&keys_used, 1, __ATOMIC_RELAXED);
  if (k >= (uint32_t)kMaxKeys) return -1;
  key_destructors[k] = destructor;
  return (int)k;
}

void *morestack_get_specific(int key) {
  if (key < 0 || key >= kMaxKeys) return nullptr;
  void **values = this_task ? this_task->values : thread_values;
  return values ? values[key] : nullptr;
}

static void *new_values(void *) {
  void **v = (void **)calloc(kMaxKeys, sizeof(void *));
  if (!v) fatal("out of memory for task-local storage");
  return v;
}

void morestack_set_specific(int key, void *value) {
  if (key < 0 || key >= kMaxKeys) fatal_in_task("morestack_set_specific: not a key");
  void ***values = this_task ? &this_task->values : &thread_values;
  if (!*values) *values = (void **)on_system_stack(new_values, nullptr);
  (*values)[key] = value;
}

int morestack_set_workers(int n) {
  if (n < 0 || n > kMaxWorkers || __atomic_load_n(&nworkers, __ATOMIC_ACQUIRE)) return EINVAL;
  wanted_workers = n;
  return 0;
}

int morestack_workers(void) {
  ensure_started();
  return nworkers;
}

} // extern "C"

// runtime/chan.cpp: channels and select (Go's src/runtime/chan.go and
// select.go, on the park/wake protocol of scheduler.h).
//
// Invariants:
//  - Under the channel's lock: count elements sit in the ring at
//    buf[(head + i) % cap]; a waiting receiver exists only if count == 0,
//    a waiting sender only if count == cap (stale select Sudogs aside: they
//    lose try_wake and are dropped).
//  - Data moves straight between the two parties: a sender copies into a
//    parked receiver's elem, a receiver out of a parked sender's; the
//    parked side's stack does not move while it waits (scheduler.h).
//  - A closed channel wakes every waiter: receivers get zeroes and
//    success = false, senders success = false (which is fatal to them).
//  - select locks its channels in address order (each once), so two
//    selects on the same channels cannot deadlock; it never holds a lock
//    while parked (the worker unlocks once the task is off its stack).
#include "scheduler.h"

#include <morestack/sched.h>

#include "fatal.h"
#include "frames.h"
#include "thread_state.h"

#include <stdlib.h>
#include <string.h>

struct morestack_chan {
  morestack::SpinLock lock;
  bool closed;
  size_t elem_size, cap, count, head;
  char *buf;
  morestack::SudogQueue recvq, sendq;
};

namespace morestack {
namespace {

constexpr size_t kMaxSelectCases = 64;

char *slot(morestack_chan *c, size_t i) { return c->buf + ((c->head + i) % c->cap) * c->elem_size; }

void copy(void *to, const void *from, size_t n) {
  if (to && n) libc_call([&] {
    if (from) memcpy(to, from, n);
    else memset(to, 0, n);
  });
}

void unlock_chan(void *p) { ((morestack_chan *)p)->lock.unlock(); }

// Receive from a waiting sender s (the lock held): unbuffered straight from
// it; buffered (full) the oldest element, and s's joins the tail.
void recv_from_sender(morestack_chan *c, Sudog *s, void *out) {
  if (c->cap == 0) {
    copy(out, s->elem, c->elem_size);
  } else {
    copy(out, slot(c, 0), c->elem_size);
    copy(slot(c, 0), s->elem, c->elem_size);
    c->head = (c->head + 1) % c->cap;
  }
  s->success = true;
}

void take_buffered(morestack_chan *c, void *out) {
  copy(out, slot(c, 0), c->elem_size);
  c->head = (c->head + 1) % c->cap;
  --c->count;
}

void put_buffered(morestack_chan *c, const void *elem) {
  copy(slot(c, c->count), elem, c->elem_size);
  ++c->count;
}

[[noreturn]] void send_on_closed() { fatal_in_task("send on a closed channel"); }

struct NewChan {
  size_t elem_size, cap;
};

void *alloc_chan(void *p) {
  const NewChan *n = (const NewChan *)p;
  if (n->cap && n->elem_size > (size_t)-1 / n->cap) fatal("morestack_chan_new: the channel is too large");
  morestack_chan *c = (morestack_chan *)calloc(1, sizeof(morestack_chan));
  char *buf = n->cap && n->elem_size ? (char *)calloc(n->cap, n->elem_size) : nullptr;
  if (!c || (n->cap && n->elem_size && !buf)) fatal("out of memory creating a channel");
  c->elem_size = n->elem_size;
  c->cap = n->cap;
  c->buf = buf;
  return c;
}

void *free_chan(void *p) {
  morestack_chan *c = (morestack_chan *)p;
  free(c->buf);
  free(c);
  return nullptr;
}

// ---- select ----

struct Select {
  morestack_select_case *cases;
  size_t n;
  uint8_t *lock_order;  // case indices by channel address
};

void lock_all(const Select &s) {
  morestack_chan *prev = nullptr;
  for (size_t k = 0; k < s.n; ++k) {
    morestack_chan *c = s.cases[s.lock_order[k]].chan;
    if (c && c != prev) c->lock.lock();
    prev = c;
  }
}

void unlock_all_fn(void *p) {
  const Select &s = *(const Select *)p;
  morestack_chan *prev = nullptr;
  for (size_t k = s.n; k-- > 0;) {
    morestack_chan *c = s.cases[s.lock_order[k]].chan;
    if (c && c != prev) c->lock.unlock();
    prev = c;
  }
}

struct Scratch {
  Waiter *w;
  size_t n;
};

// On the system stack: a waiter's Sudogs and orders for n cases.
void *grow_scratch(void *p) {
  Scratch *s = (Scratch *)p;
  const size_t bytes = s->n * (sizeof(Sudog) + 2);
  void *m = realloc(s->w->many, bytes);
  if (!m) fatal("out of memory for the records of a wait on several objects (select, poll)");
  s->w->many = (Sudog *)m;
  s->w->many_cap = (uint32_t)s->n;
  return nullptr;
}

} // namespace

Sudog *waiter_sudogs(Waiter *w, size_t n) {
  if (w->many_cap < n) {
    Scratch sc = {w, n};
    on_system_stack(grow_scratch, &sc);
  }
  return w->many;
}

namespace {

uint32_t random_below(uint32_t n) {
  static __thread uint32_t x;
  if (!x) x = (uint32_t)(uintptr_t)&x | 1;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x % n;
}

// One pass over the cases in a random order: the first that can proceed
// without waiting does. Returns its index, or -1. The locks are held.
int try_cases(const Select &s, uint8_t *poll_order, Sudog **wake) {
  for (size_t k = 0; k < s.n; ++k) {
    morestack_select_case &cs = s.cases[poll_order[k]];
    morestack_chan *c = cs.chan;
    if (!c) continue;
    if (cs.dir == MORESTACK_SELECT_RECV) {
      if (Sudog *sender = c->sendq.pop_winner()) {
        recv_from_sender(c, sender, cs.elem);
        *wake = sender;
      } else if (c->count) {
        take_buffered(c, cs.elem);
      } else if (c->closed) {
        copy(cs.elem, nullptr, c->elem_size);
        cs.ok = 0;
        return poll_order[k];
      } else {
        continue;
      }
      cs.ok = 1;
      return poll_order[k];
    }
    if (c->closed) {
      unlock_all_fn((void *)&s);
      send_on_closed();
    }
    if (Sudog *receiver = c->recvq.pop_winner()) {
      copy(receiver->elem, cs.elem, c->elem_size);
      receiver->success = true;
      *wake = receiver;
      return poll_order[k];
    }
    if (c->count < c->cap) {
      put_buffered(c, cs.elem);
      return poll_order[k];
    }
  }
  return -1;
}

} // namespace
} // namespace morestack

using namespace morestack;

extern "C" {

morestack_chan *morestack_chan_new(size_t elem_size, size_t capacity) {
  NewChan n = {elem_size, capacity};
  return (morestack_chan *)on_system_stack(alloc_chan, &n);
}

void morestack_chan_free(morestack_chan *c) {
  if (c) on_system_stack(free_chan, c);
}

MORESTACK_RUNTIME_FRAME void morestack_chan_send(morestack_chan *c, MORESTACK_NOESCAPE const void *elem) {
  if (!c) fatal_in_task("morestack_chan_send: the channel is NULL");
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    send_on_closed();
  }
  if (Sudog *r = c->recvq.pop_winner()) {
    copy(r->elem, elem, c->elem_size);
    r->success = true;
    c->lock.unlock();
    make_ready(r->waiter);
    return;
  }
  if (c->count < c->cap) {
    put_buffered(c, elem);
    c->lock.unlock();
    return;
  }
  Waiter *w = current_waiter();
  Sudog *s = &w->one;
  const uint64_t seq = prepare_park(w);
  *s = Sudog{w, seq, (void *)elem, c, 0, false, 0, nullptr, nullptr};
  c->sendq.push(s);
  park(w, seq, unlock_chan, c, 0);
  if (!s->success) send_on_closed();
}

MORESTACK_RUNTIME_FRAME int morestack_chan_recv(morestack_chan *c, MORESTACK_NOESCAPE void *out) {
  if (!c) fatal_in_task("morestack_chan_recv: the channel is NULL");
  c->lock.lock();
  if (Sudog *sender = c->sendq.pop_winner()) {
    recv_from_sender(c, sender, out);
    c->lock.unlock();
    make_ready(sender->waiter);
    return 1;
  }
  if (c->count) {
    take_buffered(c, out);
    c->lock.unlock();
    return 1;
  }
  if (c->closed) {
    c->lock.unlock();
    copy(out, nullptr, c->elem_size);
    return 0;
  }
  Waiter *w = current_waiter();
  Sudog *s = &w->one;
  const uint64_t seq = prepare_park(w);
  *s = Sudog{w, seq, out, c, 0, false, 0, nullptr, nullptr};
  c->recvq.push(s);
  park(w, seq, unlock_chan, c, 0);
  return s->success;
}

void morestack_chan_close(morestack_chan *c) {
  if (!c) fatal_in_task("morestack_chan_close: the channel is NULL");
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    fatal_in_task("close of a closed channel");
  }
  c->closed = true;
  Sudog *woken = nullptr;
  SudogQueue *queues[] = {&c->recvq, &c->sendq};
  for (SudogQueue *q : queues) {
    while (Sudog *s = q->pop_winner()) {
      if (q == &c->recvq) copy(s->elem, nullptr, c->elem_size);
      s->success = false;
      s->next = woken;
      woken = s;
    }
  }
  c->lock.unlock();
  while (woken) {
    Sudog *next = woken->next;
    make_ready(woken->waiter);
    woken = next;
  }
}

size_t morestack_chan_len(morestack_chan *c) {
  c->lock.lock();
  size_t n = c->count;
  c->lock.unlock();
  return n;
}

size_t morestack_chan_cap(const morestack_chan *c) { return c->cap; }

MORESTACK_RUNTIME_FRAME int morestack_select(MORESTACK_NOESCAPE morestack_select_case *cases, size_t n,
                                             uint64_t timeout_ns) {
  if (n > kMaxSelectCases) fatal_in_task("morestack_select: more than 64 cases");
  Waiter *w = current_waiter();
  Sudog *sudogs = waiter_sudogs(w, n);
  uint8_t *lock_order = (uint8_t *)(sudogs + w->many_cap);
  uint8_t *poll_order = lock_order + w->many_cap;
  // Random poll order (Fisher-Yates), lock order by address (insertion).
  for (size_t i = 0; i < n; ++i) {
    size_t j = random_below((uint32_t)i + 1);
    poll_order[i] = poll_order[j];
    poll_order[j] = (uint8_t)i;
    size_t k = i;
    while (k > 0 && (uintptr_t)cases[lock_order[k - 1]].chan > (uintptr_t)cases[i].chan) {
      lock_order[k] = lock_order[k - 1];
      --k;
    }
    lock_order[k] = (uint8_t)i;
  }
  Select s = {cases, n, lock_order};
  lock_all(s);
  Sudog *wake = nullptr;
  int chosen = try_cases(s, poll_order, &wake);
  if (chosen >= 0 || timeout_ns == 0) {
    unlock_all_fn(&s);
    if (wake) make_ready(wake->waiter);
    return chosen;
  }
  // Wait on every channel at once.
  const uint64_t seq = prepare_park(w);
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    morestack_chan *c = cases[i].chan;
    sudogs[i] = Sudog{w, seq, cases[i].elem, c, (uint32_t)i, false, 0, nullptr, nullptr};
    if (!c) continue;
    any = true;
    (cases[i].dir == MORESTACK_SELECT_RECV ? c->recvq : c->sendq).push(&sudogs[i]);
  }
  if (!any && timeout_ns == MORESTACK_FOREVER) {
    unlock_all_fn(&s);
    fatal_in_task("morestack_select: no channel and no timeout: it would wait forever");
  }
  const uint64_t deadline =
      timeout_ns == MORESTACK_FOREVER ? 0 : morestack_now_ns() + timeout_ns;
  park(w, seq, unlock_all_fn, &s, deadline);
  const uint32_t reason = wake_reason(w);
  lock_all(s);
  for (size_t i = 0; i < n; ++i)
    if (morestack_chan *c = cases[i].chan)
      (cases[i].dir == MORESTACK_SELECT_RECV ? c->recvq : c->sendq).remove(&sudogs[i]);
  unlock_all_fn(&s);
  if (reason == kReasonTimeout) return -1;
  chosen = (int)reason - 1;
  if (cases[chosen].dir == MORESTACK_SELECT_SEND) {
    if (!sudogs[chosen].success) send_on_closed();
  } else {
    cases[chosen].ok = sudogs[chosen].success;
  }
  return chosen;
}

} // extern "C"

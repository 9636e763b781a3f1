// Addresses of locals kept outside their stack, in C++, while that stack
// grows from 2 KiB by copying (and, where it makes sense, is shrunk again).
// Each such local's address escapes, so it lives on the side stack
// (plugin/EscapeAnalysis.cpp, plugin/SideStackPass.cpp), which never moves:
// whatever is kept in the heap, in a global, in another fiber or in another
// thread stays right. Each scenario grows the stack that holds the object
// (recursions of 512-byte frames, Inputs/grow.h), then uses the object
// through the kept address and reads it back from the local:
//  1. an interpreter's error handler (Lua's L->errorJmp): a local status
//     struct linked from a heap object, written deep down, then a throw;
//  2. std::stop_callback: callbacks in three growing fibers linked into one
//     stop state (one unlinks itself early), and a callback registered by a
//     grown stack that another thread runs; both write the creator's locals;
//  3. an intrusive doubly linked list whose nodes are locals of many frames
//     and whose head is in the heap: traversed, unlinked;
//  4. a [&] lambda of a suspended, grown and shrunk fiber, run by another;
//  5. a std::thread writing the creator's locals while the creator is deep
//     in a grown stack (an atomic handshake orders the writes after growth);
//  6. a Go-style rendezvous channel between fibers: a parked receiver's
//     local slot (or a parked sender's value) is written (read) by the other
//     fiber; 1000 values, each operation at a different depth;
//  7. standard library objects as locals across growth and shrink.
// Scenarios run on main, in a fiber and in a thread where that makes sense,
// every stack starting at 2 KiB. A scenario prints "ok" or "WRONG" with what
// differed, and checks that its stack really grew (and shrank).
//
// RUN: %morestack_clangxx -std=c++20 -O0 %s -o %t.O0 -pthread
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_FIBER_STACK=2K %t.O0 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_FIBER_STACK=2K MORESTACK_VERIFY=1 %t.O0 | FileCheck %s
// RUN: %morestack_clangxx -std=c++20 -O2 %s -o %t.O2 -pthread
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_FIBER_STACK=2K %t.O2 | FileCheck %s
// RUN: env MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_FIBER_STACK=2K MORESTACK_VERIFY=1 %t.O2 | FileCheck %s
//
// CHECK: exception status, main: ok
// CHECK-NEXT: exception status, fiber: ok
// CHECK-NEXT: exception status, thread: ok
// CHECK-NEXT: stop_callback in three fibers, main: ok
// CHECK-NEXT: stop_callback in three fibers, thread: ok
// CHECK-NEXT: stop_callback run by a thread, main: ok
// CHECK-NEXT: stop_callback run by a thread, fiber: ok
// CHECK-NEXT: intrusive list, main: ok
// CHECK-NEXT: intrusive list, fiber: ok
// CHECK-NEXT: intrusive list, thread: ok
// CHECK-NEXT: lambda run by another fiber: ok
// CHECK-NEXT: thread writes creator's locals, main: ok
// CHECK-NEXT: thread writes creator's locals, fiber: ok
// CHECK-NEXT: thread writes creator's locals, thread: ok
// CHECK-NEXT: channel, main: ok
// CHECK-NEXT: channel, thread: ok
// CHECK-NEXT: standard objects, main: ok
// CHECK-NEXT: standard objects, fiber: ok
// CHECK-NEXT: standard objects, thread: ok
// CHECK-NEXT: grew: yes, shrank: yes, broken walks: none

#include <morestack/fiber.hpp>
#include <morestack/morestack.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <pthread.h>
#include <stop_token>
#include <string>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "Inputs/grow.h"

// ---- Helpers ---------------------------------------------------------------

// What went wrong in one scenario; "ok" if nothing did.
struct Verdict {
  std::string wrong;
  std::string result() const { return wrong.empty() ? "ok" : "WRONG:" + wrong; }
};
// The message is only built when the condition fails.
#define EXPECT(v, cond, message)                                                                   \
  do {                                                                                             \
    if (!(cond)) (v).wrong += std::string(" ") + (message) + ";";                                  \
  } while (0)
static std::string str(long long x) { return std::to_string(x); }

// Growths and shrinks of the calling stack since the probe was made.
struct Probe {
  morestack_stack_stats start;
  Probe() { morestack_current_stack_stats(&start); }
  static morestack_stack_stats now() {
    morestack_stack_stats s;
    morestack_current_stack_stats(&s);
    return s;
  }
  bool grew() const { return now().growths > start.growths; }
  bool shrank() const { return now().shrinks > start.shrinks; }
};

static void yield_n(int n) {
  for (int i = 0; i < n; ++i) morestack::this_fiber::suspend();
}

// Run body (which returns its verdict) on main, in a fresh fiber or in a
// fresh thread. On main, the stack is shrunk first so that the body starts
// small and has to grow again. The thread is a plain pthread: a
// std::thread's stack has libstdc++'s execute_native_thread_routine, which
// has no stack map, at its base, and such a stack is never shrunk
// (docs/stack-maps.md); the scenarios that start std::threads cover those.
enum Where { MAIN, FIBER, THREAD };
static const char *const where_name[] = {"main", "fiber", "thread"};

template <class Body> static void run(const char *scenario, Where where, Body body) {
  std::string result;
  switch (where) {
  case MAIN:
    morestack_shrink_stack();
    result = body();
    break;
  case FIBER: {
    morestack::Fiber f([&] { result = body(); });
    while (!f.resume()) {
    }
    break;
  }
  case THREAD: {
    struct Start {
      Body *body;
      std::string *result;
      static void *run(void *p) {
        Start *s = static_cast<Start *>(p);
        *s->result = (*s->body)();
        return nullptr;
      }
    } start{&body, &result};
    pthread_t t;
    if (pthread_create(&t, nullptr, &Start::run, &start) != 0 || pthread_join(t, nullptr) != 0)
      result = "WRONG: no thread";
    break;
  }
  }
  std::printf("%s, %s: %s\n", scenario, where_name[where], result.c_str());
  std::fflush(stdout);
}

// ---- 1. An interpreter's error handler across growth -------------------------
// Like Lua: luaD_rawrunprotected keeps a struct lua_longjmp on its stack and
// links it from the lua_State (heap) as L->errorJmp; luaD_throw, deep down,
// stores the status through L->errorJmp and throws; the protected call reads
// the status from its local.

struct ErrorJmp {
  ErrorJmp *previous;
  int status;
};
struct Interp {
  ErrorJmp *errorJmp = nullptr;
};
struct InterpError {};

[[noreturn]] static void interp_throw(Interp *L, int status) {
  L->errorJmp->status = status;
  throw InterpError{};
}

// Recurses n frames of 512 bytes, then throws status.
static int call_deep(Interp *L, int n, int status) {
  volatile char pad[512];
  pad[n % 512] = (char)n;
  if (n == 0) interp_throw(L, status);
  int r = call_deep(L, n - 1, status);
  return r + pad[n % 512];
}

template <class F> static int protected_call(Interp *L, F body, bool *handler_moved) {
  ErrorJmp ej;
  ej.status = 0;
  ej.previous = L->errorJmp;
  L->errorJmp = &ej;
  try {
    body();
  } catch (const InterpError &) {
  }
  if (L->errorJmp != &ej) *handler_moved = true;  // the heap's pointer no longer finds it
  L->errorJmp = ej.previous;
  return ej.status;
}

static std::string exception_status() {
  Verdict v;
  Probe p;
  auto L = std::make_unique<Interp>();
  bool moved = false;
  int inner = -1;
  int outer = protected_call(
      L.get(),
      [&] {
        grow(1000);  // the outer handler's frame moves
        inner = protected_call(L.get(), [&] { call_deep(L.get(), 1500, 2); }, &moved);
        morestack_shrink_stack();
        call_deep(L.get(), 2000, 3);  // grows again, then throws to the outer handler
      },
      &moved);
  EXPECT(v, inner == 2, "inner status " + str(inner) + ", expected 2");
  EXPECT(v, outer == 3, "outer status " + str(outer) + ", expected 3");
  EXPECT(v, !moved, "L->errorJmp no longer points at the handler");
  EXPECT(v, L->errorJmp == nullptr, "handler chain not restored");
  EXPECT(v, p.grew(), "stack did not grow");
  EXPECT(v, p.shrank(), "stack did not shrink");
  return v.result();
}

// ---- 2. std::stop_callback ---------------------------------------------------

// Three fibers register callbacks on one stop state: libstdc++ links them
// into a doubly linked list, through the callback objects themselves (locals
// of the fibers). Registration order A, Early, B makes the list B <-> Early
// <-> A; Early unregisters (its scope ends) after all three grew and were
// shrunk, unlinking itself by writing into A's and B's callbacks. Then a
// fourth fiber grows and requests the stop: A's and B's callbacks write
// their fiber's local.
struct Registrant {
  int id;
  int depth;
  bool leaves_early;
  std::string verdict;
};

static void register_and_wait(std::stop_token token, Registrant *r, const bool *stopped) {
  Verdict v;
  Probe p;
  int mine = 0;
  {
    std::stop_callback cb(token, [&mine, r] { mine = r->id; });
    grow(r->depth);
    yield_n(8);  // the resumer shrinks the suspended fiber meanwhile
    while (!r->leaves_early && !*stopped) morestack::this_fiber::suspend();
  }
  if (r->leaves_early)
    EXPECT(v, mine == 0, "unregistered callback ran: " + str(mine));
  else
    EXPECT(v, mine == r->id, "fiber " + str(r->id) + ": callback wrote " + str(mine));
  EXPECT(v, p.grew(), "fiber " + str(r->id) + " did not grow");
  EXPECT(v, p.shrank(), "fiber " + str(r->id) + " did not shrink");
  r->verdict = v.result();
}

static std::string stop_callbacks_in_fibers() {
  Verdict v;
  auto source = std::make_unique<std::stop_source>();
  bool stopped = false;
  Registrant regs[3] = {{1, 2000, false, {}}, {2, 1000, true, {}}, {3, 1500, false, {}}};
  std::vector<std::unique_ptr<morestack::Fiber>> fibers;
  for (Registrant &r : regs)
    fibers.push_back(std::make_unique<morestack::Fiber>(
        [&source, &r, &stopped] { register_and_wait(source->get_token(), &r, &stopped); }));
  for (int round = 0; round < 9; ++round)  // registered in order, grown, 8 yields
    for (auto &f : fibers)
      if (!f->done()) f->resume();
  EXPECT(v, fibers[1]->done(), "the early fiber has not finished");
  morestack::Fiber stopper([&] {
    grow(1200);
    stopped = source->request_stop();
  });
  stopper.resume();
  EXPECT(v, stopped, "request_stop() returned false");
  for (auto &f : fibers)
    while (!f->done()) f->resume();
  for (Registrant &r : regs)
    if (r.verdict != "ok") v.wrong += " " + r.verdict;
  return v.result();
}

// A callback registered by a stack that then grows and shrinks; another
// thread, itself grown, requests the stop and so runs the callback, which
// writes the creator's locals through its reference captures.
static std::string stop_callback_from_thread() {
  Verdict v;
  Probe p;
  auto source = std::make_unique<std::stop_source>();
  int seen = 0;
  std::string note = "before";
  std::stop_callback cb(source->get_token(), [&seen, &note] {
    seen = 42;
    note = "written by the callback, in the thread that requested the stop";
  });
  grow(2000);
  morestack_shrink_stack();
  std::thread t([&source] {
    grow(500);
    source->request_stop();
  });
  t.join();
  EXPECT(v, seen == 42, "callback wrote " + str(seen));
  EXPECT(v, note == "written by the callback, in the thread that requested the stop",
         "note is \"" + note + "\"");
  EXPECT(v, p.grew(), "stack did not grow");
  EXPECT(v, p.shrank(), "stack did not shrink");
  return v.result();
}

// ---- 3. An intrusive doubly linked list of locals -----------------------------

struct Link {
  Link *prev, *next;
};
struct Item {
  Link link;  // first: a Link * is its Item *
  int value;
};
struct IntrusiveList {
  Link head;
  IntrusiveList() { head.prev = head.next = &head; }
};

static void push_back(IntrusiveList *l, Item *it) {
  it->link.prev = l->head.prev;
  it->link.next = &l->head;
  l->head.prev->next = &it->link;
  l->head.prev = &it->link;
}
static void unlink(Item *it) {
  it->link.prev->next = it->link.next;
  it->link.next->prev = it->link.prev;
  it->link.prev = it->link.next = nullptr;
}
// The values from the head (in the heap) forwards, checking every back link;
// "BROKEN ..." where a link is wrong.
static std::string list_values(const IntrusiveList *l) {
  std::string out;
  const Link *prev = &l->head;
  for (const Link *at = l->head.next; at != &l->head; prev = at, at = at->next) {
    if (at == nullptr || at->prev != prev || out.size() > 100000) return out + " BROKEN";
    out += (out.empty() ? "" : " ") + str(((const Item *)at)->value);
  }
  if (l->head.prev != prev) return out + " BROKEN (head.prev)";
  return out;
}

// Each of `levels` frames links a local Item (value = its level) at the
// tail, recurses with 512 bytes of stack, and at the bottom the list is
// checked from the heap head; unwinding, each frame unlinks its item.
static int link_nested(IntrusiveList *l, int level, int levels, const std::string &prefix,
                       Verdict &v) {
  Item item{{nullptr, nullptr}, level};
  push_back(l, &item);
  volatile char pad[512];
  pad[level % 512] = (char)level;
  if (level < levels) {
    link_nested(l, level + 1, levels, prefix, v);
  } else {
    std::string expected = prefix;
    for (int i = 0; i <= levels; ++i) expected += " " + str(i);
    std::string got = list_values(l);
    EXPECT(v, got == expected, "at the bottom: list has " + str((long long)got.size()) +
                                   " chars, expected " + str((long long)expected.size()) +
                                   (got.size() < 200 ? ": " + got : ""));
  }
  EXPECT(v, l->head.prev == &item.link, "level " + str(level) + " is not the tail");
  unlink(&item);
  return pad[level % 512];
}

static std::string intrusive_list() {
  Verdict v;
  Probe p;
  auto l = std::make_unique<IntrusiveList>();
  Item a{{}, 100}, b{{}, 101}, c{{}, 102};
  push_back(l.get(), &a);
  push_back(l.get(), &b);
  push_back(l.get(), &c);
  link_nested(l.get(), 0, 1500, "100 101 102", v);  // about 800 KiB: moves many times
  morestack_shrink_stack();
  EXPECT(v, list_values(l.get()) == "100 101 102", "after growth: " + list_values(l.get()));
  unlink(&b);
  EXPECT(v, list_values(l.get()) == "100 102", "after unlinking 101: " + list_values(l.get()));
  EXPECT(v, a.link.next == &c.link && c.link.prev == &a.link, "a and c not linked to each other");
  grow(1000);
  unlink(&a);
  unlink(&c);
  EXPECT(v, l->head.next == &l->head && l->head.prev == &l->head, "list not empty at the end");
  EXPECT(v, p.grew(), "stack did not grow");
  EXPECT(v, p.shrank(), "stack did not shrink");
  return v.result();
}

// ---- 4. A [&] lambda of fiber A run by fiber B ------------------------------
// A captures its locals by reference in a lambda inside a std::function (a
// local of A), publishes its address, grows, and waits, suspended; the
// resumer shrinks it. B, after growing, calls the lambda twice: it updates
// A's locals. A then checks them.

static std::string lambda_to_other_fiber() {
  Verdict v;
  std::function<void()> *handoff = nullptr;
  bool b_done = false;
  morestack::Fiber a([&] {
    Probe p;
    int count = 1;
    std::string text = "A";
    std::vector<int> seen;
    std::function<void()> work = [&] {
      count += 10;
      text += std::string(100, 'b');
      seen.push_back(count);
    };
    handoff = &work;
    grow(2000);
    while (!b_done) morestack::this_fiber::suspend();
    handoff = nullptr;
    EXPECT(v, count == 21, "count " + str(count) + ", expected 21");
    EXPECT(v, text == "A" + std::string(200, 'b'), "text has " + str((long long)text.size()) + " chars");
    EXPECT(v, seen == std::vector<int>({11, 21}), "seen has " + str((long long)seen.size()) + " values");
    EXPECT(v, p.grew(), "fiber A did not grow");
    EXPECT(v, p.shrank(), "fiber A did not shrink");
  });
  morestack::Fiber b([&] {
    Probe p;
    grow(1500);
    (*handoff)();
    morestack::this_fiber::suspend();
    grow(800);
    (*handoff)();
    b_done = true;
    EXPECT(v, p.grew(), "fiber B did not grow");
  });
  for (int i = 0; i < 9; ++i) a.resume();  // A grows, then yields 9 times: shrunk
  EXPECT(v, !b.resume(), "fiber B finished early");  // first call
  a.resume();                                         // A still waits
  EXPECT(v, b.resume(), "fiber B did not finish");    // second call
  while (!a.resume()) {
  }
  return v.result();
}

// ---- 5. A std::thread writing the creator's locals ----------------------------
// The creator goes deep (its stack grows and moves), hands the turn to the
// thread from the bottom of the recursion and waits there; the thread writes
// the creator's locals through its reference captures. Four rounds, each
// deeper than the last, the creator's stack shrunk between them; the thread
// is joined from the creator.

static int deep_handshake(int n, std::atomic<int> &turn, int round) {
  volatile char pad[512];
  pad[n % 512] = (char)n;
  if (n == 0) {
    turn.store(2 * round + 1);  // the thread's turn
    while (turn.load() != 2 * round + 2) std::this_thread::yield();
    return 0;
  }
  int r = deep_handshake(n - 1, turn, round);
  return r + pad[n % 512];
}

static std::string thread_writes_locals() {
  Verdict v;
  Probe p;
  long long total = 0;
  int slots[16] = {};
  std::string log;
  std::atomic<int> turn{0};
  constexpr int rounds = 4;
  std::thread t([&] {
    grow(500);
    for (int round = 0; round < rounds; ++round) {
      while (turn.load() != 2 * round + 1) std::this_thread::yield();
      for (int i = 1; i <= 1000; ++i) {
        total += i;
        slots[i % 16] = round * 1000 + i;
      }
      log += "round " + str(round) + ";";
      turn.store(2 * round + 2);
    }
  });
  for (int round = 0; round < rounds; ++round) {
    deep_handshake(500 * (round + 1), turn, round);
    morestack_shrink_stack();
    EXPECT(v, total == 500500LL * (round + 1), "round " + str(round) + ": total " + str(total));
    EXPECT(v, slots[0] == round * 1000 + 992,
           "round " + str(round) + ": slots[0] " + str(slots[0]));
  }
  t.join();
  EXPECT(v, log == "round 0;round 1;round 2;round 3;", "log \"" + log + "\"");
  EXPECT(v, p.grew(), "creator did not grow");
  EXPECT(v, p.shrank(), "creator did not shrink");
  return v.result();
}

// ---- 6. A rendezvous channel between fibers -----------------------------------
// Unbuffered, like Go's: whoever comes first parks. A receiver parks with
// the address of its local slot in the channel (heap), and the sender copies
// the value straight into it; a sender parks with the address of its value,
// and the receiver copies from it. Both fibers recurse to a different depth
// before every operation, so each parks grown or shrunk (the scheduler's
// resume shrinks parked fibers) and the other grows before it writes.

struct Task {
  std::unique_ptr<morestack::Fiber> fiber;
};
struct Scheduler {
  std::deque<Task *> runnable;
  Task *current = nullptr;
  void ready(Task *t) { runnable.push_back(t); }
  void park() { morestack::this_fiber::suspend(); }  // until someone calls ready()
  void run() {
    while (!runnable.empty()) {
      current = runnable.front();
      runnable.pop_front();
      current->fiber->resume();
      current = nullptr;
    }
  }
};
struct Channel {
  Scheduler *sched;
  Task *receiver = nullptr;
  int *slot = nullptr;  // the parked receiver's local
  Task *sender = nullptr;
  const int *value = nullptr;  // the parked sender's local
  int into_slot = 0, from_sender = 0;
};

static void chan_send(Channel *c, int value) {
  if (c->receiver) {
    *c->slot = value;
    c->slot = nullptr;
    c->sched->ready(std::exchange(c->receiver, nullptr));
    ++c->into_slot;
    return;
  }
  c->sender = c->sched->current;
  c->value = &value;
  c->sched->park();
}

static int chan_recv(Channel *c) {
  if (c->sender) {
    int value = *c->value;
    c->value = nullptr;
    c->sched->ready(std::exchange(c->sender, nullptr));
    ++c->from_sender;
    return value;
  }
  int slot = -1;
  c->receiver = c->sched->current;
  c->slot = &slot;
  c->sched->park();
  return slot;
}

static int send_at_depth(Channel *c, int value, int n) {
  volatile char pad[512];
  pad[n % 512] = (char)n;
  if (n == 0) {
    chan_send(c, value);
    return 0;
  }
  int r = send_at_depth(c, value, n - 1);
  return r + pad[n % 512];
}

static int recv_at_depth(Channel *c, int n) {
  volatile char pad[512];
  pad[n % 512] = (char)n;
  if (n == 0) return chan_recv(c);
  int r = recv_at_depth(c, n - 1);
  return r + pad[n % 512] - (char)n;
}

static std::string channel() {
  Verdict v;
  constexpr int count = 1000;
  Scheduler sched;
  Channel ch{&sched};
  int wrong = 0, first_wrong = -1, first_got = 0;
  Task sender, receiver;
  sender.fiber = std::make_unique<morestack::Fiber>([&] {
    for (int i = 0; i < count; ++i) send_at_depth(&ch, i * 7 + 3, (i * 97) % 1800);
  });
  receiver.fiber = std::make_unique<morestack::Fiber>([&] {
    for (int i = 0; i < count; ++i) {
      int got = recv_at_depth(&ch, (i * 61) % 1500);
      if (got != i * 7 + 3 && wrong++ == 0) first_wrong = i, first_got = got;
    }
  });
  sched.ready(&sender);
  sched.ready(&receiver);
  sched.run();
  EXPECT(v, sender.fiber->done() && receiver.fiber->done(), "a fiber is still parked");
  EXPECT(v, wrong == 0, str(wrong) + " values wrong, first: value " + str(first_wrong) + " came as " +
                            str(first_got));
  EXPECT(v, ch.into_slot + ch.from_sender == count,
         str(ch.into_slot + ch.from_sender) + " hand-overs, expected " + str(count));
  EXPECT(v, ch.into_slot > 0 && ch.from_sender > 0,
         "one way unused: into a slot " + str(ch.into_slot) + ", from a sender " + str(ch.from_sender));
  morestack_stack_stats s = sender.fiber->stats(), r = receiver.fiber->stats();
  EXPECT(v, s.growths > 0 && r.growths > 0, "growths: sender " + str(s.growths) + ", receiver " + str(r.growths));
  EXPECT(v, s.shrinks > 0 && r.shrinks > 0, "shrinks: sender " + str(s.shrinks) + ", receiver " + str(r.shrinks));
  return v.result();
}

// ---- 7. Standard library objects across growth and shrink --------------------

static std::string standard_objects() {
  Verdict v;
  Probe p;
  int counter = 5, deleted = 0;
  const std::string long_text(200, 'x');
  std::string sso = "sso";                  // in its own small buffer
  std::string long_string = long_text;      // in the heap
  std::vector<int> vec = {1, 2, 3};
  std::map<int, std::string> map = {{1, "one"}, {2, "two"}};  // header node inside the object
  std::unordered_map<std::string, int> umap = {{"a", 1}, {"b", 2}};  // single bucket inside
  std::optional<std::string> opt = std::string("optional");
  std::variant<int, std::string> var = std::string("variant");
  std::function<int(int)> fn = [&counter, &sso](int k) {
    counter += k;
    return counter + (int)sso.size();
  };
  std::unique_ptr<int> up = std::make_unique<int>(77);
  std::shared_ptr<int> sp(new int(88), [&deleted](int *q) {
    ++deleted;
    delete q;
  });
  std::shared_ptr<int> sp2 = sp;

  for (int phase = 0; phase < 2; ++phase) {
    grow(phase == 0 ? 2000 : 1200);
    morestack_shrink_stack();
    const std::string at = phase == 0 ? "after the first move: " : "after the second move: ";
    EXPECT(v, sso == (phase == 0 ? "sso" : "sso+"), at + "sso \"" + sso + "\"");
    EXPECT(v, long_string == long_text + (phase == 0 ? "" : "!"), at + "long string");
    EXPECT(v, vec.size() == (phase == 0 ? 3u : 1003u) && vec[0] == 1 && vec[2] == 3 &&
                  (phase == 0 || vec[1002] == 1002),
           at + "vector of " + str((long long)vec.size()));
    EXPECT(v, map.size() == (phase == 0 ? 2u : 3u) && map.at(1) == "one" && map.at(2) == "two" &&
                  map.begin()->first == 1 && (phase == 0 || map.at(3) == "three"),
           at + "map");
    EXPECT(v, umap.size() == (phase == 0 ? 2u : 3u) && umap.at("a") == 1 && umap.at("b") == 2 &&
                  (phase == 0 || umap.at("c") == 3),
           at + "unordered_map");
    EXPECT(v, opt && *opt == (phase == 0 ? "optional" : "optional, longer than the small buffer"),
           at + "optional");
    EXPECT(v, phase == 0 ? std::holds_alternative<std::string>(var) && std::get<std::string>(var) == "variant"
                         : std::holds_alternative<int>(var) && std::get<int>(var) == 9,
           at + "variant");
    int got = fn(10);  // counter: 5 -> 15 -> 25
    EXPECT(v, got == (phase == 0 ? 15 + 3 : 25 + 4) && counter == (phase == 0 ? 15 : 25),
           at + "function returned " + str(got) + ", counter " + str(counter));
    EXPECT(v, up && *up == 77 + phase, at + "unique_ptr");
    EXPECT(v, phase == 0 ? sp && *sp == 88 && sp.use_count() == 2 && deleted == 0
                         : !sp && sp2.use_count() == 1 && *sp2 == 88 && deleted == 0,
           at + "shared_ptr, deleted " + str(deleted));

    // Change them all: the next round checks the changes.
    sso += "+";
    long_string += "!";
    for (int i = 3; i < 1003; ++i) vec.push_back(i);
    map[3] = "three";
    umap["c"] = 3;
    *opt += ", longer than the small buffer";
    var = 9;
    ++*up;
    sp.reset();
  }
  sp2.reset();  // the last owner: the deleter writes `deleted`
  EXPECT(v, deleted == 1, "custom deleter ran " + str(deleted) + " times");
  EXPECT(v, p.grew(), "stack did not grow");
  EXPECT(v, p.shrank(), "stack did not shrink");
  return v.result();
}

// ---- main --------------------------------------------------------------------

int main() {
  alarm(120);  // a lost hand-over must fail the test rather than hang it

  run("exception status", MAIN, exception_status);
  run("exception status", FIBER, exception_status);
  run("exception status", THREAD, exception_status);
  run("stop_callback in three fibers", MAIN, stop_callbacks_in_fibers);
  run("stop_callback in three fibers", THREAD, stop_callbacks_in_fibers);
  run("stop_callback run by a thread", MAIN, stop_callback_from_thread);
  run("stop_callback run by a thread", FIBER, stop_callback_from_thread);
  run("intrusive list", MAIN, intrusive_list);
  run("intrusive list", FIBER, intrusive_list);
  run("intrusive list", THREAD, intrusive_list);
  std::printf("lambda run by another fiber: %s\n", lambda_to_other_fiber().c_str());
  run("thread writes creator's locals", MAIN, thread_writes_locals);
  run("thread writes creator's locals", FIBER, thread_writes_locals);
  run("thread writes creator's locals", THREAD, thread_writes_locals);
  run("channel", MAIN, channel);
  run("channel", THREAD, channel);
  run("standard objects", MAIN, standard_objects);
  run("standard objects", FIBER, standard_objects);
  run("standard objects", THREAD, standard_objects);

  morestack_process_stats ps;
  morestack_get_process_stats(&ps);
  std::printf("grew: %s, shrank: %s, broken walks: %s\n", ps.growths ? "yes" : "no",
              ps.shrinks ? "yes" : "no", ps.walks_broken == 0 ? "none" : str(ps.walks_broken).c_str());
  return 0;
}

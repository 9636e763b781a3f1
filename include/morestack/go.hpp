// morestack/go.hpp: Go's concurrency for C++ on growable 2 KiB stacks.
//
//   morestack::Chan<int> results(16);
//   morestack::WaitGroup wg;
//   for (int i = 0; i < 1000; ++i) {
//     wg.add(1);
//     morestack::go([&, i] { results.send(work(i)); wg.done(); }).detach();
//   }
//   ...
//   for (int r : results) { ... }     // until results.close()
//
// Tasks run on the scheduler of <morestack/sched.h> (its header comment
// says what moving between workers means for thread_local and errno, and
// when a deadlock is reported). Every blocking call parks the task, never
// the worker, and blocks a thread outside the scheduler. Each callable type
// given to go() learns its own start size. An exception escaping a task
// calls std::terminate, as one escaping a std::thread does.
//
// Chan<T> is shared by copies (a reference, as in Go). Elements of a
// trivially copyable T are copied through the channel; any other T is moved
// into a heap cell that travels instead. select() takes cases of trivially
// copyable element types.
#ifndef MORESTACK_GO_HPP
#define MORESTACK_GO_HPP

#include <morestack/sched.h>

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <exception>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace morestack {

class Task {
public:
  Task() = default;
  explicit Task(morestack_task *t) : t_(t) {}
  Task(Task &&o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  Task &operator=(Task &&o) noexcept {
    if (t_) std::terminate();  // as std::thread: join or detach first
    t_ = std::exchange(o.t_, nullptr);
    return *this;
  }
  ~Task() {
    if (t_) std::terminate();
  }
  bool joinable() const { return t_ != nullptr; }
  void join() { morestack_join(std::exchange(t_, nullptr)); }
  void detach() { morestack_detach(std::exchange(t_, nullptr)); }
  uint64_t id() const { return morestack_task_id(t_); }
  void set_name(const char *name) { morestack_task_set_name(t_, name); }

private:
  morestack_task *t_ = nullptr;
};

namespace detail {
template <class F> void run_task(void *p) {
  std::unique_ptr<F> f(static_cast<F *>(p));
  try {
    (*f)();
  } catch (...) {
    std::terminate();
  }
}
} // namespace detail

// Start f(args...) as a task. The arguments are copied or moved into the
// task, as std::thread does.
template <class F, class... Args> Task go(F &&f, Args &&...args) {
  auto call = [fn = std::forward<F>(f), tup = std::make_tuple(std::forward<Args>(args)...)]() mutable {
    std::apply(fn, std::move(tup));
  };
  using Call = decltype(call);
  return Task(morestack_go(&detail::run_task<Call>, new Call(std::move(call))));
}

namespace this_fiber {
// Let other tasks run (the back of the worker's queue); a plain thread or
// a manual fiber outside the scheduler calls sched_yield().
inline void yield() { morestack_yield(); }
template <class Rep, class Period> void sleep_for(std::chrono::duration<Rep, Period> d) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  morestack_sleep_ns(ns > 0 ? (uint64_t)ns : 0);
}
template <class Clock, class Duration> void sleep_until(std::chrono::time_point<Clock, Duration> t) {
  sleep_for(t - Clock::now());
}
// The running task's id, 0 outside a task.
inline uint64_t id() {
  morestack_task *t = morestack_task_self();
  return t ? morestack_task_id(t) : 0;
}
} // namespace this_fiber

// ---- Channels ----

template <class T> class Chan {
  static constexpr bool kByValue = std::is_trivially_copyable<T>::value;
  using Cell = std::conditional_t<kByValue, T, T *>;

public:
  explicit Chan(size_t capacity = 0)
      : c_(morestack_chan_new(sizeof(Cell), capacity), &morestack_chan_free) {}

  void send(const T &v) {
    if constexpr (kByValue) {
      morestack_chan_send(c_.get(), &v);
    } else {
      Cell cell = new T(v);
      morestack_chan_send(c_.get(), &cell);
    }
  }
  void send(T &&v) {
    if constexpr (kByValue) {
      morestack_chan_send(c_.get(), &v);
    } else {
      Cell cell = new T(std::move(v));
      morestack_chan_send(c_.get(), &cell);
    }
  }
  // The next element, or nothing once the channel is closed and drained.
  std::optional<T> recv() {
    Cell cell;
    if (!morestack_chan_recv(c_.get(), &cell)) return std::nullopt;
    if constexpr (kByValue) {
      return cell;
    } else {
      std::unique_ptr<T> owned(cell);
      return std::optional<T>(std::move(*owned));
    }
  }
  bool recv(T &out) {
    std::optional<T> v = recv();
    if (v) out = std::move(*v);
    return v.has_value();
  }
  void close() { morestack_chan_close(c_.get()); }
  size_t size() const { return morestack_chan_len(c_.get()); }
  size_t capacity() const { return morestack_chan_cap(c_.get()); }

  // for (T v : chan): until closed and drained.
  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = T *;
    using reference = T &;
    explicit iterator(Chan *c) : c_(c) { ++*this; }
    iterator() = default;
    T &operator*() { return *v_; }
    iterator &operator++() {
      v_ = c_->recv();
      if (!v_) c_ = nullptr;
      return *this;
    }
    bool operator!=(const iterator &o) const { return c_ != o.c_; }
    bool operator==(const iterator &o) const { return c_ == o.c_; }

  private:
    Chan *c_ = nullptr;
    std::optional<T> v_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  // Cases for select(): receive into `out` (ok set in the case), send `v`
  // (which must live until select returns).
  morestack_select_case on_recv(T &out) {
    static_assert(kByValue, "select() takes channels of trivially copyable types");
    return {c_.get(), MORESTACK_SELECT_RECV, &out, 0};
  }
  morestack_select_case on_send(const T &v) {
    static_assert(kByValue, "select() takes channels of trivially copyable types");
    return {c_.get(), MORESTACK_SELECT_SEND, const_cast<T *>(&v), 0};
  }

  morestack_chan *native() const { return c_.get(); }

private:
  std::shared_ptr<morestack_chan> c_;
};

namespace detail {
template <class Rep, class Period> uint64_t timeout_ns(std::chrono::duration<Rep, Period> t) {
  if (t == std::chrono::duration<Rep, Period>::max()) return MORESTACK_FOREVER;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t).count();
  return ns > 0 ? (uint64_t)ns : 0;
}
} // namespace detail

// Wait for the first case that can proceed, do it and return its index;
// -1 when the timeout passes first (0: Go's default case, do not wait).
// A chosen receive sets its case's ok (0: the channel was closed).
//
//   morestack_select_case cases[] = {in.on_recv(v), quit.on_recv(q)};
//   switch (morestack::select(cases, 10ms)) { ... }
template <size_t N, class Rep = int64_t, class Period = std::nano>
int select(morestack_select_case (&cases)[N],
           std::chrono::duration<Rep, Period> timeout = std::chrono::duration<Rep, Period>::max()) {
  return morestack_select(cases, N, detail::timeout_ns(timeout));
}

// ---- Sync (BasicLockable, usable with std::lock_guard / unique_lock) ----

class Mutex {
public:
  void lock() { morestack_mutex_lock(&m_); }
  bool try_lock() { return morestack_mutex_trylock(&m_) != 0; }
  void unlock() { morestack_mutex_unlock(&m_); }
  morestack_mutex *native() { return &m_; }

private:
  morestack_mutex m_{};
};

class CondVar {
public:
  void wait(std::unique_lock<Mutex> &lock) { morestack_cond_wait(&c_, lock.mutex()->native()); }
  template <class Pred> void wait(std::unique_lock<Mutex> &lock, Pred pred) {
    while (!pred()) wait(lock);
  }
  // false if the time passed first.
  template <class Rep, class Period>
  bool wait_for(std::unique_lock<Mutex> &lock, std::chrono::duration<Rep, Period> d) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    return morestack_cond_wait_until(&c_, lock.mutex()->native(),
                                     morestack_now_ns() + (ns > 0 ? (uint64_t)ns : 1)) != 0;
  }
  void notify_one() { morestack_cond_signal(&c_); }
  void notify_all() { morestack_cond_broadcast(&c_); }

private:
  morestack_cond c_{};
};

class WaitGroup {
public:
  void add(int64_t n) { morestack_waitgroup_add(&wg_, n); }
  void done() { morestack_waitgroup_done(&wg_); }
  void wait() { morestack_waitgroup_wait(&wg_); }

private:
  morestack_waitgroup wg_{};
};

class Once {
public:
  template <class F> void call(F &&f) {
    morestack_once_call(&o_, [](void *p) { (*static_cast<std::remove_reference_t<F> *>(p))(); }, &f);
  }

private:
  morestack_once o_{};
};

class Semaphore {
public:
  explicit Semaphore(unsigned initial = 0) {
    for (unsigned i = 0; i < initial; ++i) release();
  }
  void acquire() { morestack_sem_acquire(&s_); }
  bool try_acquire() { return morestack_sem_try_acquire(&s_) != 0; }
  void release() { morestack_sem_release(&s_); }

private:
  morestack_sem s_{};
};

} // namespace morestack

#endif // MORESTACK_GO_HPP

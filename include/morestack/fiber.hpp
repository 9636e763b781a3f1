// morestack/fiber.hpp: C++ fibers on growable stacks.
//
//   morestack::Fiber f([&] { work(); morestack::this_fiber::suspend(); more(); });
//   while (!f.resume()) { /* f suspended */ }
//
// These are manual fibers (generators, custom schedulers): resume() runs
// one until it suspends. For Go-style tasks on a scheduler, see
// <morestack/go.hpp>.
//
// A Fiber owns its callable (on the heap) and its stack (2 KiB to start,
// or what fibers of the same callable type needed before; grown by
// copying). resume() runs it until it yields or returns; an
// exception that escapes the callable is caught on the fiber's stack and
// rethrown by the resume() that was running it, in the resumer. Destroying
// an unfinished Fiber discards it without unwinding its stack.
//
// The rule of copying stacks: a pointer to a fiber's local must not be kept
// anywhere but on that fiber's own stack (not in the heap, a global, or
// another stack) while the fiber may grow. The callable's captures live in
// the heap, so [&] captures are fine when they refer to the creator's stack
// (which does not move while the creator waits in resume()), as long as the
// creator's own stack does not grow while the fiber still uses them.
#ifndef MORESTACK_FIBER_HPP
#define MORESTACK_FIBER_HPP

#include <morestack/morestack.h>

#include <exception>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace morestack {

class Fiber {
public:
  template <class F, class = std::enable_if_t<!std::is_same<std::decay_t<F>, Fiber>::value>>
  explicit Fiber(F &&fn, size_t stack_size = 0)
      : body_(new Body<std::decay_t<F>>(std::forward<F>(fn))),
        fiber_(morestack_fiber_create(&Fiber::run<std::decay_t<F>>, body_.get(), stack_size)) {}

  Fiber(Fiber &&other) noexcept
      : body_(std::move(other.body_)), fiber_(std::exchange(other.fiber_, nullptr)) {}
  Fiber &operator=(Fiber &&other) noexcept {
    if (this != &other) {
      morestack_fiber_destroy(fiber_);
      body_ = std::move(other.body_);
      fiber_ = std::exchange(other.fiber_, nullptr);
    }
    return *this;
  }
  Fiber(const Fiber &) = delete;
  Fiber &operator=(const Fiber &) = delete;
  ~Fiber() { morestack_fiber_destroy(fiber_); }

  // Run until the fiber yields (false) or finishes (true). Rethrows what
  // escaped the fiber's callable. A moved-from Fiber has nothing to run:
  // std::logic_error.
  bool resume() {
    if (!fiber_) throw std::logic_error("morestack::Fiber::resume() on a moved-from Fiber");
    bool finished = morestack_fiber_resume(fiber_) != 0;
    if (finished && body_->error) std::rethrow_exception(std::exchange(body_->error, nullptr));
    return finished;
  }

  // A moved-from Fiber is done (it has nothing left to run).
  bool done() const { return !fiber_ || morestack_fiber_done(fiber_) != 0; }

  // All zero for a moved-from Fiber.
  morestack_stack_stats stats() const {
    morestack_stack_stats s = {};
    if (fiber_) morestack_fiber_stats(fiber_, &s);
    return s;
  }

  morestack_fiber *native() const { return fiber_; }

private:
  struct BodyBase {
    virtual ~BodyBase() = default;
    std::exception_ptr error;
  };
  template <class F> struct Body final : BodyBase {
    explicit Body(F &&f) : fn(std::move(f)) {}
    explicit Body(const F &f) : fn(f) {}
    F fn;
  };

  // The fiber's first frame, at the top of its fresh stack: one function
  // per callable type, so that the runtime learns a start size for each
  // (morestack_fiber_kinds in morestack.h). It is
  // no_split_stack: the frame is a few words at the top of the stack,
  // MORESTACK_MIN_STACK - MORESTACK_STACK_GUARD bytes above the guard, and
  // its catch handler runs after unwinding back to it (the catch path, in
  // libstdc++, needs well under that: a checked frame would check for the
  // measured worst case of __cxa_begin_catch and friends, 3840 bytes, at
  // those calls and grow every 2 KiB fiber whose body throws).
  template <class F> __attribute__((no_split_stack)) static void run(void *p) {
    Body<F> *b = static_cast<Body<F> *>(p);
    try {
      call(b);
    } catch (...) {
      keep_exception(b);
    }
  }
  // The callable runs in a checked frame of its own, never inlined into
  // run's unchecked one.
  template <class F> __attribute__((noinline)) static void call(Body<F> *b) { b->fn(); }
  // Apart from run: its exception_ptr temporaries have their address taken
  // (they live on the side stack), and a fiber that never throws then
  // never needs a side stack for run.
  __attribute__((noinline)) static void keep_exception(BodyBase *b) {
    b->error = std::current_exception();
  }

  std::unique_ptr<BodyBase> body_;
  morestack_fiber *fiber_;
};

namespace this_fiber {
// Back to whoever resumed this fiber (the manual fibers above). Boost's
// this_fiber::yield() reschedules instead; so does ours, in <morestack/go.hpp>.
inline void suspend() { morestack_fiber_yield(); }
inline bool in_fiber() { return morestack_fiber_current() != nullptr; }
} // namespace this_fiber

} // namespace morestack

#endif // MORESTACK_FIBER_HPP

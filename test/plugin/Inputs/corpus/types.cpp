// Compile-only corpus (test/plugin/corpus.test): C++ objects on the stack:
// the standard library's containers and wrappers, virtual classes,
// exceptions, lambdas, coroutines, over-aligned classes, long double.
#include <any>
#include <array>
#include <atomic>
#include <complex>
#include <coroutine>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <variant>
#include <vector>

void use(void *);

struct Base {
  virtual ~Base() = default;
  virtual int f(int n) { return n; }
};
struct Derived : Base {
  std::string name = "derived";
  int f(int n) override { return n + (int)name.size(); }
};

int containers(int n) {
  std::string s(n, 'x');
  std::vector<int> v(n, 1);
  std::map<std::string, int> m{{"a", 1}, {s, n}};
  std::unordered_map<int, std::string> um{{n, s}};
  std::optional<std::string> o = s;
  std::variant<int, double, std::string> var = s;
  std::function<int(int)> fn = [&](int k) { return k + (int)s.size(); };
  std::array<double, 9> arr{};
  std::tuple<int, std::string, double> t{n, s, 1.5};
  std::any any = s;
  std::complex<long double> c(n, 2);
  std::unique_ptr<Base> b = std::make_unique<Derived>();
  use(&v);
  use(&m);
  return fn(n) + (int)arr[n % 9] + (int)std::get<0>(t) + b->f(n) + (int)c.real() +
         (int)std::any_cast<std::string &>(any).size() + (int)o->size() + (int)um.size() +
         (int)std::get<std::string>(var).size();
}

int exceptions(int n) {
  std::string guard(n, 'g');
  try {
    std::vector<std::string> items(n, guard);
    if (n > 3) throw std::runtime_error("boom " + items.back());
    return (int)items.size();
  } catch (const std::exception &e) {
    std::ostringstream os;
    os << e.what() << n;
    return (int)os.str().size();
  }
}

struct alignas(64) Line {
  char bytes[64];
  double d;
};
int overaligned(int n) {
  Line lines[3];
  lines[n % 3].bytes[0] = 1;
  use(lines);
  return lines[1].bytes[0];
}

struct Task {
  struct promise_type {
    int value = 0;
    Task get_return_object() { return Task{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    std::suspend_always yield_value(int v) {
      value = v;
      return {};
    }
    void return_void() {}
    void unhandled_exception() { throw; }
  };
  std::coroutine_handle<promise_type> h;
  ~Task() {
    if (h) h.destroy();
  }
};
Task counter(int n) {
  std::string label(n, 'c');
  for (int i = 0; i < n; ++i) co_yield i + (int)label.size();
}
int coroutines(int n) {
  Task t = counter(n);
  int total = 0;
  while (!t.h.done()) {
    t.h.resume();
    total += t.h.promise().value;
  }
  return total;
}

int threads(int n) {
  std::atomic<int> count{0};
  std::mutex mu;
  std::vector<std::thread> pool;
  for (int i = 0; i < n; ++i)
    pool.emplace_back([&, i] {
      std::lock_guard<std::mutex> lock(mu);
      count += i;
    });
  for (auto &t : pool) t.join();
  return count;
}

bool matches(const std::string &s) {
  std::regex re("[a-z]+[0-9]*");
  std::smatch m;
  return std::regex_match(s, m, re);
}

template <class T, size_t N> T sum(const T (&a)[N]) {
  T total{};
  for (const T &x : a) total += x;
  return total;
}
long double templates(int n) {
  long double a[7] = {1.0L, 2.0L, (long double)n};
  __int128 b[3] = {1, 2, n};
  return sum(a) + (long double)sum(b);
}

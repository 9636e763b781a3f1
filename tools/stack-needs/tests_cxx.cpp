// stackneeds-cxx: libstdc++ (and libgcc_s) functions that C++ call sites
// reference: operator new/delete, the exception ABI, std::string members,
// iostreams, locale, the containers' out-of-line helpers, threads and
// condition variables, <charconv>, <system_error>, <filesystem>.
//
// Members are called through their mangled names (the table keys) with
// `this` and the arguments in registers, on objects built by the setup.
// Exception functions run in thunks (small functions of this file that
// throw and catch) which mark %rsp right before the call they measure.
#include <charconv>
#include <condition_variable>
#include <cxxabi.h>
#include <dlfcn.h>
#include <filesystem>
#include <float.h>
#include <fstream>
#include <future>
#include <iomanip>
#include <iostream>
#include <list>
#include <locale>
#include <unordered_map>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <stdio.h>
#include <string>
#include <system_error>
#include <thread>
#include <typeinfo>
#include <unistd.h>
#include <unwind.h>

#include "common.h"

using namespace __cxxabiv1;

namespace {

template <class T>
struct Storage {
  alignas(T) unsigned char b[sizeof(T)];
  T *p() { return reinterpret_cast<T *>(b); }
};

#define BS(x) "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE" x
#define BSK(x) "_ZNKSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE" x

// ---- std::string ---------------------------------------------------------------
Storage<std::string> g_s, g_s2, g_sret;
size_t g_cap;
std::string *S() { return g_s.p(); }
// A string of n 'x' (n = 0: empty; <= 15: in place; else on the heap).
void new_s(size_t n) { new (g_s.b) std::string(g_long, n); }
void new_s2(size_t n) { new (g_s2.b) std::string(g_long, n); }
void del_s(Call &) { S()->~basic_string(); }
void del_s_s2(Call &) {
  S()->~basic_string();
  g_s2.p()->~basic_string();
}
void del_s_sret(Call &) {
  S()->~basic_string();
  g_sret.p()->~basic_string();
}
void del_sret(Call &) { g_sret.p()->~basic_string(); }
void del_ret(Call &c) { operator delete(c.rp()); }

// ---- streams -----------------------------------------------------------------------
std::ostream *g_os;
std::istream *g_is;
Storage<std::ostringstream> g_oss;
Storage<std::istringstream> g_iss;
Storage<std::ofstream> g_ofs;
Storage<std::ifstream> g_ifs;
Storage<std::wostringstream> g_woss;
std::wstring *g_ws;
enum Dest { D_COUT, D_CERR, D_OSS, D_OFS };
const char *kDestName[] = {"cout", "cerr-unitbuf", "ostringstream", "ofstream"};
std::ostream *make_os(int d, bool fixed) {
  std::ostream *os = nullptr;
  switch (d) {
    case D_COUT: os = &std::cout; break;
    case D_CERR: os = &std::cerr; break;
    case D_OSS: os = new (g_oss.b) std::ostringstream(); break;
    case D_OFS: os = new (g_ofs.b) std::ofstream("/dev/null"); break;
  }
  if (fixed) {
    os->setf(std::ios::fixed, std::ios::floatfield);
    os->precision(30);
  } else {
    os->unsetf(std::ios::floatfield);
    os->precision(17);
  }
  return os;
}
void drop_os(Call &c) {
  int d = (int)(c.param & 7);
  if (d == D_OSS) g_oss.p()->~basic_ostringstream();
  if (d == D_OFS) g_ofs.p()->~basic_ofstream();
}
void make_iss(const char *text) { g_is = new (g_iss.b) std::istringstream(text); }
void drop_iss(Call &) { g_iss.p()->~basic_istringstream(); }
int g_i;
long g_l;
unsigned g_u;
double g_d;
long double g_ld;
float g_f;

// ---- locale --------------------------------------------------------------------------
Storage<std::locale> g_loc, g_loc2;
std::locale *g_named;
std::locale &named() {
  if (!g_named) g_named = new std::locale("C.UTF-8");
  return *g_named;
}

// ---- exceptions ------------------------------------------------------------------------
void *g_target;      // the measured function, for thunks
const char *g_arg = "stack-needs: a message of moderate length, as a real program would pass";

__attribute__((noinline)) void throw_int() { throw 42; }

void thunk_throw_int(void *) {
  try { MARK_SP(); throw 42; } catch (int) {}
}
void thunk_throw_runtime_error(void *) {
  try { MARK_SP(); throw std::runtime_error(g_arg); } catch (const std::exception &) {}
}
struct Deep0 { virtual ~Deep0() {} };
template <int N> struct DeepN : DeepN<N - 1> { int v = N; };
template <> struct DeepN<0> : Deep0 {};
void thunk_throw_derived(void *) {  // the handler matches a base 16 levels up
  try { MARK_SP(); throw DeepN<16>(); } catch (const Deep0 &) {}
}
// A thrower helper (std::__throw_*), called through its address.
void thunk_throw_fn_cstr(void *) {
  try { MARK_SP(); ((void (*)(const char *))g_target)(g_arg); } catch (...) {}
}
void thunk_throw_fn_void(void *) {
  try { MARK_SP(); ((void (*)())g_target)(); } catch (...) {}
}
void thunk_throw_fn_int(void *) {
  try { MARK_SP(); ((void (*)(int))g_target)(EINVAL); } catch (...) {}
}
void thunk_throw_fn_int1(void *) {
  try { MARK_SP(); ((void (*)(int))g_target)(1); } catch (...) {}
}
void thunk_throw_fn_cstr_int(void *) {
  try { MARK_SP(); ((void (*)(const char *, int))g_target)(g_arg, EIO); } catch (...) {}
}
void thunk_throw_fn_fmt(void *) {
  try {
    MARK_SP();
    ((void (*)(const char *, ...))g_target)("%s: __n (which is %zu) >= this->size() (which is %zu)",
                                            "vector::_M_range_check", (size_t)12345678, (size_t)42);
  } catch (...) {}
}
void thunk_new_bad_alloc(void *) {
  try { MARK_SP(); ((void *(*)(size_t))g_target)((size_t)1 << 62); } catch (const std::bad_alloc &) {}
}
// _Unwind_Resume: a frame with a cleanup between the throw and the handler.
// Its destructor re-poisons everything below the frame and marks the frame's
// %rsp, so that what follows (the landing pad's _Unwind_Resume) is measured
// on its own.
struct ResumeProbe {
  __attribute__((noinline)) ~ResumeProbe() {
    MARK_AT((uintptr_t)__builtin_frame_address(0) + 16);  // the caller's %rsp (frame pointers are on)
    ms_repoison_below_here();
  }
};
__attribute__((noinline)) void cleanup_frame() {
  ResumeProbe p;
  throw_int();
}
void thunk_unwind_resume(void *) {
  try { cleanup_frame(); } catch (int) {}
}
void thunk_rethrow(void *) {
  try {
    try { throw 42; } catch (...) { ms_repoison_below_here(); MARK_SP(); throw; }
  } catch (int) {}
}
std::exception_ptr g_ep;
void thunk_rethrow_exception(void *) {
  try { MARK_SP(); std::rethrow_exception(g_ep); } catch (...) {}
}
void thunk_current_exception(void *) {
  try { throw 42; } catch (...) { ms_repoison_below_here(); MARK_SP(); g_ep = std::current_exception(); }
}
void thunk_terminate_active(void *) {
  try { throw std::runtime_error(g_arg); } catch (...) { ms_repoison_below_here(); MARK_SP(); std::terminate(); }
}
struct Pure {
  virtual void f() = 0;
};
// __cxa_begin_catch/__cxa_end_catch on an exception built by hand (what the
// landing pad of a handler receives).
void *g_exc_obj;
void *make_caught_exception(bool begin) {
  void *obj = __cxa_allocate_exception(sizeof(int));
  *(int *)obj = 42;
  void *hdr = __cxa_init_primary_exception(obj, const_cast<std::type_info *>(&typeid(int)), nullptr);
  *(int *)hdr = 1;  // referenceCount, as __cxa_throw sets it
  void *ue = (char *)obj - sizeof(_Unwind_Exception);
  if (begin) __cxa_begin_catch(ue);
  g_exc_obj = obj;
  return ue;
}

// __dynamic_cast: single-inheritance chain and virtual diamonds.
struct VBase { virtual ~VBase() {} };
struct VL : virtual VBase { int l; };
struct VR : virtual VBase { int r; };
struct VD : VL, VR { int d; };
struct Other { virtual ~Other() {} };
DeepN<16> g_deep;
VD g_vd;

// Red-black tree and lists, built by hand on the helpers' own node types.
std::_Rb_tree_node_base g_header;
std::_Rb_tree_node_base g_nodes[2048];
int g_nnodes;
void build_tree() {
  if (g_nnodes) return;
  g_header._M_color = std::_S_red;
  g_header._M_parent = nullptr;
  g_header._M_left = g_header._M_right = &g_header;
  for (; g_nnodes < 2000; g_nnodes++) {  // each new node becomes the rightmost
    std::_Rb_tree_node_base *p = g_header._M_parent ? g_header._M_right : &g_header;
    std::_Rb_tree_insert_and_rebalance(p == &g_header, &g_nodes[g_nnodes], p, g_header);
  }
}
std::__detail::_List_node_base g_lhead, g_lnodes[64];
void build_list() {
  g_lhead._M_next = g_lhead._M_prev = &g_lhead;
  for (auto &n : g_lnodes) n._M_hook(&g_lhead);
}

// Threads.
Storage<std::thread> g_thread;
Storage<std::condition_variable> g_cv;
std::mutex g_mu;
Storage<std::unique_lock<std::mutex>> g_lock;
std::thread *g_helper_thread;
volatile bool g_stop, g_ready;
void start_notifier() {
  g_stop = false;
  g_helper_thread = new std::thread([] {
    while (!g_stop) {
      { std::lock_guard<std::mutex> l(g_mu); }
      g_cv.p()->notify_all();
      usleep(300);
    }
  });
}
void stop_helper() {
  g_stop = true;
  g_helper_thread->join();
  delete g_helper_thread;
}
void start_waiter() {
  g_ready = false;
  g_helper_thread = new std::thread([] {
    std::unique_lock<std::mutex> l(g_mu);
    g_ready = true;
    g_cv.p()->wait(l);
  });
  while (!g_ready) usleep(100);
  std::lock_guard<std::mutex> l(g_mu);  // the waiter is now inside wait()
}
void join_helper(Call &) {
  g_helper_thread->join();
  delete g_helper_thread;
}

// Scenarios (template code compiled here without the plugin: for reference).
void scenario_regex(void *) {
  std::regex re("^([a-z0-9._%+-]+)@(([a-z0-9-]+\\.)+)[a-z]{2,}$", std::regex::ECMAScript | std::regex::icase);
  std::smatch m;
  std::string s = "some.body+tag@mail.example-domain.co.uk";
  volatile bool ok = std::regex_match(s, m, re);
  (void)ok;
}
void scenario_regex_search_backtrack(void *) {
  std::regex re("(a|b|ab)*c");
  std::string s(200, 'a');
  s += 'c';
  std::smatch m;
  volatile bool ok = std::regex_search(s, m, re);
  (void)ok;
}
void scenario_to_string(void *) {
  volatile size_t n = std::to_string(1e300).size() + std::to_string(-1234567890123LL).size();
  (void)n;
}
void scenario_stod(void *) {
  volatile double d = std::stod(g_digits) + std::stoi("-123456");
  (void)d;
}
void scenario_cout_line(void *) { std::cout << "x = " << 1.5 << ", n = " << 42 << std::endl; }


}  // namespace

void tests_init() { common_init(); }

void register_tests() {
  const unsigned CB = T_CALLBACK;
  const unsigned NR = T_NORETURN;

  // ---- operator new/delete ------------------------------------------------------------
  MTT("_Znwm", "16", c.i(16), del_ret(c));
  MTT("_Znwm", "1MiB", c.i(1 << 20), del_ret(c));
  MTT("_Znwm", "200000-extend-heap", c.i(200000), del_ret(c));
  reg("_Znwm", "throws-bad_alloc", [](Call &c) { g_target = c.resolved; c.call((void *)thunk_new_bad_alloc); });
  MTT("_Znam", "1MiB", c.i(1 << 20), operator delete[](c.rp()));
  MTT("_ZnwmRKSt9nothrow_t", "1MiB", c.i(1 << 20).p(&std::nothrow), del_ret(c));
  MT("_ZnwmRKSt9nothrow_t", "fails", c.i((size_t)1 << 62).p(&std::nothrow));
  MTT("_ZnamRKSt9nothrow_t", "1MiB", c.i(1 << 20).p(&std::nothrow), operator delete[](c.rp()));
  MTT("_ZnwmSt11align_val_t", "4096x1MiB", c.i(1 << 20).i(4096), operator delete(c.rp(), std::align_val_t(4096)));
  MTT("_ZnwmSt11align_val_t", "64x100", c.i(100).i(64), operator delete(c.rp(), std::align_val_t(64)));
  MTT("_ZnamSt11align_val_t", "4096x1MiB", c.i(1 << 20).i(4096), operator delete[](c.rp(), std::align_val_t(4096)));
  MTT("_ZnwmSt11align_val_tRKSt9nothrow_t", "4096x1MiB", c.i(1 << 20).i(4096).p(&std::nothrow),
      operator delete(c.rp(), std::align_val_t(4096)));
  MT("_ZdlPv", "small", c.p(operator new(32)));
  MT("_ZdlPv", "1MiB", c.p(operator new(1 << 20)));
  MT("_ZdlPvm", "small", c.p(operator new(32)).i(32));
  MT("_ZdlPvm", "1MiB", c.p(operator new(1 << 20)).i(1 << 20));
  MT("_ZdaPv", "small", c.p(operator new[](32)));
  MT("_ZdaPvm", "small", c.p(operator new[](32)).i(32));
  MT("_ZdlPvSt11align_val_t", "4096", c.p(operator new(100, std::align_val_t(4096))).i(4096));
  MT("_ZdlPvmSt11align_val_t", "4096", c.p(operator new(100, std::align_val_t(4096))).i(100).i(4096));
  MT("_ZdaPvSt11align_val_t", "4096", c.p(operator new[](100, std::align_val_t(4096))).i(4096));
  MT("_ZdaPvmSt11align_val_t", "4096", c.p(operator new[](100, std::align_val_t(4096))).i(100).i(4096));
  MT("_ZdlPvRKSt9nothrow_t", "small", c.p(operator new(32)).p(&std::nothrow));
  MT("_ZSt15set_new_handlerPFvvE", "null", c.p(nullptr));
  MT("_ZSt15get_new_handlerv", "-", (void)0);

  // ---- exception ABI -------------------------------------------------------------------
  MT("__cxa_throw", "int", c.call((void *)thunk_throw_int));
  MT("__cxa_throw", "std::runtime_error", c.call((void *)thunk_throw_runtime_error));
  MT("__cxa_throw", "catch-by-base-16-levels-up", c.call((void *)thunk_throw_derived));
  MT("_Unwind_Resume", "after-cleanup", c.call((void *)thunk_unwind_resume));
  MT("__cxa_rethrow", "in-handler", c.call((void *)thunk_rethrow));
  MTT("__cxa_allocate_exception", "16", c.i(16), __cxa_free_exception(c.rp()));
  MTT("__cxa_allocate_exception", "100000", c.i(100000), __cxa_free_exception(c.rp()));
  MT("__cxa_free_exception", "16", c.p(__cxa_allocate_exception(16)));
  MT("__cxa_init_primary_exception", "int", c.p(__cxa_allocate_exception(4)).p(&typeid(int)).p(nullptr));
  MTT("__cxa_begin_catch", "int", c.p(make_caught_exception(false)), __cxa_end_catch());
  MT("__cxa_end_catch", "last-handler-frees", make_caught_exception(true));
  MT("__cxa_get_exception_ptr", "int", c.p(make_caught_exception(false)));
  MT("__cxa_current_exception_type", "none", (void)0);
  MT("_ZSt18uncaught_exceptionv", "-", (void)0);
  MT("_ZSt19uncaught_exceptionsv", "-", (void)0);
  MT("_ZSt17current_exceptionv", "in-handler", c.call((void *)thunk_current_exception));
  MT("_ZSt17rethrow_exceptionNSt15__exception_ptr13exception_ptrE", "int",
     g_ep = std::make_exception_ptr(42); c.call((void *)thunk_rethrow_exception));
  static Storage<std::exception_ptr> ep;
  MT("_ZNSt15__exception_ptr13exception_ptr9_M_addrefEv", "-", new (ep.b) std::exception_ptr(std::make_exception_ptr(1));
     c.p(ep.b));
  MT("_ZNSt15__exception_ptr13exception_ptr10_M_releaseEv", "last-reference",
     new (ep.b) std::exception_ptr(std::make_exception_ptr(1)); c.p(ep.b));
  MT("_ZNSt15__exception_ptr13exception_ptrC1ERKS0_", "-", g_ep = std::make_exception_ptr(1); c.p(ep.b).p(&g_ep));
  MT("_ZNSt15__exception_ptr13exception_ptrD1Ev", "last-reference",
     new (ep.b) std::exception_ptr(std::make_exception_ptr(std::runtime_error(g_arg))); c.p(ep.b));
  MT("_ZNSt15__exception_ptr13exception_ptrC1EPv", "-", c.p(ep.b).p(__cxa_allocate_exception(4)));
  for (const char *s : {"_ZSt19__throw_logic_errorPKc", "_ZSt20__throw_domain_errorPKc",
                        "_ZSt24__throw_invalid_argumentPKc", "_ZSt20__throw_length_errorPKc",
                        "_ZSt20__throw_out_of_rangePKc", "_ZSt21__throw_runtime_errorPKc", "_ZSt19__throw_range_errorPKc",
                        "_ZSt22__throw_overflow_errorPKc", "_ZSt23__throw_underflow_errorPKc",
                        "_ZSt19__throw_ios_failurePKc"})
    reg(s, "thunk", [](Call &c) { g_target = c.resolved; c.call((void *)thunk_throw_fn_cstr); });
  for (const char *s : {"_ZSt17__throw_bad_allocv", "_ZSt28__throw_bad_array_new_lengthv", "_ZSt16__throw_bad_castv",
                        "_ZSt18__throw_bad_typeidv", "_ZSt25__throw_bad_function_callv", "_ZSt21__throw_bad_exceptionv",
                        "__cxa_bad_cast", "__cxa_bad_typeid", "__cxa_throw_bad_array_new_length"})
    reg(s, "thunk", [](Call &c) { g_target = c.resolved; c.call((void *)thunk_throw_fn_void); });
  reg("_ZSt20__throw_system_errori", "EINVAL", [](Call &c) { g_target = c.resolved; c.call((void *)thunk_throw_fn_int); });
  reg("_ZSt20__throw_future_errori", "1", [](Call &c) { g_target = c.resolved; c.call((void *)thunk_throw_fn_int1); });
  reg("_ZSt19__throw_regex_errorNSt15regex_constants10error_typeE", "error_paren",
      [](Call &c) { g_target = c.resolved; c.call((void *)thunk_throw_fn_int1); });
  reg("_ZSt19__throw_ios_failurePKci", "EIO", [](Call &c) { g_target = c.resolved; c.call((void *)thunk_throw_fn_cstr_int); });
  reg("_ZSt24__throw_out_of_range_fmtPKcz", "vector-range-check",
      [](Call &c) { g_target = c.resolved; c.call((void *)thunk_throw_fn_fmt); });
  // exception classes
  static Storage<std::runtime_error> rte;
  static Storage<std::logic_error> lge;
  MTT("_ZNSt13runtime_errorC1EPKc", "message", c.p(rte.b).p(g_arg), rte.p()->~runtime_error());
  MTT("_ZNSt13runtime_errorC2EPKc", "message", c.p(rte.b).p(g_arg), rte.p()->~runtime_error());
  MTT("_ZNSt13runtime_errorC1ERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE", "64KiB", new_s2(65535);
      c.p(rte.b).p(g_s2.p()), rte.p()->~runtime_error(); g_s2.p()->~basic_string());
  MT("_ZNSt13runtime_errorD1Ev", "last-reference", new (rte.b) std::runtime_error(g_arg); c.p(rte.b));
  MT("_ZNSt13runtime_errorD2Ev", "last-reference", new (rte.b) std::runtime_error(g_arg); c.p(rte.b));
  MT("_ZNSt11logic_errorD1Ev", "last-reference", new (lge.b) std::logic_error(g_arg); c.p(lge.b));
  MT("_ZNSt11logic_errorD2Ev", "last-reference", new (lge.b) std::logic_error(g_arg); c.p(lge.b));
  MTT("_ZNSt11logic_errorC1EPKc", "message", c.p(lge.b).p(g_arg), lge.p()->~logic_error());
  MTT("_ZNSt11logic_errorC2ERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE", "64KiB", new_s2(65535);
      c.p(lge.b).p(g_s2.p()), lge.p()->~logic_error(); g_s2.p()->~basic_string());
  MTT("_ZNSt11logic_errorC2ERKS_", "copy", static std::logic_error src(g_arg); c.p(lge.b).p(&src),
      lge.p()->~logic_error());
  MTT("_ZNSt12out_of_rangeC1EPKc", "message", static Storage<std::out_of_range> e; c.p(e.b).p(g_arg), (void)0);
  MTT("_ZNSt16invalid_argumentC1EPKc", "message", static Storage<std::invalid_argument> e; c.p(e.b).p(g_arg), (void)0);
  MTT("_ZNSt12length_errorC1EPKc", "message", static Storage<std::length_error> e; c.p(e.b).p(g_arg), (void)0);
  MT("_ZNKSt13runtime_error4whatEv", "-", static std::runtime_error e(g_arg); c.p(&e));
  MT("_ZNKSt9exception4whatEv", "-", static std::exception e; c.p(&e));
  MT("_ZNSt9exceptionD2Ev", "-", static std::exception e; c.p(&e));
  MT("_ZNSt8bad_castD2Ev", "-", static std::bad_cast e; c.p(&e));
  MT("_ZNSt11regex_errorD1Ev", "-", static Storage<std::regex_error> e;
     new (e.b) std::regex_error(std::regex_constants::error_paren); c.p(e.b));
  MT("_ZNSt12future_errorD1Ev", "-", static Storage<std::future_error> e;
     new (e.b) std::future_error(std::future_errc::no_state); c.p(e.b));
  MT("_ZNSt12system_errorD1Ev", "-", static Storage<std::system_error> e;
     new (e.b) std::system_error(std::error_code(EINVAL, std::generic_category()), g_arg); c.p(e.b));
  MTF(NR, "does not return", "_ZSt9terminatev", "no-active-exception", (void)0);
  MTF(NR, "does not return", "_ZSt9terminatev", "active-exception (verbose handler demangles)",
      c.call((void *)thunk_terminate_active));
  MTF(NR, "does not return", "__cxa_pure_virtual", "-", (void)0);
  static __guard guard;
  MTT("__cxa_guard_acquire", "first", guard = 0; c.p(&guard), __cxa_guard_release(&guard));
  MT("__cxa_guard_release", "acquired", guard = 0; __cxa_guard_acquire(&guard); c.p(&guard));
  MT("__cxa_guard_abort", "acquired", guard = 0; __cxa_guard_acquire(&guard); c.p(&guard));
  reg("__cxa_thread_atexit", "register", [](Call &c) { c.p((void *)+[](void *) {}).p(g_A).p((void *)&tests_init); },
      nullptr, CB, "registers a callback (not called here)");
  reg("__cxa_demangle", "3-names",
      [](Call &c) {
        static const char *const names[] = {
            "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE12_M_constructIPKcEEvT_S8_St20forward_iterator_tag",
            "_ZStlsIcSt11char_traitsIcESaIcEERSt13basic_ostreamIT_T0_ES7_RKNSt7__cxx1112basic_stringIS4_S5_T1_EE",
            "_ZNSt8_Rb_treeINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt4pairIKS5_St6vectorISt3mapIiSt8functionI"
            "FvRKS5_EESt4lessIiESaIS6_IKiSD_EEESaISJ_EEESt10_Select1stISM_ESt4lessIS5_ESaISM_EE8_M_eraseEPSt13_Rb_tree_nodeISM_E"};
        c.p(names[c.sub]).p(nullptr).p(nullptr).p(&g_i);
      },
      [](Call &c) { free(c.rp()); }, 0, nullptr, 0, 3);
  reg("__dynamic_cast", "downcast-16-levels",
      [](Call &c) { c.p((Deep0 *)&g_deep).p(&typeid(Deep0)).p(&typeid(DeepN<16>)).i(-1); });
  reg("__dynamic_cast", "cross-cast-virtual-diamond",
      [](Call &c) { c.p((VL *)&g_vd).p(&typeid(VL)).p(&typeid(VR)).i(-1); });
  reg("__dynamic_cast", "failing-cast-virtual-diamond",
      [](Call &c) { c.p((VL *)&g_vd).p(&typeid(VL)).p(&typeid(Other)).i(-2); });

  // ---- std::string ---------------------------------------------------------------------
  MTT(BS("9_M_appendEPKcm"), "grow-to-64KiB", new_s(100); c.p(S()).p(g_long).i(65535), del_s(c));
  MTT(BS("9_M_appendEPKcm"), "sso-to-heap", new_s(10); c.p(S()).p(g_long).i(20), del_s(c));
  MTT(BS("9_M_createERmm"), "100000", new_s(0); g_cap = 100000; c.p(S()).p(&g_cap).i(15), del_ret(c); del_s(c));
  MTT(BS("9_M_mutateEmmPKcm"), "64KiB", new_s(100); c.p(S()).i(0).i(0).p(g_long).i(65535), del_s(c));
  MTT(BS("10_M_replaceEmmPKcm"), "64KiB", new_s(100); c.p(S()).i(1).i(2).p(g_long).i(65535), del_s(c));
  MTT(BS("14_M_replace_auxEmmmc"), "100000", new_s(100); c.p(S()).i(0).i(0).i(100000).i('y'), del_s(c));
  MTT(BS("9_M_assignERKS4_"), "64KiB", new_s(10); new_s2(65535); c.p(S()).p(g_s2.p()), del_s_s2(c));
  MTT(BS("7reserveEm"), "200000", new_s(10); c.p(S()).i(200000), del_s(c));
  MTT(BS("7reserveEv"), "shrink", new_s(100); S()->reserve(1000); c.p(S()), del_s(c));
  MTT(BS("6resizeEm"), "100000", new_s(10); c.p(S()).i(100000), del_s(c));
  MTT(BS("6resizeEmc"), "100000", new_s(10); c.p(S()).i(100000).i('z'), del_s(c));
  MTT(BS("6appendERKS4_"), "64KiB", new_s(100); new_s2(65535); c.p(S()).p(g_s2.p()), del_s_s2(c));
  MTT(BS("6appendEPKc"), "64KiB", new_s(100); c.p(S()).p(g_long), del_s(c));
  MTT(BS("6appendEPKcm"), "64KiB", new_s(100); c.p(S()).p(g_long).i(65535), del_s(c));
  MTT(BS("6appendEmc"), "100000", new_s(100); c.p(S()).i(100000).i('q'), del_s(c));
  MTT(BS("6assignEPKc"), "64KiB", new_s(10); c.p(S()).p(g_long), del_s(c));
  MTT(BS("6insertEmPKc"), "64KiB", new_s(100); c.p(S()).i(50).p(g_long), del_s(c));
  MTT(BS("6insertEmRKS4_"), "64KiB", new_s(100); new_s2(65535); c.p(S()).i(50).p(g_s2.p()), del_s_s2(c));
  MTT(BS("7replaceEmmPKc"), "64KiB", new_s(100); c.p(S()).i(1).i(5).p(g_long), del_s(c));
  MTT(BS("5eraseEmm"), "middle", new_s(1000); c.p(S()).i(10).i(500), del_s(c));
  MTT(BS("8_M_eraseEmm"), "middle", new_s(1000); c.p(S()).i(10).i(500), del_s(c));
  MTT(BS("9push_backEc"), "grow", new_s(15); c.p(S()).i('c'), del_s(c));
  MTT(BS("4swapERS4_"), "sso-and-heap", new_s(10); new_s2(100); c.p(S()).p(g_s2.p()), del_s_s2(c));
  MTT(BS("pLEPKc"), "64KiB", new_s(100); c.p(S()).p(g_long), del_s(c));
  MTT(BS("pLEc"), "grow", new_s(15); c.p(S()).i('c'), del_s(c));
  MTT(BS("pLERKS4_"), "64KiB", new_s(100); new_s2(65535); c.p(S()).p(g_s2.p()), del_s_s2(c));
  MTT(BS("aSERKS4_"), "64KiB", new_s(10); new_s2(65535); c.p(S()).p(g_s2.p()), del_s_s2(c));
  MTT(BS("aSEOS4_"), "heap", new_s(10); new_s2(65535); c.p(S()).p(g_s2.p()), del_s_s2(c));
  MTT(BS("aSEPKc"), "64KiB", new_s(10); c.p(S()).p(g_long), del_s(c));
  MTT(BS("C1ERKS4_"), "copy-64KiB", new_s2(65535); c.p(g_s.b).p(g_s2.p()), del_s_s2(c));
  MTT(BS("C2ERKS4_"), "copy-64KiB", new_s2(65535); c.p(g_s.b).p(g_s2.p()), del_s_s2(c));
  MTT(BS("C1EOS4_"), "move-heap", new_s2(65535); c.p(g_s.b).p(g_s2.p()), del_s_s2(c));
  MTT(BS("C1EPKcRKS3_"), "64KiB", static std::allocator<char> a; c.p(g_s.b).p(g_long).p(&a), del_s(c));
  MTT(BS("C1EPKcmRKS3_"), "64KiB", static std::allocator<char> a; c.p(g_s.b).p(g_long).i(65535).p(&a), del_s(c));
  MTT(BS("C1ERKS4_mm"), "substring-64KiB", new_s2(65535); c.p(g_s.b).p(g_s2.p()).i(1).i(60000), del_s_s2(c));
  MTT(BS("C1Ev"), "-", c.p(g_s.b), del_s(c));
  // Out-of-line at -O0 (operator+ on strings calls them).
  MTT(BS("C1ERKS3_"), "-", static std::allocator<char> a; c.p(g_s.b).p(&a), del_s(c));
  MTT(BS("C2ERKS3_"), "-", static std::allocator<char> a; c.p(g_s.b).p(&a), del_s(c));
  MTT(BSK("13get_allocatorEv"), "-", static std::allocator<char> r; new_s(100); c.p(&r).p(S()), del_s(c));
  MT(BS("D1Ev"), "heap", new_s(100); c.p(S()));
  MT(BS("D2Ev"), "heap", new_s(100); c.p(S()));
  MT(BS("10_M_disposeEv"), "heap", new_s(100); c.p(S()));
  MTT(BS("12_M_constructEmc"), "100000", new (g_s.b) std::string(); c.p(S()).i(100000).i('x'), del_s(c));
  MTT(BS("12_M_constructIPKcEEvT_S8_St20forward_iterator_tag"), "64KiB", new (g_s.b) std::string();
      c.p(S()).p(g_long).p(g_long + 65535), del_s(c));
  MTT(BS("5clearEv"), "heap", new_s(100); c.p(S()), del_s(c));
  MTT(BS("2atEm"), "in-range", new_s(100); c.p(S()).i(50), del_s(c));
  MTT(BSK("2atEm"), "in-range", new_s(100); c.p(S()).i(50), del_s(c));
  MTT(BSK("7compareEPKc"), "64KiB-equal", new_s(65535); c.p(S()).p(g_long), del_s(c));
  MTT(BSK("7compareERKS4_"), "64KiB-equal", new_s(65535); new_s2(65535); c.p(S()).p(g_s2.p()), del_s_s2(c));
  MTT(BSK("4findEPKcmm"), "long-needle", new (g_s.b) std::string(g_hay); c.p(S()).p(g_needle).i(0).i(100), del_s(c));
  MTT(BSK("4findEPKcm"), "long-needle", new (g_s.b) std::string(g_hay); c.p(S()).p(g_needle).i(0), del_s(c));
  MTT(BSK("4findEcm"), "64KiB-miss", new_s(65535); c.p(S()).i('z').i(0), del_s(c));
  MTT(BSK("5rfindEcm"), "64KiB-miss", new_s(65535); c.p(S()).i('z').i(-1), del_s(c));
  MTT(BSK("5rfindEPKcmm"), "64KiB-miss", new_s(65535); c.p(S()).p("xxy").i(-1).i(3), del_s(c));
  MTT(BSK("13find_first_ofEPKcmm"), "64KiB-miss", new_s(65535); c.p(S()).p("abcdefgh").i(0).i(8), del_s(c));
  MTT(BSK("12find_last_ofEPKcmm"), "64KiB-miss", new_s(65535); c.p(S()).p("abcdefgh").i(-1).i(8), del_s(c));
  MTT(BSK("17find_first_not_ofEPKcmm"), "64KiB", new_s(65535); c.p(S()).p("x").i(0).i(1), del_s(c));
  MTT(BSK("6substrEmm"), "60000", new_s(65535); c.p(g_sret.b).p(S()).i(1).i(60000), del_s_sret(c));
  MTT(BSK("4copyEPcmm"), "64KiB", new_s(65535); c.p(S()).p(g_A).i(65535).i(0), del_s(c));
  for (const char *s : {BSK("4sizeEv"), BSK("6lengthEv"), BSK("5c_strEv"), BSK("4dataEv"), BSK("5emptyEv"),
                        BSK("8capacityEv"), BS("5beginEv"), BS("3endEv"), BSK("5beginEv"), BSK("3endEv"),
                        BSK("7_M_dataEv"), BS("13_M_local_dataEv"), BS("4dataEv")})
    reg(s, "accessor", [](Call &c) { new_s(100); c.p(S()); }, del_s);
  for (const char *s : {BSK("ixEm"), BS("ixEm"), BS("13_M_set_lengthEm"), BS("11_M_capacityEm")})
    reg(s, "accessor", [](Call &c) { new_s(100); c.p(S()).i(5); }, del_s);
  MTT(BS("7_M_dataEPc"), "accessor", new_s(100); c.p(S()).p(S()->data()), del_s(c));
  MTT(BSK("13find_first_ofEPKcm"), "64KiB-miss", new_s(65535); c.p(S()).p("abcdefgh").i(0), del_s(c));
  MTT(BS("6assignEmc"), "100000", new_s(10); c.p(S()).i(100000).i('a'), del_s(c));
  MTT(BS("12_Alloc_hiderC1EPcRKS3_"), "-", static std::allocator<char> al; static char *h[1]; c.p(h).p(g_A).p(&al),
      (void)0);
  MTT(BS("12__sv_wrapperC1ESt17basic_string_viewIcS2_E"), "-", static std::string_view *w[2]; c.p(w).i(100).p(g_long),
      (void)0);
  MTT(BS("C2ENS4_12__sv_wrapperERKS3_"), "64KiB", static std::allocator<char> al; c.p(g_s.b).i(65535).p(g_long).p(&al),
      del_s(c));
  MT(BS("17_S_to_string_viewESt17basic_string_viewIcS2_E"), "-", c.i(100).p(g_long));
  MT(BS("13_S_copy_charsEPcPKcS7_"), "64KiB", c.p(g_A).p(g_long).p(g_long + 65535));
  MT(BS("13_S_copy_charsEPcS5_S5_"), "64KiB", c.p(g_A).p(g_long).p(g_long + 65535));
  MT(BS("13_S_copy_charsEPcN9__gnu_cxx17__normal_iteratorIS5_S4_EES8_"), "64KiB",
     c.p(g_A).p(g_long).p(g_long + 65535));
  for (const char *s : {"_ZNSaIcEC1Ev", "_ZNSaIcEC2Ev", "_ZNSaIcED1Ev", "_ZNSaIcED2Ev", "_ZNSaIwEC1Ev", "_ZNSaIwED1Ev",
                        "_ZNSaIwED2Ev"})
    reg(s, "-", [](Call &c) { static char al[1]; c.p(al); });
  for (const char *s : {"_ZNSaIcEC1ERKS_", "_ZNSaIcEC2ERKS_"})
    reg(s, "-", [](Call &c) { static char al[2]; c.p(al).p(al + 1); });
#define WS(x) "_ZNSt7__cxx1112basic_stringIwSt11char_traitsIwESaIwEE" x
  static std::wstring *wsp;
  for (const char *s : {"_ZNKSt7__cxx1112basic_stringIwSt11char_traitsIwESaIwEE7_M_dataEv", WS("13_M_local_dataEv")})
    reg(s, "accessor", [](Call &c) { if (!wsp) wsp = new std::wstring(g_w1000); c.p(wsp); });
  for (const char *s : {WS("11_M_capacityEm"), WS("13_M_set_lengthEm")})
    reg(s, "accessor", [](Call &c) { if (!wsp) wsp = new std::wstring(g_w1000); c.p(wsp).i(1000); });
  MT(WS("7_M_dataEPw"), "accessor", if (!wsp) wsp = new std::wstring(g_w1000); c.p(wsp).p(wsp->data()));
  MT(WS("10_M_disposeEv"), "heap", g_ws = new std::wstring(g_wlong); c.p(g_ws));
  MTT(WS("12_Alloc_hiderC1EPwRKS3_"), "-", static std::allocator<wchar_t> al; static wchar_t *h[1];
      c.p(h).p(g_wA).p(&al), (void)0);
  MT(WS("13_S_copy_charsEPwPKwS7_"), "16K", c.p(g_wA).p(g_wlong).p(g_wlong + 16000));
#undef WS
  MTT("_ZStplIcSt11char_traitsIcESaIcEENSt7__cxx1112basic_stringIT_T0_T1_EERKS8_SA_", "64KiB+64KiB",
      new_s(65535); new_s2(65535); c.p(g_sret.b).p(S()).p(g_s2.p()), del_s_s2(c); del_sret(c));
  MTT("_ZStplIcSt11char_traitsIcESaIcEENSt7__cxx1112basic_stringIT_T0_T1_EEPKS5_RKS8_", "cstr+64KiB",
      new_s(65535); c.p(g_sret.b).p("prefix").p(S()), del_s_sret(c));
  MTT("_ZNSt7__cxx1112basic_stringIwSt11char_traitsIwESaIwEEpLEPKw", "16K", g_ws = new std::wstring(L"abc");
      c.p(g_ws).p(g_wlong), delete g_ws);
  MTT("_ZNSt7__cxx1112basic_stringIwSt11char_traitsIwESaIwEE9_M_createERmm", "100000", g_ws = new std::wstring();
      g_cap = 100000; c.p(g_ws).p(&g_cap).i(3), operator delete(c.rp()); delete g_ws);
  MT("_ZNSt7__cxx1112basic_stringIwSt11char_traitsIwESaIwEED1Ev", "heap", g_ws = new std::wstring(g_wlong); c.p(g_ws));

  // ---- ostream -------------------------------------------------------------------------
  // param: destination | fixed << 3
  struct OsTest {
    const char *sym, *what;
    void (*args)(Call &);
  };
  static const OsTest kOs[] = {
      {"_ZNSo9_M_insertIdEERSoT_", "1e300", [](Call &c) { c.d(1e300); }},
      {"_ZNSolsEd", "1e300", [](Call &c) { c.d(1e300); }},
      {"_ZNSolsEf", "3e38", [](Call &c) { c.f(3e38f); }},
      {"_ZNSo9_M_insertIeEERSoT_", "ldbl-max", [](Call &c) { c.ld(LDBL_MAX); }},
      {"_ZNSolsEe", "ldbl-max", [](Call &c) { c.ld(LDBL_MAX); }},
      {"_ZNSo9_M_insertIlEERSoT_", "long", [](Call &c) { c.i(-1234567890123456789L); }},
      {"_ZNSo9_M_insertImEERSoT_", "ulong", [](Call &c) { c.i(~0ul); }},
      {"_ZNSo9_M_insertIxEERSoT_", "llong", [](Call &c) { c.i(-1234567890123456789L); }},
      {"_ZNSo9_M_insertIyEERSoT_", "ullong", [](Call &c) { c.i(~0ul); }},
      {"_ZNSo9_M_insertIbEERSoT_", "bool", [](Call &c) { c.i(1); }},
      {"_ZNSo9_M_insertIPKvEERSoT_", "pointer", [](Call &c) { c.p(g_A); }},
      {"_ZNSolsEi", "int", [](Call &c) { c.i(-123456789); }},
      {"_ZNSolsEj", "unsigned", [](Call &c) { c.i(4000000000u); }},
      {"_ZNSolsEs", "short", [](Call &c) { c.i(-12345); }},
      {"_ZNSolsEt", "ushort", [](Call &c) { c.i(54321); }},
      {"_ZNSolsEl", "long", [](Call &c) { c.i(-1234567890123456789L); }},
      {"_ZNSolsEm", "ulong", [](Call &c) { c.i(~0ul); }},
      {"_ZNSolsEx", "llong", [](Call &c) { c.i(-1234567890123456789L); }},
      {"_ZNSolsEy", "ullong", [](Call &c) { c.i(~0ul); }},
      {"_ZNSolsEb", "bool", [](Call &c) { c.i(1); }},
      {"_ZNSolsEPKv", "pointer", [](Call &c) { c.p(g_A); }},
      {"_ZNSolsEPFRSoS_E", "endl", [](Call &c) {
         c.p((void *)static_cast<std::ostream &(*)(std::ostream &)>(std::endl<char, std::char_traits<char>>)); }},
      {"_ZNSolsEPFRSt8ios_baseS0_E", "hex", [](Call &c) { c.p((void *)static_cast<std::ios_base &(*)(std::ios_base &)>(std::hex)); }},
      {"_ZStlsISt11char_traitsIcEERSt13basic_ostreamIcT_ES5_PKc", "9000-chars",
       [](Call &c) { c.p(g_long + sizeof g_long - 9001); }},
      {"_ZStlsISt11char_traitsIcEERSt13basic_ostreamIcT_ES5_c", "char", [](Call &c) { c.i('c'); }},
      {"_ZSt16__ostream_insertIcSt11char_traitsIcEERSt13basic_ostreamIT_T0_ES6_PKS3_l", "9000-chars-width-12000",
       [](Call &c) { c.i(9000); }},
      {"_ZStlsIcSt11char_traitsIcESaIcEERSt13basic_ostreamIT_T0_ES7_RKNSt7__cxx1112basic_stringIS4_S5_T1_EE",
       "64KiB-string", [](Call &c) { new_s2(65535); c.p(g_s2.p()); }},
      {"_ZSt4endlIcSt11char_traitsIcEERSt13basic_ostreamIT_T0_ES6_", "flush", [](Call &) {}},
      {"_ZSt5flushIcSt11char_traitsIcEERSt13basic_ostreamIT_T0_ES6_", "flush", [](Call &) {}},
      {"_ZNSo5flushEv", "flush", [](Call &) {}},
      {"_ZNSo3putEc", "char", [](Call &c) { c.i('c'); }},
      {"_ZNSo5writeEPKcl", "9000-chars", [](Call &c) { c.p(g_long).i(9000); }},
      {"_ZStlsIcSt11char_traitsIcEERSt13basic_ostreamIT_T0_ES6_St13_Setprecision", "setprecision",
       [](Call &c) { c.i(50); }},
      {"_ZStlsIcSt11char_traitsIcEERSt13basic_ostreamIT_T0_ES6_St5_Setw", "setw", [](Call &c) { c.i(50); }},
      {"_ZStlsIcSt11char_traitsIcEERSt13basic_ostreamIT_T0_ES6_St8_SetfillIS3_E", "setfill", [](Call &c) { c.i('*'); }},
      {"_ZNSo6sentryC1ERSo", "-", [](Call &) {}},
  };
  for (int k = 0; k < (int)(sizeof kOs / sizeof kOs[0]); k++)
    for (int d = 0; d < 4; d++)
      for (int fixed = 0; fixed < 2; fixed++) {
        bool isfloat = k < 5;
        if (fixed && !isfloat) continue;
        const char *n = str_cat(kDestName[d], ":", kOs[k].what, fixed ? ":fixed-precision-30" : "");
        reg(kOs[k].sym, n,
            [](Call &c) {
              const OsTest &t = kOs[c.param >> 4];
              g_os = make_os(c.param & 7, c.param & 8);
              if (!strcmp(t.what, "9000-chars-width-12000")) {
                g_os->width(12000);
                c.p(g_os).p(g_long);
              } else if (!strcmp(t.sym, "_ZNSo6sentryC1ERSo")) {
                static Storage<std::ostream::sentry> se;
                c.p(se.b).p(g_os);
              } else {
                c.p(g_os);
              }
              t.args(c);
            },
            [](Call &c) {
              drop_os(c);
              if (!strcmp(kOs[c.param >> 4].what, "64KiB-string")) g_s2.p()->~basic_string();
            },
            0, nullptr, (k << 4) | (fixed << 3) | d);
      }
  MT("_ZNSt13basic_ostreamIwSt11char_traitsIwEE9_M_insertIdEERS2_T_", "wcout:1e300", c.p(&std::wcout).d(1e300));
  MT("_ZNSt13basic_ostreamIwSt11char_traitsIwEElsEd", "wostringstream:1e300",
     c.p(new (g_woss.b) std::wostringstream()).d(1e300));
  MTT("_ZStlsIwSt11char_traitsIwESaIwEERSt13basic_ostreamIT_T0_ES7_RKNSt7__cxx1112basic_stringIS4_S5_T1_EE",
      "wcout:16K", g_ws = new std::wstring(g_wlong); c.p(&std::wcout).p(g_ws), delete g_ws);
  MTT("_ZSt16__ostream_insertIwSt11char_traitsIwEERSt13basic_ostreamIT_T0_ES6_PKS3_l", "wcout:1000",
      c.p(&std::wcout).p(g_w1000).i(1000), (void)0);

  // ---- istream -------------------------------------------------------------------------
  MTT("_ZNSirsERi", "istringstream", make_iss("  -123456789 rest"); c.p(g_is).p(&g_i), drop_iss(c));
  MTT("_ZNSirsERl", "istringstream", make_iss("  -1234567890123 rest"); c.p(g_is).p(&g_l), drop_iss(c));
  MTT("_ZNSirsERj", "istringstream", make_iss("  4000000000 rest"); c.p(g_is).p(&g_u), drop_iss(c));
  MTT("_ZNSirsERd", "800-digits", make_iss(g_digits); c.p(g_is).p(&g_d), drop_iss(c));
  MTT("_ZNSirsERf", "800-digits", make_iss(g_digits); c.p(g_is).p(&g_f), drop_iss(c));
  MTT("_ZNSirsERe", "800-digits", make_iss(g_digits); c.p(g_is).p(&g_ld), drop_iss(c));
  MTT("_ZNSi10_M_extractIdEERSiRT_", "800-digits", make_iss(g_digits); c.p(g_is).p(&g_d), drop_iss(c));
  MTT("_ZNSi10_M_extractIeEERSiRT_", "800-digits", make_iss(g_digits); c.p(g_is).p(&g_ld), drop_iss(c));
  MTT("_ZNSi10_M_extractIlEERSiRT_", "digits", make_iss("-1234567890123"); c.p(g_is).p(&g_l), drop_iss(c));
  MTT("_ZNSirsEPFRSt8ios_baseS0_E", "hex", make_iss("ff");
      c.p(g_is).p((void *)static_cast<std::ios_base &(*)(std::ios_base &)>(std::hex)), drop_iss(c));
  MTT("_ZStrsIcSt11char_traitsIcESaIcEERSt13basic_istreamIT_T0_ES7_RNSt7__cxx1112basic_stringIS4_S5_T1_EE",
      "64KiB-word", make_iss(g_long); new_s(0); c.p(g_is).p(S()), drop_iss(c); del_s(c));
  MTT("_ZSt7getlineIcSt11char_traitsIcESaIcEERSt13basic_istreamIT_T0_ES7_RNSt7__cxx1112basic_stringIS4_S5_T1_EE",
      "64KiB-line", make_iss(g_long); new_s(0); c.p(g_is).p(S()), drop_iss(c); del_s(c));
  MTT("_ZSt7getlineIcSt11char_traitsIcESaIcEERSt13basic_istreamIT_T0_ES7_RNSt7__cxx1112basic_stringIS4_S5_T1_EES4_",
      "64KiB-line", make_iss(g_long); new_s(0); c.p(g_is).p(S()).i(';'), drop_iss(c); del_s(c));
  MTT("_ZSt7getlineIcSt11char_traitsIcESaIcEERSt13basic_istreamIT_T0_ES7_RNSt7__cxx1112basic_stringIS4_S5_T1_EE",
      "ifstream-lines", g_is = new (g_ifs.b) std::ifstream(make_file("ifl", 100000, 'y', true)); new_s(0);
      c.p(g_is).p(S()), g_ifs.p()->~basic_ifstream(); del_s(c));
  MTT("_ZSt7getlineIcSt11char_traitsIcESaIcEERSt13basic_istreamIT_T0_ES7_RNSt7__cxx1112basic_stringIS4_S5_T1_EE",
      "cin-lines", freopen(make_file("cin", 100000, 'y', true), "r", stdin); new_s(0); c.p(&std::cin).p(S()),
      del_s(c));
  MTT("_ZNSi7getlineEPcl", "64KiB", make_iss(g_long); c.p(g_is).p(g_A).i(65536), drop_iss(c));
  MTT("_ZNSi3getEv", "first", make_iss("abc"); c.p(g_is), drop_iss(c));
  MTT("_ZNSi4readEPcl", "64KiB", make_iss(g_long); c.p(g_is).p(g_A).i(65535), drop_iss(c));
  MTT("_ZNSi4peekEv", "first", make_iss("abc"); c.p(g_is), drop_iss(c));
  MTT("_ZNSi6ignoreEl", "64KiB", make_iss(g_long); c.p(g_is).i(65535), drop_iss(c));

  // ---- stream objects ------------------------------------------------------------------
  MTT("_ZNSt7__cxx1119basic_ostringstreamIcSt11char_traitsIcESaIcEEC1Ev", "-", c.p(g_oss.b),
      g_oss.p()->~basic_ostringstream());
  MT("_ZNSt7__cxx1119basic_ostringstreamIcSt11char_traitsIcESaIcEED1Ev", "-",
     new (g_oss.b) std::ostringstream(); *g_oss.p() << g_long; c.p(g_oss.b));
  MTT("_ZNKSt7__cxx1119basic_ostringstreamIcSt11char_traitsIcESaIcEE3strEv", "64KiB",
      new (g_oss.b) std::ostringstream(); *g_oss.p() << g_long; c.p(g_sret.b).p(g_oss.b),
      del_sret(c); g_oss.p()->~basic_ostringstream());
  MTT("_ZNSt7__cxx1119basic_istringstreamIcSt11char_traitsIcESaIcEEC1ERKNS_12basic_stringIcS2_S3_EESt13_Ios_Openmode",
      "64KiB", new_s2(65535); c.p(g_iss.b).p(g_s2.p()).i(std::ios::in),
      g_iss.p()->~basic_istringstream(); g_s2.p()->~basic_string());
  MT("_ZNSt7__cxx1119basic_istringstreamIcSt11char_traitsIcESaIcEED1Ev", "-", make_iss("abc"); c.p(g_is));
  MTT("_ZNSt7__cxx1118basic_stringstreamIcSt11char_traitsIcESaIcEEC1Ev", "-",
      static Storage<std::stringstream> ss; c.p(ss.b), ((std::stringstream *)c.gpr[0])->~basic_stringstream());
  MTT("_ZNSt14basic_ifstreamIcSt11char_traitsIcEEC1EPKcSt13_Ios_Openmode", "file", c.p(g_ifs.b).p("/etc/hosts").i(std::ios::in),
      g_ifs.p()->~basic_ifstream());
  MT("_ZNSt14basic_ifstreamIcSt11char_traitsIcEED1Ev", "read", new (g_ifs.b) std::ifstream("/etc/hosts");
     g_ifs.p()->get(); c.p(g_ifs.b));
  MTT("_ZNSt14basic_ifstreamIcSt11char_traitsIcEE4openEPKcSt13_Ios_Openmode", "file", new (g_ifs.b) std::ifstream();
      c.p(g_ifs.b).p("/etc/hosts").i(std::ios::in), g_ifs.p()->~basic_ifstream());
  MTT("_ZNSt14basic_ofstreamIcSt11char_traitsIcEEC1EPKcSt13_Ios_Openmode", "file",
      c.p(g_ofs.b).p(tmp_path("ofs")).i(std::ios::out), g_ofs.p()->~basic_ofstream());
  MT("_ZNSt14basic_ofstreamIcSt11char_traitsIcEED1Ev", "pending-data", new (g_ofs.b) std::ofstream(tmp_path("ofd"));
     *g_ofs.p() << g_long; c.p(g_ofs.b));
  MTT("_ZNSt14basic_ofstreamIcSt11char_traitsIcEE5closeEv", "pending-data", new (g_ofs.b) std::ofstream(tmp_path("ofc"));
      *g_ofs.p() << "data"; c.p(g_ofs.b), g_ofs.p()->~basic_ofstream());
  // Base-object destructors, as a derived class's destructor calls them: the
  // ifstream part (with its VTT), then the virtual base std::ios_base.
  MT("_ZNSt14basic_ifstreamIcSt11char_traitsIcEED2Ev", "open-file", new (g_ifs.b) std::ifstream("/etc/hosts");
     g_ifs.p()->get(); c.p(g_ifs.b).p(dlsym(RTLD_DEFAULT, "_ZTTSt14basic_ifstreamIcSt11char_traitsIcEE")));
  MT("_ZNSt8ios_baseD2Ev", "after-ifstream-parts", new (g_ifs.b) std::ifstream("/etc/hosts"); g_ifs.p()->get();
     ((void (*)(void *, void *))dlsym(RTLD_DEFAULT, "_ZNSt14basic_ifstreamIcSt11char_traitsIcEED2Ev"))(
         g_ifs.b, dlsym(RTLD_DEFAULT, "_ZTTSt14basic_ifstreamIcSt11char_traitsIcEE"));
     c.p(static_cast<std::ios_base *>(g_ifs.p())));
  MTT("_ZNSt8ios_base4InitC1Ev", "nested", static char init[1]; c.p(init), (void)0);
  MT("_ZNSt8ios_base15sync_with_stdioEb", "false", c.i(0));
  MT("_ZNSt9basic_iosIcSt11char_traitsIcEE5clearESt12_Ios_Iostate", "good", c.p((std::ios *)&std::cout).i(0));
  MT("_ZNSt9basic_iosIcSt11char_traitsIcEE3tieEPSo", "null", c.p((std::ios *)&std::cin).p(nullptr));
  MT("_ZNKSt9basic_iosIcSt11char_traitsIcEE4failEv", "-", c.p((std::ios *)&std::cout));
  MT("_ZNKSt9basic_iosIcSt11char_traitsIcEEcvbEv", "-", c.p((std::ios *)&std::cout));

  // ---- locale --------------------------------------------------------------------------
  MTT("_ZNSt6localeC1Ev", "global", c.p(g_loc.b), g_loc.p()->~locale());
  MTT("_ZNSt6localeC1EPKc", "C.UTF-8-first", c.p(g_loc.b).p("C.UTF-8"), g_loc.p()->~locale());
  MTT("_ZNSt6localeC1EPKc", "env-LANG", setenv("LANG", "C.UTF-8", 1); c.p(g_loc.b).p(""), g_loc.p()->~locale());
  MTT("_ZNSt6localeC1EPKc", "C", c.p(g_loc.b).p("C"), g_loc.p()->~locale());
  MTT("_ZNSt6localeC1ERKS_", "copy", c.p(g_loc.b).p(&named()), g_loc.p()->~locale());
  MT("_ZNSt6localeD1Ev", "last-reference-named", new (g_loc.b) std::locale("C.UTF-8"); c.p(g_loc.b));
  MTT("_ZNSt6localeaSERKS_", "named", new (g_loc.b) std::locale(); c.p(g_loc.b).p(&named()), g_loc.p()->~locale());
  MTT("_ZNSt6locale6globalERKS_", "named", c.p(g_loc2.b).p(&named()),
      g_loc2.p()->~locale(); std::locale::global(std::locale::classic()));
  MT("_ZNSt6locale7classicEv", "-", (void)0);
  MTT("_ZNKSt6locale4nameB5cxx11Ev", "named", c.p(g_sret.b).p(&named()), del_sret(c));
  MT("_ZSt9use_facetISt5ctypeIcEERKT_RKSt6locale", "named", c.p(&named()));
  MT("_ZSt9has_facetISt5ctypeIcEEbRKSt6locale", "named", c.p(&named()));
  MT("_ZSt9use_facetINSt7__cxx117collateIcEEERKT_RKSt6locale", "named", c.p(&named()));
  MT("_ZNKSt5ctypeIcE13_M_widen_initEv", "named-first", c.p(&std::use_facet<std::ctype<char>>(named())));
  MT("_ZNKSt6locale2id5_M_idEv", "ctype", c.p(&std::ctype<char>::id));
  MTT("_ZNKSt7__cxx117collateIcE9transformEPKcS3_", "named-1000",
      c.p(g_sret.b).p(&std::use_facet<std::collate<char>>(named())).p(g_long).p(g_long + 1000), del_sret(c));
  MT("_ZNKSt7__cxx117collateIcE7compareEPKcS3_S3_S3_", "named",
     c.p(&std::use_facet<std::collate<char>>(named())).p(g_long).p(g_long + 1000).p(g_hay).p(g_hay + 1000));

  // ---- containers' out-of-line helpers ----------------------------------------------
  MTT("_ZSt29_Rb_tree_insert_and_rebalancebPSt18_Rb_tree_node_baseS0_RS_", "2000-node-tree-leftmost",
      build_tree(); c.i(1).p(&g_nodes[2040]).p(g_header._M_left).p(&g_header),
      std::_Rb_tree_rebalance_for_erase(&g_nodes[2040], g_header));
  MTT("_ZSt28_Rb_tree_rebalance_for_erasePSt18_Rb_tree_node_baseRS_", "2000-node-tree-inner",
      build_tree(); c.p(&g_nodes[500]).p(&g_header),
      std::_Rb_tree_insert_and_rebalance(false, &g_nodes[500], g_header._M_right, g_header));
  MT("_ZSt18_Rb_tree_incrementPSt18_Rb_tree_node_base", "inner", build_tree(); c.p(g_header._M_parent));
  MT("_ZSt18_Rb_tree_incrementPKSt18_Rb_tree_node_base", "inner", build_tree(); c.p(g_header._M_parent));
  MT("_ZSt18_Rb_tree_decrementPSt18_Rb_tree_node_base", "inner", build_tree(); c.p(g_header._M_parent));
  MT("_ZSt18_Rb_tree_decrementPKSt18_Rb_tree_node_base", "inner", build_tree(); c.p(g_header._M_parent));
  MT("_ZSt11_Hash_bytesPKvmm", "64KiB", c.p(g_long).i(65535).i(0xc70f6907));
  MT("_ZSt15_Fnv_hash_bytesPKvmm", "64KiB", c.p(g_long).i(65535).i(0xc70f6907));
  MT("_ZNKSt8__detail20_Prime_rehash_policy14_M_need_rehashEmmm", "grow",
     static std::__detail::_Prime_rehash_policy pol; c.p(&pol).i(1031).i(1031).i(1));
  MT("_ZNKSt8__detail20_Prime_rehash_policy11_M_next_bktEm", "large",
     static std::__detail::_Prime_rehash_policy pol; c.p(&pol).i(1000000007));
  MT("_ZNSt8__detail15_List_node_base7_M_hookEPS0_", "-", build_list(); static std::__detail::_List_node_base n;
     c.p(&n).p(&g_lhead));
  MT("_ZNSt8__detail15_List_node_base9_M_unhookEv", "-", build_list(); c.p(&g_lnodes[5]));
  MT("_ZNSt8__detail15_List_node_base11_M_transferEPS0_S1_", "-", build_list();
     c.p(&g_lnodes[1]).p(&g_lnodes[10]).p(&g_lnodes[20]));
  MT("_ZNSt8__detail15_List_node_base10_M_reverseEv", "64", build_list(); c.p(&g_lhead));
  MT("_ZNSt8__detail15_List_node_base4swapERS0_S1_", "-", build_list(); static std::__detail::_List_node_base h2;
     h2._M_next = h2._M_prev = &h2; c.p(&g_lhead).p(&h2));

  // ---- threads, synchronisation, time -----------------------------------------------------
  MT("_ZNSt6thread4joinEv", "exiting-thread", new (g_thread.b) std::thread([] { usleep(500); }); c.p(g_thread.b));
  MT("_ZNSt6thread6detachEv", "running-thread", new (g_thread.b) std::thread([] { usleep(500); }); c.p(g_thread.b));
  MT("_ZNSt6thread20hardware_concurrencyEv", "-", (void)0);
  MTT("_ZNSt18condition_variableC1Ev", "-", c.p(g_cv.b), g_cv.p()->~condition_variable());
  MT("_ZNSt18condition_variableD1Ev", "-", new (g_cv.b) std::condition_variable(); c.p(g_cv.b));
  MTT("_ZNSt18condition_variable10notify_oneEv", "waiter", new (g_cv.b) std::condition_variable(); start_waiter();
      c.p(g_cv.b), join_helper(c));
  MTT("_ZNSt18condition_variable10notify_allEv", "waiter", new (g_cv.b) std::condition_variable(); start_waiter();
      c.p(g_cv.b), join_helper(c));
  MT("_ZNSt18condition_variable10notify_oneEv", "no-waiter", new (g_cv.b) std::condition_variable(); c.p(g_cv.b));
  MTT("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE", "notified",
      new (g_cv.b) std::condition_variable(); new (g_lock.b) std::unique_lock<std::mutex>(g_mu); start_notifier();
      c.p(g_cv.b).p(g_lock.b), g_lock.p()->~unique_lock(); stop_helper());
  MT("_ZNSt28__atomic_futex_unsigned_base19_M_futex_notify_allEPj", "-", static unsigned w = 0x80000000u; c.p(&w));
  MT("_ZNSt28__atomic_futex_unsigned_base19_M_futex_wait_untilEPjjbNSt6chrono8durationIlSt5ratioILl1ELl1EEEENS2_IlS3_"
     "ILl1ELl1000000000EEEE",
     "timeout-past", static unsigned w = 0; c.p(&w).i(0).i(1).i(1).i(0));
  MT("_ZNSt11this_thread11__sleep_forENSt6chrono8durationIlSt5ratioILl1ELl1EEEENS1_IlS2_ILl1ELl1000000000EEEE", "1us",
     c.i(0).i(1000));
  MT("_ZNSt6chrono3_V212steady_clock3nowEv", "-", (void)0);
  MT("_ZNSt6chrono3_V212system_clock3nowEv", "-", (void)0);
  MT("_ZNSt3_V216generic_categoryEv", "-", (void)0);
  MT("_ZNSt3_V215system_categoryEv", "-", (void)0);
  MT("_ZSt15future_categoryv", "-", (void)0);
  MTT("_ZNSt13__future_base12_Result_baseC2Ev", "-", static Storage<std::__future_base::_Result<int>> r; c.p(r.b),
      (void)0);
  MTT("_ZNSt13random_device7_M_initERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE", "default",
      static Storage<std::random_device> rd; static std::string tok("default"); c.p(rd.b).p(&tok), (void)0);
  MT("_ZNSt13random_device9_M_getvalEv", "default", static std::random_device *rd; if (!rd) rd = new std::random_device;
     c.p(rd));
  MT("_ZSt10from_charsPKcS0_RdSt12chars_format", "800-digits",
     c.p(g_digits).p(g_digits + strlen(g_digits)).p(&g_d).i((int)std::chars_format::general));
  MT("_ZSt10from_charsPKcS0_ReSt12chars_format", "800-digits",
     c.p(g_digits).p(g_digits + strlen(g_digits)).p(&g_ld).i((int)std::chars_format::general));
  MT("_ZSt10from_charsPKcS0_RfSt12chars_format", "800-digits",
     c.p(g_digits).p(g_digits + strlen(g_digits)).p(&g_f).i((int)std::chars_format::general));
  MT("_ZSt8to_charsPcS_d", "shortest", c.p(g_A).p(g_A + 4096).d(1.2345678901234567e-300));
  MT("_ZSt8to_charsPcS_e", "shortest-ldbl", c.p(g_A).p(g_A + 8192).ld(1.18973149535723176502e+4932L));
  MT("_ZSt8to_charsPcS_f", "shortest", c.p(g_A).p(g_A + 4096).f(3.4e38f));
  MT("_ZSt8to_charsPcS_dSt12chars_format", "fixed-dbl-max",
     c.p(g_A).p(g_A + 4096).d(DBL_MAX).i((int)std::chars_format::fixed));
  MT("_ZSt8to_charsPcS_dSt12chars_formati", "fixed-1000-digits",
     c.p(g_A).p(g_A + 8192).d(DBL_MAX).i((int)std::chars_format::fixed).i(1000));
  MT("_ZSt8to_charsPcS_eSt12chars_formati", "fixed-ldbl-max-100",
     c.p(g_A).p(g_A + 65536).ld(1.18973149535723176502e+4932L).i((int)std::chars_format::fixed).i(100));
  MTT("_ZNSt10filesystem6statusERKNS_7__cxx114pathE", "file", static std::filesystem::path *p;
      if (!p) p = new std::filesystem::path("/usr/lib/x86_64-linux-gnu/libc.so.6"); c.p(p), (void)0);
  MTT("_ZNSt10filesystem7__cxx114path14_M_split_cmptsEv", "8-components", static Storage<std::filesystem::path> p;
      new (p.b) std::filesystem::path("/usr/lib/x86_64-linux-gnu/gconv/../locale/C.utf8/LC_CTYPE"); c.p(p.b), (void)0);
  MTT("_ZNSt10filesystem12current_pathB5cxx11Ev", "-", static Storage<std::filesystem::path> p; c.p(p.b),
      ((std::filesystem::path *)c.gpr[0])->~path());

  MT("_ZNSt13__future_base12_Result_baseD2Ev", "-", static Storage<std::__future_base::_Result<int>> r;
     new (r.b) std::__future_base::_Result<int>(); c.p(r.b));
  MT("_ZNSt13random_device7_M_finiEv", "default", static Storage<std::random_device> rd;
     new (rd.b) std::random_device(); c.p(rd.b));
  MT("_ZNSt8ios_base4InitD1Ev", "nested (flushes)", std::cout << "pending"; static char init[1]; c.p(init));
  MT("_ZNSt6thread6_StateD2Ev", "-", static void *st[2]; c.p(st));
  MTT("_ZNSt10filesystem7__cxx114path5_ListC1Ev", "-", static Storage<std::filesystem::path> p; c.p(p.b), (void)0);
  MT("_ZNKSt10filesystem7__cxx114path5_List13_Impl_deleterclEPNS2_5_ImplE", "null", static char d[1];
     c.p(d).p(nullptr));

  // ---- C++ runtime's lazy binding ----------------------------------------------------------
  reg("<lazy-binding>", "libstdc++-via-PLT",
      [](Call &c) {
        c.call(helper_sym("plt_probe_libstdcxx"));
        if (!c.fn) c.fail = "no helper library ($STACKNEEDS_HELPER)";
      },
      nullptr, T_LAZY);

  // ---- scenarios (informational) -----------------------------------------------------------
  const unsigned INFO = T_INFO;
  const char *infonote = "template code instantiated in the caller (compiled here without the plugin)";
  MTF(INFO, infonote, "[scenario] std::regex construct+match (ECMAScript, icase)", "email",
      c.call((void *)scenario_regex));
  MTF(INFO, infonote, "[scenario] std::regex_search backtracking (a|b|ab)*c", "200-chars",
      c.call((void *)scenario_regex_search_backtrack));
  MTF(INFO, infonote, "[scenario] std::to_string(double, long long)", "1e300", c.call((void *)scenario_to_string));
  MTF(INFO, infonote, "[scenario] std::stod + std::stoi", "800-digits", c.call((void *)scenario_stod));
  MTF(INFO, infonote, "[scenario] std::cout << str << double << int << endl", "-",
      c.call((void *)scenario_cout_line));
  (void)CB;
}

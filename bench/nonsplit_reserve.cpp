// bench/nonsplit_reserve.cpp: how much stack do uninstrumented library calls use?
//
// Each operation runs on a fresh 1 MiB ucontext stack filled with a pattern;
// the lowest overwritten byte gives its peak use. The largest figure sizes
// MORESTACK_NONSPLIT_RESERVE_DEFAULT (include/morestack/abi.h). Built
// without the plugin: this measures the libraries, not our prologues.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <locale>
#include <netdb.h>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <ucontext.h>
#include <vector>

namespace {

constexpr size_t kStack = 1 << 20;
constexpr unsigned char kPattern = 0xcd;
ucontext_t caller, callee;
void (*op)();

void trampoline() { op(); }

size_t measure(void (*fn)()) {
  static std::vector<unsigned char> stack(kStack);
  memset(stack.data(), kPattern, kStack);
  op = fn;
  getcontext(&callee);
  callee.uc_stack.ss_sp = stack.data();
  callee.uc_stack.ss_size = kStack;
  callee.uc_link = &caller;
  makecontext(&callee, trampoline, 0);
  swapcontext(&caller, &callee);
  size_t i = 0;
  while (i < kStack && stack[i] == kPattern) ++i;
  return kStack - i;
}

volatile double sink_d = 3.14159265358979;
char out[512];

struct Op {
  const char *name;
  void (*fn)();
};

const Op ops[] = {
    {"snprintf %d", [] { snprintf(out, sizeof out, "%d", 42); }},
    {"snprintf %.17g", [] { snprintf(out, sizeof out, "%.17g", sink_d); }},
    {"snprintf %Lf (1e300L)", [] { snprintf(out, sizeof out, "%Lf", (long double)1e300L); }},
    {"printf to stdout", [] { printf("%s", ""); fflush(stdout); }},
    {"strtod", [] { sink_d = strtod("2.2250738585072011e-308", nullptr); }},
    {"malloc+free 1 MiB", [] { free(malloc(1 << 20)); }},
    {"qsort 1000 ints", [] {
       static int v[1000];
       for (int i = 0; i < 1000; ++i) v[i] = (i * 7919) % 1000;
       qsort(v, 1000, sizeof v[0], [](const void *a, const void *b) { return *(const int *)a - *(const int *)b; });
     }},
    {"std::to_string(double)", [] { std::string s = std::to_string(sink_d); out[0] = s[0]; }},
    {"ostringstream << double", [] { std::ostringstream o; o << sink_d; out[0] = o.str()[0]; }},
    {"std::cout << int", [] { std::cout << "" << std::flush; }},
    {"throw/catch runtime_error", [] {
       try { throw std::runtime_error("x"); } catch (const std::exception &e) { out[0] = e.what()[0]; }
     }},
    {"std::regex_match", [] { out[0] = std::regex_match("abc123", std::regex("[a-z]+[0-9]+")); }},
    {"getaddrinfo localhost", [] {
       addrinfo *res = nullptr;
       if (getaddrinfo("localhost", nullptr, nullptr, &res) == 0) freeaddrinfo(res);
     }},
};

} // namespace

int main() {
  size_t worst = 0;
  printf("| operation | first call (bytes) | later calls (bytes) |\n|---|---|---|\n");
  for (const Op &o : ops) {
    size_t first = measure(o.fn);  // lazy binding, locale, iostream, NSS set-up
    size_t later = measure(o.fn);
    worst = first > worst ? first : worst;
    worst = later > worst ? later : worst;
    printf("| %s | %zu | %zu |\n", o.name, first, later);
  }
  printf("\nlargest: %zu bytes\n", worst);
}

// Static data and helpers shared by the test files. No heap, no C++ runtime.
#pragma once
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <initializer_list>  // header only: no C++ runtime

#include "harness.h"

// Big scratch buffers (static: a test's setup must not allocate before a
// first call it measures, e.g. malloc's).
extern char g_A[1 << 20], g_B[1 << 20];
extern char g_long[65536];      // 65535 'x' and a NUL
extern char g_hay[65536];       // 65535 'a' and a NUL
extern char g_needle[128];      // 99 'a', 'b', NUL: forces strstr's long-needle path
extern char g_digits[2048];     // a decimal with ~800 significant digits
extern wchar_t g_wA[65536], g_wB[65536];
extern wchar_t g_wlong[16384];  // 16383 L'x' and a NUL
extern wchar_t g_w1000[1001];   // 1000 L'w'
void common_init();

// A temporary file path for this process ("/tmp/stackneeds-<pid>.d/<tag>");
// make_file creates it with `bytes` of `fill` (lines of 79 chars plus '\n'
// when lines), write_file with `content`.
const char *tmp_path(const char *tag);
const char *make_file(const char *tag, size_t bytes, char fill, bool lines);
const char *write_file(const char *tag, const char *content);

// Concatenation into a static pool (for variant names: no heap, no printf
// before a measured first call).
const char *str_cat(const char *a, const char *b, const char *c = "", const char *d = "");

// The helper library (libstackneeds-helper.so: a TLS variable and PLT
// probes), dlopen'ed with RTLD_LAZY from $STACKNEEDS_HELPER; null if absent.
void *helper();
void *helper_sym(const char *name);

// A va_list built by hand (x86-64 ABI: every argument in the overflow area),
// so that v*-functions get the same arguments as their variadic siblings.
struct VaTag {
  unsigned gp_offset, fp_offset;
  void *overflow_arg_area, *reg_save_area;
};
struct Args {  // either the call's own variadic arguments or a va_list
  Call *c;
  bool list;
  Args &i(uint64_t v);
  Args &p(const void *v) { return i((uint64_t)(uintptr_t)v); }
  Args &d(double v);
  Args &ld(long double v);
  void done();  // for a va_list: passes it as the next argument
};
Args args(Call &c, bool as_va_list);

#include "common.h"

#include <initializer_list>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

char g_A[1 << 20], g_B[1 << 20];
char g_long[65536];
char g_hay[65536];
char g_needle[128];
char g_digits[2048];
wchar_t g_wA[65536], g_wB[65536];
wchar_t g_wlong[16384];
wchar_t g_w1000[1001];

void common_init() {
  for (size_t i = 0; i + 1 < sizeof g_long; i++) g_long[i] = 'x';
  for (size_t i = 0; i + 1 < sizeof g_hay; i++) g_hay[i] = 'a';
  for (int i = 0; i < 99; i++) g_needle[i] = 'a';
  g_needle[99] = 'b';
  // 0.1234567890123...(800 digits)e-300: a slow strtod case (many digits,
  // exponent far from zero).
  size_t n = 0;
  g_digits[n++] = '0';
  g_digits[n++] = '.';
  for (int i = 0; i < 800; i++) g_digits[n++] = (char)('1' + i % 9);
  const char *e = "e-300";
  while (*e) g_digits[n++] = *e++;
  g_digits[n] = 0;
  for (size_t i = 0; i + 1 < sizeof g_wlong / sizeof(wchar_t); i++) g_wlong[i] = L'x';
  for (int i = 0; i < 1000; i++) g_w1000[i] = L'w';
}

const char *tmp_path(const char *tag) {
  // A directory per measuring process; the parent removes it when the
  // process has exited (harness.cpp, remove_tmp_dir).
  static char dir[64];
  if (!dir[0] || (int)getpid() != atoi(dir + 16)) {
    snprintf(dir, sizeof dir, "/tmp/stackneeds-%d.d", (int)getpid());
    mkdir(dir, 0700);
  }
  static char paths[8][128];
  static int next;
  char *p = paths[next++ & 7];
  snprintf(p, 128, "%s/%s", dir, tag);
  return p;
}

const char *make_file(const char *tag, size_t bytes, char fill, bool lines) {
  const char *p = tmp_path(tag);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  static char chunk[4000];
  for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (lines && i % 80 == 79) ? '\n' : fill;
  while (bytes) {
    size_t k = bytes < sizeof chunk ? bytes : sizeof chunk;
    if (write(fd, chunk, k) != (ssize_t)k) break;
    bytes -= k;
  }
  close(fd);
  return p;
}

const char *str_cat(const char *a, const char *b, const char *c, const char *d) {
  static char pool[1 << 17];
  static size_t used;
  char *p = pool + used;
  size_t n = 0;
  for (const char *s : {a, b, c, d})
    while (*s && used + n + 1 < sizeof pool) p[n++] = *s++;
  p[n++] = 0;
  used += n;
  return p;
}

void *helper() {
  static void *h;
  if (!h) {
    const char *lib = getenv("STACKNEEDS_HELPER");
    if (lib) h = dlopen(lib, RTLD_LAZY);
  }
  return h;
}

void *helper_sym(const char *name) {
  void *h = helper();
  return h ? dlsym(h, name) : nullptr;
}

const char *write_file(const char *tag, const char *content) {
  const char *p = tmp_path(tag);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  size_t n = strlen(content);
  while (n) {
    ssize_t w = write(fd, content, n);
    if (w <= 0) break;
    content += w;
    n -= (size_t)w;
  }
  close(fd);
  return p;
}

static VaTag g_va;
alignas(16) static uint64_t g_va_words[96];
static unsigned g_va_n;

Args args(Call &c, bool as_va_list) {
  if (as_va_list) g_va_n = 0;
  return Args{&c, as_va_list};
}

Args &Args::i(uint64_t v) {
  if (list) g_va_words[g_va_n++] = v;
  else c->i(v);
  return *this;
}

Args &Args::d(double v) {
  if (list) memcpy(&g_va_words[g_va_n++], &v, 8);
  else c->d(v);
  return *this;
}

Args &Args::ld(long double v) {
  if (list) {
    if (g_va_n & 1) g_va_words[g_va_n++] = 0;
    g_va_words[g_va_n] = g_va_words[g_va_n + 1] = 0;
    memcpy(&g_va_words[g_va_n], &v, 10);
    g_va_n += 2;
  } else {
    c->ld(v);
  }
  return *this;
}

void Args::done() {
  if (!list) return;
  g_va.gp_offset = 48;   // every register argument consumed:
  g_va.fp_offset = 176;  // va_arg reads the overflow area only
  g_va.overflow_arg_area = g_va_words;
  g_va.reg_save_area = nullptr;
  c->p(&g_va);
}

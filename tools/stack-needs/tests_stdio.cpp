// stdio: the printf and scanf families (narrow, wide, fortified, __isoc99_),
// syslog/warn/error, and the FILE functions.
//
// printf-family arguments: every format below runs as its own test (own
// process, so each one's first call is measured): long double %Lf up to
// LDBL_MAX, DBL_MAX, %a, positional arguments, 36 arguments, 64 KiB strings,
// wide strings, widths and precisions up to 900, the C.UTF-8 locale with
// grouping, %m. Streams: stdout (buffered, to /dev/null) and, for the
// fprintf family, stderr, which is unbuffered: glibc 2.36 then formats into
// a BUFSIZ buffer on the stack (8 KiB; 32 KiB for wide streams).
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <locale.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>
#include <wchar.h>

#include "common.h"

namespace {

// ---- printf family ---------------------------------------------------------

enum Prefix {
  P_NONE,         // printf(fmt, ...)
  P_FLAG,         // __printf_chk(flag, fmt, ...)
  P_FILE,         // fprintf(fp, fmt, ...)
  P_FILE_FLAG,    // __fprintf_chk(fp, flag, fmt, ...)
  P_BUF,          // sprintf(buf, fmt, ...)
  P_BUF_FLAG,     // __sprintf_chk(buf, flag, slen, fmt, ...)
  P_BUFN,         // snprintf(buf, n, fmt, ...)
  P_BUFN_FLAG,    // __snprintf_chk(buf, n, flag, slen, fmt, ...)
  P_PTR,          // asprintf(&p, fmt, ...)
  P_PTR_FLAG,     // __asprintf_chk(&p, flag, fmt, ...)
  P_FD,           // dprintf(fd, fmt, ...)
  P_FD_FLAG,      // __dprintf_chk(fd, flag, fmt, ...)
  P_PRI,          // syslog(pri, fmt, ...)
  P_PRI_FLAG,     // __syslog_chk(pri, flag, fmt, ...)
  P_ERROR,        // error(status, errnum, fmt, ...)
  P_ERROR_LINE,   // error_at_line(status, errnum, file, line, fmt, ...)
};

struct Form {
  const char *sym;
  Prefix prefix;
  bool va;    // takes a va_list
  bool wide;  // wchar_t format and output
  int dests;  // 0: no stream; 1: stdout; 2: a FILE (stderr or a buffered file)
};

const Form kForms[] = {
    {"printf", P_NONE, false, false, 1},
    {"vprintf", P_NONE, true, false, 1},
    {"__printf_chk", P_FLAG, false, false, 1},
    {"__vprintf_chk", P_FLAG, true, false, 1},
    {"fprintf", P_FILE, false, false, 2},
    {"vfprintf", P_FILE, true, false, 2},
    {"__fprintf_chk", P_FILE_FLAG, false, false, 2},
    {"__vfprintf_chk", P_FILE_FLAG, true, false, 2},
    {"sprintf", P_BUF, false, false, 0},
    {"vsprintf", P_BUF, true, false, 0},
    {"__sprintf_chk", P_BUF_FLAG, false, false, 0},
    {"__vsprintf_chk", P_BUF_FLAG, true, false, 0},
    {"snprintf", P_BUFN, false, false, 0},
    {"vsnprintf", P_BUFN, true, false, 0},
    {"__snprintf_chk", P_BUFN_FLAG, false, false, 0},
    {"__vsnprintf_chk", P_BUFN_FLAG, true, false, 0},
    {"asprintf", P_PTR, false, false, 0},
    {"vasprintf", P_PTR, true, false, 0},
    {"__asprintf_chk", P_PTR_FLAG, false, false, 0},
    {"__vasprintf_chk", P_PTR_FLAG, true, false, 0},
    {"dprintf", P_FD, false, false, 0},
    {"vdprintf", P_FD, true, false, 0},
    {"__dprintf_chk", P_FD_FLAG, false, false, 0},
    {"__vdprintf_chk", P_FD_FLAG, true, false, 0},
    {"wprintf", P_NONE, false, true, 1},
    {"vwprintf", P_NONE, true, true, 1},
    {"__wprintf_chk", P_FLAG, false, true, 1},
    {"__vwprintf_chk", P_FLAG, true, true, 1},
    {"fwprintf", P_FILE, false, true, 2},
    {"vfwprintf", P_FILE, true, true, 2},
    {"__fwprintf_chk", P_FILE_FLAG, false, true, 2},
    {"__vfwprintf_chk", P_FILE_FLAG, true, true, 2},
    {"swprintf", P_BUFN, false, true, 0},
    {"vswprintf", P_BUFN, true, true, 0},
    {"__swprintf_chk", P_BUFN_FLAG, false, true, 0},
    {"__vswprintf_chk", P_BUFN_FLAG, true, true, 0},
};
// Functions that format a message and write it elsewhere (fewer formats).
const Form kLogForms[] = {
    {"syslog", P_PRI, false, false, 0},
    {"vsyslog", P_PRI, true, false, 0},
    {"__syslog_chk", P_PRI_FLAG, false, false, 0},
    {"__vsyslog_chk", P_PRI_FLAG, true, false, 0},
    {"warn", P_NONE, false, false, 0},
    {"vwarn", P_NONE, true, false, 0},
    {"warnx", P_NONE, false, false, 0},
    {"vwarnx", P_NONE, true, false, 0},
    {"error", P_ERROR, false, false, 0},
    {"error_at_line", P_ERROR_LINE, false, false, 0},
};

struct Fmt {
  const char *name;
  const char *n;
  const wchar_t *w;
  void (*args)(Args &);
};

const Fmt kFmts[] = {
    {"ints-strings", "%d %s %c %x %p %lu %hhd %5.2s|\n", L"%d %s %c %x %p %lu %hhd %5.2s|\n",
     [](Args &a) { a.i(42).p("hello world").i('c').i(0xbeef).p(g_A).i(1234567890123ul).i(7).p("abc"); }},
    {"doubles", "%f %e %g %.17g %10.3f\n", L"%f %e %g %.17g %10.3f\n",
     [](Args &a) { a.d(1e300).d(1.5e-300).d(123.456).d(3.141592653589793).d(-2.5); }},
    {"long-double-1e300", "%Lf %Le %Lg\n", L"%Lf %Le %Lg\n", [](Args &a) { a.ld(1e300L).ld(1e300L).ld(1e300L); }},
    {"long-double-max", "%Lf\n", L"%Lf\n", [](Args &a) { a.ld(LDBL_MAX); }},
    {"double-max", "%f %.40e\n", L"%f %.40e\n", [](Args &a) { a.d(DBL_MAX).d(4.9406564584124654e-324); }},
    {"hex-float", "%a %La %A %.3a\n", L"%a %La %A %.3a\n", [](Args &a) { a.d(1e300).ld(1e4000L).d(0.1).d(3.14159); }},
    {"positional", "%3$s %1$d %2$Lf %1$d %4$g %5$ls\n", L"%3$s %1$d %2$Lf %1$d %4$g %5$ls\n",
     [](Args &a) { a.i(42).ld(1e300L).p("str").d(2.5).p(L"wide"); }},
    {"36-args",
     "%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d "
     "%f %f %f %f %f %f %f %f %f %f %f %f %s %s %s %s\n",
     L"%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d "
     L"%f %f %f %f %f %f %f %f %f %f %f %f %s %s %s %s\n",
     [](Args &a) {
       for (int k = 0; k < 20; k++) a.i(k * 1000003);
       for (int k = 0; k < 12; k++) a.d(k * 1e10 + 0.5);
       for (int k = 0; k < 4; k++) a.p("string");
     }},
    {"9000-char-string", "%s|%.100s|%-20s\n", L"%s|%.100s|%-20s\n",
     [](Args &a) { a.p(g_long + sizeof g_long - 9001).p(g_long).p("x"); }},
    {"wide-string", "%ls %lc %ls\n", L"%ls %lc %ls\n", [](Args &a) { a.p(g_w1000).i(L'w').p(L"short"); }},
    {"width-precision", "%*.*f %-*d %.*s %0*.*Lf\n", L"%*.*f %-*d %.*s %0*.*Lf\n",
     [](Args &a) { a.i(900).i(40).d(1.0 / 3).i(900).i(42).i(500).p(g_long).i(300).i(100).ld(1e200L); }},
    {"utf8-grouping", "%'d %'.3f %ls %lc\n", L"%'d %'.3f %ls %lc\n",
     [](Args &a) { a.i(1234567).d(1234567.891).p(L"\u00e9t\u00e9 \u65e5\u672c").i(L'\u00e9'); }},
    {"errno-%m", "%m %d\n", L"%m %d\n", [](Args &a) { a.i(42); }},
};
constexpr int kNFmts = sizeof kFmts / sizeof kFmts[0];
constexpr int kFmtLongDoubleMax = 3;

FILE *g_nullf;
char *g_asp;
bool g_unbuffered_set;

// param: form index << 8 | fmt index << 1 | alternate destination
template <const Form *Table>
void printf_setup(Call &c) {
  const Form &f = Table[c.param >> 8];
  const Fmt &m = kFmts[(c.param >> 1) & 127];
  bool alt = c.param & 1;
  if (!strcmp(m.name, "utf8-grouping")) setlocale(LC_ALL, "C.UTF-8");
  if (!strcmp(m.name, "errno-%m")) errno = EINVAL;
  if (f.dests == 1 && alt && !g_unbuffered_set) {
    setvbuf(stdout, nullptr, _IONBF, 0);
    g_unbuffered_set = true;
  }
  FILE *fp = stderr;
  if (f.dests == 2 && alt) {
    if (!g_nullf) g_nullf = fopen("/dev/null", "w");
    fp = g_nullf;
  }
  const size_t cap = f.wide ? sizeof g_wA / sizeof(wchar_t) : sizeof g_A;
  void *buf = f.wide ? (void *)g_wA : (void *)g_A;
  switch (f.prefix) {
    case P_NONE: break;
    case P_FLAG: c.i(1); break;
    case P_FILE: c.p(fp); break;
    case P_FILE_FLAG: c.p(fp).i(1); break;
    case P_BUF: c.p(buf); break;
    case P_BUF_FLAG: c.p(buf).i(1).i(cap); break;
    case P_BUFN: c.p(buf).i(cap); break;
    case P_BUFN_FLAG: c.p(buf).i(cap).i(1).i(cap); break;
    case P_PTR: c.p(&g_asp); break;
    case P_PTR_FLAG: c.p(&g_asp).i(1); break;
    case P_FD: c.i(1); break;
    case P_FD_FLAG: c.i(1).i(1); break;
    case P_PRI: c.i(LOG_USER | LOG_INFO); break;
    case P_PRI_FLAG: c.i(LOG_USER | LOG_INFO).i(1); break;
    case P_ERROR: c.i(0).i(EINVAL); break;
    case P_ERROR_LINE: c.i(0).i(EINVAL).p("file.c").i(123); break;
  }
  if (f.wide) c.p(m.w);
  else c.p(m.n);
  Args a = args(c, f.va);
  m.args(a);
  a.done();
}

void printf_teardown(Call &) {
  free(g_asp);
  g_asp = nullptr;
}

// ---- scanf family ----------------------------------------------------------

enum ScanSrc { S_STR, S_FILE, S_STDIN };
struct ScanForm {
  const char *sym;
  ScanSrc src;
  bool va, wide;
};
const ScanForm kScanForms[] = {
    {"sscanf", S_STR, false, false},          {"__isoc99_sscanf", S_STR, false, false},
    {"vsscanf", S_STR, true, false},          {"__isoc99_vsscanf", S_STR, true, false},
    {"fscanf", S_FILE, false, false},         {"__isoc99_fscanf", S_FILE, false, false},
    {"vfscanf", S_FILE, true, false},         {"__isoc99_vfscanf", S_FILE, true, false},
    {"scanf", S_STDIN, false, false},         {"__isoc99_scanf", S_STDIN, false, false},
    {"vscanf", S_STDIN, true, false},         {"__isoc99_vscanf", S_STDIN, true, false},
    {"swscanf", S_STR, false, true},          {"__isoc99_swscanf", S_STR, false, true},
    {"vswscanf", S_STR, true, true},          {"__isoc99_vswscanf", S_STR, true, true},
    {"fwscanf", S_FILE, false, true},         {"__isoc99_fwscanf", S_FILE, false, true},
    {"vfwscanf", S_FILE, true, true},         {"__isoc99_vfwscanf", S_FILE, true, true},
    {"wscanf", S_STDIN, false, true},         {"__isoc99_wscanf", S_STDIN, false, true},
    {"vwscanf", S_STDIN, true, true},         {"__isoc99_vwscanf", S_STDIN, true, true},
};

int g_si, g_sn;
long g_sl;
unsigned g_su;
char g_sc;
double g_sd[3];
long double g_sld;
char *g_sp[2];
char g_floats_in[4096];

struct ScanFmt {
  const char *name;
  const char *n;
  const wchar_t *w;
  const char *input;
  void (*args)(Args &);
};
const ScanFmt kScanFmts[] = {
    {"ints-strings", "%d %ld %x %s %c %5[a-z] %n", L"%d %ld %x %s %c %5[a-z] %n",
     "12345 -9876543210 beef hello x abcde ",
     [](Args &a) { a.p(&g_si).p(&g_sl).p(&g_su).p(g_A).p(&g_sc).p(g_B).p(&g_sn); }},
    {"floats-800-digits", "%lf %lf %Lf %lf", L"%lf %lf %Lf %lf", g_floats_in,
     [](Args &a) { a.p(&g_sd[0]).p(&g_sd[1]).p(&g_sld).p(&g_sd[2]); }},
    {"64KiB-string", "%65535s %n", L"%65535s %n", g_long, [](Args &a) { a.p(g_A).p(&g_sn); }},
    {"64KiB-scanset", "%[^\n]%n", L"%[^\n]%n", g_long, [](Args &a) { a.p(g_A).p(&g_sn); }},
    {"malloc-%ms", "%ms %m[a-z]", L"%ms %m[a-z]", "hello abc", [](Args &a) { a.p(&g_sp[0]).p(&g_sp[1]); }},
    {"positional", "%2$d %1$s", L"%2$d %1$s", "42 word", [](Args &a) { a.p(g_A).p(&g_si); }},
};
constexpr int kNScanFmts = sizeof kScanFmts / sizeof kScanFmts[0];

FILE *g_scan_file;
FILE *g_saved_stdin;

void widen(const char *s, wchar_t *w) {
  while ((*w++ = (unsigned char)*s++)) {
  }
}

void scanf_setup(Call &c) {
  const ScanForm &f = kScanForms[c.param >> 8];
  const ScanFmt &m = kScanFmts[c.param & 255];
  const char *in = m.input;
  switch (f.src) {
    case S_STR:
      if (f.wide) { widen(in, g_wB); c.p(g_wB); }
      else c.p(in);
      break;
    case S_FILE:  // a real file: fmemopen streams cannot become wide-oriented
      g_scan_file = fopen(write_file("scan", in), "r");
      c.p(g_scan_file);
      break;
    case S_STDIN:
      g_saved_stdin = stdin;
      g_scan_file = fopen(write_file("scan", in), "r");
      stdin = g_scan_file;
      break;
  }
  if (f.wide) c.p(m.w);
  else c.p(m.n);
  Args a = args(c, f.va);
  m.args(a);
  a.done();
}

void scanf_teardown(Call &c) {
  const ScanForm &f = kScanForms[c.param >> 8];
  if (g_scan_file) fclose(g_scan_file);
  g_scan_file = nullptr;
  if (f.src == S_STDIN) stdin = g_saved_stdin;
  free(g_sp[0]);
  free(g_sp[1]);
  g_sp[0] = g_sp[1] = nullptr;
}

// ---- FILE helpers ----------------------------------------------------------
FILE *g_fp;
char *g_line;
size_t g_linecap;

FILE *open_input(const char *tag, size_t bytes, bool lines) {
  return fopen(make_file(tag, bytes, 'y', lines), "r");
}
void close_fp() {
  if (g_fp) fclose(g_fp);
  g_fp = nullptr;
}

}  // namespace

void register_stdio() {
  // printf family
  for (int fi = 0; fi < (int)(sizeof kForms / sizeof kForms[0]); fi++) {
    const Form &f = kForms[fi];
    for (int m = 0; m < kNFmts; m++) {
      const char *dest = f.dests == 1 ? "stdout:" : f.dests == 2 ? "stderr-unbuffered:" : "";
      reg(f.sym, str_cat(dest, kFmts[m].name), printf_setup<kForms>, printf_teardown, 0, nullptr,
          (fi << 8) | (m << 1));
    }
    if (f.dests) {  // the other destination, for comparison
      const char *dest = f.dests == 1 ? "stdout-unbuffered:" : "buffered-file:";
      reg(f.sym, str_cat(dest, kFmts[0].name), printf_setup<kForms>, printf_teardown, 0, nullptr, (fi << 8) | 1);
      reg(f.sym, str_cat(dest, kFmts[kFmtLongDoubleMax].name), printf_setup<kForms>, printf_teardown, 0, nullptr,
          (fi << 8) | (kFmtLongDoubleMax << 1) | 1);
    }
  }
  const int kLogFmts[] = {0, 2, 3, 8};
  for (int fi = 0; fi < (int)(sizeof kLogForms / sizeof kLogForms[0]); fi++)
    for (int m : kLogFmts)
      reg(kLogForms[fi].sym, kFmts[m].name, printf_setup<kLogForms>, printf_teardown, 0,
          fi < 4 ? "no /dev/log here: measured without a syslog daemon" : nullptr, (fi << 8) | (m << 1));

  // scanf family
  for (int fi = 0; fi < (int)(sizeof kScanForms / sizeof kScanForms[0]); fi++)
    for (int m = 0; m < kNScanFmts; m++)
      reg(kScanForms[fi].sym, kScanFmts[m].name, scanf_setup, scanf_teardown, 0, nullptr, (fi << 8) | m);

  // FILE functions
  MTT("fopen", "read", c.p(make_file("fo", 100, 'y', true)).p("r"), fclose((FILE *)c.rp()));
  MTT("fopen", "write-new", c.p(tmp_path("fw")).p("w"), fclose((FILE *)c.rp()); unlink(tmp_path("fw")));
  MTT("fopen", "append-ccs-utf8", c.p(tmp_path("fa")).p("a,ccs=UTF-8"), fclose((FILE *)c.rp()); unlink(tmp_path("fa")));
  MTT("fdopen", "read", c.i(open("/dev/null", O_RDONLY)).p("r"), fclose((FILE *)c.rp()));
  MTT("freopen", "read", g_fp = fopen("/dev/null", "w"); c.p(make_file("fr", 100, 'y', true)).p("r").p(g_fp),
      fclose((FILE *)c.rp()));
  MT("fclose", "write-pending-4000", g_fp = fopen(tmp_path("fc"), "w"); fwrite(g_long, 1, 4000, g_fp); c.p(g_fp));
  MT("fclose", "read", c.p(open_input("fcr", 100, true)));
  MT("fflush", "stdout-pending", fwrite(g_long, 1, 1000, stdout); c.p(stdout));
  MTT("fflush", "all-streams", for (int k = 0; k < 4; k++) c.user[k] = fopen("/dev/null", "w");
      for (int k = 0; k < 4; k++) fputs("data", (FILE *)c.user[k]); c.p(nullptr),
      for (int k = 0; k < 4; k++) fclose((FILE *)c.user[k]));
  MTT("fread", "1MiB-first", g_fp = open_input("frd", 1 << 20, false); c.p(g_A).i(1).i(1 << 20).p(g_fp), close_fp());
  MTT("fread", "100B", g_fp = open_input("frs", 1000, false); c.p(g_A).i(1).i(100).p(g_fp), close_fp());
  MTT("fread_unlocked", "100B", g_fp = open_input("fru", 1000, false); c.p(g_A).i(1).i(100).p(g_fp), close_fp());
  MTT("__fread_chk", "100B", g_fp = open_input("frc", 1000, false); c.p(g_A).i(sizeof g_A).i(1).i(100).p(g_fp),
      close_fp());
  MTT("fwrite", "64KiB", g_fp = fopen("/dev/null", "w"); c.p(g_long).i(1).i(65535).p(g_fp), close_fp());
  MTT("fwrite", "100B-first", g_fp = fopen("/dev/null", "w"); c.p(g_long).i(1).i(100).p(g_fp), close_fp());
  MT("fwrite", "stderr-unbuffered", c.p(g_long).i(1).i(100).p(stderr));
  MTT("fwrite_unlocked", "100B", g_fp = fopen("/dev/null", "w"); c.p(g_long).i(1).i(100).p(g_fp), close_fp());
  MTT("fgets", "lines", g_fp = open_input("fg", 10000, true); c.p(g_A).i(65536).p(g_fp), close_fp());
  MTT("fgets", "64KiB-line", g_fp = open_input("fgl", 70000, false); c.p(g_A).i(65536).p(g_fp), close_fp());
  MTT("fgets_unlocked", "lines", g_fp = open_input("fgu", 10000, true); c.p(g_A).i(65536).p(g_fp), close_fp());
  MTT("__fgets_chk", "lines", g_fp = open_input("fgc", 10000, true); c.p(g_A).i(sizeof g_A).i(65536).p(g_fp),
      close_fp());
  MT("fputs", "stdout-64KiB", c.p(g_long).p(stdout));
  MT("fputs", "stderr-unbuffered", c.p("short message\n").p(stderr));
  MT("fputs_unlocked", "stdout", c.p("short message\n").p(stdout));
  MT("puts", "64KiB", c.p(g_long));
  MT("puts", "short-first", c.p("hello"));
  MT("fputc", "stdout", c.i('x').p(stdout));
  MT("fputc", "stderr-unbuffered", c.i('x').p(stderr));
  MT("putc", "stdout", c.i('x').p(stdout));
  MT("_IO_putc", "stdout", c.i('x').p(stdout));
  MT("putchar", "first", c.i('x'));
  MT("putc_unlocked", "stdout", c.i('x').p(stdout));
  MT("putchar_unlocked", "stdout", c.i('x'));
  MT("__overflow", "stdout", c.p(stdout).i('x'));
  MTT("fgetc", "first", g_fp = open_input("gc", 100, true); c.p(g_fp), close_fp());
  MTT("getc", "first", g_fp = open_input("gc2", 100, true); c.p(g_fp), close_fp());
  MTT("_IO_getc", "first", g_fp = open_input("gc3", 100, true); c.p(g_fp), close_fp());
  MTT("getc_unlocked", "first", g_fp = open_input("gc4", 100, true); c.p(g_fp), close_fp());
  MTT("__uflow", "first", g_fp = open_input("gc5", 100, true); c.p(g_fp), close_fp());
  MTT("getchar", "stdin-first", g_saved_stdin = stdin; stdin = open_input("gch", 100, true),
      fclose(stdin); stdin = g_saved_stdin);
  MTT("ungetc", "after-read", g_fp = open_input("ug", 100, true); fgetc(g_fp); c.i('y').p(g_fp), close_fp());
  MTT("getline", "100KiB-line", g_fp = open_input("gl", 100000, false); c.p(&g_line).p(&g_linecap).p(g_fp),
      close_fp(); free(g_line); g_line = nullptr; g_linecap = 0);
  MTT("getline", "short-lines", g_fp = open_input("gls", 1000, true); c.p(&g_line).p(&g_linecap).p(g_fp),
      close_fp(); free(g_line); g_line = nullptr; g_linecap = 0);
  MTT("getdelim", "100KiB", g_fp = open_input("gd", 100000, false); c.p(&g_line).p(&g_linecap).i('\n').p(g_fp),
      close_fp(); free(g_line); g_line = nullptr; g_linecap = 0);
  MTT("__getdelim", "100KiB", g_fp = open_input("gd2", 100000, false); c.p(&g_line).p(&g_linecap).i('\n').p(g_fp),
      close_fp(); free(g_line); g_line = nullptr; g_linecap = 0);
  MTT("fseek", "read-stream", g_fp = open_input("fs", 10000, true); fgetc(g_fp); c.p(g_fp).i(5000).i(SEEK_SET),
      close_fp());
  MTT("fseeko", "write-stream", g_fp = fopen(tmp_path("fso"), "w"); fputs("abc", g_fp); c.p(g_fp).i(0).i(SEEK_END),
      close_fp(); unlink(tmp_path("fso")));
  MTT("ftell", "read-stream", g_fp = open_input("ft", 10000, true); fgetc(g_fp); c.p(g_fp), close_fp());
  MTT("ftello", "read-stream", g_fp = open_input("fto", 10000, true); fgetc(g_fp); c.p(g_fp), close_fp());
  MTT("rewind", "read-stream", g_fp = open_input("rw", 10000, true); fgetc(g_fp); c.p(g_fp), close_fp());
  static fpos_t pos;
  MTT("fgetpos", "read-stream", g_fp = open_input("gp", 10000, true); fgetc(g_fp); c.p(g_fp).p(&pos), close_fp());
  MTT("fsetpos", "read-stream", g_fp = open_input("sp", 10000, true); fgetc(g_fp); fgetpos(g_fp, &pos);
      c.p(g_fp).p(&pos), close_fp());
  MT("feof", "stdout", c.p(stdout));
  MT("ferror", "stdout", c.p(stdout));
  MT("clearerr", "stdout", c.p(stdout));
  MT("fileno", "stdout", c.p(stdout));
  MTT("setvbuf", "full-8KiB", g_fp = fopen("/dev/null", "w"); c.p(g_fp).p(nullptr).i(_IOFBF).i(8192), close_fp());
  MTT("setbuf", "unbuffered", g_fp = fopen("/dev/null", "w"); c.p(g_fp).p(nullptr), close_fp());
  MTT("setlinebuf", "file", g_fp = fopen("/dev/null", "w"); c.p(g_fp), close_fp());
  MT("flockfile", "stdout", c.p(stdout));
  MTT("funlockfile", "stdout", flockfile(stdout); c.p(stdout), (void)0);
  MTT("ftrylockfile", "stdout", c.p(stdout), funlockfile(stdout));
  MT("__fpending", "stdout", c.p(stdout));
  MT("__fpurge", "stdout", fputs("abc", stdout); c.p(stdout));
  MTT("tmpfile", "first", (void)0, fclose((FILE *)c.rp()));
  MT("perror", "stderr-unbuffered", errno = ENOENT; c.p("some/file"));
  MT("remove", "file", c.p(make_file("rm", 10, 'y', false)));
  MTT("rename", "file", c.p(make_file("rn1", 10, 'y', false)).p(tmp_path("rn2")), unlink(tmp_path("rn2")));
  MTT("fmemopen", "w+", c.p(g_A).i(4096).p("w+"), fclose((FILE *)c.rp()));
  static char *msp;
  static size_t msn;
  MTT("open_memstream", "first", c.p(&msp).p(&msn), fclose((FILE *)c.rp()); free(msp));
  MTT("popen", "true", c.p("true").p("r"), pclose((FILE *)c.rp()));
  MT("pclose", "true", c.p(popen("true", "r")));
  // wide streams
  MT("fputws", "stdout-1000", c.p(g_w1000).p(stdout));
  MT("fputws", "stderr-unbuffered", c.p(L"short message\n").p(stderr));
  MTT("fgetws", "lines", g_fp = open_input("fgw", 10000, true); c.p(g_wA).i(65536).p(g_fp), close_fp());
  MT("fputwc", "stdout", c.i(L'x').p(stdout));
  MT("putwc", "stdout", c.i(L'x').p(stdout));
  MT("putwchar", "stdout", c.i(L'x'));
  MTT("fgetwc", "first", g_fp = open_input("gwc", 100, true); c.p(g_fp), close_fp());
  MTT("getwc", "first", g_fp = open_input("gwc2", 100, true); c.p(g_fp), close_fp());
  MTT("ungetwc", "after-read", g_fp = open_input("uwc", 100, true); fgetwc(g_fp); c.i(L'y').p(g_fp), close_fp());
  MTT("fwide", "set-wide", g_fp = fopen("/dev/null", "w"); c.p(g_fp).i(1), close_fp());
}

void stdio_init() {
  // "%lf %lf %Lf %lf" input: 800 digits, the smallest subnormal, ~LDBL_MAX
  // with 800 digits, a hex float.
  char *p = g_floats_in;
  auto put = [&p](const char *s) { while (*s) *p++ = *s++; };
  put(g_digits);
  put(" 4.9406564584124654e-324 ");
  put("1.");
  put(g_digits + 2);  // digits only, without "0."
  p -= 5;             // drop its "e-300"
  put("e+4932 0x1.fffffffffffffp+1023");
  *p = 0;
}

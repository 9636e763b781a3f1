// glibc (libc.so.6, ld.so) other than stdio: string.h, stdlib.h, malloc,
// time, locale, ctype, wchar, system call wrappers, sockets, pthread,
// setjmp/longjmp, regex, iconv, dlfcn, netdb, pwd/grp, and functions that
// never return. Arguments aim at each function's deepest realistic path;
// see README.md.
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <err.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <grp.h>
#include <iconv.h>
#include <ifaddrs.h>
#include <langinfo.h>
#include <link.h>
#include <locale.h>
#include <malloc.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <regex.h>
#include <sched.h>
#include <search.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <uchar.h>
#include <ucontext.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>
#include <wordexp.h>

#include "common.h"

extern char **environ;
extern "C" void __longjmp_chk(struct __jmp_buf_tag *, int) __attribute__((noreturn));
extern "C" void __stack_chk_fail(void) __attribute__((noreturn));
extern "C" void __chk_fail(void) __attribute__((noreturn));
extern "C" char *__xpg_strerror_r(int, char *, size_t);

namespace {

// Callbacks handed to the library: leaves that touch no stack, so the
// measured need is the library's own (plus the callback's return address).
int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
int cmp_big(const void *a, const void *b) { return cmp_int(a, b); }
int cmp_r(const void *a, const void *b, void *) { return cmp_int(a, b); }
void noop_void() {}
void noop_ptr(void *) {}
void noop_walk(const void *, VISIT, int) {}
int phdr_cb(struct dl_phdr_info *, size_t, void *) { return 0; }

int g_ints[200000];
struct Big {
  int key;
  char pad[60];
};
Big g_bigs[5000];
void fill_ints(int n) {
  unsigned x = 12345;
  for (int k = 0; k < n; k++) g_ints[k] = (int)((x = x * 1103515245u + 12345u) >> 8);
}

// ---- malloc helpers --------------------------------------------------------
void *g_ptrs[4096];
void *g_p;
void free_p(Call &) {
  free(g_p);
  g_p = nullptr;
}

// ---- thread helpers ----------------------------------------------------------
pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
pthread_rwlock_t g_rw = PTHREAD_RWLOCK_INITIALIZER;
sem_t g_sem;
pthread_t g_helper;
volatile int g_stop, g_ready;
pthread_mutex_t g_mu2;
pthread_mutex_t g_m;
pthread_mutexattr_t g_ma;
pthread_t g_t2;
pthread_key_t g_key;
pthread_attr_t g_attr;
pthread_spinlock_t g_spin;
struct ifaddrs *g_ifa;

void *signaler(void *) {  // keeps signalling g_cv until told to stop
  while (!g_stop) {
    pthread_mutex_lock(&g_mu);
    pthread_cond_signal(&g_cv);
    pthread_mutex_unlock(&g_mu);
    usleep(300);
  }
  return nullptr;
}
void *holder(void *) {  // holds g_mu for 2 ms
  pthread_mutex_lock(&g_mu);
  g_ready = 1;
  usleep(2000);
  pthread_mutex_unlock(&g_mu);
  return nullptr;
}
void *wrholder(void *) {  // holds g_rw for writing for 2 ms
  pthread_rwlock_wrlock(&g_rw);
  g_ready = 1;
  usleep(2000);
  pthread_rwlock_unlock(&g_rw);
  return nullptr;
}
void *poster(void *) {
  usleep(1000);
  sem_post(&g_sem);
  return nullptr;
}
void *short_lived(void *) {
  usleep(500);
  return nullptr;
}
void start_helper(void *(*fn)(void *)) {
  g_stop = 0;
  g_ready = 0;
  pthread_create(&g_helper, nullptr, fn, nullptr);
}
void wait_ready() {
  while (!g_ready) usleep(100);
}
void stop_helper() {
  g_stop = 1;
  pthread_join(g_helper, nullptr);
}
struct timespec g_ts;
struct timespec *abs_in(long ns, clockid_t clk = CLOCK_REALTIME) {
  clock_gettime(clk, &g_ts);
  g_ts.tv_nsec += ns;
  while (g_ts.tv_nsec >= 1000000000) { g_ts.tv_nsec -= 1000000000; g_ts.tv_sec++; }
  while (g_ts.tv_nsec < 0) { g_ts.tv_nsec += 1000000000; g_ts.tv_sec--; }
  return &g_ts;
}
pthread_once_t g_once[16];
int g_once_n;
pthread_key_t g_keys[40];
bool g_keys_made;

// ---- setjmp thunks (compiled here, run on the private stack) --------------
jmp_buf g_jb;
sigjmp_buf g_sjb;
void thunk_longjmp(void *) {
  if (!setjmp(g_jb)) { ms_repoison_below_here(); MARK_SP(); longjmp(g_jb, 1); }
}
void thunk__longjmp(void *) {
  if (!_setjmp(g_jb)) { ms_repoison_below_here(); MARK_SP(); _longjmp(g_jb, 1); }
}
void thunk_siglongjmp(void *) {
  if (!sigsetjmp(g_sjb, 1)) { ms_repoison_below_here(); MARK_SP(); siglongjmp(g_sjb, 1); }
}
void thunk_longjmp_chk(void *) {
  if (!sigsetjmp(g_sjb, 1)) { ms_repoison_below_here(); MARK_SP(); __longjmp_chk(g_sjb, 1); }
}

// ---- sockets ----------------------------------------------------------------
int g_listener = -1;
struct sockaddr_in g_laddr;
int g_sv[2];
int g_fd = -1, g_fd2 = -1;
void make_listener() {
  if (g_listener >= 0) return;
  g_listener = socket(AF_INET, SOCK_STREAM, 0);
  g_laddr.sin_family = AF_INET;
  g_laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(g_listener, (struct sockaddr *)&g_laddr, sizeof g_laddr);
  socklen_t l = sizeof g_laddr;
  getsockname(g_listener, (struct sockaddr *)&g_laddr, &l);
  listen(g_listener, 64);
}
int connected_client() {
  make_listener();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  connect(fd, (struct sockaddr *)&g_laddr, sizeof g_laddr);
  return fd;
}
void close_fds(Call &) {
  if (g_fd >= 0) close(g_fd);
  if (g_fd2 >= 0) close(g_fd2);
  g_fd = g_fd2 = -1;
}
void close_ret(Call &c) { close((int)c.ret_rax); }
void close_ret_and_fds(Call &c) {
  close((int)c.ret_rax);
  close_fds(c);
}
struct iovec g_iov[4];
void set_iov(int k, void *base, size_t len) { g_iov[k].iov_base = base; g_iov[k].iov_len = len; }
struct itimerspec g_its = {{0, 0}, {10, 0}};
struct msghdr g_msg;
struct sockaddr_in g_uaddr;
socklen_t g_alen;
fd_set g_rfds;
struct pollfd g_pfd[2];
void set_pfd(int k, int fd) { g_pfd[k].fd = fd; g_pfd[k].events = POLLIN; g_pfd[k].revents = 0; }
struct epoll_event g_ev[64];
struct stat g_st;
struct statx g_stx;
struct flock g_flock;
int g_int;

// ---- misc state ----------------------------------------------------------------
regex_t g_re;
regmatch_t g_rm[10];
iconv_t g_cd;
char *g_in, *g_out;
size_t g_inleft, g_outleft;
void *g_dl;
struct addrinfo *g_ai;
struct addrinfo g_hints;
struct passwd g_pw, *g_pwp;
struct group g_gr, *g_grp;
gid_t g_groups[64];
struct tm g_tm;
time_t g_t = 1700000000;
glob_t g_glob;
wordexp_t g_we;
void *g_bt[64];
int g_btn;
char *g_argv[] = {(char *)"prog", (char *)"-a", (char *)"-b", (char *)"val", (char *)"--long=x", (char *)"-q",
                  (char *)"file", nullptr};
char *g_true_argv[] = {(char *)"true", nullptr};
char *g_bogus_argv[] = {(char *)"prog", (char *)"--bogus", nullptr};
struct option g_longopts[] = {{"long", required_argument, nullptr, 'l'}, {nullptr, 0, nullptr, 0}};
void *g_tree;
int g_tkeys[1000];
struct dirent **g_namelist;
DIR *g_dir;
ucontext_t g_uc;
locale_t g_loc;
mbstate_t g_mbs;
const char *g_cp;
const wchar_t *g_wcp;
char16_t g_c16;
char32_t g_c32;
char *g_sptr;
unsigned short g_xsubi[3] = {1, 2, 3};
char g_rstate[256];
pid_t g_pid;

const char *kTZRule = "EST5EDT,M3.2.0/2,M11.1.0/2";

void in_utf8() { setlocale(LC_ALL, "C.UTF-8"); }

}  // namespace

void register_libc() {
  const unsigned CB = T_CALLBACK;
  const char *cbnote = "calls back into user code: own frames only (trivial callback)";

  // ---- string.h ----------------------------------------------------------------
  MT("memcpy", "64KiB-misaligned", c.p(g_A + 1).p(g_B + 3).i(65536));
  MT("memcpy", "1MiB", c.p(g_A).p(g_B).i(sizeof g_A));
  MT("memmove", "overlap-up", c.p(g_A + 7).p(g_A).i(65536));
  MT("memmove", "overlap-down", c.p(g_A).p(g_A + 7).i(65536));
  MT("memset", "64KiB", c.p(g_A + 3).i(1).i(65536));
  MT("memset", "1MiB", c.p(g_A).i(0).i(sizeof g_A));
  MT("bzero", "64KiB", c.p(g_A).i(65536));
  MT("explicit_bzero", "4KiB", c.p(g_A).i(4096));
  MT("mempcpy", "64KiB", c.p(g_A).p(g_long).i(65535));
  MT("memcmp", "64KiB-equal", memcpy(g_A, g_long, 65536); c.p(g_A).p(g_long).i(65536));
  MT("bcmp", "64KiB-equal", memcpy(g_A, g_long, 65536); c.p(g_A).p(g_long).i(65536));
  MT("memchr", "64KiB-miss", c.p(g_long).i('z').i(65535));
  MT("memrchr", "64KiB-miss", c.p(g_long).i('z').i(65535));
  MT("rawmemchr", "64KiB", c.p(g_long).i(0));
  MT("memmem", "long-needle", c.p(g_hay).i(65535).p(g_needle).i(100));
  MT("strlen", "64KiB", c.p(g_long));
  MT("strnlen", "64KiB", c.p(g_long).i(70000));
  MT("strcpy", "64KiB", c.p(g_A).p(g_long));
  MT("stpcpy", "64KiB", c.p(g_A).p(g_long));
  MT("strncpy", "64KiB-pad", c.p(g_A).p(g_long).i(100000));
  MT("stpncpy", "64KiB-pad", c.p(g_A).p(g_long).i(100000));
  MT("strcat", "64KiB", strcpy(g_A, "abc"); c.p(g_A).p(g_long));
  MT("strncat", "64KiB", strcpy(g_A, "abc"); c.p(g_A).p(g_long).i(70000));
  MT("strcmp", "64KiB-equal", strcpy(g_A, g_long); c.p(g_A).p(g_long));
  MT("strncmp", "64KiB-equal", strcpy(g_A, g_long); c.p(g_A).p(g_long).i(65536));
  MT("strcasecmp", "64KiB-equal", strcpy(g_A, g_long); c.p(g_A).p(g_long));
  MT("strcasecmp", "C.UTF-8", in_utf8(); strcpy(g_A, g_long); c.p(g_A).p(g_long));
  MT("strncasecmp", "64KiB-equal", strcpy(g_A, g_long); c.p(g_A).p(g_long).i(65536));
  MT("strchr", "64KiB-miss", c.p(g_long).i('z'));
  MT("strrchr", "64KiB", c.p(g_long).i('x'));
  MT("strchrnul", "64KiB-miss", c.p(g_long).i('z'));
  MT("strstr", "long-needle", c.p(g_hay).p(g_needle));
  MT("strstr", "short-needle", c.p(g_hay).p("aab"));
  MT("strcasestr", "long-needle", c.p(g_hay).p(g_needle));
  MT("strspn", "64KiB", c.p(g_long).p("xyz"));
  MT("strspn", "large-set", c.p(g_long).p("abcdefghijklmnopqrstuvwxyz0123456789"));
  MT("strcspn", "64KiB", c.p(g_long).p("abc"));
  MT("strcspn", "large-set", c.p(g_long).p("abcdefghijklmnopqrstuvwyz0123456789"));
  MT("strpbrk", "64KiB-miss", c.p(g_long).p("abcdefghij"));
  MT("strtok", "text", strcpy(g_A, "a,b c;d e,f g h i j k l m n o p"); c.p(g_A).p(" ,;"));
  MT("strtok_r", "text", strcpy(g_A, "a,b c;d e,f g h"); c.p(g_A).p(" ,;").p(&g_sptr));
  MT("strsep", "text", strcpy(g_A, "a,b c;d e,f g h"); g_sptr = g_A; c.p(&g_sptr).p(" ,;"));
  MTT("strdup", "64KiB", c.p(g_long), free(c.rp()));
  MTT("strndup", "64KiB", c.p(g_long).i(65535), free(c.rp()));
  MT("strerror", "EINVAL", c.i(EINVAL));
  MT("strerror", "unknown", c.i(12345));
  MT("strerror", "C.UTF-8", in_utf8(); c.i(ENOENT));
  MT("strerror_r", "unknown", c.i(12345).p(g_A).i(256));
  MT("__xpg_strerror_r", "EINVAL", c.i(EINVAL).p(g_A).i(256));
  MT("strerror_l", "C.UTF-8", c.i(EINVAL).p(newlocale(LC_ALL_MASK, "C.UTF-8", nullptr)));
  MT("strerrorname_np", "EINVAL", c.i(EINVAL));
  MT("strsignal", "SIGINT", c.i(SIGINT));
  MT("strsignal", "unknown", c.i(99));
  MT("strcoll", "C", c.p(g_long).p(g_hay));
  MT("strcoll", "C.UTF-8", in_utf8(); c.p("h\u00e9llo w\u00f6rld").p("h\u00e9llo world"));
  MT("strxfrm", "C.UTF-8", in_utf8(); c.p(g_A).p("h\u00e9llo w\u00f6rld").i(4096));
  MT("strverscmp", "versions", c.p("libfoo-1.2.10.so").p("libfoo-1.2.9.so"));
  MT("__memcpy_chk", "64KiB", c.p(g_A).p(g_long).i(65536).i(sizeof g_A));
  MT("__memmove_chk", "64KiB", c.p(g_A + 7).p(g_A).i(65536).i(sizeof g_A));
  MT("__memset_chk", "64KiB", c.p(g_A).i(0).i(65536).i(sizeof g_A));
  MT("__mempcpy_chk", "64KiB", c.p(g_A).p(g_long).i(65536).i(sizeof g_A));
  MT("__strcpy_chk", "64KiB", c.p(g_A).p(g_long).i(sizeof g_A));
  MT("__stpcpy_chk", "64KiB", c.p(g_A).p(g_long).i(sizeof g_A));
  MT("__strncpy_chk", "64KiB", c.p(g_A).p(g_long).i(70000).i(sizeof g_A));
  MT("__stpncpy_chk", "64KiB", c.p(g_A).p(g_long).i(70000).i(sizeof g_A));
  MT("__strcat_chk", "64KiB", strcpy(g_A, "abc"); c.p(g_A).p(g_long).i(sizeof g_A));
  MT("__strncat_chk", "64KiB", strcpy(g_A, "abc"); c.p(g_A).p(g_long).i(70000).i(sizeof g_A));
  MT("__explicit_bzero_chk", "4KiB", c.p(g_A).i(4096).i(sizeof g_A));

  // ---- stdlib.h: conversions ------------------------------------------------
  MT("atoi", "digits", c.p("  -1234567"));
  MT("atol", "digits", c.p("  -1234567890123"));
  MT("atoll", "digits", c.p("  -1234567890123"));
  MT("atof", "800-digits", c.p(g_digits));
  for (const char *s : {"strtol", "strtoul", "strtoll", "strtoull", "strtoimax", "strtoumax", "strtoq", "strtouq"}) {
    reg(s, "base-10", [](Call &c) { c.p("  -123456789012345678901234567890").p(&g_sptr).i(10); });
    reg(s, "base-0-hex", [](Call &c) { c.p("0x7fffffffffffffff").p(&g_sptr).i(0); });
  }
  MT("__strtol_internal", "base-10", c.p("-123456789").p(&g_sptr).i(10).i(0));
  MT("strtol_l", "base-10", c.p("-123456789").p(&g_sptr).i(10).p(newlocale(LC_ALL_MASK, "C", nullptr)));
  // strtod family: each test tries several inputs (800 digits, subnormal,
  // overflow, hex, nan(...)) in one process.
  static const char *const kFloatInputs[] = {g_digits, "4.9406564584124654e-324", "1e400", "0x1.fffffffffffffp+1023",
                                             "nan(0x123)", "3.141592653589793238462643383279502884197"};
  const int nin = sizeof kFloatInputs / sizeof kFloatInputs[0];
  reg("strtod", "hard-inputs", [](Call &c) { c.p(kFloatInputs[c.sub]).p(&g_sptr); }, nullptr, 0, nullptr, 0, nin);
  reg("strtof", "hard-inputs", [](Call &c) { c.p(kFloatInputs[c.sub]).p(&g_sptr); }, nullptr, 0, nullptr, 0, nin);
  reg("strtold", "hard-inputs", [](Call &c) { c.p(kFloatInputs[c.sub]).p(&g_sptr).x87(); }, nullptr, 0, nullptr, 0,
      nin);
  reg("strtod", "C.UTF-8", [](Call &c) { in_utf8(); c.p(kFloatInputs[c.sub]).p(&g_sptr); }, nullptr, 0, nullptr, 0,
      nin);
  reg("__strtod_internal", "hard-inputs", [](Call &c) { c.p(kFloatInputs[c.sub]).p(&g_sptr).i(0); }, nullptr, 0,
      nullptr, 0, nin);
  MT("strtod_l", "800-digits", c.p(g_digits).p(&g_sptr).p(newlocale(LC_ALL_MASK, "C", nullptr)));
  MT("strtold", "ldbl-max-800-digits", c.p("1.1897314953572317650212638530309702051690633222946242004403237338917370e+4932")
                                           .p(&g_sptr).x87());
  MT("strfromd", "%.17g", c.p(g_A).i(256).p("%.17g").d(1e300));
  MT("strfroml", "%f-ldbl-max", c.p(g_A).i(65536).p("%f").ld(1.18973149535723176502e+4932L));
  MT("ecvt", "1e300", c.d(1e300).i(17).p(&g_int).p(&g_int));
  MT("fcvt", "1e300", c.d(1e300).i(17).p(&g_int).p(&g_int));
  MT("gcvt", "1e300", c.d(1e300).i(17).p(g_A));
  MT("qecvt", "ldbl", c.ld(1e4000L).i(17).p(&g_int).p(&g_int));
  MT("abs", "int", c.i(-5));
  MT("labs", "long", c.i(-5));
  MT("llabs", "long long", c.i(-5));
  MT("div", "int", c.i(17).i(5));
  MT("ldiv", "long", c.i(17).i(5));
  MT("lldiv", "long long", c.i(17).i(5));
  MT("imaxabs", "intmax", c.i(-5));

  // ---- stdlib.h: sort/search (callbacks) -------------------------------------
  reg("qsort", "200-ints-alloca", [](Call &c) { fill_ints(200); c.p(g_ints).i(200).i(4).p((void *)cmp_int); },
      nullptr, CB, cbnote);
  reg("qsort", "200000-ints-malloc", [](Call &c) { fill_ints(200000); c.p(g_ints).i(200000).i(4).p((void *)cmp_int); },
      nullptr, CB, cbnote);
  reg("qsort", "64-byte-elements-indirect",
      [](Call &c) {
        fill_ints(5000);
        for (int k = 0; k < 5000; k++) g_bigs[k].key = g_ints[k];
        c.p(g_bigs).i(5000).i(sizeof(Big)).p((void *)cmp_big);
      },
      nullptr, CB, cbnote);
  reg("qsort_r", "200000-ints", [](Call &c) { fill_ints(200000); c.p(g_ints).i(200000).i(4).p((void *)cmp_r).p(nullptr); },
      nullptr, CB, cbnote);
  reg("qsort_r", "200-ints", [](Call &c) { fill_ints(200); c.p(g_ints).i(200).i(4).p((void *)cmp_r).p(nullptr); },
      nullptr, CB, cbnote);
  static int key = 777;
  reg("bsearch", "200000-ints",
      [](Call &c) {
        for (int k = 0; k < 200000; k++) g_ints[k] = k;
        c.p(&key).p(g_ints).i(200000).i(4).p((void *)cmp_int);
      },
      nullptr, CB, cbnote);
  reg("lfind", "1000-ints", [](Call &c) { fill_ints(1000); c.p(&key).p(g_ints).p(&g_int).i(4).p((void *)cmp_int); },
      nullptr, CB, cbnote);
  reg("lsearch", "1000-ints",
      [](Call &c) { fill_ints(1000); g_int = 1000; c.p(&key).p(g_ints).p(&g_int).i(4).p((void *)cmp_int); }, nullptr,
      CB, cbnote);
  reg("tsearch", "1000-nodes",
      [](Call &c) {
        if (!g_tree)
          for (int k = 0; k < 1000; k++) { g_tkeys[k] = k * 7919 % 1000; tsearch(&g_tkeys[k], &g_tree, cmp_int); }
        static int nk;
        nk = 100000 + c.sub;
        c.p(&nk).p(&g_tree).p((void *)cmp_int);
      },
      nullptr, CB, cbnote);
  reg("tfind", "1000-nodes",
      [](Call &c) {
        if (!g_tree)
          for (int k = 0; k < 1000; k++) { g_tkeys[k] = k * 7919 % 1000; tsearch(&g_tkeys[k], &g_tree, cmp_int); }
        c.p(&g_tkeys[500]).p(&g_tree).p((void *)cmp_int);
      },
      nullptr, CB, cbnote);
  reg("tdelete", "1000-nodes",
      [](Call &c) {
        if (!g_tree)
          for (int k = 0; k < 1000; k++) { g_tkeys[k] = k * 7919 % 1000; tsearch(&g_tkeys[k], &g_tree, cmp_int); }
        tsearch(&g_tkeys[500], &g_tree, cmp_int);
        c.p(&g_tkeys[500]).p(&g_tree).p((void *)cmp_int);
      },
      nullptr, CB, cbnote);
  reg("twalk", "1000-nodes",
      [](Call &c) {
        if (!g_tree)
          for (int k = 0; k < 1000; k++) { g_tkeys[k] = k * 7919 % 1000; tsearch(&g_tkeys[k], &g_tree, cmp_int); }
        c.p(g_tree).p((void *)noop_walk);
      },
      nullptr, CB, cbnote);

  // ---- stdlib.h: environment, random, misc ------------------------------------
  MT("getenv", "PATH", c.p("PATH"));
  MT("getenv", "missing", c.p("NO_SUCH_VARIABLE_HERE"));
  MT("secure_getenv", "PATH", c.p("PATH"));
  MT("setenv", "new-64KiB-value", c.p("STACKNEEDS_VAR").p(g_long).i(1));
  MT("unsetenv", "existing", setenv("STACKNEEDS_VAR2", "x", 1); c.p("STACKNEEDS_VAR2"));
  MT("putenv", "new", static char kv[] = "STACKNEEDS_PUT=1"; c.p(kv));
  MT("clearenv", "all", (void)0);
  MT("rand", "first", (void)0);
  MT("srand", "seed", c.i(42));
  MT("rand_r", "seed", static unsigned s = 1; c.p(&s));
  MT("random", "first", (void)0);
  MT("srandom", "seed", c.i(42));
  MT("initstate", "256", c.i(42).p(g_rstate).i(256));
  MT("drand48", "first", (void)0);
  MT("lrand48", "first", (void)0);
  MT("mrand48", "first", (void)0);
  MT("srand48", "seed", c.i(42));
  MT("erand48", "xsubi", c.p(g_xsubi));
  MT("arc4random", "first", (void)0);
  MT("arc4random_buf", "4KiB", c.p(g_A).i(4096));
  MT("arc4random_uniform", "first", c.i(1000));
  MT("getrandom", "64B", c.p(g_A).i(64).i(0));
  MT("getentropy", "64B", c.p(g_A).i(64));
  MTT("mkstemp", "tmp", strcpy(g_A, "/tmp/stackneeds-XXXXXX"); c.p(g_A), close((int)c.ret_rax); unlink(g_A));
  MTT("mkostemp", "tmp", strcpy(g_A, "/tmp/stackneeds-XXXXXX"); c.p(g_A).i(O_CLOEXEC), close((int)c.ret_rax);
      unlink(g_A));
  MTT("mkdtemp", "tmp", strcpy(g_A, "/tmp/stackneeds-XXXXXX"); c.p(g_A), rmdir(g_A));
  MTT("realpath", "symlinks-malloc", c.p("/bin/../usr/./bin/sh").p(nullptr), free(c.rp()));
  MT("realpath", "symlinks-buffer", c.p("/lib64/../lib/x86_64-linux-gnu/libc.so.6").p(g_A));
  MT("__realpath_chk", "symlinks-buffer", c.p("/lib64/../lib/x86_64-linux-gnu/libc.so.6").p(g_A).i(4096));
  MT("system", "true", c.p("true"));
  MTT("posix_spawn", "/bin/true", c.p(&g_pid).p("/bin/true").p(nullptr).p(nullptr).p(g_true_argv).p(environ),
      waitpid(g_pid, nullptr, 0));
  MTT("posix_spawnp", "true-PATH", c.p(&g_pid).p("true").p(nullptr).p(nullptr).p(g_true_argv).p(environ),
      waitpid(g_pid, nullptr, 0));
  MTT("fork", "parent-side", (void)0, if (c.ret_rax == 0) _exit(0); waitpid((pid_t)c.ret_rax, nullptr, 0));
  MT("waitpid", "exited-child", pid_t p = fork(); if (p == 0) _exit(0); usleep(2000); c.i(p).p(&g_int).i(0));
  MT("wait", "exited-child", pid_t p = fork(); if (p == 0) _exit(0); usleep(2000); c.p(&g_int));
  const char *nsnote = "registers a callback (not called here); linked into the program from libc_nonshared.a";
  reg("atexit", "register", [](Call &c) { c.call((void *)&atexit).p((void *)noop_void); }, nullptr, CB | T_LOCAL, nsnote);
  reg("at_quick_exit", "register", [](Call &c) { c.call((void *)&at_quick_exit).p((void *)noop_void); }, nullptr,
      CB | T_LOCAL, nsnote);
  reg("pthread_atfork", "register",
      [](Call &c) { c.call((void *)&pthread_atfork).p((void *)noop_void).p((void *)noop_void).p((void *)noop_void); },
      nullptr, CB | T_LOCAL, nsnote);
  MTF(CB, "registers a callback (not called here)", "on_exit", "register", c.p((void *)noop_ptr).p(nullptr));
  reg("__cxa_atexit", "33rd-registration-allocates",
      [](Call &c) {
        static bool done;
        if (!done) for (int k = 0; k < 31; k++) atexit(noop_void);
        done = true;
        c.p((void *)noop_ptr).p(nullptr).p(nullptr);
      },
      nullptr, CB, "registers a callback (not called here)");
  MTF(CB, "registers a callback (not called here)", "__cxa_thread_atexit_impl", "register",
      c.p((void *)noop_ptr).p(g_A).p((void *)noop_void));
  MT("__cxa_finalize", "null-dso", c.p(nullptr));
  MT("mblen", "C.UTF-8", in_utf8(); c.p("\u00e9t\u00e9").i(4));
  MT("mbtowc", "C.UTF-8", in_utf8(); static wchar_t w; c.p(&w).p("\u65e5").i(4));
  MT("wctomb", "C.UTF-8", in_utf8(); c.p(g_A).i(0x65e5));
  MT("mbstowcs", "C.UTF-8-64KiB", in_utf8(); c.p(g_wA).p(g_long).i(65536));
  MT("wcstombs", "C.UTF-8-16K", in_utf8(); c.p(g_A).p(g_wlong).i(65536));
  MT("__mbstowcs_chk", "C.UTF-8-64KiB", in_utf8(); c.p(g_wA).p(g_long).i(65536).i(65536));
  MT("__wcstombs_chk", "C.UTF-8-16K", in_utf8(); c.p(g_A).p(g_wlong).i(65536).i(sizeof g_A));
  MT("getloadavg", "3", static double la[3]; c.p(la).i(3));
  MT("getauxval", "AT_HWCAP2", c.i(AT_HWCAP2));

  // ---- malloc ----------------------------------------------------------------
  const char *mfirst = "first";
  MT("malloc", mfirst, c.i(16));
  MTT("malloc", "1MiB-mmap", c.i(1 << 20), free(c.rp()));
  MTT("malloc", "100KiB-extend-heap", c.i(100000), free(c.rp()));
  reg("malloc", "each-call-in-a-new-thread (arena)", [](Call &c) { c.i(16); }, nullptr, T_THREAD_EACH);
  reg("malloc", "after-many-frees (consolidate)",
      [](Call &c) {
        for (int k = 0; k < 4096; k++) g_ptrs[k] = malloc(16 + (k % 64) * 24);
        for (int k = 0; k < 4096; k += 2) free(g_ptrs[k]);
        c.i(120000);
      },
      [](Call &c) {
        free(c.rp());
        for (int k = 1; k < 4096; k += 2) free(g_ptrs[k]);
      });
  reg("malloc", "2000-sizes", [](Call &c) { c.i(16 + c.sub * 97); }, [](Call &c) { free(c.rp()); }, 0, nullptr, 0, 64);
  MT("free", "small-tcache", c.p(malloc(32)));
  MT("free", "1MiB-munmap", c.p(malloc(1 << 20)));
  reg("free", "trim-heap-top",
      [](Call &c) {
        for (int k = 0; k < 16; k++) g_ptrs[k] = malloc(100000);
        for (int k = 0; k < 15; k++) free(g_ptrs[k]);
        c.p(g_ptrs[15]);
      });
  reg("free", "consolidate-fastbins",
      [](Call &c) {
        for (int k = 0; k < 2000; k++) g_ptrs[k] = malloc(24 + (k & 3) * 16);
        for (int k = 0; k < 2000; k += 2) free(g_ptrs[k]);
        g_ptrs[2000] = malloc(70000);
        for (int k = 1; k < 2000; k += 2) free(g_ptrs[k]);
        c.p(g_ptrs[2000]);
      });
  MT("free", "null", c.p(nullptr));
  reg("free", "other-thread-chunk", [](Call &c) { c.p(malloc(64)); }, nullptr, T_THREAD);
  MTT("calloc", "first", c.i(10).i(16), free(c.rp()));
  MTT("calloc", "100KiB", c.i(1000).i(100), free(c.rp()));
  MTT("calloc", "1MiB-mmap", c.i(1 << 10).i(1 << 10), free(c.rp()));
  MT("realloc", "grow-small-to-large", g_p = malloc(100); c.p(g_p).i(200000));
  MT("realloc", "grow-mmapped-mremap", g_p = malloc(1 << 20); c.p(g_p).i(4 << 20));
  MT("realloc", "shrink", g_p = malloc(100000); c.p(g_p).i(100));
  MTT("realloc", "null", c.p(nullptr).i(1000), free(c.rp()));
  MT("realloc", "to-zero", c.p(malloc(100)).i(0));
  MT("reallocarray", "grow", g_p = malloc(100); c.p(g_p).i(1000).i(200));
  MTT("aligned_alloc", "4096x1MiB", c.i(4096).i(1 << 20), free(c.rp()));
  MTT("aligned_alloc", "64x100", c.i(64).i(100), free(c.rp()));
  MTT("posix_memalign", "4096x100KiB", c.p(&g_p).i(4096).i(100000), free_p(c));
  MTT("memalign", "4096x100", c.i(4096).i(100), free(c.rp()));
  MTT("valloc", "100", c.i(100), free(c.rp()));
  MTT("pvalloc", "100", c.i(100), free(c.rp()));
  MT("malloc_usable_size", "small", c.p(malloc(100)));
  MT("malloc_trim", "after-frees",
     for (int k = 0; k < 64; k++) g_ptrs[k] = malloc(50000); for (int k = 0; k < 64; k++) free(g_ptrs[k]); c.i(0));
  MT("mallinfo2", "first", static struct mallinfo2 mi; c.p(&mi));
  MT("mallopt", "M_MMAP_THRESHOLD", c.i(M_MMAP_THRESHOLD).i(1 << 20));
  MT("malloc_stats", "stderr", (void)0);
  MTT("malloc_info", "file", c.i(0).p(fopen("/dev/null", "w")), fclose((FILE *)c.gpr[1]));

  // ---- time.h --------------------------------------------------------------------
  // Children run with TZ=Europe/Berlin (a zoneinfo file); variants use a POSIX
  // rule string and no TZ at all (/etc/localtime).
  for (int v = 0; v < 3; v++) {
    static const char *const names[] = {"TZ-file", "TZ-rule", "no-TZ-etc-localtime"};
    reg("localtime", names[v], [](Call &c) {
      if (c.param == 1) setenv("TZ", kTZRule, 1);
      if (c.param == 2) unsetenv("TZ");
      c.p(&g_t);
    }, nullptr, 0, nullptr, v);
    reg("localtime_r", names[v], [](Call &c) {
      if (c.param == 1) setenv("TZ", kTZRule, 1);
      if (c.param == 2) unsetenv("TZ");
      c.p(&g_t).p(&g_tm);
    }, nullptr, 0, nullptr, v);
    reg("mktime", names[v], [](Call &c) {
      if (c.param == 1) setenv("TZ", kTZRule, 1);
      if (c.param == 2) unsetenv("TZ");
      memset(&g_tm, 0, sizeof g_tm);
      g_tm.tm_year = 124; g_tm.tm_mon = 2; g_tm.tm_mday = 400; g_tm.tm_hour = -5; g_tm.tm_min = 150;
      g_tm.tm_isdst = -1;
      c.p(&g_tm);
    }, nullptr, 0, nullptr, v);
    reg("ctime", names[v], [](Call &c) {
      if (c.param == 1) setenv("TZ", kTZRule, 1);
      if (c.param == 2) unsetenv("TZ");
      c.p(&g_t);
    }, nullptr, 0, nullptr, v);
    reg("tzset", names[v], [](Call &c) {
      if (c.param == 1) setenv("TZ", kTZRule, 1);
      if (c.param == 2) unsetenv("TZ");
    }, nullptr, 0, nullptr, v);
    reg("strftime", names[v], [](Call &c) {
      if (c.param == 1) setenv("TZ", kTZRule, 1);
      if (c.param == 2) unsetenv("TZ");
      localtime_r(&g_t, &g_tm);
      c.p(g_A).i(4096).p("%c %x %X %Z %z %A %B %j %U %W %G %V %s %e %p %Ec %EY %Od %+ %D %T %F %R %r %%").p(&g_tm);
    }, nullptr, 0, nullptr, v);
  }
  MT("localtime_r", "C.UTF-8", in_utf8(); c.p(&g_t).p(&g_tm));
  MT("strftime", "C.UTF-8", in_utf8(); localtime_r(&g_t, &g_tm); c.p(g_A).i(4096).p("%c %x %X %A %B %Z %z").p(&g_tm));
  MT("strftime_l", "C.UTF-8", localtime_r(&g_t, &g_tm);
     c.p(g_A).i(4096).p("%c %x %X %A %B %Z %z").p(&g_tm).p(newlocale(LC_ALL_MASK, "C.UTF-8", nullptr)));
  MT("wcsftime", "all-fields", localtime_r(&g_t, &g_tm); c.p(g_wA).i(4096).p(L"%c %x %X %Z %z %A %B %j %G %V").p(&g_tm));
  MT("ctime_r", "TZ-file", c.p(&g_t).p(g_A));
  MT("gmtime", "now", c.p(&g_t));
  MT("gmtime_r", "now", c.p(&g_t).p(&g_tm));
  MT("timegm", "denormal-fields", memset(&g_tm, 0, sizeof g_tm); g_tm.tm_year = 124; g_tm.tm_mday = 400; c.p(&g_tm));
  MT("timelocal", "denormal-fields", memset(&g_tm, 0, sizeof g_tm); g_tm.tm_year = 124; g_tm.tm_mday = 400;
     g_tm.tm_isdst = -1; c.p(&g_tm));
  MT("asctime", "tm", gmtime_r(&g_t, &g_tm); c.p(&g_tm));
  MT("asctime_r", "tm", gmtime_r(&g_t, &g_tm); c.p(&g_tm).p(g_A));
  MT("strptime", "full", memset(&g_tm, 0, sizeof g_tm);
     c.p("2024-02-29 13:45:10 +0100 Thursday February").p("%Y-%m-%d %H:%M:%S %z %A %B").p(&g_tm));
  MT("strptime", "C.UTF-8-%c", in_utf8(); memset(&g_tm, 0, sizeof g_tm);
     c.p("Thu Feb 29 13:45:10 2024").p("%c").p(&g_tm));
  MT("difftime", "two", c.i(g_t).i(g_t - 100));
  MT("time", "null", c.p(nullptr));
  MT("gettimeofday", "tv", static struct timeval tv; c.p(&tv).p(nullptr));
  MT("clock_gettime", "REALTIME", static struct timespec ts; c.i(CLOCK_REALTIME).p(&ts));
  MT("clock_gettime", "MONOTONIC", static struct timespec ts; c.i(CLOCK_MONOTONIC).p(&ts));
  MT("clock_gettime", "THREAD_CPUTIME", static struct timespec ts; c.i(CLOCK_THREAD_CPUTIME_ID).p(&ts));
  MT("clock_getres", "MONOTONIC", static struct timespec ts; c.i(CLOCK_MONOTONIC).p(&ts));
  MT("clock", "first", (void)0);
  MT("times", "tms", static struct tms t; c.p(&t));
  MT("timespec_get", "UTC", static struct timespec ts; c.p(&ts).i(TIME_UTC));
  MT("nanosleep", "1us", static struct timespec ts = {0, 1000}; c.p(&ts).p(nullptr));
  MT("clock_nanosleep", "1us", static struct timespec ts = {0, 1000}; c.i(CLOCK_MONOTONIC).i(0).p(&ts).p(nullptr));
  MT("usleep", "1us", c.i(1));
  MT("sleep", "0", c.i(0));
  MT("alarm", "0", c.i(0));
  MT("setitimer", "disarm", static struct itimerval it; c.i(ITIMER_REAL).p(&it).p(nullptr));
  MT("getitimer", "real", static struct itimerval it; c.i(ITIMER_REAL).p(&it));

  // ---- locale --------------------------------------------------------------------
  MT("setlocale", "LC_ALL-C.UTF-8-first", c.i(LC_ALL).p("C.UTF-8"));
  MT("setlocale", "LC_ALL-env-LANG", setenv("LANG", "C.UTF-8", 1); c.i(LC_ALL).p(""));
  MT("setlocale", "missing-locale", c.i(LC_ALL).p("xx_YY.ISO-8859-15"));
  MT("setlocale", "query", c.i(LC_CTYPE).p(nullptr));
  MT("setlocale", "back-to-C", in_utf8(); c.i(LC_ALL).p("C"));
  MT("localeconv", "C", (void)0);
  MT("localeconv", "C.UTF-8", in_utf8());
  MTT("newlocale", "C.UTF-8", c.i(LC_ALL_MASK).p("C.UTF-8").p(nullptr), freelocale((locale_t)c.rp()));
  MTT("duplocale", "global", c.p(LC_GLOBAL_LOCALE), freelocale((locale_t)c.rp()));
  MT("freelocale", "C.UTF-8", c.p(newlocale(LC_ALL_MASK, "C.UTF-8", nullptr)));
  MT("uselocale", "C.UTF-8", if (!g_loc) g_loc = newlocale(LC_ALL_MASK, "C.UTF-8", nullptr); c.p(g_loc));
  MT("nl_langinfo", "CODESET", c.i(CODESET));
  MT("nl_langinfo_l", "C.UTF-8", c.i(D_T_FMT).p(newlocale(LC_ALL_MASK, "C.UTF-8", nullptr)));
  MT("__ctype_get_mb_cur_max", "C.UTF-8", in_utf8());

  // ---- ctype.h ---------------------------------------------------------------------
  for (const char *s : {"isalpha", "isdigit", "isspace", "isupper", "islower", "isalnum", "ispunct", "isprint",
                        "iscntrl", "isxdigit", "isgraph", "isblank", "isascii", "toupper", "tolower", "toascii"})
    reg(s, "char", [](Call &c) { c.i('a'); });
  for (const char *s : {"isalpha_l", "isspace_l", "toupper_l", "tolower_l"})
    reg(s, "C.UTF-8", [](Call &c) { c.i('a').p(newlocale(LC_ALL_MASK, "C.UTF-8", nullptr)); });
  MT("__ctype_b_loc", "first", (void)0);
  MT("__ctype_tolower_loc", "first", (void)0);
  MT("__ctype_toupper_loc", "first", (void)0);

  // ---- wchar.h / wctype.h ---------------------------------------------------------
  MT("wcslen", "16K", c.p(g_wlong));
  MT("wcsnlen", "16K", c.p(g_wlong).i(20000));
  MT("wcscpy", "16K", c.p(g_wA).p(g_wlong));
  MT("wcpcpy", "16K", c.p(g_wA).p(g_wlong));
  MT("wcsncpy", "16K", c.p(g_wA).p(g_wlong).i(20000));
  MT("wcscat", "16K", g_wA[0] = 0; c.p(g_wA).p(g_wlong));
  MT("wcsncat", "16K", g_wA[0] = 0; c.p(g_wA).p(g_wlong).i(20000));
  MT("wcscmp", "16K-equal", wcscpy(g_wA, g_wlong); c.p(g_wA).p(g_wlong));
  MT("wcsncmp", "16K-equal", wcscpy(g_wA, g_wlong); c.p(g_wA).p(g_wlong).i(20000));
  MT("wcscasecmp", "16K-equal", wcscpy(g_wA, g_wlong); c.p(g_wA).p(g_wlong));
  MT("wcschr", "16K-miss", c.p(g_wlong).i(L'z'));
  MT("wcsrchr", "16K", c.p(g_wlong).i(L'x'));
  MT("wcsstr", "long-needle", for (int k = 0; k < 16000; k++) g_wA[k] = L'a'; g_wA[16000] = 0;
     for (int k = 0; k < 99; k++) g_wB[k] = L'a'; g_wB[99] = L'b'; g_wB[100] = 0; c.p(g_wA).p(g_wB));
  MT("wcsspn", "16K", c.p(g_wlong).p(L"xyz"));
  MT("wcscspn", "16K", c.p(g_wlong).p(L"abc"));
  MT("wcspbrk", "16K-miss", c.p(g_wlong).p(L"abc"));
  MT("wcstok", "text", wcscpy(g_wA, L"a,b c;d e,f g"); static wchar_t *sp; c.p(g_wA).p(L" ,;").p(&sp));
  MTT("wcsdup", "16K", c.p(g_wlong), free(c.rp()));
  MT("wmemcpy", "16K", c.p(g_wA).p(g_wlong).i(16000));
  MT("wmemmove", "16K-overlap", c.p(g_wA + 3).p(g_wA).i(16000));
  MT("wmemset", "16K", c.p(g_wA).i(L'q').i(16000));
  MT("wmemcmp", "16K-equal", wmemcpy(g_wA, g_wlong, 16000); c.p(g_wA).p(g_wlong).i(16000));
  MT("wmemchr", "16K-miss", c.p(g_wlong).i(L'z').i(16000));
  MT("__wmemcpy_chk", "16K", c.p(g_wA).p(g_wlong).i(16000).i(65536));
  MT("__wmemset_chk", "16K", c.p(g_wA).i(L'q').i(16000).i(65536));
  MT("__wcscpy_chk", "16K", c.p(g_wA).p(g_wlong).i(65536));
  for (const char *s : {"wcstol", "wcstoul", "wcstoll", "wcstoull"})
    reg(s, "base-10", [](Call &c) { c.p(L"  -123456789012345678901234567890").p(&g_wcp).i(10); });
  reg("wcstod", "hard-inputs", [](Call &c) {
    static wchar_t w[2048];
    const char *in[] = {g_digits, "4.9406564584124654e-324", "0x1.fffffffffffffp+1023"};
    const char *s = in[c.sub];
    int k = 0;
    while ((w[k] = (unsigned char)s[k])) k++;
    c.p(w).p(&g_wcp);
  }, nullptr, 0, nullptr, 0, 3);
  reg("wcstof", "800-digits", [](Call &c) {
    static wchar_t w[2048];
    int k = 0;
    while ((w[k] = (unsigned char)g_digits[k])) k++;
    c.p(w).p(&g_wcp);
  });
  reg("wcstold", "800-digits", [](Call &c) {
    static wchar_t w[2048];
    int k = 0;
    while ((w[k] = (unsigned char)g_digits[k])) k++;
    c.p(w).p(&g_wcp).x87();
  });
  MT("wcrtomb", "C.UTF-8", in_utf8(); c.p(g_A).i(0x65e5).p(&g_mbs));
  MT("mbrtowc", "C.UTF-8", in_utf8(); static wchar_t w; c.p(&w).p("\u65e5").i(4).p(&g_mbs));
  MT("mbrlen", "C.UTF-8", in_utf8(); c.p("\u65e5").i(4).p(&g_mbs));
  MT("mbsrtowcs", "C.UTF-8-64KiB", in_utf8(); g_cp = g_long; c.p(g_wA).p(&g_cp).i(65536).p(&g_mbs));
  MT("mbsrtowcs", "C-64KiB", g_cp = g_long; c.p(g_wA).p(&g_cp).i(65536).p(&g_mbs));
  MT("mbsnrtowcs", "C.UTF-8-64KiB", in_utf8(); g_cp = g_long; c.p(g_wA).p(&g_cp).i(65535).i(65536).p(&g_mbs));
  MT("wcsrtombs", "C.UTF-8-16K", in_utf8(); g_wcp = g_wlong; c.p(g_A).p(&g_wcp).i(65536).p(&g_mbs));
  MT("wcsnrtombs", "C.UTF-8-16K", in_utf8(); g_wcp = g_wlong; c.p(g_A).p(&g_wcp).i(16000).i(65536).p(&g_mbs));
  MT("mbsinit", "state", c.p(&g_mbs));
  MT("btowc", "C.UTF-8", in_utf8(); c.i('a'));
  MT("wctob", "C.UTF-8", in_utf8(); c.i(L'a'));
  MT("wcwidth", "C.UTF-8-cjk", in_utf8(); c.i(0x65e5));
  MT("wcswidth", "C.UTF-8-1000", in_utf8(); c.p(g_w1000).i(1000));
  MT("wcscoll", "C.UTF-8", in_utf8(); c.p(L"h\u00e9llo w\u00f6rld").p(L"h\u00e9llo world"));
  MT("wcsxfrm", "C.UTF-8", in_utf8(); c.p(g_wA).p(L"h\u00e9llo w\u00f6rld").i(4096));
  MT("c16rtomb", "C.UTF-8", in_utf8(); c.p(g_A).i(0x65e5).p(&g_mbs));
  MT("mbrtoc16", "C.UTF-8", in_utf8(); c.p(&g_c16).p("\u65e5").i(4).p(&g_mbs));
  MT("c32rtomb", "C.UTF-8", in_utf8(); c.p(g_A).i(0x1f600).p(&g_mbs));
  MT("mbrtoc32", "C.UTF-8", in_utf8(); c.p(&g_c32).p("\U0001f600").i(4).p(&g_mbs));
  for (const char *s : {"iswalpha", "iswdigit", "iswspace", "iswupper", "iswlower", "iswalnum", "iswpunct", "iswprint",
                        "iswxdigit", "iswcntrl", "iswgraph", "iswblank", "towlower", "towupper"})
    reg(s, "C.UTF-8-cjk", [](Call &c) { in_utf8(); c.i(0x65e5); });
  MT("wctype", "alpha", c.p("alpha"));
  MT("iswctype", "alpha", in_utf8(); c.i(0x65e5).i(wctype("alpha")));
  MT("wctrans", "toupper", c.p("toupper"));
  MT("towctrans", "toupper", in_utf8(); c.i(0xe9).p(wctrans("toupper")));

  // ---- files and descriptors -------------------------------------------------------
  MTT("open", "read", c.p("/etc/hosts").i(O_RDONLY), close_ret(c));
  MTT("open", "create-mode", c.p(tmp_path("op")).i(O_CREAT | O_WRONLY | O_TRUNC).i(0644), close_ret(c);
      unlink(tmp_path("op")));
  MTT("open64", "read", c.p("/etc/hosts").i(O_RDONLY), close_ret(c));
  MTT("__open_2", "read", c.p("/etc/hosts").i(O_RDONLY), close_ret(c));
  MTT("openat", "read", c.i(AT_FDCWD).p("/etc/hosts").i(O_RDONLY), close_ret(c));
  MTT("creat", "tmp", c.p(tmp_path("cr")).i(0644), close_ret(c); unlink(tmp_path("cr")));
  MT("close", "file", c.i(open("/etc/hosts", O_RDONLY)));
  MTT("read", "64KiB-dev-zero", g_fd = open("/dev/zero", O_RDONLY); c.i(g_fd).p(g_A).i(65536), close_fds(c));
  MTT("__read_chk", "64KiB-dev-zero", g_fd = open("/dev/zero", O_RDONLY); c.i(g_fd).p(g_A).i(65536).i(sizeof g_A),
      close_fds(c));
  MTT("write", "64KiB-dev-null", g_fd = open("/dev/null", O_WRONLY); c.i(g_fd).p(g_long).i(65535), close_fds(c));
  MTT("pread", "64KiB", g_fd = open(make_file("pr", 70000, 'y', false), O_RDONLY); c.i(g_fd).p(g_A).i(65536).i(100),
      close_fds(c));
  MTT("pread64", "64KiB", g_fd = open(make_file("pr6", 70000, 'y', false), O_RDONLY); c.i(g_fd).p(g_A).i(65536).i(100),
      close_fds(c));
  MTT("pwrite", "4KiB", g_fd = open(tmp_path("pw"), O_CREAT | O_WRONLY, 0600); c.i(g_fd).p(g_long).i(4096).i(100),
      close_fds(c); unlink(tmp_path("pw")));
  MTT("readv", "4-iovecs", g_fd = open("/dev/zero", O_RDONLY);
      for (int k = 0; k < 4; k++) set_iov(k, g_A + k * 4096, 4096); c.i(g_fd).p(g_iov).i(4), close_fds(c));
  MTT("writev", "4-iovecs", g_fd = open("/dev/null", O_WRONLY);
      for (int k = 0; k < 4; k++) set_iov(k, g_long + k * 4096, 4096); c.i(g_fd).p(g_iov).i(4), close_fds(c));
  MTT("lseek", "file", g_fd = open("/etc/hosts", O_RDONLY); c.i(g_fd).i(10).i(SEEK_SET), close_fds(c));
  MT("stat", "file", c.p("/etc/hosts").p(&g_st));
  MT("lstat", "symlink", c.p("/bin").p(&g_st));
  MTT("fstat", "file", g_fd = open("/etc/hosts", O_RDONLY); c.i(g_fd).p(&g_st), close_fds(c));
  MT("fstatat", "file", c.i(AT_FDCWD).p("/etc/hosts").p(&g_st).i(0));
  MT("stat64", "file", c.p("/etc/hosts").p(&g_st));
  MT("statx", "all", c.i(AT_FDCWD).p("/etc/hosts").i(0).i(STATX_ALL).p(&g_stx));
  MT("access", "file", c.p("/etc/hosts").i(R_OK));
  MT("faccessat", "file", c.i(AT_FDCWD).p("/etc/hosts").i(R_OK).i(0));
  MT("unlink", "file", c.p(make_file("ul", 1, 'y', false)));
  MT("unlinkat", "file", c.i(AT_FDCWD).p(make_file("ula", 1, 'y', false)).i(0));
  MTT("mkdir", "tmp", c.p(tmp_path("md")).i(0700), rmdir(tmp_path("md")));
  MT("rmdir", "tmp", mkdir(tmp_path("rd"), 0700); c.p(tmp_path("rd")));
  MTT("link", "tmp", c.p(make_file("ln", 1, 'y', false)).p(tmp_path("ln2")), unlink(tmp_path("ln"));
      unlink(tmp_path("ln2")));
  MTT("symlink", "tmp", c.p("/etc/hosts").p(tmp_path("sl")), unlink(tmp_path("sl")));
  MT("readlink", "proc-self-exe", c.p("/proc/self/exe").p(g_A).i(4096));
  MT("__readlink_chk", "proc-self-exe", c.p("/proc/self/exe").p(g_A).i(4096).i(4096));
  MT("chmod", "tmp", c.p(make_file("chm", 1, 'y', false)).i(0600));
  MTT("fchmod", "tmp", g_fd = open(make_file("fchm", 1, 'y', false), O_RDONLY); c.i(g_fd).i(0600), close_fds(c));
  MT("utimensat", "now", c.i(AT_FDCWD).p(make_file("ut", 1, 'y', false)).p(nullptr).i(0));
  MTT("futimens", "now", g_fd = open(make_file("fut", 1, 'y', false), O_RDONLY); c.i(g_fd).p(nullptr), close_fds(c));
  MTT("truncate", "tmp", c.p(make_file("tr", 1000, 'y', false)).i(10), (void)0);
  MTT("ftruncate", "tmp", g_fd = open(make_file("ftr", 1000, 'y', false), O_RDWR); c.i(g_fd).i(10), close_fds(c));
  MTT("fsync", "tmp", g_fd = open(make_file("fsy", 1000, 'y', false), O_RDWR); c.i(g_fd), close_fds(c));
  MTT("fdatasync", "tmp", g_fd = open(make_file("fds", 1000, 'y', false), O_RDWR); c.i(g_fd), close_fds(c));
  MT("getcwd", "buffer", c.p(g_A).i(4096));
  MTT("getcwd", "malloc", c.p(nullptr).i(0), free(c.rp()));
  MT("__getcwd_chk", "buffer", c.p(g_A).i(4096).i(4096));
  MT("get_current_dir_name", "malloc", (void)0);
  MT("chdir", "tmp", c.p("/tmp"));
  MTT("fchdir", "tmp", g_fd = open("/tmp", O_RDONLY | O_DIRECTORY); c.i(g_fd), close_fds(c));
  MTT("dup", "stdout", c.i(1), close_ret(c));
  MTT("dup2", "stdout", c.i(1).i(100), close(100));
  MTT("dup3", "stdout", c.i(1).i(100).i(O_CLOEXEC), close(100));
  MTT("pipe", "pair", c.p(g_sv), close(g_sv[0]); close(g_sv[1]));
  MTT("pipe2", "pair", c.p(g_sv).i(O_CLOEXEC), close(g_sv[0]); close(g_sv[1]));
  MT("fcntl", "F_GETFL", c.i(1).i(F_GETFL));
  MTT("fcntl", "F_SETLK", g_fd = open(make_file("lk", 10, 'y', false), O_RDWR); g_flock.l_type = F_WRLCK;
      g_flock.l_whence = SEEK_SET; c.i(g_fd).i(F_SETLK).p(&g_flock), close_fds(c));
  MTT("fcntl64", "F_GETFL", c.i(1).i(F_GETFL), (void)0);
  MTT("flock", "tmp", g_fd = open(make_file("fl", 10, 'y', false), O_RDWR); c.i(g_fd).i(LOCK_EX), close_fds(c));
  MTT("ioctl", "FIONREAD", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      c.i(g_fd).i(FIONREAD).p(&g_int), close_fds(c));
  MT("isatty", "dev-null", c.i(1));
  MT("ttyname", "dev-null", c.i(1));
  MTT("opendir", "usr-lib", c.p("/usr/lib/x86_64-linux-gnu"), closedir((DIR *)c.rp()));
  MTT("readdir", "first", g_dir = opendir("/usr/lib/x86_64-linux-gnu"); c.p(g_dir), closedir(g_dir));
  MTT("readdir64", "first", g_dir = opendir("/usr/lib/x86_64-linux-gnu"); c.p(g_dir), closedir(g_dir));
  MT("closedir", "read", g_dir = opendir("/usr/lib/x86_64-linux-gnu"); readdir(g_dir); c.p(g_dir));
  MTT("rewinddir", "read", g_dir = opendir("/usr/lib/x86_64-linux-gnu"); readdir(g_dir); c.p(g_dir), closedir(g_dir));
  MTT("scandir", "alphasort-usr-lib", c.p("/usr/lib/x86_64-linux-gnu").p(&g_namelist).p(nullptr).p((void *)alphasort),
      for (int k = 0; k < (int)c.ret_rax; k++) free(g_namelist[k]); free(g_namelist));
  MT("alphasort", "C.UTF-8", in_utf8(); static struct dirent a, b; strcpy(a.d_name, "h\u00e9llo");
     strcpy(b.d_name, "hello"); static const struct dirent *pa = &a, *pb = &b; c.p(&pa).p(&pb));
  MTT("glob", "usr-lib-pattern", c.p("/usr/lib/x86_64-linux-gnu/lib*.so.*").i(0).p(nullptr).p(&g_glob), globfree(&g_glob));
  MTT("glob", "brace-tilde", c.p("{/usr,/etc}/l*/*.conf").i(GLOB_BRACE | GLOB_TILDE).p(nullptr).p(&g_glob),
      globfree(&g_glob));
  MT("globfree", "result", glob("/usr/lib/x86_64-linux-gnu/lib*.so.*", 0, nullptr, &g_glob); c.p(&g_glob));
  MT("fnmatch", "C", c.p("*.so.[0-9]*").p("libc.so.6").i(0));
  MT("fnmatch", "C.UTF-8-classes", in_utf8(); c.p("*[[:alpha:]]\u00e9*[!0-9].t?t").p("abc\u00e9def.txt").i(FNM_CASEFOLD));
  MTT("wordexp", "vars-tilde-glob", c.p("a b $HOME ~ /usr/lib/x86_64-linux-gnu/libc.so.*").p(&g_we).i(WRDE_NOCMD),
      wordfree(&g_we));
  MT("getpid", "-", (void)0);
  MT("getppid", "-", (void)0);
  MT("gettid", "-", (void)0);
  MT("getuid", "-", (void)0);
  MT("geteuid", "-", (void)0);
  MT("getgid", "-", (void)0);
  MT("getegid", "-", (void)0);
  MT("getpgrp", "-", (void)0);
  MT("getsid", "self", c.i(0));
  MT("getpagesize", "-", (void)0);
  MT("getdtablesize", "-", (void)0);
  MT("umask", "022", c.i(022));
  MT("syscall", "getpid", c.i(SYS_getpid));
  MT("__errno_location", "-", (void)0);
  MT("sysconf", "NPROCESSORS_ONLN", c.i(_SC_NPROCESSORS_ONLN));
  MT("sysconf", "NPROCESSORS_CONF", c.i(_SC_NPROCESSORS_CONF));
  MT("sysconf", "PAGESIZE", c.i(_SC_PAGESIZE));
  MT("sysconf", "PHYS_PAGES", c.i(_SC_PHYS_PAGES));
  MT("sysconf", "LEVEL1_DCACHE_LINESIZE", c.i(_SC_LEVEL1_DCACHE_LINESIZE));
  MT("get_nprocs", "-", (void)0);
  MT("get_nprocs_conf", "-", (void)0);
  MT("sysinfo", "-", static struct sysinfo si; c.p(&si));
  MT("uname", "-", static struct utsname u; c.p(&u));
  MT("gethostname", "-", c.p(g_A).i(256));
  MT("getdomainname", "-", c.p(g_A).i(256));
  MT("getrlimit", "STACK", static struct rlimit r; c.i(RLIMIT_STACK).p(&r));
  MT("setrlimit", "CORE", static struct rlimit r; getrlimit(RLIMIT_CORE, &r); c.i(RLIMIT_CORE).p(&r));
  MT("getrusage", "self", static struct rusage r; c.i(RUSAGE_SELF).p(&r));
  MT("getpriority", "self", c.i(PRIO_PROCESS).i(0));
  MT("prctl", "GET_NAME", c.i(PR_GET_NAME).p(g_A));
  MT("sched_yield", "-", (void)0);
  MT("sched_getaffinity", "self", static cpu_set_t s; c.i(0).i(sizeof s).p(&s));
  MT("sched_getcpu", "-", (void)0);
  MTT("mmap", "1MiB-anon", c.p(nullptr).i(1 << 20).i(PROT_READ | PROT_WRITE).i(MAP_PRIVATE | MAP_ANONYMOUS).i(-1).i(0),
      munmap(c.rp(), 1 << 20));
  MT("munmap", "1MiB", c.p(mmap(nullptr, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)).i(1 << 20));
  MTT("mprotect", "1MiB", g_p = mmap(nullptr, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      c.p(g_p).i(1 << 20).i(PROT_READ | PROT_WRITE), munmap(g_p, 1 << 20));
  MTT("madvise", "DONTNEED", g_p = mmap(nullptr, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      c.p(g_p).i(1 << 20).i(MADV_DONTNEED), munmap(g_p, 1 << 20));
  MTT("mremap", "grow", g_p = mmap(nullptr, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      c.p(g_p).i(1 << 20).i(2 << 20).i(MREMAP_MAYMOVE), munmap(c.rp(), 2 << 20));
  MTT("msync", "anon", g_p = mmap(nullptr, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      c.p(g_p).i(1 << 20).i(MS_ASYNC), munmap(g_p, 1 << 20));
  MTT("mincore", "anon", g_p = mmap(nullptr, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      c.p(g_p).i(1 << 20).p(g_A), munmap(g_p, 1 << 20));

  // ---- signals ---------------------------------------------------------------------
  MT("sigaction", "install-ignore", static struct sigaction sa; sa.sa_handler = SIG_IGN; c.i(SIGUSR2).p(&sa).p(nullptr));
  MT("signal", "ignore", c.i(SIGUSR2).p((void *)SIG_IGN));
  MT("sigprocmask", "block", static sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR2);
     c.i(SIG_BLOCK).p(&s).p(nullptr));
  MT("pthread_sigmask", "block", static sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR2);
     c.i(SIG_BLOCK).p(&s).p(nullptr));
  MT("sigemptyset", "-", static sigset_t s; c.p(&s));
  MT("sigfillset", "-", static sigset_t s; c.p(&s));
  MT("sigaddset", "-", static sigset_t s; c.p(&s).i(SIGUSR2));
  MT("sigdelset", "-", static sigset_t s; c.p(&s).i(SIGUSR2));
  MT("sigismember", "-", static sigset_t s; c.p(&s).i(SIGUSR2));
  MT("kill", "self-0", c.i(getpid()).i(0));
  MT("raise", "ignored", signal(SIGUSR2, SIG_IGN); c.i(SIGUSR2));
  MT("sigaltstack", "query", static stack_t ss; c.p(nullptr).p(&ss));
  MT("sigtimedwait", "timeout-0", static sigset_t s; static struct timespec ts; sigemptyset(&s);
     sigaddset(&s, SIGUSR2); c.p(&s).p(nullptr).p(&ts));
  MT("getcontext", "-", c.p(&g_uc));

  // ---- sockets, polling -----------------------------------------------------------
  MTT("socket", "tcp", c.i(AF_INET).i(SOCK_STREAM).i(0), close_ret(c));
  MTT("socketpair", "unix", c.i(AF_UNIX).i(SOCK_STREAM).i(0).p(g_sv), close(g_sv[0]); close(g_sv[1]));
  MTT("bind", "loopback", g_fd = socket(AF_INET, SOCK_STREAM, 0); g_uaddr = {}; g_uaddr.sin_family = AF_INET;
      g_uaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); c.i(g_fd).p(&g_uaddr).i(sizeof g_uaddr), close_fds(c));
  MTT("listen", "loopback", g_fd = socket(AF_INET, SOCK_STREAM, 0); g_uaddr = {}; g_uaddr.sin_family = AF_INET;
      g_uaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); bind(g_fd, (sockaddr *)&g_uaddr, sizeof g_uaddr);
      c.i(g_fd).i(16), close_fds(c));
  MTT("connect", "loopback", make_listener(); g_fd = socket(AF_INET, SOCK_STREAM, 0);
      c.i(g_fd).p(&g_laddr).i(sizeof g_laddr), close_fds(c); close(accept(g_listener, nullptr, nullptr)));
  MTT("accept", "pending", g_fd = connected_client(); c.i(g_listener).p(nullptr).p(nullptr), close_ret_and_fds(c));
  MTT("accept4", "pending", g_fd = connected_client(); c.i(g_listener).p(nullptr).p(nullptr).i(SOCK_CLOEXEC),
      close_ret_and_fds(c));
  MTT("send", "4KiB", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      c.i(g_fd).p(g_long).i(4096).i(0), close_fds(c));
  MTT("recv", "4KiB", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, g_long, 4096); c.i(g_fd).p(g_A).i(4096).i(0), close_fds(c));
  MTT("__recv_chk", "4KiB", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, g_long, 4096); c.i(g_fd).p(g_A).i(4096).i(sizeof g_A).i(0), close_fds(c));
  MTT("sendto", "udp-loopback", g_fd = socket(AF_INET, SOCK_DGRAM, 0); g_fd2 = socket(AF_INET, SOCK_DGRAM, 0);
      g_uaddr = {}; g_uaddr.sin_family = AF_INET; g_uaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      bind(g_fd2, (sockaddr *)&g_uaddr, sizeof g_uaddr); g_alen = sizeof g_uaddr;
      getsockname(g_fd2, (sockaddr *)&g_uaddr, &g_alen); c.i(g_fd).p(g_long).i(1000).i(0).p(&g_uaddr).i(g_alen),
      close_fds(c));
  MTT("recvfrom", "udp-loopback", g_fd = socket(AF_INET, SOCK_DGRAM, 0); g_fd2 = socket(AF_INET, SOCK_DGRAM, 0);
      g_uaddr = {}; g_uaddr.sin_family = AF_INET; g_uaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      bind(g_fd, (sockaddr *)&g_uaddr, sizeof g_uaddr); g_alen = sizeof g_uaddr;
      getsockname(g_fd, (sockaddr *)&g_uaddr, &g_alen);
      sendto(g_fd2, g_long, 1000, 0, (sockaddr *)&g_uaddr, g_alen); g_alen = sizeof g_uaddr;
      c.i(g_fd).p(g_A).i(4096).i(0).p(&g_uaddr).p(&g_alen), close_fds(c));
  MTT("sendmsg", "2-iovecs", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      set_iov(0, g_long, 100); set_iov(1, g_long, 200); g_msg = {}; g_msg.msg_iov = g_iov; g_msg.msg_iovlen = 2;
      c.i(g_fd).p(&g_msg).i(0), close_fds(c));
  MTT("recvmsg", "2-iovecs", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, g_long, 300); set_iov(0, g_A, 100); set_iov(1, g_A + 100, 200); g_msg = {}; g_msg.msg_iov = g_iov;
      g_msg.msg_iovlen = 2; c.i(g_fd).p(&g_msg).i(0), close_fds(c));
  MTT("setsockopt", "REUSEADDR", g_fd = socket(AF_INET, SOCK_STREAM, 0); g_int = 1;
      c.i(g_fd).i(SOL_SOCKET).i(SO_REUSEADDR).p(&g_int).i(sizeof g_int), close_fds(c));
  MTT("getsockopt", "SO_ERROR", g_fd = socket(AF_INET, SOCK_STREAM, 0); g_alen = sizeof g_int;
      c.i(g_fd).i(SOL_SOCKET).i(SO_ERROR).p(&g_int).p(&g_alen), close_fds(c));
  MTT("getsockname", "bound", make_listener(); g_alen = sizeof g_uaddr; c.i(g_listener).p(&g_uaddr).p(&g_alen), (void)0);
  MTT("getpeername", "connected", g_fd = connected_client(); g_alen = sizeof g_uaddr; c.i(g_fd).p(&g_uaddr).p(&g_alen),
      close_fds(c); close(accept(g_listener, nullptr, nullptr)));
  MTT("shutdown", "connected", g_fd = connected_client(); c.i(g_fd).i(SHUT_RDWR), close_fds(c);
      close(accept(g_listener, nullptr, nullptr)));
  MTT("poll", "ready-timeout-0", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, "x", 1); set_pfd(0, g_fd); set_pfd(1, g_fd2); c.p(g_pfd).i(2).i(0),
      close_fds(c));
  MTT("poll", "wait-1ms", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      set_pfd(0, g_fd); c.p(g_pfd).i(1).i(1), close_fds(c));
  MTT("__poll_chk", "ready", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, "x", 1); set_pfd(0, g_fd); c.p(g_pfd).i(1).i(0).i(sizeof g_pfd), close_fds(c));
  MTT("ppoll", "ready", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, "x", 1); set_pfd(0, g_fd); static struct timespec ts; c.p(g_pfd).i(1).p(&ts).p(nullptr),
      close_fds(c));
  MTT("select", "ready", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, "x", 1); FD_ZERO(&g_rfds); FD_SET(g_fd, &g_rfds); static struct timeval tv;
      c.i(g_fd + 1).p(&g_rfds).p(nullptr).p(nullptr).p(&tv), close_fds(c));
  MTT("pselect", "ready", socketpair(AF_UNIX, SOCK_STREAM, 0, g_sv); g_fd = g_sv[0]; g_fd2 = g_sv[1];
      write(g_fd2, "x", 1); FD_ZERO(&g_rfds); FD_SET(g_fd, &g_rfds); static struct timespec ts;
      c.i(g_fd + 1).p(&g_rfds).p(nullptr).p(nullptr).p(&ts).p(nullptr), close_fds(c));
  MT("__fdelt_chk", "fd", c.i(5));
  MTT("epoll_create1", "-", c.i(EPOLL_CLOEXEC), close_ret(c));
  MTT("epoll_ctl", "add", g_fd = epoll_create1(0); g_fd2 = eventfd(0, 0); g_ev[0].events = EPOLLIN;
      c.i(g_fd).i(EPOLL_CTL_ADD).i(g_fd2).p(&g_ev[0]), close_fds(c));
  MTT("epoll_wait", "ready-timeout-0", g_fd = epoll_create1(0); g_fd2 = eventfd(1, 0); g_ev[0].events = EPOLLIN;
      epoll_ctl(g_fd, EPOLL_CTL_ADD, g_fd2, &g_ev[0]); c.i(g_fd).p(g_ev).i(64).i(0), close_fds(c));
  MTT("epoll_wait", "wait-1ms", g_fd = epoll_create1(0); g_fd2 = eventfd(0, 0); g_ev[0].events = EPOLLIN;
      epoll_ctl(g_fd, EPOLL_CTL_ADD, g_fd2, &g_ev[0]); c.i(g_fd).p(g_ev).i(64).i(1), close_fds(c));
  MTT("epoll_pwait", "ready", g_fd = epoll_create1(0); g_fd2 = eventfd(1, 0); g_ev[0].events = EPOLLIN;
      epoll_ctl(g_fd, EPOLL_CTL_ADD, g_fd2, &g_ev[0]); c.i(g_fd).p(g_ev).i(64).i(0).p(nullptr), close_fds(c));
  MTT("eventfd", "-", c.i(0).i(0), close_ret(c));
  MTT("eventfd_write", "-", g_fd = eventfd(0, 0); c.i(g_fd).i(1), close_fds(c));
  MTT("eventfd_read", "-", g_fd = eventfd(1, 0); static eventfd_t v; c.i(g_fd).p(&v), close_fds(c));
  MTT("timerfd_create", "-", c.i(CLOCK_MONOTONIC).i(0), close_ret(c));
  MTT("timerfd_settime", "-", g_fd = timerfd_create(CLOCK_MONOTONIC, 0); c.i(g_fd).i(0).p(&g_its).p(nullptr), close_fds(c));

  // ---- pthread -----------------------------------------------------------------------
  MT("pthread_mutex_lock", "uncontended", pthread_mutex_unlock(&g_mu); c.p(&g_mu));
  MTT("pthread_mutex_lock", "contended", start_helper(holder); wait_ready(); c.p(&g_mu), pthread_mutex_unlock(&g_mu);
      stop_helper());
  MTT("pthread_mutex_lock", "recursive", pthread_mutexattr_init(&g_ma);
      pthread_mutexattr_settype(&g_ma, PTHREAD_MUTEX_RECURSIVE); pthread_mutex_init(&g_m, &g_ma);
      pthread_mutex_lock(&g_m); c.p(&g_m), pthread_mutex_unlock(&g_m); pthread_mutex_unlock(&g_m);
      pthread_mutex_destroy(&g_m));
  MTT("pthread_mutex_lock", "priority-inherit", pthread_mutexattr_init(&g_ma);
      pthread_mutexattr_setprotocol(&g_ma, PTHREAD_PRIO_INHERIT); pthread_mutex_init(&g_m, &g_ma);
      c.p(&g_m), pthread_mutex_unlock(&g_m); pthread_mutex_destroy(&g_m));
  MTT("pthread_mutex_lock", "robust", pthread_mutexattr_init(&g_ma);
      pthread_mutexattr_setrobust(&g_ma, PTHREAD_MUTEX_ROBUST); pthread_mutex_init(&g_m, &g_ma);
      c.p(&g_m), pthread_mutex_unlock(&g_m); pthread_mutex_destroy(&g_m));
  MT("pthread_mutex_unlock", "uncontended", pthread_mutex_lock(&g_mu); c.p(&g_mu));
  MTT("pthread_mutex_unlock", "waiter", pthread_mutex_lock(&g_mu);
      pthread_create(&g_t2, nullptr, [](void *) -> void * { pthread_mutex_lock(&g_mu); pthread_mutex_unlock(&g_mu); return nullptr; },
                     nullptr);
      usleep(2000); c.p(&g_mu), pthread_join(g_t2, nullptr));
  MTT("pthread_mutex_trylock", "free", c.p(&g_mu), pthread_mutex_unlock(&g_mu));
  MTT("pthread_mutex_timedlock", "contended-1ms", start_helper(holder); wait_ready(); c.p(&g_mu).p(abs_in(1000000)),
      if (c.ret_rax == 0) pthread_mutex_unlock(&g_mu); stop_helper());
  MTT("pthread_mutex_init", "attr", static pthread_mutexattr_t a; pthread_mutexattr_init(&a); c.p(&g_mu2).p(&a),
      pthread_mutex_destroy(&g_mu2));
  MT("pthread_mutex_destroy", "-", pthread_mutex_init(&g_mu2, nullptr); c.p(&g_mu2));
  MT("pthread_mutexattr_init", "-", static pthread_mutexattr_t a; c.p(&a));
  MT("pthread_mutexattr_settype", "recursive", static pthread_mutexattr_t a; pthread_mutexattr_init(&a);
     c.p(&a).i(PTHREAD_MUTEX_RECURSIVE));
  MT("pthread_mutexattr_destroy", "-", static pthread_mutexattr_t a; pthread_mutexattr_init(&a); c.p(&a));
  MTT("pthread_cond_wait", "signalled", pthread_mutex_lock(&g_mu); start_helper(signaler); c.p(&g_cv).p(&g_mu),
      pthread_mutex_unlock(&g_mu); stop_helper());
  MTT("pthread_cond_timedwait", "timeout-past", pthread_mutex_lock(&g_mu); c.p(&g_cv).p(&g_mu).p(abs_in(-1000000000)),
      pthread_mutex_unlock(&g_mu));
  MTT("pthread_cond_timedwait", "timeout-1ms", pthread_mutex_lock(&g_mu); c.p(&g_cv).p(&g_mu).p(abs_in(1000000)),
      pthread_mutex_unlock(&g_mu));
  MTT("pthread_cond_timedwait", "signalled", pthread_mutex_lock(&g_mu); start_helper(signaler);
      c.p(&g_cv).p(&g_mu).p(abs_in(1000000000)), pthread_mutex_unlock(&g_mu); stop_helper());
  MTT("pthread_cond_clockwait", "timeout-1ms", pthread_mutex_lock(&g_mu);
      c.p(&g_cv).p(&g_mu).i(CLOCK_MONOTONIC).p(abs_in(1000000, CLOCK_MONOTONIC)), pthread_mutex_unlock(&g_mu));
  MTT("pthread_cond_clockwait", "signalled", pthread_mutex_lock(&g_mu); start_helper(signaler);
      c.p(&g_cv).p(&g_mu).i(CLOCK_MONOTONIC).p(abs_in(1000000000, CLOCK_MONOTONIC)), pthread_mutex_unlock(&g_mu);
      stop_helper());
  MT("pthread_cond_signal", "no-waiter", c.p(&g_cv));
  MTT("pthread_cond_signal", "waiter", g_ready = 0;
      pthread_create(&g_t2, nullptr, [](void *) -> void * {
        pthread_mutex_lock(&g_mu); g_ready = 1; pthread_cond_wait(&g_cv, &g_mu); pthread_mutex_unlock(&g_mu);
        return nullptr; }, nullptr);
      while (!g_ready) usleep(100); pthread_mutex_lock(&g_mu); pthread_mutex_unlock(&g_mu); c.p(&g_cv),
      pthread_join(g_t2, nullptr));
  MTT("pthread_cond_broadcast", "waiter", g_ready = 0;
      pthread_create(&g_t2, nullptr, [](void *) -> void * {
        pthread_mutex_lock(&g_mu); g_ready = 1; pthread_cond_wait(&g_cv, &g_mu); pthread_mutex_unlock(&g_mu);
        return nullptr; }, nullptr);
      while (!g_ready) usleep(100); pthread_mutex_lock(&g_mu); pthread_mutex_unlock(&g_mu); c.p(&g_cv),
      pthread_join(g_t2, nullptr));
  MTT("pthread_cond_init", "-", static pthread_cond_t cv; c.p(&cv).p(nullptr), (void)0);
  MT("pthread_cond_destroy", "-", static pthread_cond_t cv; pthread_cond_init(&cv, nullptr); c.p(&cv));
  MTT("pthread_rwlock_rdlock", "uncontended", c.p(&g_rw), pthread_rwlock_unlock(&g_rw));
  MTT("pthread_rwlock_rdlock", "writer-holds", start_helper(wrholder); wait_ready(); c.p(&g_rw),
      pthread_rwlock_unlock(&g_rw); stop_helper());
  MTT("pthread_rwlock_wrlock", "uncontended", c.p(&g_rw), pthread_rwlock_unlock(&g_rw));
  MTT("pthread_rwlock_tryrdlock", "uncontended", c.p(&g_rw), pthread_rwlock_unlock(&g_rw));
  MTT("pthread_rwlock_trywrlock", "uncontended", c.p(&g_rw), pthread_rwlock_unlock(&g_rw));
  MTT("pthread_rwlock_timedwrlock", "writer-holds-1ms", start_helper(wrholder); wait_ready();
      c.p(&g_rw).p(abs_in(1000000)), if (c.ret_rax == 0) pthread_rwlock_unlock(&g_rw); stop_helper());
  MT("pthread_rwlock_unlock", "reader", pthread_rwlock_rdlock(&g_rw); c.p(&g_rw));
  MT("pthread_rwlock_init", "-", static pthread_rwlock_t rw; c.p(&rw).p(nullptr));
  MT("pthread_rwlock_destroy", "-", static pthread_rwlock_t rw; pthread_rwlock_init(&rw, nullptr); c.p(&rw));
  reg("pthread_once", "first", [](Call &c) { c.p(&g_once[g_once_n++ & 15]).p((void *)noop_void); }, nullptr, CB,
      cbnote);
  MTT("pthread_key_create", "-", c.p(&g_key).p((void *)noop_ptr), pthread_key_delete(g_key));
  MT("pthread_key_delete", "-", static pthread_key_t k; pthread_key_create(&k, nullptr); c.i(k));
  MT("pthread_setspecific", "key-0", static pthread_key_t k; static bool made; if (!made) pthread_key_create(&k, nullptr);
     made = true; c.i(k).p(g_A));
  reg("pthread_setspecific", "key-above-32 (2nd level)", [](Call &c) {
    if (!g_keys_made) for (int k = 0; k < 40; k++) pthread_key_create(&g_keys[k], nullptr);
    g_keys_made = true;
    c.i(g_keys[39]).p(g_A);
  });
  reg("pthread_getspecific", "key-above-32", [](Call &c) {
    if (!g_keys_made) for (int k = 0; k < 40; k++) pthread_key_create(&g_keys[k], nullptr);
    g_keys_made = true;
    c.i(g_keys[39]);
  });
  MT("pthread_self", "-", (void)0);
  MT("pthread_equal", "-", c.i(pthread_self()).i(pthread_self()));
  MT("pthread_join", "exiting-thread", static pthread_t t; pthread_create(&t, nullptr, short_lived, nullptr);
     c.i(t).p(nullptr));
  MT("pthread_tryjoin_np", "exited-thread", static pthread_t t; pthread_create(&t, nullptr, short_lived, nullptr);
     usleep(3000); c.i(t).p(nullptr));
  MT("pthread_timedjoin_np", "exiting-thread", static pthread_t t; pthread_create(&t, nullptr, short_lived, nullptr);
     c.i(t).p(nullptr).p(abs_in(1000000000)));
  MT("pthread_detach", "running-thread", static pthread_t t; pthread_create(&t, nullptr, short_lived, nullptr); c.i(t));
  MT("pthread_attr_init", "-", static pthread_attr_t a; c.p(&a));
  MT("pthread_attr_destroy", "-", static pthread_attr_t a; pthread_attr_init(&a); c.p(&a));
  MT("pthread_attr_setstacksize", "1MiB", static pthread_attr_t a; pthread_attr_init(&a); c.p(&a).i(1 << 20));
  MT("pthread_attr_setdetachstate", "detached", static pthread_attr_t a; pthread_attr_init(&a);
     c.p(&a).i(PTHREAD_CREATE_DETACHED));
  MT("pthread_attr_getstack", "self", static pthread_attr_t a; pthread_getattr_np(pthread_self(), &a);
     static void *sa; static size_t ss; c.p(&a).p(&sa).p(&ss));
  MTT("pthread_getattr_np", "main-thread (reads /proc/self/maps)", c.i(pthread_self()).p(&g_attr), pthread_attr_destroy(&g_attr));
  reg("pthread_getattr_np", "other-thread", [](Call &c) {
    static pthread_attr_t a;
    c.i(pthread_self()).p(&a);
  }, [](Call &) {}, T_THREAD);
  MT("pthread_setname_np", "self", c.i(pthread_self()).p("stackneeds"));
  MT("pthread_getname_np", "self", c.i(pthread_self()).p(g_A).i(16));
  MT("pthread_kill", "self-0", c.i(pthread_self()).i(0));
  MT("pthread_setcancelstate", "disable", c.i(PTHREAD_CANCEL_DISABLE).p(&g_int));
  MT("pthread_setcanceltype", "deferred", c.i(PTHREAD_CANCEL_DEFERRED).p(&g_int));
  MT("pthread_testcancel", "-", (void)0);
  MT("pthread_getaffinity_np", "self", static cpu_set_t s; c.i(pthread_self()).i(sizeof s).p(&s));
  MT("pthread_getcpuclockid", "self", static clockid_t ck; c.i(pthread_self()).p(&ck));
  MTT("pthread_spin_lock", "-", pthread_spin_init(&g_spin, 0); c.p((void *)&g_spin), pthread_spin_unlock(&g_spin));
  MT("pthread_spin_unlock", "-", pthread_spin_init(&g_spin, 0); pthread_spin_lock(&g_spin); c.p((void *)&g_spin));
  MT("pthread_spin_init", "-", c.p((void *)&g_spin).i(0));
  MT("pthread_barrier_init", "1", static pthread_barrier_t b; c.p(&b).p(nullptr).i(1));
  MT("pthread_barrier_wait", "count-1", static pthread_barrier_t b; static bool made; if (!made)
     pthread_barrier_init(&b, nullptr, 1); made = true; c.p(&b));
  MT("sem_init", "-", c.p(&g_sem).i(0).i(1));
  MT("sem_wait", "available", sem_init(&g_sem, 0, 1); c.p(&g_sem));
  MTT("sem_wait", "blocking", sem_init(&g_sem, 0, 0); start_helper(poster); c.p(&g_sem), stop_helper());
  MT("sem_trywait", "available", sem_init(&g_sem, 0, 1); c.p(&g_sem));
  MT("sem_timedwait", "timeout-1ms", sem_init(&g_sem, 0, 0); c.p(&g_sem).p(abs_in(1000000)));
  MT("sem_clockwait", "timeout-1ms", sem_init(&g_sem, 0, 0);
     c.p(&g_sem).i(CLOCK_MONOTONIC).p(abs_in(1000000, CLOCK_MONOTONIC)));
  MT("sem_post", "no-waiter", sem_init(&g_sem, 0, 0); c.p(&g_sem));
  MT("sem_getvalue", "-", sem_init(&g_sem, 0, 3); c.p(&g_sem).p(&g_int));
  MT("sem_destroy", "-", sem_init(&g_sem, 0, 0); c.p(&g_sem));

  // ---- setjmp/longjmp --------------------------------------------------------------
  static jmp_buf jb;
  static sigjmp_buf sjb;
  MT("_setjmp", "-", c.p(jb));
  MT("setjmp", "-", c.p(jb));
  MT("__sigsetjmp", "savemask", c.p(sjb).i(1));
  MT("longjmp", "thunk", c.call((void *)thunk_longjmp));
  MT("_longjmp", "thunk", c.call((void *)thunk__longjmp));
  MT("siglongjmp", "thunk-restores-mask", c.call((void *)thunk_siglongjmp));
  MT("__longjmp_chk", "thunk-restores-mask", c.call((void *)thunk_longjmp_chk));

  // ---- regex ---------------------------------------------------------------------
  static const char *const kPatterns[] = {
      "^([a-z0-9._%+-]+)@(([a-z0-9-]+\\.)+)[a-z]{2,}$",
      "^(a|b|c|d)*(x{2,5}|y+)[[:alpha:][:digit:]]{3,}(foo|bar|baz)?$",
      "((((((((((a))))))))))*b{1,100}",
      "[[:alnum:]_]+ *= *\"([^\"\\\\]|\\\\.)*\"",
  };
  const int npat = sizeof kPatterns / sizeof kPatterns[0];
  reg("regcomp", "ERE-4-patterns", [](Call &c) { c.p(&g_re).p(kPatterns[c.sub]).i(REG_EXTENDED); },
      [](Call &) { regfree(&g_re); }, 0, nullptr, 0, npat);
  reg("regcomp", "ERE-ICASE-C.UTF-8", [](Call &c) { in_utf8(); c.p(&g_re).p(kPatterns[c.sub]).i(REG_EXTENDED | REG_ICASE); },
      [](Call &) { regfree(&g_re); }, 0, nullptr, 0, npat);
  reg("regcomp", "BRE-backref", [](Call &c) { c.p(&g_re).p("\\(a*\\)*b\\1\\(c\\{1,3\\}\\)\\2").i(0); },
      [](Call &) { regfree(&g_re); });
  reg("regexec", "ERE-4-patterns",
      [](Call &c) {
        static const char *const subjects[] = {"some.body+tag@mail.example-domain.co.uk", "abcdabcdxxxxxq1w2e3foo",
                                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbb", "name_1 = \"a \\\"quoted\\\" value\""};
        regcomp(&g_re, kPatterns[c.sub], REG_EXTENDED);
        c.p(&g_re).p(subjects[c.sub]).i(10).p(g_rm).i(0);
      },
      [](Call &) { regfree(&g_re); }, 0, nullptr, 0, npat);
  reg("regexec", "BRE-backref-long",
      [](Call &c) {
        regcomp(&g_re, "\\(a*\\)*b\\1", 0);
        memset(g_A, 'a', 40);
        strcpy(g_A + 40, "baaaa");
        c.p(&g_re).p(g_A).i(10).p(g_rm).i(0);
      },
      [](Call &) { regfree(&g_re); });
  reg("regexec", "C.UTF-8-ICASE",
      [](Call &c) {
        in_utf8();
        regcomp(&g_re, "([[:alpha:]]+\u00e9)+[^a-z]*$", REG_EXTENDED | REG_ICASE);
        c.p(&g_re).p("abc\u00e9DEF\u00c9ghi\u00e9 123").i(10).p(g_rm).i(0);
      },
      [](Call &) { regfree(&g_re); });
  MT("regfree", "compiled", regcomp(&g_re, kPatterns[1], REG_EXTENDED); c.p(&g_re));
  MT("regerror", "ESPACE", c.i(REG_ESPACE).p(nullptr).p(g_A).i(256));

  // ---- iconv ------------------------------------------------------------------------
  MTT("iconv_open", "UTF-16<-UTF-8", c.p("UTF-16").p("UTF-8"), iconv_close((iconv_t)c.rp()));
  MTT("iconv_open", "ISO-8859-15<-UTF-8 (loads module)", c.p("ISO-8859-15").p("UTF-8"), iconv_close((iconv_t)c.rp()));
  MTT("iconv_open", "UTF-8<-WCHAR_T", c.p("UTF-8").p("WCHAR_T"), iconv_close((iconv_t)c.rp()));
  MTT("iconv", "UTF-8->UTF-16-64KiB", g_cd = iconv_open("UTF-16", "UTF-8"); g_in = g_long; g_inleft = 65535;
      g_out = g_A; g_outleft = sizeof g_A; c.p(g_cd).p(&g_in).p(&g_inleft).p(&g_out).p(&g_outleft), iconv_close(g_cd));
  MTT("iconv", "UTF-8->ISO-8859-15-64KiB", g_cd = iconv_open("ISO-8859-15", "UTF-8"); g_in = g_long; g_inleft = 65535;
      g_out = g_A; g_outleft = sizeof g_A; c.p(g_cd).p(&g_in).p(&g_inleft).p(&g_out).p(&g_outleft), iconv_close(g_cd));
  MT("iconv_close", "ISO-8859-15", c.p(iconv_open("ISO-8859-15", "UTF-8")));

  // ---- dlfcn --------------------------------------------------------------------------
  MTT("dlopen", "libz-NOW-first", c.p("libz.so.1").i(RTLD_NOW), dlclose(c.rp()));
  MTT("dlopen", "libbz2-LAZY", c.p("libbz2.so.1.0").i(RTLD_LAZY), dlclose(c.rp()));
  MTT("dlopen", "already-loaded-libm", c.p("libm.so.6").i(RTLD_NOW), dlclose(c.rp()));
  MTT("dlopen", "missing", c.p("libdoesnotexist.so.7").i(RTLD_NOW), (void)0);
  MTT("dlopen", "null", c.p(nullptr).i(RTLD_NOW), (void)0);
  MT("dlsym", "in-handle", if (!g_dl) g_dl = dlopen("libz.so.1", RTLD_NOW); c.p(g_dl).p("zlibVersion"));
  MT("dlsym", "default-missing", c.p(RTLD_DEFAULT).p("no_such_symbol_anywhere"));
  MT("dlsym", "default-printf", c.p(RTLD_DEFAULT).p("printf"));
  MT("dlsym", "next", c.p(RTLD_NEXT).p("malloc"));
  MT("dlvsym", "memcpy-2.14", c.p(RTLD_DEFAULT).p("memcpy").p("GLIBC_2.14"));
  MT("dlclose", "libz", c.p(dlopen("libz.so.1", RTLD_NOW)));
  MT("dlerror", "after-failed-dlopen", dlopen("libdoesnotexist.so.7", RTLD_NOW));
  MT("dladdr", "libc-function", static Dl_info di; c.p((void *)&strtod).p(&di));
  MT("dladdr1", "libc-function", static Dl_info di; static void *extra; c.p((void *)&strtod).p(&di).p(&extra)
     .i(RTLD_DL_SYMENT));
  MT("dlinfo", "linkmap", static void *lm; if (!g_dl) g_dl = dlopen("libz.so.1", RTLD_NOW);
     c.p(g_dl).i(RTLD_DI_LINKMAP).p(&lm));
  reg("dl_iterate_phdr", "all-objects", [](Call &c) { c.p((void *)phdr_cb).p(nullptr); }, nullptr, CB, cbnote);
  reg("__tls_get_addr", "first-access-dlopened-module",
      [](Call &c) {
        static struct { unsigned long mod, off; } ti;
        if (!ti.mod) {
          size_t mod = 0;
          if (void *h = helper()) dlinfo(h, RTLD_DI_TLS_MODID, &mod);
          ti.mod = mod;
        }
        c.p(&ti);
        if (!ti.mod) c.fail = "no helper library with a TLS module ($STACKNEEDS_HELPER)";
      },
      nullptr, T_THREAD, "first access in a thread allocates the module's block");

  // ---- netdb -------------------------------------------------------------------------
  MTT("getaddrinfo", "localhost-first", c.p("localhost").p(nullptr).p(nullptr).p(&g_ai), freeaddrinfo(g_ai));
  reg("getaddrinfo", "localhost-each-call-in-a-new-thread",
      [](Call &c) { c.p("localhost").p(nullptr).p(nullptr).p(&g_ai); }, [](Call &) { freeaddrinfo(g_ai); },
      T_THREAD_EACH);
  MTT("getaddrinfo", "localhost-AF_INET-port", g_hints = {}; g_hints.ai_family = AF_INET;
      g_hints.ai_socktype = SOCK_STREAM; c.p("localhost").p("8080").p(&g_hints).p(&g_ai), freeaddrinfo(g_ai));
  MTT("getaddrinfo", "localhost-service-name", g_hints = {}; g_hints.ai_socktype = SOCK_STREAM;
      c.p("localhost").p("http").p(&g_hints).p(&g_ai), freeaddrinfo(g_ai));
  MTT("getaddrinfo", "localhost-CANONNAME-ADDRCONFIG", g_hints = {};
      g_hints.ai_flags = AI_CANONNAME | AI_ADDRCONFIG; c.p("localhost").p(nullptr).p(&g_hints).p(&g_ai),
      freeaddrinfo(g_ai));
  MTT("getaddrinfo", "numeric-127.0.0.1", g_hints = {}; g_hints.ai_flags = AI_NUMERICHOST;
      c.p("127.0.0.1").p("80").p(&g_hints).p(&g_ai), freeaddrinfo(g_ai));
  MTT("getaddrinfo", "numeric-::1", c.p("::1").p(nullptr).p(nullptr).p(&g_ai), freeaddrinfo(g_ai));
  MTT("getaddrinfo", "passive-null-host", g_hints = {}; g_hints.ai_flags = AI_PASSIVE;
      c.p(nullptr).p("8080").p(&g_hints).p(&g_ai), freeaddrinfo(g_ai));
  MT("freeaddrinfo", "localhost", getaddrinfo("localhost", nullptr, nullptr, &g_ai); c.p(g_ai));
  MT("gai_strerror", "EAI_NONAME", c.i(EAI_NONAME));
  MT("getnameinfo", "numeric", g_uaddr = {}; g_uaddr.sin_family = AF_INET; g_uaddr.sin_port = htons(80);
     g_uaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
     c.p(&g_uaddr).i(sizeof g_uaddr).p(g_A).i(1025).p(g_B).i(32).i(NI_NUMERICHOST | NI_NUMERICSERV));
  MT("getnameinfo", "reverse-hosts-file-and-service", g_uaddr = {}; g_uaddr.sin_family = AF_INET;
     g_uaddr.sin_port = htons(80); g_uaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
     c.p(&g_uaddr).i(sizeof g_uaddr).p(g_A).i(1025).p(g_B).i(32).i(NI_NAMEREQD));
  MT("gethostbyname", "localhost", c.p("localhost"));
  MT("gethostbyname2", "localhost-AF_INET6", c.p("localhost").i(AF_INET6));
  MT("gethostbyname_r", "localhost", static struct hostent he; static struct hostent *res;
     c.p("localhost").p(&he).p(g_A).i(8192).p(&res).p(&g_int));
  MT("gethostbyaddr", "127.0.0.1", static in_addr_t a; a = htonl(INADDR_LOOPBACK); c.p(&a).i(4).i(AF_INET));
  MT("getservbyname", "http", c.p("http").p("tcp"));
  MT("getservbyport", "80", c.i(htons(80)).p("tcp"));
  MT("getprotobyname", "tcp", c.p("tcp"));
  MT("getprotobynumber", "6", c.i(6));
  MT("inet_pton", "ipv6", c.i(AF_INET6).p("2001:db8:85a3::8a2e:370:7334").p(g_A));
  MT("inet_ntop", "ipv6", inet_pton(AF_INET6, "2001:db8:85a3::8a2e:370:7334", g_B); c.i(AF_INET6).p(g_B).p(g_A).i(64));
  MT("inet_addr", "ipv4", c.p("192.168.100.200"));
  MT("inet_aton", "ipv4", c.p("192.168.100.200").p(g_A));
  MT("inet_ntoa", "ipv4", c.i(0x0100007f));
  MT("htons", "-", c.i(80));
  MT("htonl", "-", c.i(80));
  MT("ntohs", "-", c.i(80));
  MT("ntohl", "-", c.i(80));
  MT("if_nametoindex", "lo", c.p("lo"));
  MT("if_indextoname", "1", c.i(1).p(g_A));
  MTT("getifaddrs", "all", c.p(&g_ifa), freeifaddrs(g_ifa));

  // ---- pwd/grp ------------------------------------------------------------------------
  MT("getpwnam", "root-first", c.p("root"));
  MT("getpwnam", "missing (files then systemd)", c.p("nosuchuser_stackneeds"));
  MT("getpwuid", "0", c.i(0));
  MT("getpwnam_r", "root", c.p("root").p(&g_pw).p(g_A).i(16384).p(&g_pwp));
  MT("getpwuid_r", "0", c.i(0).p(&g_pw).p(g_A).i(16384).p(&g_pwp));
  MT("getgrnam", "root", c.p("root"));
  MT("getgrgid", "0", c.i(0));
  MT("getgrnam_r", "root", c.p("root").p(&g_gr).p(g_A).i(16384).p(&g_grp));
  MT("getgrgid_r", "0", c.i(0).p(&g_gr).p(g_A).i(16384).p(&g_grp));
  MT("getgrouplist", "root", g_int = 64; c.p("root").i(0).p(g_groups).p(&g_int));
  MT("getlogin", "-", (void)0);

  // ---- misc -----------------------------------------------------------------------------
  MT("openlog", "pid", c.p("stackneeds").i(LOG_PID).i(LOG_USER));
  MT("closelog", "-", (void)0);
  MT("setlogmask", "-", c.i(LOG_UPTO(LOG_INFO)));
  MT("getopt", "options", optind = 1; c.i(7).p(g_argv).p("ab:q"));
  MT("getopt", "unknown-option-message", optind = 1; opterr = 1; c.i(7).p(g_argv).p("b:"));
  MT("getopt_long", "options", optind = 1; c.i(7).p(g_argv).p("ab:q").p(g_longopts).p(nullptr));
  MT("getopt_long", "unknown-long-option", optind = 1; opterr = 1;
     c.i(2).p(g_bogus_argv).p("").p(g_longopts).p(nullptr));
  MT("backtrace", "first (loads libgcc_s)", c.p(g_bt).i(64));
  MTT("backtrace_symbols", "10-frames", g_btn = backtrace(g_bt, 10); c.p(g_bt).i(g_btn), free(c.rp()));
  MT("backtrace_symbols_fd", "10-frames", g_btn = backtrace(g_bt, 10); c.p(g_bt).i(g_btn).i(1));

  // ---- functions that never return (measured in a forked child) -------------------------
  const unsigned NR = T_NORETURN;
  const char *nrnote = "does not return";
  MTF(NR, nrnote, "exit", "stdio-pending", fputs("pending", stdout); c.i(0));
  MTF(NR, nrnote, "_exit", "-", c.i(0));
  MTF(NR, nrnote, "_Exit", "-", c.i(0));
  MTF(NR, nrnote, "quick_exit", "-", c.i(0));
  MTF(NR, nrnote, "abort", "-", (void)0);
  MTF(NR, nrnote, "__assert_fail", "message", c.p("x > 0 && \"long assertion text\"").p("file.c").i(42).p("func"));
  MTF(NR, nrnote, "__stack_chk_fail", "-", (void)0);
  MTF(NR, nrnote, "__chk_fail", "-", (void)0);
  MTF(NR, nrnote, "err", "message", c.i(1).p("%s %d").p("message").i(42));
  MTF(NR, nrnote, "errx", "message", c.i(1).p("%s %d").p("message").i(42));
  MTF(NR, nrnote, "pthread_exit", "main-thread (unwinds)", c.p(nullptr));

  // ---- the dynamic linker's lazy binding (first call through a PLT slot) ------------------
  // Through the PLT of a helper library loaded with RTLD_LAZY (this program
  // itself is linked with -z now, so that thunks' calls are not resolved
  // lazily inside a measurement).
  reg("<lazy-binding>", "libc-labs-via-PLT",
      [](Call &c) {
        c.call(helper_sym("plt_probe_libc")).i(-5);
        if (!c.fn) c.fail = "no helper library ($STACKNEEDS_HELPER)";
      },
      nullptr, T_LAZY);
  reg("<lazy-binding>", "libm-cbrt-via-PLT",
      [](Call &c) {
        c.call(helper_sym("plt_probe_libm")).d(27.0);
        if (!c.fn) c.fail = "no helper library ($STACKNEEDS_HELPER)";
      },
      nullptr, T_LAZY);
}

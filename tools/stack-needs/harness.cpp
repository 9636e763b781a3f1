// stack-needs harness (shared by stackneeds-c and stackneeds-cxx).
//
//   PROG --list                     tests, one per line: index, symbol, variant
//   PROG --run-all [-j N] [--only SUBSTRING]
//                                   run every test in a fresh process (N at a
//                                   time) and print one result line per test
//   PROG --one INDEX [--fd FD] [-v] run one test in this process
//
// A test runs its call REPS times on a private stack (an mmap'ed region with
// a PROT_NONE guard below it) that is filled with a poison byte before every
// call; the poison alternates between two values so that a store of the
// poison value itself cannot hide. After the call, the lowest byte that is
// no longer poison gives the need: %rsp at the call instruction minus that
// address (so the return address pushed by the call counts, stack arguments
// above %rsp do not). Repetition 0 is the first call in a fresh process.
//
// Result lines (tab-separated):
//   R  symbol  variant  flags  first  max  per-rep-needs  note
//   E  symbol  variant  message
//
// Uses no heap and no C++ runtime before the measured call, so that the
// first call sees the library state a fresh program would.
#include "harness.h"
#include "runtime_model.h"

#include <initializer_list>

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

extern "C" {
volatile uintptr_t *g_mark_slot;
unsigned char *g_region_lo;     // lowest usable byte of the private stack
unsigned char g_poison_byte;
}

namespace {

constexpr int kMaxTests = 6000;
Test g_tests[kMaxTests];
int g_ntests;

constexpr int kReps = 5;
constexpr size_t kGuard = 64 * 1024;
constexpr unsigned char kPoison[2] = {0xa5, 0x5c};
size_t g_region_size = 256u << 10;
unsigned char *g_region_top;
bool g_verbose;
int g_out_fd = 1;

void die(const char *msg) {
  write(2, msg, strlen(msg));
  write(2, "\n", 1);
  _exit(2);
}

void out(int fd, const char *s) {
  size_t n = strlen(s);
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w <= 0) { if (errno == EINTR) continue; return; }
    s += w; n -= (size_t)w;
  }
}

void map_region(bool shared) {
  size_t total = kGuard + g_region_size;
  void *p = mmap(nullptr, total, PROT_READ | PROT_WRITE,
                 (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_POPULATE | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) die("mmap of the private stack failed");
  if (mprotect(p, kGuard, PROT_NONE) != 0) die("mprotect of the guard failed");
  g_region_lo = (unsigned char *)p + kGuard;
  g_region_top = g_region_lo + g_region_size - 512;  // room for stack arguments above %rsp
  g_mark_slot = (volatile uintptr_t *)(g_region_lo + g_region_size - 8);
}

void poison(int rep) {
  g_poison_byte = kPoison[rep & 1];
  memset(g_region_lo, g_poison_byte, (size_t)(g_region_top - g_region_lo));
}

// Lowest byte below `base` that is no longer poison; returns base if none.
uintptr_t lowest_touched(uintptr_t base) {
  const unsigned char pb = g_poison_byte;
  uint64_t pw;
  memset(&pw, pb, 8);
  const unsigned char *p = g_region_lo;
  const unsigned char *end = (const unsigned char *)base;
  while (p + 8 <= end) {
    uint64_t w;
    memcpy(&w, p, 8);
    if (w != pw) break;
    p += 8;
  }
  while (p < end && *p == pb) p++;
  return (uintptr_t)p;
}

// ---- cold PLTs ------------------------------------------------------------
// Shared libraries (libc, libm, libstdc++, libgcc_s...) are bound lazily: the
// first call through each of their PLT slots runs the dynamic linker's
// resolver on the caller's stack (~3 KiB here: it saves the AVX-512 state).
// Whether a slot is still unresolved when a function is first called depends
// on what the program did before main returned control to it. So, as its
// first action, a measuring process records which JUMP_SLOTs of the lazily
// bound libraries are still unresolved (what a fresh program has at main),
// and before repetition 0 resets exactly those to their unresolved value,
// undoing whatever the test's setup resolved. Repetition 0 is then the first
// call of a fresh program. This program itself is linked with -z now.
struct Slot_ {
  volatile uint64_t *got;
  uint64_t unresolved;
};
Slot_ *g_cold;  // mmap'ed: no heap
size_t g_ncold, g_capcold;

int snapshot_one(struct dl_phdr_info *info, size_t, void *) {
  const char *name = info->dlpi_name;
  if (!name || !*name || strstr(name, "linux-vdso") || strstr(name, "ld-linux")) return 0;
  const ElfW(Phdr) *dynp = nullptr;
  for (int k = 0; k < info->dlpi_phnum; k++)
    if (info->dlpi_phdr[k].p_type == PT_DYNAMIC) dynp = &info->dlpi_phdr[k];
  if (!dynp) return 0;
  uintptr_t base = info->dlpi_addr, jmprel = 0, pltrelsz = 0;
  bool now = false;
  for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(base + dynp->p_vaddr); d->d_tag != DT_NULL; d++) {
    if (d->d_tag == DT_JMPREL) jmprel = d->d_un.d_ptr;
    if (d->d_tag == DT_PLTRELSZ) pltrelsz = d->d_un.d_val;
    if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_BIND_NOW)) now = true;
    if (d->d_tag == DT_FLAGS_1 && (d->d_un.d_val & DF_1_NOW)) now = true;
  }
  if (now || !jmprel || !pltrelsz) return 0;
  if (jmprel < base) jmprel += base;  // ld.so relocates d_ptr in place
  int fd = open(name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  off_t size = lseek(fd, 0, SEEK_END);
  void *map = mmap(nullptr, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return 0;
  const unsigned char *file = (const unsigned char *)map;
  const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)file;
  const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(file + eh->e_phoff);
  const ElfW(Rela) *r = (const ElfW(Rela) *)jmprel;
  for (size_t k = 0; k < pltrelsz / sizeof(ElfW(Rela)); k++) {
    if (ELF64_R_TYPE(r[k].r_info) != R_X86_64_JUMP_SLOT) continue;
    uintptr_t va = r[k].r_offset;
    for (int p = 0; p < eh->e_phnum; p++) {
      if (ph[p].p_type != PT_LOAD || va < ph[p].p_vaddr || va + 8 > ph[p].p_vaddr + ph[p].p_filesz) continue;
      uint64_t orig;
      memcpy(&orig, file + ph[p].p_offset + (va - ph[p].p_vaddr), 8);
      volatile uint64_t *got = (volatile uint64_t *)(base + va);
      if (*got == orig + base && g_ncold < g_capcold) g_cold[g_ncold++] = {got, orig + base};
      break;
    }
  }
  munmap(map, (size_t)size);
  return 0;
}

bool g_relazify = true;
void snapshot_unresolved() {
  g_capcold = 1 << 16;
  void *p = mmap(nullptr, g_capcold * sizeof(Slot_), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;
  g_cold = (Slot_ *)p;
  dl_iterate_phdr(snapshot_one, nullptr);
}
void make_plts_cold() {
  if (!g_relazify) return;
  for (size_t k = 0; k < g_ncold; k++) *g_cold[k].got = g_cold[k].unresolved;
}

struct RepResult {
  long need;
  const char *error;
};

void *g_fn;  // resolved symbol of the current test
uint64_t g_last_rax;

RepResult run_rep(const Test &t, int rep, int sub) {
  Call c;
  memset(&c, 0, sizeof c);
  c.sym = t.sym;
  c.resolved = g_fn;
  c.param = t.param;
  c.sub = sub;
  t.setup(c);
  if (c.fail) return {0, c.fail};
  if (!c.fn) c.fn = g_fn;
  if (!c.fn) return {0, "no callee"};
  if (rep == 0 && sub == 0) make_plts_cold();
  poison(rep);
  *g_mark_slot = 0;
  if (t.flags & T_NORETURN) {
    pid_t pid = fork();
    if (pid < 0) return {0, "fork failed"};
    if (pid == 0) {
      struct rlimit rl = {0, 0};
      setrlimit(RLIMIT_CORE, &rl);
      int nul = open("/dev/null", O_RDWR);
      dup2(nul, 1);
      dup2(nul, 2);
      ms_call_on_stack(&c, g_region_top);
      _exit(0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    // %rsp at the call: the same computation as the assembly (no stack args).
    c.call_rsp = ((uintptr_t)g_region_top - 8 * c.nstk) & ~(uintptr_t)15;
  } else {
    ms_call_on_stack(&c, g_region_top);
  }
  uintptr_t base = *g_mark_slot ? *g_mark_slot : c.call_rsp;
  uintptr_t low = lowest_touched(base);
  RepResult r = {(long)(base - low), nullptr};
  g_last_rax = c.ret_rax;
  if (low < (uintptr_t)g_region_lo + 4096) r.error = "private stack overflowed (raise --region)";
  if (t.teardown) t.teardown(c);
  return r;
}

struct Outcome {
  long first, max;
  long reps[kReps];
  int nreps;
  const char *error;
};

// Repetitions [from, to) of a test, into o.
void run_reps(const Test &t, int from, int to, Outcome &o) {
  int nsub = t.nsub > 0 ? t.nsub : 1;
  for (int rep = from; rep < to && !o.error; rep++) {
    long repmax = 0;
    for (int s = 0; s < nsub; s++) {
      RepResult r = run_rep(t, rep, s);
      if (r.error) { o.error = r.error; break; }
      if (g_verbose) {
        char b[160];
        snprintf(b, sizeof b, "rep %d sub %d: need %ld (rax %#lx)\n", rep, s, r.need, (unsigned long)g_last_rax);
        out(2, b);
      }
      if (r.need > repmax) repmax = r.need;
    }
    o.reps[rep] = repmax;
    if (rep == 0) o.first = repmax;
    if (repmax > o.max) o.max = repmax;
    o.nreps = rep + 1;
  }
}

struct ThreadArg {
  const Test *t;
  int from, to;
  Outcome *o;
};

void *thread_main(void *p) {
  ThreadArg *a = (ThreadArg *)p;
  run_reps(*a->t, a->from, a->to, *a->o);
  return nullptr;
}

// T_THREAD: all repetitions in one new thread; T_THREAD_EACH: each in its
// own new thread (the later ones: a warm process, a fresh thread).
Outcome run_test(const Test &t) {
  static Outcome o;  // no heap: static
  memset(&o, 0, sizeof o);
  int nreps = (t.flags & T_LAZY) ? 1 : kReps;
  if (!(t.flags & (T_THREAD | T_THREAD_EACH))) {
    run_reps(t, 0, nreps, o);
    return o;
  }
  int step = (t.flags & T_THREAD_EACH) ? 1 : nreps;
  for (int from = 0; from < nreps && !o.error; from += step) {
    static ThreadArg a;
    a = ThreadArg{&t, from, from + step, &o};
    pthread_t th;
    if (pthread_create(&th, nullptr, thread_main, &a) != 0) die("pthread_create failed");
    pthread_join(th, nullptr);
  }
  return o;
}

int one(int idx) {
  if (idx < 0 || idx >= g_ntests) die("no such test");
  snapshot_unresolved();
  const Test &t = g_tests[idx];
  char line[1024];
  map_region((t.flags & T_NORETURN) != 0);
  tests_init();
  if (!(t.flags & (T_LAZY | T_LOCAL | T_INFO))) {
    g_fn = dlsym(RTLD_DEFAULT, t.sym);
    if (!g_fn) {
      snprintf(line, sizeof line, "E\t%s\t%s\tsymbol not found by dlsym\n", t.sym, t.variant);
      out(g_out_fd, line);
      return 1;
    }
  }
  Outcome o = run_test(t);
  if (o.error) {
    snprintf(line, sizeof line, "E\t%s\t%s\t%s\n", t.sym, t.variant, o.error);
    out(g_out_fd, line);
    return 1;
  }
  char reps[200];
  size_t n = 0;
  reps[0] = 0;
  for (int i = 0; i < o.nreps; i++) n += snprintf(reps + n, sizeof reps - n, i ? ",%ld" : "%ld", o.reps[i]);
  snprintf(line, sizeof line, "R\t%s\t%s\t%u\t%ld\t%ld\t%s\t%s\n", t.sym, t.variant, t.flags, o.first, o.max,
           reps, t.note ? t.note : "");
  out(g_out_fd, line);
  return 0;
}

// ---- parent: run every test in its own process -------------------------

struct Slot {
  pid_t pid;
  int fd;
  int test;
  struct timespec start;
  char buf[2048];
  size_t len;
};

double since(const struct timespec &a) {
  struct timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
}

bool start(Slot &s, int test, const char *self) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, p[1], 3);
  char idx[16], region[32];
  snprintf(idx, sizeof idx, "%d", test);
  snprintf(region, sizeof region, "%zu", g_region_size >> 10);
  char *argv[] = {(char *)self, (char *)"--one", idx, (char *)"--fd", (char *)"3",
                  (char *)"--region", region, nullptr};
  int rc = posix_spawn(&s.pid, self, &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  if (rc != 0) { close(p[0]); return false; }
  s.fd = p[0];
  s.test = test;
  s.len = 0;
  clock_gettime(CLOCK_MONOTONIC, &s.start);
  return true;
}

// The measuring process's temporary files (common.cpp, tmp_path).
void remove_tmp_dir(pid_t pid) {
  char dir[64], path[400];
  snprintf(dir, sizeof dir, "/tmp/stackneeds-%d.d", (int)pid);
  DIR *d = opendir(dir);
  if (!d) return;
  while (struct dirent *e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (unlink(path) != 0) rmdir(path);
  }
  closedir(d);
  rmdir(dir);
}

void finish(Slot &s, bool timed_out) {
  int st = 0;
  if (timed_out) kill(s.pid, SIGKILL);
  while (waitpid(s.pid, &st, 0) < 0 && errno == EINTR) {
  }
  remove_tmp_dir(s.pid);
  close(s.fd);
  s.buf[s.len] = 0;
  const Test &t = g_tests[s.test];
  char line[512];
  if (s.len && s.buf[s.len - 1] == '\n' && !timed_out) {
    if (getenv("STACKNEEDS_TIMING")) {
      snprintf(line, sizeof line, "T\t%s\t%s\t%.1f ms\n", t.sym, t.variant, 1e3 * since(s.start));
      out(2, line);
    }
    out(1, s.buf);
  } else if (timed_out) {
    snprintf(line, sizeof line, "E\t%s\t%s\ttimed out\n", t.sym, t.variant);
    out(1, line);
  } else {
    snprintf(line, sizeof line, "E\t%s\t%s\tchild died (%s %d)\n", t.sym, t.variant,
             WIFSIGNALED(st) ? "signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    out(1, line);
  }
  s.pid = 0;
}

int run_all(int jobs, const char *only, const char *self) {
  static Slot slots[64];
  if (jobs < 1) jobs = 1;
  if (jobs > 64) jobs = 64;
  int next = 0, running = 0;
  for (;;) {
    while (running < jobs && next < g_ntests) {
      int t = next++;
      if (only && !strstr(g_tests[t].sym, only)) continue;
      for (int i = 0; i < jobs; i++)
        if (!slots[i].pid) {
          if (start(slots[i], t, self)) running++;
          else {
            char line[256];
            snprintf(line, sizeof line, "E\t%s\t%s\tspawn failed\n", g_tests[t].sym, g_tests[t].variant);
            out(1, line);
          }
          break;
        }
    }
    if (!running) break;
    struct pollfd pf[64];
    int map[64], n = 0;
    for (int i = 0; i < jobs; i++)
      if (slots[i].pid) { pf[n].fd = slots[i].fd; pf[n].events = POLLIN; map[n++] = i; }
    poll(pf, (nfds_t)n, 200);
    for (int k = 0; k < n; k++) {
      Slot &s = slots[map[k]];
      if (pf[k].revents) {
        ssize_t r = read(s.fd, s.buf + s.len, sizeof s.buf - 1 - s.len);
        if (r > 0) { s.len += (size_t)r; continue; }
        finish(s, false);
        running--;
      } else if (since(s.start) > 30.0) {
        finish(s, true);
        running--;
      }
    }
  }
  return 0;
}

}  // namespace

void register_test(const Test &t) {
  if (g_ntests >= kMaxTests) die("too many tests");
  g_tests[g_ntests++] = t;
}

int main(int argc, char **argv) {
  ms_model_runtime();
  register_tests();
  if (getenv("STACKNEEDS_NO_COLD_PLT")) g_relazify = false;
  int jobs = 2, idx = -1;
  const char *only = nullptr;
  enum { NONE, LIST, ALL, ONE } mode = NONE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--list")) mode = LIST;
    else if (!strcmp(a, "--run-all")) mode = ALL;
    else if (!strcmp(a, "--one") && i + 1 < argc) { mode = ONE; idx = atoi(argv[++i]); }
    else if (!strcmp(a, "--fd") && i + 1 < argc) g_out_fd = atoi(argv[++i]);
    else if (!strcmp(a, "-j") && i + 1 < argc) jobs = atoi(argv[++i]);
    else if (!strcmp(a, "--only") && i + 1 < argc) only = argv[++i];
    else if (!strcmp(a, "--region") && i + 1 < argc) g_region_size = (size_t)atol(argv[++i]) << 10;
    else if (!strcmp(a, "-v")) g_verbose = true;
    else { fprintf(stderr, "usage: %s --list | --run-all [-j N] [--only S] | --one I [-v]\n", argv[0]); return 2; }
  }
  switch (mode) {
    case LIST:
      for (int i = 0; i < g_ntests; i++) printf("%d\t%s\t%s\n", i, g_tests[i].sym, g_tests[i].variant);
      return 0;
    case ALL: {
      // A fixed environment for every child: a zoneinfo time zone, the C
      // locale unless a test selects another one.
      setenv("TZ", "Europe/Berlin", 1);
      for (const char *v : {"LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
                            "LC_MONETARY", "LC_MESSAGES"})
        unsetenv(v);
      char self[4096];
      ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
      if (n <= 0) die("cannot read /proc/self/exe");
      self[n] = 0;
      return run_all(jobs, only, self);
    }
    case ONE:
      return one(idx);
    default:
      fprintf(stderr, "usage: %s --list | --run-all [-j N] [--only S] | --one I [-v]\n", argv[0]);
      return 2;
  }
}

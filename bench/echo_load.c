/* bench/echo_load.c: the load generator of the echo benchmark. Starts an
 * echo server (a command that listens on 127.0.0.1, prints "port N" and
 * sends back what each connection sends), opens N connections to it over
 * loopback, and has every connection do K round trips of a 64-byte message,
 * all at once (one epoll loop, one thread). Reports:
 *
 *   round trips per second over the K rounds, and the server's CPU time
 *   (user + system) per round trip over them: on a machine where the
 *   client or other load limits the rate, that one still compares servers;
 *   the server's resident memory per connection: its RSS with all N
 *   connections open and each used once, minus its RSS before the first
 *   connection, divided by N.
 *
 *   echo_load N K variant server-command [server arguments...]
 *
 * Servers: examples/echo_server.cpp (morestack tasks), bench/go/echo.go,
 * bench/echo_epoll.c (bench/run.sh runs them). Every reply is checked.
 *
 * Loopback only, bounded: the whole run must end within 300 s (else the
 * server is killed and this fails). Connections come from 127.0.0.2 to
 * 127.0.0.5 (IP_BIND_ADDRESS_NO_PORT), so that 50,000 of them do not run
 * out of ephemeral ports. Each process needs N file descriptors and some:
 * the soft RLIMIT_NOFILE is raised to the hard limit (the server inherits
 * it); a hard limit below that is reported, and the run is refused. */
#define _GNU_SOURCE
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum { MSG = 64, MAX_CONNECTING = 256, TIME_LIMIT_S = 300 };

typedef struct {
  int fd;
  uint32_t trips;   /* round trips completed */
  uint8_t got;      /* bytes of the current reply received */
  uint8_t connected;
} Conn;

static pid_t server = -1;
static Conn *conns;
static long nconns, rounds;
static int ep;

static void die(const char *what) {
  perror(what);
  if (server > 0) kill(server, SIGKILL);
  exit(1);
}

static void on_alarm(int sig) {
  (void)sig;
  static const char msg[] = "echo_load: time limit reached; stopping\n";
  if (write(2, msg, sizeof msg - 1) < 0) _exit(4);
  if (server > 0) kill(server, SIGKILL);
  _exit(4);
}

static long rss_of(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
  FILE *f = fopen(path, "r");
  long total = 0, resident = -1;
  if (!f) return -1;
  if (fscanf(f, "%ld %ld", &total, &resident) != 2) resident = -1;
  fclose(f);
  return resident * 4096;
}

/* CPU time the process has used (user + system), in seconds. */
static double cpu_of(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')');  /* after the command name, which may hold spaces */
  unsigned long utime = 0, stime = 0;
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return -1;
  return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void message(long conn, uint32_t trip, unsigned char *m) {
  for (int i = 0; i < MSG; ++i) m[i] = (unsigned char)(conn * 131 + trip * 7 + i);
}

static void send_message(long i) {
  unsigned char m[MSG];
  message(i, conns[i].trips, m);
  ssize_t n = write(conns[i].fd, m, MSG);  /* 64 bytes into an empty buffer */
  if (n != MSG) die("echo_load: write");
}

static void watch(long i, uint32_t events, int op) {
  struct epoll_event e = {events, {.u64 = (uint64_t)i}};
  if (epoll_ctl(ep, op, conns[i].fd, &e) != 0) die("echo_load: epoll_ctl");
}

/* Read what came for connection i; returns 1 when a whole reply came (and
 * checks it). */
static int receive(long i) {
  unsigned char buf[MSG], want[MSG];
  ssize_t n = read(conns[i].fd, buf, MSG - conns[i].got);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  if (n <= 0) die("echo_load: read (the server closed a connection?)");
  message(i, conns[i].trips, want);
  if (memcmp(buf, want + conns[i].got, (size_t)n) != 0) {
    fprintf(stderr, "echo_load: connection %ld got a wrong reply\n", i);
    die("echo_load");
  }
  conns[i].got = (uint8_t)(conns[i].got + n);
  if (conns[i].got < MSG) return 0;
  conns[i].got = 0;
  ++conns[i].trips;
  return 1;
}

/* Run the event loop until every connection completed `target` round trips
 * (starting connections as it goes when connecting). */
static void run_until(uint32_t target, struct sockaddr_in *server_addr, long *next_to_connect) {
  long finished = 0, connecting = 0;
  for (long i = 0; i < nconns; ++i) finished += conns[i].trips >= target;
  struct epoll_event events[1024];
  while (finished < nconns) {
    while (next_to_connect && *next_to_connect < nconns && connecting < MAX_CONNECTING) {
      long i = (*next_to_connect)++;
      int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (s < 0) die("echo_load: socket");
      int one = 1;
      setsockopt(s, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      struct sockaddr_in from = {0};
      from.sin_family = AF_INET;
      from.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(i % 4));
      if (bind(s, (struct sockaddr *)&from, sizeof from) != 0) die("echo_load: bind");
      if (connect(s, (struct sockaddr *)server_addr, sizeof *server_addr) != 0 && errno != EINPROGRESS)
        die("echo_load: connect");
      conns[i].fd = s;
      watch(i, EPOLLOUT, EPOLL_CTL_ADD);
      ++connecting;
    }
    int n = epoll_wait(ep, events, 1024, -1);
    if (n < 0 && errno != EINTR) die("echo_load: epoll_wait");
    for (int k = 0; k < n; ++k) {
      long i = (long)events[k].data.u64;
      if (!conns[i].connected) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(conns[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
          errno = err;
          die("echo_load: connect");
        }
        conns[i].connected = 1;
        --connecting;
        watch(i, EPOLLIN, EPOLL_CTL_MOD);
        send_message(i);
        continue;
      }
      if (!receive(i)) continue;
      if (conns[i].trips >= target) ++finished;
      else send_message(i);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: echo_load connections round-trips variant server-command [args...]\n");
    return 2;
  }
  nconns = atol(argv[1]);
  rounds = atol(argv[2]);
  const char *variant = argv[3];
  if (nconns < 1 || rounds < 1) return 2;

  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  const rlim_t need = (rlim_t)nconns + 64;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
    fprintf(stderr,
            "echo_load: %ld connections need %lu file descriptors in each process; the hard "
            "RLIMIT_NOFILE here is %lu (raise it as root: ulimit -Hn, limits.conf)\n",
            nconns, (unsigned long)need, (unsigned long)rl.rlim_max);
    return 3;
  }
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGALRM, on_alarm);
  alarm(TIME_LIMIT_S);

  int out[2];
  if (pipe(out) != 0) die("echo_load: pipe");
  server = fork();
  if (server < 0) die("echo_load: fork");
  if (server == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    execvp(argv[4], argv + 4);
    perror("echo_load: exec");
    _exit(127);
  }
  close(out[1]);
  char line[64];
  size_t len = 0;
  while (len < sizeof line - 1) {  /* the first line, byte by byte: nothing after it is ours */
    ssize_t n = read(out[0], line + len, 1);
    if (n <= 0 || line[len] == '\n') break;
    ++len;
  }
  line[len] = '\0';
  int port = 0;
  if (sscanf(line, "port %d", &port) != 1) {
    fprintf(stderr, "echo_load: the server said \"%s\", not its port\n", line);
    die("echo_load");
  }
  usleep(200000);  /* let the server settle (Go starts its threads) */
  const long rss_before = rss_of(server);

  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  conns = (Conn *)calloc((size_t)nconns, sizeof(Conn));
  ep = epoll_create1(0);
  if (!conns || ep < 0) die("echo_load: setup");

  /* Connect everything, one round trip each. */
  long next = 0;
  const uint64_t t_connect = bench_now_ns();
  run_until(1, &addr, &next);
  const double connect_s = (double)(bench_now_ns() - t_connect) / 1e9;
  usleep(200000);
  const long rss_open = rss_of(server);

  /* K round trips on every connection, all at once. */
  const double cpu0 = cpu_of(server);
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < nconns; ++i) send_message(i);
  run_until((uint32_t)rounds + 1, NULL, NULL);
  const double secs = (double)(bench_now_ns() - t0) / 1e9;
  const double cpu = cpu_of(server) - cpu0;

  const double trips = (double)nconns * (double)rounds;
  const double per_s = trips / secs;
  const double cpu_ns = cpu * 1e9 / trips;  /* the server's: what a busy client does not hide */
  const double per_conn = (double)(rss_open - rss_before) / (double)nconns;
  char kase[32];
  snprintf(kase, sizeof kase, "%ldconn", nconns);
  fprintf(stderr,
          "echo %s: %ld connections (opened and used once in %.2f s), %ld round trips each: "
          "%.0f round trips/s, server CPU %.1f us per round trip; server RSS %.1f MiB before, %.1f MiB "
          "open: %.0f bytes per connection\n",
          variant, nconns, connect_s, rounds, per_s, cpu_ns / 1e3, rss_before / 1048576.0,
          rss_open / 1048576.0, per_conn);
  bench_report("echo", kase, variant, per_s, "roundtrips/s");
  bench_report("echo-cpu", kase, variant, cpu_ns, "ns");
  bench_report("echo-rss", kase, variant, per_conn, "bytes");

  for (long i = 0; i < nconns; ++i) close(conns[i].fd);
  kill(server, SIGTERM);
  waitpid(server, NULL, 0);
  return 0;
}

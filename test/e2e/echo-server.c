// The echo server example (examples/echo_server.cpp) against a client in
// this test: the server serves exactly 64 connections and exits; the
// client starts it, and opens the 64 connections from tasks, each with a
// writer task sending 10 messages of 1 byte to 64 KiB (blocking writes that
// fill the socket buffers and park) and a reader task checking every byte
// that comes back. Both programs run with 2 KiB main and thread stacks,
// once with MORESTACK_VERIFY=1, on 2 workers and on 1.
//
// RUN: %morestack_clang -O2 %s -o %t
// RUN: env MORESTACK_WORKERS=2 %t %obj_root/examples/echo_server | FileCheck %s
// RUN: env MORESTACK_WORKERS=1 MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K %t %obj_root/examples/echo_server | FileCheck %s
// RUN: env MORESTACK_WORKERS=2 MORESTACK_MAIN_STACK=2K MORESTACK_THREAD_STACK=2K MORESTACK_VERIFY=1 %t %obj_root/examples/echo_server | FileCheck %s
// CHECK: server: port {{[1-9][0-9]*}}
// CHECK-NEXT: 64 connections: 10 messages each, {{[1-9][0-9]*}} bytes echoed, every byte checked
// CHECK-NEXT: server: served 64 connections
// CHECK-NEXT: server: exit status 0

#include <morestack/sched.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CONNECTIONS = 64, MESSAGES = 10, MAX_MESSAGE = 65536 };

static struct sockaddr_in server_addr;

typedef struct {
  int id, fd;
  long sent, received;  // bytes
  long mismatches;
} Conn;

// The byte at offset i of connection id's stream.
static unsigned char stream_byte(int id, long i) {
  uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15u + (uint64_t)id * 0xbf58476d1ce4e5b9u;
  return (unsigned char)(x >> 56);
}

static void writer(void *arg) {
  Conn *c = (Conn *)arg;
  unsigned char *b = malloc(MAX_MESSAGE);
  for (int m = 0; m < MESSAGES; ++m) {
    const long size = 1 + (long)((m * 7919u + c->id * 104729u) % MAX_MESSAGE);
    for (long i = 0; i < size; ++i) b[i] = stream_byte(c->id, c->sent + i);
    // A blocking write writes everything (parking while the buffers are full).
    if (write(c->fd, b, (size_t)size) != size) {
      perror("client: write");
      exit(1);
    }
    c->sent += size;
  }
  free(b);
  shutdown(c->fd, SHUT_WR);  // the server sees the end and closes
}

static void reader(void *arg) {
  Conn *c = (Conn *)arg;
  unsigned char buf[1500];
  ssize_t n;
  while ((n = read(c->fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; ++i) c->mismatches += buf[i] != stream_byte(c->id, c->received + i);
    c->received += n;
  }
  if (n < 0) {
    perror("client: read");
    exit(1);
  }
}

static void connection(void *arg) {
  Conn *c = (Conn *)arg;
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&server_addr, sizeof server_addr) != 0) {
    perror("client: connect");
    exit(1);
  }
  morestack_task *r = morestack_go(reader, c);
  writer(c);
  morestack_join(r);
  close(c->fd);
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  int out[2];
  if (pipe(out) != 0) return 2;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    char count[16];
    snprintf(count, sizeof count, "%d", CONNECTIONS);
    execl(argv[1], argv[1], "0", count, (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  FILE *server = fdopen(out[0], "r");
  char line[128];
  int port = 0;
  if (!fgets(line, sizeof line, server) || sscanf(line, "port %d", &port) != 1) {
    fprintf(stderr, "client: the server did not say its port\n");
    return 1;
  }
  printf("server: %s", line);
  server_addr.sin_family = AF_INET;
  server_addr.sin_port = htons((uint16_t)port);
  server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  static Conn conns[CONNECTIONS];
  morestack_task *tasks[CONNECTIONS];
  for (int i = 0; i < CONNECTIONS; ++i) {
    conns[i].id = i;
    tasks[i] = morestack_go(connection, &conns[i]);
  }
  long total = 0, bad = 0;
  for (int i = 0; i < CONNECTIONS; ++i) {
    morestack_join(tasks[i]);
    total += conns[i].received;
    if (conns[i].received != conns[i].sent || conns[i].mismatches) {
      fprintf(stderr, "client: connection %d sent %ld bytes, got %ld back, %ld of them wrong\n", i,
              conns[i].sent, conns[i].received, conns[i].mismatches);
      ++bad;
    }
  }
  if (bad) return 1;
  printf("%d connections: %d messages each, %ld bytes echoed, every byte checked\n", CONNECTIONS,
         MESSAGES, total);
  while (fgets(line, sizeof line, server)) printf("server: %s", line);
  int status;
  if (waitpid(pid, &status, 0) != pid) return 1;
  if (WIFEXITED(status)) printf("server: exit status %d\n", WEXITSTATUS(status));
  else printf("server: killed by signal %d\n", WTERMSIG(status));
  return 0;
}

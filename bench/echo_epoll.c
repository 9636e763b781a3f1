/* bench/echo_epoll.c: the hand-written epoll echo server of the echo
 * benchmark (bench/echo_load.c), what a C programmer writes without
 * threads per connection: T threads, each with its own epoll set and the
 * listening socket in every set (EPOLLEXCLUSIVE: one thread is woken per
 * connection); non-blocking sockets, level-triggered; a reply that does
 * not fit in the socket buffer waits in a heap buffer for EPOLLOUT.
 *
 *   echo_epoll [port=0] [threads=1]
 *
 * Listens on 127.0.0.1, prints "port N", serves until killed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUF = 512 };

typedef struct {
  int fd;
  unsigned pending, off;  /* bytes of out not yet written back */
  char *out;
} Conn;

static int listener;

static void drop(int ep, Conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->out);
  free(c);
}

/* Write back what is pending; returns 0 when the connection failed. */
static int flush(int ep, Conn *c) {
  while (c->pending) {
    ssize_t n = write(c->fd, c->out + c->off, c->pending);
    if (n < 0 && errno == EAGAIN) {
      struct epoll_event e = {EPOLLIN | EPOLLOUT, {.ptr = c}};
      epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
      return 1;
    }
    if (n <= 0) return 0;
    c->off += (unsigned)n;
    c->pending -= (unsigned)n;
  }
  struct epoll_event e = {EPOLLIN, {.ptr = c}};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
  return 1;
}

static void on_readable(int ep, Conn *c) {
  if (c->pending) return;  /* the peer reads slowly: wait for EPOLLOUT first */
  char buf[BUF];
  ssize_t n = read(c->fd, buf, sizeof buf);
  if (n < 0 && errno == EAGAIN) return;
  ssize_t w = n > 0 ? write(c->fd, buf, (size_t)n) : -1;
  if (w == n) return;
  if (n <= 0 || (w < 0 && errno != EAGAIN) || (!c->out && !(c->out = malloc(BUF)))) {
    drop(ep, c);
    return;
  }
  if (w < 0) w = 0;
  memcpy(c->out, buf + w, (size_t)(n - w));
  c->off = 0;
  c->pending = (unsigned)(n - w);
  if (!flush(ep, c)) drop(ep, c);
}

static void *serve(void *arg) {
  (void)arg;
  int ep = epoll_create1(0);
  struct epoll_event e = {EPOLLIN | EPOLLEXCLUSIVE, {.ptr = NULL}};
  if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &e) != 0) {
    perror("echo_epoll: epoll");
    exit(1);
  }
  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      Conn *c = (Conn *)events[i].data.ptr;
      if (!c) {  /* the listener: take what is there */
        int fd;
        while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          Conn *nc = calloc(1, sizeof *nc);
          if (!nc) {
            close(fd);
            continue;
          }
          nc->fd = fd;
          struct epoll_event ce = {EPOLLIN, {.ptr = nc}};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
        }
        continue;
      }
      if (events[i].events & EPOLLOUT) {
        if (!flush(ep, c)) {
          drop(ep, c);
          continue;
        }
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(ep, c);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  const int port = argc > 1 ? atoi(argv[1]) : 0;
  const int threads = argc > 2 ? atoi(argv[2]) : 1;
  listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, (struct sockaddr *)&addr, len) || listen(listener, 4096) ||
      getsockname(listener, (struct sockaddr *)&addr, &len)) {
    perror("echo_epoll");
    return 1;
  }
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  for (int t = 1; t < threads; ++t) {
    pthread_t th;
    pthread_create(&th, NULL, serve, NULL);
  }
  serve(NULL);
  return 0;
}

// An echo server in the style of Go's net package, on morestack's
// scheduler: one task accepts, and a task per connection reads and writes
// back with the ordinary blocking calls. Each call that would block parks
// its task, not the worker thread (the netpoller, docs/runtime.md), so a
// few workers serve thousands of connections on 2 KiB stacks.
//
//   echo_server [port=0] [connections=0]
//
// Listens on 127.0.0.1 (port 0: any free port), prints "port N", and
// serves forever, or until `connections` connections have come and gone.
#include <morestack/go.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

static void serve(int conn) {
  char buf[512];
  for (ssize_t n; (n = read(conn, buf, sizeof buf)) > 0;)
    if (write(conn, buf, n) != n) break;  // a blocking write writes everything
  close(conn);
}

int main(int argc, char **argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  const long connections = argc > 2 ? std::atol(argv[2]) : 0;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, (sockaddr *)&addr, len) || listen(listener, 4096) ||
      getsockname(listener, (sockaddr *)&addr, &len)) {
    std::perror("echo_server");
    return 1;
  }
  std::printf("port %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  morestack::go([=] {  // the acceptor: a task too, so accept() parks it
    morestack::WaitGroup served;
    for (long n = 0; connections == 0 || n < connections; ++n) {
      int conn = accept(listener, nullptr, nullptr);
      if (conn < 0) continue;
      served.add(1);
      morestack::go([&served, conn] {
        serve(conn);
        served.done();
      }).detach();
    }
    served.wait();
  }).join();
  std::printf("served %ld connections\n", connections);
  return 0;
}

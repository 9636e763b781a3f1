#!/usr/bin/env bash
# Run the examples from a build tree: examples/run-examples.sh [build-dir]
# (examples/run-examples.sh build-dir echo_server: the echo server's part only)
set -uo pipefail
build="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}"
ex="$build/examples"

# The echo server for 3 connections, each sending one line with bash's
# /dev/tcp and reading the echo back.
echo_server_demo() {
  coproc SERVER { "$ex/echo_server" 0 3; }
  local pid=$SERVER_PID word port reply
  read -r word port <&"${SERVER[0]}" || return 1
  for i in 1 2 3; do
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    echo "hello $i" >&3
    read -r reply <&3
    exec 3>&-
    echo "   sent 'hello $i', got '$reply' back"
  done
  read -r reply <&"${SERVER[0]}"
  echo "   the server: $reply"
  wait "$pid"
}

if [ "${2:-}" = echo_server ]; then echo_server_demo; exit; fi

echo "== deep recursion (about 100 MB of stack) under ulimit -s 8192 =="
echo "-- built plainly:"
( ulimit -s 8192; "$ex/deep_recursion_plain" ) 2>/dev/null
rc=$?
if [ $rc -ge 128 ]; then echo "   crashed (signal $((rc - 128)))"; else echo "   exit code $rc"; fi
echo "-- built with morestack-clang:"
( ulimit -s 8192; "$ex/deep_recursion" ) || exit 1

echo
echo "== 100,000 fibers, each recursing a little =="
"$ex/many_fibers" 100000 || exit 1

echo
echo "== a pipeline of 1,002 tasks and channels on the scheduler (morestack/go.hpp) =="
"$ex/pipeline" 100000 || exit 1

echo
echo "== an echo server: a task per connection, plain blocking accept, read and write =="
echo_server_demo

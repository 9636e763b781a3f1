#!/usr/bin/env bash
# Run the examples from a build tree: examples/run-examples.sh [build-dir]
set -uo pipefail
build="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}"
ex="$build/examples"

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

#!/usr/bin/env bash
# README command 1: install what is missing, build everything, run the main example.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MORESTACK_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
bash "$root/examples/run-examples.sh" "$build"

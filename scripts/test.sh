#!/usr/bin/env bash
# README command 2: install what is missing, build, run the whole test suite
# (lit: plugin, driver and end-to-end tests; GoogleTest: runtime unit tests).
# Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MORESTACK_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure --timeout 3000

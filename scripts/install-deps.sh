#!/usr/bin/env bash
# Install what morestack needs on Debian 12, and nothing that is already there.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  llvm-19-dev libclang-19-dev clang-19 lld-19 llvm-19-tools   # plugin + toolchain
  cmake make g++ python3                                      # build
  googletest libgtest-dev                                     # unit tests
  valgrind gdb pkg-config                                     # tools tests (pkg-config: install test)
  python3-matplotlib                                          # bench/report.py plots (test/bench)
  libclang-rt-19-dev                                          # sanitizer runtimes (ASan, TSan, UBSan tests)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "morestack: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

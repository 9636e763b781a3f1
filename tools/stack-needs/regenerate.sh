#!/usr/bin/env bash
# Measure the stack needs of glibc/libstdc++ functions on this machine and
# rewrite plugin/LibraryStackNeeds.inc. See tools/stack-needs/README.md.
#
#   tools/stack-needs/regenerate.sh [-j N] [--out FILE] [--report FILE]
#       [--margin-fixed BYTES] [--margin-percent P] [--warm-plt]
#       [--no-crosscheck] [--keep-going] [--keep]
#
# Builds the measuring programs with plain clang (never the morestack plugin)
# in a temporary directory ($STACK_NEEDS_BUILD_DIR to choose one), runs every
# test in its own process, cross-checks a few needs by faulting on a guard
# page, and writes the table and a per-variant report
# (tools/stack-needs/measurements.txt). Like the runtime, the measuring
# programs bind the libraries' PLT slots at start-up and unwind on a stack
# of their own. --warm-plt also leaves bound the few slots that binding
# cannot reach (the libraries a test loads itself).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/plugin/LibraryStackNeeds.inc"
report="$here/measurements.txt"
# Measuring processes mostly wait (process start-up, system calls): run two
# per core.
jobs=$(( $(nproc 2>/dev/null || echo 2) * 2 ))
gen_args=()
keep=0
crosscheck=1
warm=0
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --report) report=$2; shift 2 ;;
    --margin-fixed|--margin-percent) gen_args+=("$1" "$2"); shift 2 ;;
    --keep-going) gen_args+=("$1"); shift ;;
    --no-crosscheck) crosscheck=0; shift ;;
    --warm-plt) warm=1; gen_args+=(--warm-plt); shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "regenerate.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

CC=${STACK_NEEDS_CC:-clang-19}
CXX=${STACK_NEEDS_CXX:-clang++-19}
for tool in "$CC" "$CXX" python3; do
  command -v "$tool" >/dev/null || { echo "regenerate.sh: '$tool' not found" >&2; exit 1; }
done

if [ -n "${STACK_NEEDS_BUILD_DIR:-}" ]; then
  build=$STACK_NEEDS_BUILD_DIR
  mkdir -p "$build"
else
  build=$(mktemp -d /tmp/stack-needs.XXXXXX)
  [ "$keep" = 1 ] || trap 'rm -rf "$build"' EXIT
fi
start=$SECONDS

# ---- build (plain clang, -O2; the C program does not link libstdc++) --------
common=(-O2 -g0 -std=c++17 -Wall -Wno-unused-result -I"$here")
cflags=("${common[@]}" -fno-exceptions -fno-rtti -fno-threadsafe-statics)
pids=()
compile() {  # output, then the compiler command
  local o=$1; shift
  "$@" -c -o "$build/$o" >"$build/$o.log" 2>&1 || { cat "$build/$o.log" >&2; return 1; }
}
compile tests_cxx.o "$CXX" "${common[@]}" -fno-omit-frame-pointer "$here/tests_cxx.cpp" & pids+=($!)
compile tests_libc.o "$CXX" "${cflags[@]}" "$here/tests_libc.cpp" & pids+=($!)
compile tests_stdio.o "$CXX" "${cflags[@]}" "$here/tests_stdio.cpp" & pids+=($!)
compile tests_libm.o "$CXX" "${cflags[@]}" "$here/tests_libm.cpp" & pids+=($!)
compile tests_c_main.o "$CXX" "${cflags[@]}" "$here/tests_c_main.cpp" & pids+=($!)
compile harness.o "$CXX" "${cflags[@]}" "$here/harness.cpp" & pids+=($!)
compile common.o "$CXX" "${cflags[@]}" "$here/common.cpp" & pids+=($!)
compile call_on_stack.o "$CC" "$here/call_on_stack.S" & pids+=($!)
# What the runtime does before code runs on small stacks: bind the
# libraries' lazy PLT slots (runtime/bind_now.cpp, the same file) and run
# the unwinder elsewhere (unwind_elsewhere.S mirrors runtime/unwinder.cpp).
compile bind_now.o "$CXX" "${cflags[@]}" "$root/runtime/bind_now.cpp" & pids+=($!)
compile runtime_model.o "$CXX" "${cflags[@]}" -I"$root/include" -I"$root/runtime" "$here/runtime_model.cpp" & pids+=($!)
compile unwind_elsewhere.o "$CC" -I"$root/include" "$here/unwind_elsewhere.S" & pids+=($!)
if [ "$crosscheck" = 1 ]; then
  compile crosscheck.o "$CXX" -O2 -g0 -std=c++17 -Wall -I"$here" "$here/crosscheck.cpp" & pids+=($!)
fi
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ "$fail" = 0 ] || { echo "regenerate.sh: build failed" >&2; exit 1; }
# The helper library: lazy-binding probes and a thread-local variable; it is
# linked with -z lazy and loaded with RTLD_LAZY. The measuring programs are
# linked with -z now so that their own calls never run the resolver.
"$CC" -DSTACKNEEDS_HELPER -shared -fPIC -Wl,-z,lazy "$here/call_on_stack.S" -o "$build/libstackneeds-helper.so" \
  -lstdc++ -lm
"$CC" -o "$build/stackneeds-c" "$build"/{harness,common,tests_stdio,tests_libc,tests_libm,tests_c_main,call_on_stack,bind_now,runtime_model,unwind_elsewhere}.o \
  -lm -ldl -lpthread -Wl,-z,now
"$CXX" -o "$build/stackneeds-cxx" "$build"/{harness,common,tests_cxx,call_on_stack,bind_now,runtime_model,unwind_elsewhere}.o -ldl -lpthread -Wl,-z,now
if [ "$crosscheck" = 1 ]; then
  "$CXX" -o "$build/crosscheck" "$build"/{crosscheck,bind_now,runtime_model,unwind_elsewhere}.o -ldl -lpthread -Wl,-z,now
fi
if readelf -d "$build/stackneeds-c" | grep -q 'libstdc++'; then
  echo "regenerate.sh: stackneeds-c must not link libstdc++" >&2; exit 1
fi
echo "stack-needs: built in $((SECONDS - start)) s ($build)" >&2

# ---- measure: every test in a fresh process, $jobs at a time ----------------
export STACKNEEDS_HELPER="$build/libstackneeds-helper.so"
unset LD_BIND_NOW STACKNEEDS_NO_COLD_PLT
if [ "$warm" = 1 ]; then export STACKNEEDS_NO_COLD_PLT=1; fi
"$build/stackneeds-c" --run-all -j "$jobs" >"$build/c.tsv"
"$build/stackneeds-cxx" --run-all -j "$jobs" >"$build/cxx.tsv"
if [ "$crosscheck" = 1 ]; then
  "$build/crosscheck" >"$build/crosscheck.tsv"
  gen_args+=(--crosscheck "$build/crosscheck.tsv")
fi
echo "stack-needs: measured in $((SECONDS - start)) s" >&2

# ---- table --------------------------------------------------------------------
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null || echo "glibc ?")
stdcxx=$(readlink -f "$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')" 2>/dev/null || true)
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo "?")
avx512=$(grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo yes || echo no)
versions="Measured with $glibc (Debian libc6 $(pkgver libc6)),
libstdc++ $(basename "${stdcxx:-libstdc++.so.6}") (Debian libstdc++6 $(pkgver libstdc++6)),
libgcc_s (Debian libgcc-s1 $(pkgver libgcc-s1)); $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"),
$(uname -m), CPU: $cpu (AVX-512: $avx512)."
python3 "$here/gen_table.py" --out "$out" --report "$report" --versions "$versions" \
  --command "tools/stack-needs/regenerate.sh" "${gen_args[@]}" "$build/c.tsv" "$build/cxx.tsv"
echo "stack-needs: done in $((SECONDS - start)) s" >&2

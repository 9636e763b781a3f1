#!/usr/bin/env bash
# bench/run.sh: run every benchmark side by side with what users would pick
# instead, and write bench/results/ (README.md with the table, PNG plots,
# the raw figures and the log). Not a test: nothing here judges a figure.
#
#   bash bench/run.sh            the full run (5 runs; about 18 minutes on this VM)
#   bash bench/run.sh --quick    smaller sizes, 2 runs
#   options: --runs N   --out DIR (results; default bench/results)
#            --build DIR (default ./build-bench)   --no-install
#
# Steps: install what is missing (Debian packages only), build morestack
# (scripts/build.sh, into ./build), build the benchmarks (bench/Makefile,
# into ./build-bench), run every benchmark N times interleaved (run 1 of
# everything, then run 2, ...), count instructions of the prologue programs
# under callgrind, count where the plugin puts the benchmarks' stack
# objects (bench/alloca_counts.sh), build and measure a real program
# (bench/real_program.sh: Debian's Lua 5.4, fetched with `apt-get source`
# once and cached in the build directory), and make the report
# (bench/report.py).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
out="$bench/results"
quick=0
runs=""
install=1

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs="$2"; shift ;;
    --out) out="$2"; shift ;;
    --build) build="$2"; shift ;;
    --no-install) install=0 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$runs" ] || runs=$([ $quick = 1 ] && echo 2 || echo 5)

# ---- 1. what the benchmarks need, from Debian packages, only if missing ----
PACKAGES=(golang-1.19-go libboost-context-dev g++ gcc valgrind python3-matplotlib dpkg-dev)
if [ $install = 1 ]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
# matplotlib comes from Debian, so use Debian's python (not a pyenv shim).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# ---- 2. build morestack, then the benchmarks ----
echo "bench: building morestack (scripts/build.sh)"
bash "$root/scripts/build.sh" >/dev/null
echo "bench: building the benchmarks into $build"
make -s -C "$bench" -j "$(nproc)" B="$build" MS="${MORESTACK_BUILD_DIR:-$root/build}" >/dev/null

# ---- 3. the commands: "max-runs|environment|command line" ----
# Sizes: full / quick.
if [ $quick = 1 ]; then
  FIB=32 TREE=14 QUEENS=10 PARSE=4 JSON=2 OBJ=13 HOT=1000000 GCCHOT=100000 SW=1000000 MEM="10000 100000"
  MOVEREPS="9 3" PING=20000 LIBN="10000" ECHO="1000"
else
  FIB=37 TREE=16 QUEENS=12 PARSE=16 JSON=8 OBJ=15 HOT=10000000 GCCHOT=300000 SW=5000000 MEM="10000 100000 1000000"
  MOVEREPS="21 5" PING=100000 LIBN="10000 100000" ECHO="10000 50000"
fi
# The daisy chain is the issue's program as it stands (100,000 fibers, 10
# rounds) in both modes: it takes a few seconds.
DAISY="100000 10"
B="$build"
CMDS=()
for v in morestack plain; do
  CMDS+=("99||$B/prologue_fib.$v $FIB 3"
         "99||$B/prologue_bintree.$v $TREE 3"
         "99||$B/prologue_nqueens.$v $QUEENS 3"
         "99||$B/prologue_parser.$v $PARSE 3"
         "99||$B/prologue_json.$v $JSON 3"
         "99||$B/prologue_objects.$v $OBJ 3"
         "99||$B/prologue_objects.$v $OBJ 3 capture")
done
for size in 1048576 67108864; do
  reps=$([ $size = 1048576 ] && echo 21 || echo 5)
  CMDS+=("99||$B/growth.morestack $size $reps"
         "99||$B/growth.gcc-split $size $reps"
         "99||$B/growth.golang $size $reps")
done
CMDS+=("99||$B/hotsplit.morestack $HOT 3"
       "99||$B/hotsplit.gcc-split $GCCHOT 3")
# One stack move against a memcpy of the same bytes (same sizes in both
# modes, fewer repetitions when quick); the deep/shallow ping-pong.
for size in 1048576 67108864; do
  reps=$([ $size = 1048576 ] && echo "${MOVEREPS% *}" || echo "${MOVEREPS#* }")
  for shape in doubles pointers; do
    CMDS+=("99||$B/move.morestack $size $reps $shape")
  done
done
CMDS+=("99||$B/pingpong.morestack $PING 3")
for n in $MEM; do
  # Resident memory hardly varies between runs; the 1M runs take seconds.
  max=$([ "$n" = 1000000 ] && echo 3 || echo 99)
  CMDS+=("$max||$B/memory.morestack $n" "$max||$B/memory.morestack $n side" "$max||$B/memory.golang $n")
  [ "$n" = 1000000 ] || CMDS+=("$max||$B/memory_boost.boost $n")
  [ "$n" = 10000 ] && CMDS+=("$max||$B/memory_pthread.plain $n")
done
CMDS+=("99||$B/switch.morestack $SW 5"
       "99||$B/switch_boost.boost $SW 5"
       "99|GOMAXPROCS=1|$B/switch.golang $SW 5"
       "99||$B/skynet.morestack 1 3"
       "99||$B/skynet.morestack 2 3"
       "99||$B/skynet.morestack 1 3 leaf-split"
       "99||$B/skynet.morestack 2 3 leaf-split"
       "99|GOMAXPROCS=1|$B/skynet.golang 3"
       "99|GOMAXPROCS=2|$B/skynet.golang 3"
       "99|MORESTACK_WORKERS=1|$B/skynet_tasks.morestack 3"
       "99|MORESTACK_WORKERS=2|$B/skynet_tasks.morestack 3"
       "99|MORESTACK_WORKERS=1|$B/chanping.morestack 200000 3"
       "99|MORESTACK_WORKERS=2|$B/chanping.morestack 200000 3"
       "99|GOMAXPROCS=1|$B/chanping.golang 200000 3"
       "99|GOMAXPROCS=2|$B/chanping.golang 200000 3")
# Fibers that call the C library once and park (libcalls.cpp): peak stack
# and resident memory per fiber, one process per kind of call. The figures
# hardly vary between runs; the 100,000-fiber processes take 3-10 s each.
for n in $LIBN; do
  max=$([ "$n" = 100000 ] && echo 3 || echo 99)
  for kind in park malloc new memcpy strlen string vector snprintf; do
    CMDS+=("$max||$B/libcalls.morestack $kind $n")
  done
done
# The echo server (examples/echo_server.cpp, tasks with blocking calls)
# against Go's net package and a hand-written epoll server in C, one thread
# each (the load generator, bench/echo_load.c, takes the other core): N
# connections over loopback, 20 round trips each, and the server's RSS per
# connection. 50,000 connections need a hard RLIMIT_NOFILE above 50,064
# (echo_load refuses the run and says so otherwise).
for n in $ECHO; do
  CMDS+=("3|MORESTACK_WORKERS=1|$B/echo_load.plain $n 20 morestack $B/echo_server.morestack"
         "3|GOMAXPROCS=1|$B/echo_load.plain $n 20 go $B/echo.golang"
         "3||$B/echo_load.plain $n 20 epoll $B/echo_epoll.plain 0 1")
done
# A realistic fiber program (daisy chain over a hand-written scheduler and
# channels, and the same on the scheduler's tasks and channels) against the
# same program in Go, one thread each.
# main recursing 100 MB at the default settings, against plain clang under
# an unlimited stack rlimit (deep_main.plain re-executes itself so).
CMDS+=("99||$B/deep_main.morestack 100 1"
       "99||$B/deep_main.plain 100 1")
CMDS+=("99||$B/daisy.morestack $DAISY"
       "99|MORESTACK_WORKERS=1|$B/daisy_tasks.morestack $DAISY"
       "99|GOMAXPROCS=1|$B/daisy.golang $DAISY")

# ---- 4. run them ----
mkdir -p "$out" "$build/logs"
raw="$build/raw.jsonl"
log="$build/run.log"
: > "$raw"
: > "$log"
started=$(date +%s)
for ((r = 1; r <= runs; r++)); do
  echo "bench: run $r of $runs"
  for c in "${CMDS[@]}"; do
    max="${c%%|*}"; rest="${c#*|}"; envs="${rest%%|*}"; cmd="${rest#*|}"
    [ "$r" -le "$max" ] || continue
    echo "== run $r: $envs ${cmd#"$B/"}" >> "$log"
    # shellcheck disable=SC2086
    if ! lines=$(env $envs timeout 600 $cmd 2>> "$log"); then
      echo "bench: FAILED (run $r): $envs $cmd (see the log)" | tee -a "$log" >&2
    fi
    printf '%s\n' "$lines" | grep '^{' | sed "s/}\$/,\"run\":$r}/" >> "$raw" || true
  done
done

# ---- 5. instruction counts (deterministic: once each, smaller inputs) ----
# The kernel's instructions = the whole program run with 2 repetitions of
# the kernel minus the same with 1 (the input generation and start-up
# cancel out). Not --toggle-collect=bench_kernel, as until this run:
# callgrind follows calls by the stack pointer, and since
# __morestack_side_more runs on the system stack (5ede2c6) a kernel that
# starts a side-stack chunk looks to it as if bench_kernel had returned
# (json counted 12.8 M instead of 76 M).
# "case program size [extra argument]": the case is report.py's name.
echo "bench: instruction counts (valgrind --tool=callgrind)"
ICOUNT=("fib fib 27" "bintree bintree 13" "nqueens nqueens 9" "parser parser 1" "json json 1"
        "objects objects 11" "objects-capture objects 11 capture")
count_instructions() {  # count_instructions OUTFILE command...: total instructions, or nothing
  local cg="$1"; shift
  valgrind --tool=callgrind --callgrind-out-file="$cg" "$@" \
    >/dev/null 2>> "$log" && awk '/^(summary|totals):/ {print $2; exit}' "$cg"
}
for v in morestack plain; do
  for pc in "${ICOUNT[@]}"; do
    read -r kase prog size extra <<< "$pc"
    cg="$build/logs/callgrind.$kase.$v"
    # shellcheck disable=SC2086
    one=$(count_instructions "$cg.1" "$B/prologue_$prog.$v" "$size" 1 $extra || true)
    # shellcheck disable=SC2086
    two=$(count_instructions "$cg.2" "$B/prologue_$prog.$v" "$size" 2 $extra || true)
    if [ -n "$one" ] && [ -n "$two" ]; then
      echo "{\"bench\":\"prologue-instructions\",\"case\":\"$kase\",\"variant\":\"$v\",\"value\":$((two - one)),\"unit\":\"instructions\",\"run\":1}" >> "$raw"
    else
      echo "bench: FAILED: callgrind $kase.$v" | tee -a "$log" >&2
    fi
  done
done

# ---- 5b. where the plugin puts stack objects (compile only) ----
echo "bench: stack objects, moving vs side (bench/alloca_counts.sh)"
MORESTACK_BUILD_DIR="${MORESTACK_BUILD_DIR:-$root/build}" bash "$bench/alloca_counts.sh" --json 2>> "$log" |
  sed 's/}$/,"run":1}/' >> "$raw" || echo "bench: FAILED: alloca_counts.sh" | tee -a "$log" >&2

# ---- 5c. a real program: Debian's Lua 5.4, plain and morestack ----
# bench/real_program.sh: `apt-get source lua5.4` once (cached in
# $build/lua), both builds, the workload bench/lua/workload.lua timed in
# $runs interleaved runs, callgrind counts and the breakdown of the extra
# instructions. Its records go to the same raw.jsonl.
echo "bench: real program (bench/real_program.sh: Lua 5.4 from Debian)"
rp_args=(--build "$build" --runs "$runs" --raw "$raw" --log "$log")
[ $quick = 1 ] && rp_args+=(--quick)
MORESTACK_BUILD_DIR="${MORESTACK_BUILD_DIR:-$root/build}" bash "$bench/real_program.sh" "${rp_args[@]}" ||
  echo "bench: FAILED: bench/real_program.sh (see the log)" | tee -a "$log" >&2
elapsed=$(( $(date +%s) - started ))

# ---- 6. the report ----
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- runtime plugin 2>/dev/null || echo ' (runtime or plugin modified)')"
  echo "mode: $([ $quick = 1 ] && echo quick || echo full), $runs runs, ${elapsed}s of benchmarks"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
  echo "kernel: $(uname -r)"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other sessions share the machine)"
  echo "clang: $(clang-19 --version | head -1)"
  echo "gcc: $(gcc --version | head -1)"
  echo "go: $(/usr/lib/go-1.19/bin/go version)"
  echo "boost: $(dpkg-query -W -f='${Version}' libboost-context-dev 2>/dev/null)"
  echo "valgrind: $(valgrind --version)"
  echo "lua (real program): Debian lua5.4 $(dpkg-parsechangelog -l "$build/lua/lua5.4/debian/changelog" -S Version 2>/dev/null || echo 'not fetched')"
} > "$build/machine.txt"
cp "$raw" "$out/raw.jsonl"
cp "$log" "$out/run.log"
cp "$build/machine.txt" "$out/machine.txt"
"$PYTHON" "$bench/report.py" --raw "$out/raw.jsonl" --machine "$out/machine.txt" --out "$out"
echo "bench: done in $(( $(date +%s) - started ))s: $out/README.md"

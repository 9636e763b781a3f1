#!/usr/bin/env bash
# bench/real_program.sh: a real program nobody on the project wrote, built
# both ways: the `lua` interpreter from Debian's Lua 5.4 sources, with
# plain clang-19 -O2 and with morestack-clang -O2 (same flags otherwise),
# running the fixed workload bench/lua/workload.lua. bench/run.sh calls it
# (step 5c); it also runs alone:
#
#   bash bench/real_program.sh [--quick] [--runs N] [--build DIR] [--raw FILE] [--log FILE]
#                              [--lua-src DIR] [--no-callgrind] [--no-breakdown]
#
#   --build DIR    bench build directory (default $BENCH_BUILD_DIR or ./build-bench);
#                  the sources are cached in DIR/lua/lua5.4, the binaries in DIR/lua/
#   --raw FILE     append the records to FILE (bench/run.sh's raw.jsonl); alone:
#                  DIR/lua/raw.jsonl, written afresh, and a summary is printed
#   --lua-src DIR  an already unpacked `apt-get source lua5.4` tree (copied into the cache)
#
# Steps:
#  1. sources: `apt-get source lua5.4` (Debian's, with its patches) unless
#     DIR/lua/lua5.4 is there already. Needs deb-src lines in apt's sources:
#     if none is configured, adds them for the Debian archives and suites
#     already configured (a file of its own in /etc/apt/sources.list.d) and
#     runs apt-get update. Fails with a message if the sources cannot be had.
#  2. build (bench/lua/Makefile): lua.plain, lua.morestack.
#  3. check: the workload's output is the same with plain, morestack, and
#     morestack with MORESTACK_MAIN_STACK=2K (main on a 2 KiB growable stack).
#  4. time: RUNS interleaved runs; in each, REPS repetitions of
#     plain / morestack / morestack-2K in turn, the run's figure the median of its
#     REPS wall times (whole process, spawn to exit), and of their CPU times.
#  5. instructions: each build once under callgrind with a smaller workload
#     (the whole process; perf has no hardware counters on this VM), and
#     the runtime's statistics of a 2K and a default run (growths...).
#  6. breakdown: a third build without the call-site checks, and
#     bench/lua/breakdown.py sorting the extra instructions by cause.
# Records: {"bench":"real-lua","case":...,"variant":...,"value":...,"unit":...,"run":r}.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
MS="${MORESTACK_BUILD_DIR:-$root/build}"
quick=0
runs=""
raw=""
log=""
lua_src=""
callgrind=1
breakdown=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs="$2"; shift ;;
    --build) build="$2"; shift ;;
    --raw) raw="$2"; shift ;;
    --log) log="$2"; shift ;;
    --lua-src) lua_src="$2"; shift ;;
    --no-callgrind) callgrind=0 ;;
    --no-breakdown) breakdown=0 ;;
    -h|--help) sed -n '2,33p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench/real_program.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$runs" ] || runs=$([ $quick = 1 ] && echo 2 || echo 5)
# Workload sizes (repetitions of the whole mix): timed, and under callgrind
# (the same in both modes, so quick and full count the same instructions).
SCALE=$([ $quick = 1 ] && echo 4 || echo 10)
REPS=3
CG_SCALE=1

lua_dir="$build/lua"
cache="$lua_dir/lua5.4"
mkdir -p "$lua_dir"
standalone=0
if [ -z "$raw" ]; then standalone=1; raw="$lua_dir/raw.jsonl"; : > "$raw"; fi
[ -n "$log" ] || log="$lua_dir/run.log"
say() { echo "real program: $*"; }
die() { echo "bench/real_program.sh: $*" >&2; echo "real program: FAILED: $*" >> "$log"; exit 1; }
emit() {  # emit CASE VARIANT VALUE UNIT RUN
  echo "{\"bench\":\"real-lua\",\"case\":\"$1\",\"variant\":\"$2\",\"value\":$3,\"unit\":\"$4\",\"run\":$5}" >> "$raw"
}

# ---- 1. the sources ----
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
have_deb_src() { apt-cache showsrc lua5.4 2>/dev/null | grep -q '^Package: lua5.4$'; }
# deb-src entries for the Debian archives that have deb entries (deb822
# *.sources files and one-line *.list files), in files of our own.
add_deb_src() {
  local d=/etc/apt/sources.list.d f
  local tmp822 tmplist
  tmp822=$(mktemp) tmplist=$(mktemp)
  for f in "$d"/*.sources; do
    [ -f "$f" ] || continue
    case "$f" in *morestack-bench-deb-src*) continue ;; esac
    # Stanzas (blank-line separated) whose Types have deb but not deb-src,
    # not disabled, with a Debian URI: the same stanza with Types: deb-src.
    awk 'BEGIN { RS = ""; FS = "\n" }
         {
           types = ""; uris = ""; enabled = "yes"
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^Types:/) types = $i
             if ($i ~ /^URIs:/) uris = $i
             if ($i ~ /^Enabled:/ && $i ~ /no/) enabled = "no"
           }
           if (types ~ /(^|[ \t])deb([ \t]|$)/ && types !~ /deb-src/ && enabled == "yes" && uris ~ /debian/) {
             for (i = 1; i <= NF; i++) {
               if ($i ~ /^Types:/) print "Types: deb-src"; else if ($i !~ /^#/) print $i
             }
             print ""
           }
         }' "$f" >> "$tmp822"
  done
  for f in /etc/apt/sources.list "$d"/*.list; do
    [ -f "$f" ] || continue
    case "$f" in *morestack-bench-deb-src*) continue ;; esac
    grep -E '^[[:space:]]*deb[[:space:]]' "$f" | grep -i debian | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' >> "$tmplist" || true
  done
  [ -s "$tmp822" ] && $SUDO cp "$tmp822" "$d/morestack-bench-deb-src.sources" && $SUDO chmod 644 "$d/morestack-bench-deb-src.sources"
  [ -s "$tmplist" ] && $SUDO cp "$tmplist" "$d/morestack-bench-deb-src.list" && $SUDO chmod 644 "$d/morestack-bench-deb-src.list"
  local added=0
  { [ -s "$tmp822" ] || [ -s "$tmplist" ]; } && added=1
  rm -f "$tmp822" "$tmplist"
  [ $added = 1 ]
}
fetch_sources() {
  local tmp="$lua_dir/fetch.tmp"
  rm -rf "$tmp" "$cache"
  mkdir -p "$tmp"
  if [ -n "$lua_src" ]; then
    [ -f "$lua_src/src/lua.c" ] || die "--lua-src $lua_src: no src/lua.c there"
    cp -a "$lua_src" "$cache"
  else
    command -v apt-get >/dev/null && command -v dpkg-source >/dev/null ||
      die "cannot get the Lua 5.4 sources: needs apt-get and dpkg-source (package dpkg-dev)"
    if ! have_deb_src; then
      if ! grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        say "no deb-src line in apt's sources: adding /etc/apt/sources.list.d/morestack-bench-deb-src.*"
        add_deb_src || die "cannot get the Lua 5.4 sources: no deb-src line configured and no Debian 'deb' source to copy one from (add a deb-src line for your Debian suites to /etc/apt/sources.list.d/)"
      fi
      say "apt-get update (source indexes)"
      $SUDO apt-get update -qq >> "$log" 2>&1 || true
      have_deb_src || die "cannot get the Lua 5.4 sources: apt knows no source package lua5.4 even with deb-src lines (see $log)"
    fi
    say "apt-get source lua5.4 (into $lua_dir)"
    (cd "$tmp" && apt-get source -qq lua5.4) >> "$log" 2>&1 ||
      die "cannot get the Lua 5.4 sources: 'apt-get source lua5.4' failed (network? see $log)"
    local tree
    tree=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'lua5.4-*' | head -1)
    [ -n "$tree" ] && [ -f "$tree/src/lua.c" ] || die "apt-get source lua5.4 left no unpacked tree with src/lua.c in $tmp"
    mv "$tree" "$cache"
  fi
  # What debian/rules generates before building (luaconf.h includes it).
  printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
    "$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)" > "$cache/src/lua5.4-deb-multiarch.h"
  rm -rf "$tmp"
}
if [ ! -f "$cache/src/lua.c" ] || [ ! -f "$cache/src/lua5.4-deb-multiarch.h" ]; then
  fetch_sources
fi
version=$(dpkg-parsechangelog -l "$cache/debian/changelog" -S Version 2>/dev/null || echo unknown)
say "Lua sources: $cache (Debian lua5.4 $version)"
echo "real program: Debian lua5.4 $version" >> "$log"

# ---- 2. build ----
say "building lua.plain and lua.morestack"
make -s -C "$bench/lua" -j "$(nproc)" SRC="$cache/src" B="$build" MS="$MS" >> "$log" 2>&1 ||
  die "building Lua failed (see $log)"
plain="$lua_dir/lua.plain"
ms="$lua_dir/lua.morestack"
workload="$bench/lua/workload.lua"
VARIANTS=("plain||$plain" "morestack||$ms" "morestack-2K|MORESTACK_MAIN_STACK=2K|$ms")

# ---- 3. same output every way ----
say "checking the workload's output"
expect="$lua_dir/out.plain"
"$plain" "$workload" "$SCALE" > "$expect" 2>> "$log" || die "lua.plain failed on the workload"
for v in "${VARIANTS[@]}"; do
  name="${v%%|*}"; rest="${v#*|}"; envs="${rest%%|*}"; bin="${rest#*|}"
  # shellcheck disable=SC2086
  env $envs "$bin" "$workload" "$SCALE" > "$lua_dir/out.$name" 2>> "$log" || die "lua ($name) failed on the workload (see $log)"
  cmp -s "$expect" "$lua_dir/out.$name" || die "lua ($name) printed something else than lua.plain: diff $expect $lua_dir/out.$name"
done
{ echo "real program: workload output (scale $SCALE), the same in every variant:"; cat "$expect"; } >> "$log"

# The runtime's statistics: main on its default 8 MiB stack and on 2 KiB.
stats_of() {  # stats_of VARIANT env...: the JSON object the preload printed
  env LD_PRELOAD="$lua_dir/stats_preload.so" "${@:2}" "$ms" "$workload" "$SCALE" 2> "$lua_dir/stats.$1.txt" >/dev/null
  cat "$lua_dir/stats.$1.txt" >> "$log"
  sed -n 's/^morestack-stats //p' "$lua_dir/stats.$1.txt"
}
for sv in "morestack|" "morestack-2K|MORESTACK_MAIN_STACK=2K"; do
  name="${sv%%|*}"; envs="${sv#*|}"
  # shellcheck disable=SC2086
  js=$(stats_of "$name" $envs) || die "lua ($name) failed under the statistics preload"
  [ -n "$js" ] || die "no statistics from the preload for $name (see $log)"
  for k in growths shrinks bytes_copied reserve_growths largest_reserve; do
    val=$(printf '%s' "$js" | sed -E "s/.*\"$k\":([0-9]+).*/\1/")
    unit=$([ "$k" = bytes_copied ] || [ "$k" = largest_reserve ] && echo B || echo moves)
    emit "stats-$k" "$name" "$val" "$unit" 1
  done
done

# ---- 4. time, interleaved (bench/lua/time_runs.py) ----
# Wall time (the target) and the process's CPU time (user + system), which
# leaves out waiting for a core on this shared 2-core machine.
say "timing: $runs runs of $REPS x (plain, morestack, morestack-2K), workload scale $SCALE"
targs=()
for v in "${VARIANTS[@]}"; do
  name="${v%%|*}"; rest="${v#*|}"; envs="${rest%%|*}"; bin="${rest#*|}"
  targs+=(--- "$name" "$envs" "$bin" "$workload" "$SCALE")
done
/usr/bin/python3 "$bench/lua/time_runs.py" --runs "$runs" --reps "$REPS" --raw "$raw" --log "$log" -- "${targs[@]}" ||
  die "timing failed (see $log)"

# ---- 5. instructions (callgrind, whole process) ----
# --dump-instr=yes: per-instruction counts for step 6 (the totals are the same).
count_lua() {  # count_lua NAME ENV BINARY: callgrind of the workload, prints the total
  local cg="$build/logs/callgrind.lua.$1"
  # shellcheck disable=SC2086
  env $2 valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$cg" "$3" "$workload" "$CG_SCALE" \
    > "$lua_dir/cg-out.$1" 2>> "$log" || return 1
  "$plain" "$workload" "$CG_SCALE" | cmp -s - "$lua_dir/cg-out.$1" ||
    { echo "real program: lua ($1) printed something else under callgrind" >> "$log"; return 1; }
  awk '/^(summary|totals):/ {print $2; exit}' "$cg"
}
if [ $callgrind = 1 ]; then
  command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
  say "instruction counts (valgrind --tool=callgrind, workload scale $CG_SCALE)"
  mkdir -p "$build/logs"
  for v in "${VARIANTS[@]}"; do
    name="${v%%|*}"; rest="${v#*|}"; envs="${rest%%|*}"; bin="${rest#*|}"
    if n=$(count_lua "$name" "$envs" "$bin") && [ -n "$n" ]; then
      emit instructions "$name" "$n" instructions 1
    else
      echo "real program: FAILED: callgrind $name (see $log)" | tee -a "$log" >&2
    fi
  done
fi

# ---- 6. where the extra instructions go (bench/lua/breakdown.py) ----
# A third build without the call-site checks separates their cost (and
# that of the spills they cause) from the rest; the instructions of the
# morestack build are sorted into prologue / call-site / side-stack /
# runtime / other by their code. Text in $lua_dir/breakdown.txt.
if [ $callgrind = 1 ] && [ $breakdown = 1 ] && [ -f "$build/logs/callgrind.lua.morestack" ]; then
  say "where the extra instructions go (lua.no-call-site, bench/lua/breakdown.py)"
  if make -s -C "$bench/lua" -j "$(nproc)" SRC="$cache/src" B="$build" MS="$MS" profile-variants >> "$log" 2>&1 &&
     n=$(count_lua no-call-site "" "$lua_dir/lua.no-call-site") && [ -n "$n" ]; then
    emit instructions no-call-site "$n" instructions 1
    args=(--plain "$plain" "$build/logs/callgrind.lua.plain" --morestack "$ms" "$build/logs/callgrind.lua.morestack"
          --no-call-site "$lua_dir/lua.no-call-site" "$build/logs/callgrind.lua.no-call-site")
    /usr/bin/python3 "$bench/lua/breakdown.py" "${args[@]}" --top 30 > "$lua_dir/breakdown.txt" 2>> "$log" &&
      /usr/bin/python3 "$bench/lua/breakdown.py" "${args[@]}" --json >> "$raw" 2>> "$log" ||
      echo "real program: FAILED: bench/lua/breakdown.py (see $log)" | tee -a "$log" >&2
    { echo "real program: breakdown (bench/lua/breakdown.py):"; cat "$lua_dir/breakdown.txt"; } >> "$log"
  else
    echo "real program: FAILED: the no-call-site build or its callgrind run (see $log)" | tee -a "$log" >&2
  fi
fi

if [ $standalone = 1 ]; then
  say "records in $raw"
  /usr/bin/python3 - "$raw" <<'EOF'
import json, statistics, sys
d = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    d.setdefault((r["case"], r["variant"]), []).append(r["value"])
def med(c, v): return statistics.median(d[(c, v)]) if (c, v) in d else float("nan")
for c in ("instructions", "time", "cpu"):
    p, m, m2 = med(c, "plain"), med(c, "morestack"), med(c, "morestack-2K")
    if p and m:
        print(f"real program: {c}: morestack / plain = {m / p:.4f}" + (f", morestack-2K / plain = {m2 / p:.4f}" if m2 else "")
              + f"  ({m:.4g} vs {p:.4g})")
for v in ("morestack", "morestack-2K"):
    print(f"real program: {v}: {med('stats-growths', v):.0f} growths, {med('stats-shrinks', v):.0f} shrinks, "
          f"{med('stats-bytes_copied', v):.0f} bytes copied, {med('stats-reserve_growths', v):.0f} call-site growths")
EOF
  [ -f "$lua_dir/breakdown.txt" ] && sed -n '1,14p' "$lua_dir/breakdown.txt"
fi

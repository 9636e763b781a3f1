#!/usr/bin/env bash
# bench/alloca_counts.sh: where the plugin puts the stack objects of every
# benchmark program: compile each bench/*.c and bench/*.cpp (compile only,
# no link) with morestack-clang(++) at -O0 and at -O2 with
# -fplugin-arg-morestack-report, and add up the report's per-function
# ", objects: M moving, S side" (plugin/Report.h): objects left on the
# moving stack (they move with it; the stack map describes them) against
# objects put on the non-moving side stack (their address may escape, or
# they are dynamic, over-aligned or huge; plugin/EscapeAnalysis.h).
#
#   bash bench/alloca_counts.sh [--json] [--build DIR]
# Prints a Markdown table (per program and in all), or with --json one
# line per figure for bench/report.py:
#   {"bench":"allocas","case":"<program>","variant":"O2-side","value":S,"unit":"objects"}
# (variants O0-moving, O0-side, O2-moving, O2-side, and O0-functions /
# O2-functions: functions with a side frame). Built as the benchmarks are
# (-DBENCH_MORESTACK), so the morestack variant of each program is counted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ms="${MORESTACK_BUILD_DIR:-$root/build}"
json=0
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json=1 ;;
    --build) ms="$2"; shift ;;
    *) echo "bench/alloca_counts.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# count OPT FILE: "moving side functions-with-side-objects" from the report.
count() {
  local opt="$1" src="$2" cc="$ms/bin/morestack-clang"
  case "$src" in *.cpp) cc="$ms/bin/morestack-clang++" ;; esac
  if ! "$cc" "$opt" -DBENCH_MORESTACK '-DBENCH_VARIANT="morestack"' -fplugin-arg-morestack-report \
       -c "$src" -o "$tmp/o.o" 2> "$tmp/report"; then
    echo "bench/alloca_counts.sh: $src does not compile at $opt" >&2
    echo "- - -"
    return
  fi
  sed -n 's/^morestack-report: .*, objects: \([0-9]*\) moving, \([0-9]*\) side.*/\1 \2/p' "$tmp/report" |
    awk '{m += $1; s += $2; if ($2 > 0) f++} END {print m + 0, s + 0, f + 0}'
}

total=(0 0 0 0 0 0)
rows=()
cd "$root/bench"
for src in *.c *.cpp; do
  prog="${src%.*}"
  read -r m0 s0 f0 <<< "$(count -O0 "$src")"
  read -r m2 s2 f2 <<< "$(count -O2 "$src")"
  if [ $json = 1 ]; then
    for kv in "O0-moving $m0" "O0-side $s0" "O0-functions $f0" "O2-moving $m2" "O2-side $s2" "O2-functions $f2"; do
      v="${kv#* }"; [ "$v" = - ] && continue
      echo "{\"bench\":\"allocas\",\"case\":\"$prog\",\"variant\":\"${kv%% *}\",\"value\":$v,\"unit\":\"objects\"}"
    done
  else
    rows+=("| \`$src\` | $m0 | $s0 | $f0 | $m2 | $s2 | $f2 |")
  fi
  i=0
  for v in "$m0" "$s0" "$f0" "$m2" "$s2" "$f2"; do
    [ "$v" = - ] || total[i]=$(( total[i] + v ))
    i=$((i + 1))
  done
done
if [ $json = 1 ]; then
  echo "{\"bench\":\"allocas\",\"case\":\"all\",\"variant\":\"O0-moving\",\"value\":${total[0]},\"unit\":\"objects\"}"
  echo "{\"bench\":\"allocas\",\"case\":\"all\",\"variant\":\"O0-side\",\"value\":${total[1]},\"unit\":\"objects\"}"
  echo "{\"bench\":\"allocas\",\"case\":\"all\",\"variant\":\"O0-functions\",\"value\":${total[2]},\"unit\":\"objects\"}"
  echo "{\"bench\":\"allocas\",\"case\":\"all\",\"variant\":\"O2-moving\",\"value\":${total[3]},\"unit\":\"objects\"}"
  echo "{\"bench\":\"allocas\",\"case\":\"all\",\"variant\":\"O2-side\",\"value\":${total[4]},\"unit\":\"objects\"}"
  echo "{\"bench\":\"allocas\",\"case\":\"all\",\"variant\":\"O2-functions\",\"value\":${total[5]},\"unit\":\"objects\"}"
else
  echo "| program | -O0 moving | -O0 side | -O0 functions with side objects | -O2 moving | -O2 side | -O2 functions with side objects |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo "| **all** | ${total[0]} | ${total[1]} | ${total[2]} | ${total[3]} | ${total[4]} | ${total[5]} |"
fi

#!/usr/bin/env bash
# bench/profile.sh: the profiles behind the causes docs/benchmarks.md names
# for the missed targets. Writes bench/results/profiles.txt (or --out DIR).
# Needs the benchmarks built (bench/run.sh, or `make -C bench`), valgrind,
# and perf (linux-perf; sampling on cpu-clock, which works in a VM without
# hardware counters). Takes 2-3 minutes here. Outside a git checkout (a
# `git archive` export), set BENCH_COMMIT to name the commit in the header.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
B="${BENCH_BUILD_DIR:-$root/build-bench}"
ROOT_MS="${MORESTACK_BUILD_DIR:-$root/build}"
out="$root/bench/results"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --build) B="$2"; shift ;;
    *) echo "bench/profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if ! command -v perf >/dev/null; then
  echo "bench/profile.sh: installing linux-perf"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >/dev/null || true
fi
make -s -C "$root/bench" B="$B" >/dev/null
tmp="$B/profile"
mkdir -p "$tmp" "$out"
report="$out/profiles.txt"

section() { printf '\n==== %s ====\n\n' "$*"; }
vg() { valgrind "$@"; }
# Long C++ symbol names (template lambdas of the runtime) shortened.
short_names() {
  sed -E 's/morestack::for_each_pointer_range<.*\{lambda\(morestack::WalkedFrame const&\)#1\}::operator\(\)/morestack::for_each_pointer_range<...>::{per-frame lambda}/'
}
# perf record on cpu-clock (DWARF call graphs: the runtime has no frame
# pointers), then the top of the flat profile.
flat() {  # flat NAME LINES command...
  local name="$1" lines="$2"; shift 2
  perf record -q --call-graph dwarf,16384 -F 1000 -e cpu-clock -o "$tmp/$name.data" "$@" >/dev/null 2>&1
  perf report -i "$tmp/$name.data" --stdio --no-children --sort sym -g none 2>/dev/null |
    grep -E '^ +[0-9]' | head -"$lines" | short_names
}
# The inclusive share (self + callees) of the named symbols.
inclusive() {  # inclusive NAME REGEX
  perf report -i "$tmp/$1.data" --stdio --children --sort sym -g none 2>/dev/null |
    grep -E '^ +[0-9]' | grep -E "$2" | short_names
}
callers() {  # callers NAME SYMBOL: call chains into SYMBOL
  perf report -i "$tmp/$1.data" --stdio --no-children --sort sym -S "$2" -g caller,2,callee,function,percent \
    2>/dev/null | grep -v '^#' | grep -v '^ *|* *$' | head -24
}
annotate() {  # annotate NAME SYMBOL LINES: the hottest instructions of SYMBOL
  perf annotate -i "$tmp/$1.data" --stdio -s "$2" 2>/dev/null | grep -E '^ +[0-9]+\.[0-9]+ :' |
    sort -rn | head -"$3"
}

{
  echo "bench/profile.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), commit ${BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
  echo "perf: cpu-clock sampling (no hardware counters in this VM); callgrind: instructions"

  section "1. Prologue: bintree, instructions by function (callgrind, depth 13)"
  for v in morestack plain; do
    echo "-- $v"
    vg --tool=callgrind --callgrind-out-file="$tmp/cg.bintree.$v" --collect-atstart=no \
      --toggle-collect=bench_kernel "$B/prologue_bintree.$v" 13 1 >/dev/null 2>&1
    callgrind_annotate --threshold=100 "$tmp/cg.bintree.$v" 2>/dev/null |
      grep -E 'PROGRAM TOTALS|\(.*%\)' | grep -v 'below main' | head -9 | sed 's/ \[.*//'
  done
  section "1. Prologue: bintree, where the time goes (perf, depth 16, morestack)"
  flat bintree 8 "$B/prologue_bintree.morestack" 16 1
  echo
  echo "-- release(), hottest instructions (percent of its samples):"
  annotate bintree release 12
  echo
  echo "-- the same build's prologue of release() (until the call-site checks of a790d4a, lld rewrote"
  echo "   its cmp into stc, and every call went through __morestack_non_split; now a plain check):"
  objdump -d --no-show-raw-insn "$B/prologue_bintree.morestack" | awk '/<release>:/,/^$/' | head -4
  echo "   calls to __morestack_non_split left in the program: $(objdump -d --no-show-raw-insn \
    "$B/prologue_bintree.morestack" | grep -c 'call.*<__morestack_non_split')"
  echo
  echo "-- experiment (bench/nonsplit_return_experiment.c): a call returning to its return address + 1"
  echo "   (as __morestack_non_split's fast path did) against a plain call and return:"
  "$B/nonsplit_return_experiment.plain"

  section "1. Prologue: json, the parser's functions and the runtime's entry points (callgrind, 1 MiB, whole program)"
  # Whole program: __morestack_side_more runs on the system stack, which
  # --toggle-collect=bench_kernel takes for a return from the kernel.
  for v in morestack plain; do
    echo "-- $v"
    vg --tool=callgrind --callgrind-out-file="$tmp/cg.json.$v" "$B/prologue_json.$v" 1 1 >/dev/null 2>&1
    callgrind_annotate --threshold=100 "$tmp/cg.json.$v" 2>/dev/null |
      grep -E 'PROGRAM TOTALS|__morestack|Parser::' | sed 's/ \[.*//' | cut -c1-110
  done
  echo "-- where parse_value's objects go (plugin report):"
  "$ROOT_MS/bin/morestack-clang++" -O2 -fplugin-arg-morestack-report -c "$root/bench/prologue_json.cpp" -o /dev/null 2>&1 |
    grep -E 'parse_value|parse_string' | cut -c1-200

  section "1. Prologue: objects-capture (a Scope guard on the side stack per frame), instructions by function (callgrind, depth 11)"
  for v in morestack plain; do
    echo "-- $v"
    vg --tool=callgrind --callgrind-out-file="$tmp/cg.objects.$v" --collect-atstart=no \
      --toggle-collect=bench_kernel "$B/prologue_objects.$v" 11 1 capture >/dev/null 2>&1
    callgrind_annotate --threshold=100 "$tmp/cg.objects.$v" 2>/dev/null |
      grep -E 'PROGRAM TOTALS|\(.*%\)' | grep -v 'below main' | head -9 | sed 's/ \[.*//'
  done
  echo
  echo "-- the morestack build's visit_scoped(): side frame on entry, side pointer and limit put back at the return:"
  objdump -d --no-show-raw-insn "$B/prologue_objects.morestack" | awk '/<_ZN12_GLOBAL__N_112visit_scopedEll>:/,/^$/' |
    grep -E 'fs:0x6|push|pop|side_more' | head -20
  echo
  echo "-- objects (no capture): instructions, morestack vs plain (callgrind, depth 11):"
  for v in morestack plain; do
    vg --tool=callgrind --callgrind-out-file="$tmp/cg.objects0.$v" --collect-atstart=no \
      --toggle-collect=bench_kernel "$B/prologue_objects.$v" 11 1 >/dev/null 2>&1
    printf '   %-9s %s\n' "$v" "$(awk '/^(summary|totals):/ {print $2; exit}' "$tmp/cg.objects0.$v")"
  done

  section "2. Growth to 64 MiB from 2 KiB (perf, grow only, 5 fibers), flat"
  flat growth 14 "$B/growth.morestack" 67108864 5 grow
  echo
  echo "-- inclusive (self + callees: page faults are charged to the code that touched the page):"
  inclusive growth 'asm_exc_page_fault|\] __munmap|memmove_avx|relocate_words|\] rec$|__morestack_grow'
  echo
  echo "-- the process's page faults, grown vs pre-sized cold (5 fibers each):"
  for v in grow cold; do
    printf '   %-5s ' "$v"; /usr/bin/time -f '%R minor page faults, %e s' "$B/growth.morestack" 67108864 5 "$v" 2>&1 | tail -1
  done
  echo
  echo "-- the same fibers pre-sized (cold), flat:"
  flat growth-cold 6 "$B/growth.morestack" 67108864 5 cold

  section "3. Hot split, gcc -fsplit-stack at the boundary (perf; system calls per call)"
  flat gcc-hot 8 "$B/hotsplit.gcc-split" 300000 1
  echo
  if command -v strace >/dev/null; then
    echo "-- strace -c, 20,000 calls at the boundary (plus one far from it):"
    strace -f -c -o "$tmp/strace.txt" "$B/hotsplit.gcc-split" 20000 1 >/dev/null 2>&1
    grep -E 'calls|rt_sigprocmask|mmap' "$tmp/strace.txt"
  fi

  section "3. Hot split, morestack: 1.28 M fresh 2 KiB fibers making one 2 -> 4 KiB growth each, and the loops (perf)"
  perf record -q -F 10000 -e cpu-clock -o "$tmp/hotsplit.data" "$B/hotsplit.morestack" 1000000 64 >/dev/null 2>&1
  perf report -i "$tmp/hotsplit.data" --stdio --no-children --sort sym -F sample,overhead,sym 2>/dev/null |
    grep -E '^ +[0-9]' | sort -rn | head -12 | short_names

  section "3. Hot split on the side stack: a chunk boundary crossed every iteration (side-every, 10 M calls)"
  echo "-- perf, 10 M calls:"
  flat side-every 10 "$B/hotsplit.morestack" 10000000 1 side-every
  echo
  echo "-- side_more (the work of __morestack_side_more, on the system stack), hottest instructions:"
  annotate side-every 'morestack::(anonymous namespace)::side_more' 8

  section "4. Memory: what a parked fiber with a side stack holds"
  for m in "" side; do
    "$B/memory.morestack" 100000 $m 2>&1 | sed 's/^/   /'
  done

  section "5. Switch: morestack fiber ping-pong (perf)"
  flat switch 8 "$B/switch.morestack" 5000000 3 switch
  echo
  echo "-- __morestack_switch, hottest instructions:"
  annotate switch __morestack_switch 6
  echo
  echo "-- morestack_fiber_resume, hottest instructions (after the switch returns):"
  annotate switch morestack_fiber_resume 6
  echo
  echo "-- experiment (bench/switch_return_experiment.c): the same switch ending in ret, in pop+jmp"
  echo "   (as Boost.Context's jump_fcontext), and without saving MXCSR/x87 CW:"
  "$B/switch_return_experiment.plain"

  section "5. Spawn: create + run + destroy (perf)"
  flat spawn 8 "$B/switch.morestack" 5000000 3 spawn

  section "6. Skynet, 1 thread (perf)"
  flat skynet 10 "$B/skynet.morestack" 1 1
  echo
  echo "-- who calls memset (call chains):"
  callers skynet __memset_avx2_unaligned_erms
  echo
  "$B/skynet.morestack" 1 1 2>&1 >/dev/null
  echo
  echo "-- leaf-split variant:"
  flat skynet-leaf 8 "$B/skynet.morestack" 1 1 leaf-split

  section "7. Stack moves to 64 MiB: doubles frames (pointer-free per the maps) vs pointers frames (perf, grow only: 9 fibers and the recording one)"
  for shape in doubles pointers; do
    echo "-- $shape, flat (samples; 10 kHz):"
    perf record -q -F 10000 -e cpu-clock -o "$tmp/move-$shape.data" \
      "$B/move.morestack" 67108864 9 "$shape" grow >/dev/null 2>&1
    perf report -i "$tmp/move-$shape.data" --stdio --no-children --sort sym -F sample,overhead,sym 2>/dev/null |
      grep -E '^ +[0-9]' | sort -rn | head -8 | short_names
    echo "-- $shape, morestack::relocate_words, hottest instructions:"
    perf annotate -i "$tmp/move-$shape.data" --stdio -s morestack::relocate_words 2>/dev/null |
      grep -E '^ +[0-9]+\.[0-9]+ :' | sort -rn | head -3
    echo
  done
} > "$report" 2>&1
echo "bench: profiles in $report"

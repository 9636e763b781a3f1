#!/usr/bin/env bash
# Compile a corpus with the plugin at every optimisation level, with and
# without -g, and under each sanitizer; fail on the first compilation that
# fails (a crash, an error). Used by test/plugin/corpus.test.
#   compile-corpus.sh CLANG CLANGXX PLUGIN SRC_ROOT OUT_DIR
set -u
clang="$1" clangxx="$2" plugin="$3" src="$4" out="$5"
mkdir -p "$out"
n=0

add() {  # compiler file flags...: one compilation, NUL-separated, in cmd.N
  local cc="$1" file="$2"
  shift 2
  n=$((n + 1))
  printf '%s\0' "$cc" -fplugin="$plugin" -I"$src/include" -w -c "$file" -o /dev/null "$@" > "$out/cmd.$n"
}

levels=(-O0 -O1 -O2 -O3 -Os)
for f in "$src"/test/plugin/Inputs/corpus/types.c; do
  for o in "${levels[@]}"; do for g in "" -g; do add "$clang" "$f" $o $g; done; done
  for s in address thread undefined; do add "$clang" "$f" -O1 -fsanitize=$s; done
done
for f in "$src"/test/plugin/Inputs/corpus/types.cpp; do
  for o in "${levels[@]}"; do for g in "" -g; do add "$clangxx" "$f" -std=c++20 $o $g; done; done
  for s in address thread undefined; do add "$clangxx" "$f" -std=c++20 -O1 -fsanitize=$s; done
done
# The project's own programs (tests, benchmarks, examples).
for f in "$src"/test/e2e/*.c "$src"/test/e2e/Inputs/*.c "$src"/bench/*.c "$src"/examples/*.c; do
  [[ -f "$f" ]] || continue
  isa=""
  grep -q "REQUIRES: avx2" "$f" && isa=-mavx2   # compiled, not run: no CPU needed
  for o in -O0 -O2 -O3; do add "$clang" "$f" $o -g $isa; done
done
for f in "$src"/test/e2e/*.cpp "$src"/test/e2e/Inputs/*.cpp "$src"/bench/*.cpp "$src"/examples/*.cpp; do
  [[ -f "$f" ]] || continue
  case "$f" in *_boost.cpp) continue ;; esac   # needs Boost headers
  std=-std=c++17
  grep -q -- "-std=c++20" "$f" && std=-std=c++20   # as its RUN lines build it
  for o in -O0 -O2 -O3; do add "$clangxx" "$f" $std $o -g; done
done

# Run them two at a time.
failed="$out/failed"
: > "$failed"
seq 1 "$n" | xargs -P 2 -I{} bash -c '
  mapfile -d "" argv < "$0/cmd.$1"
  if ! "${argv[@]}" > "$0/log.$1" 2>&1; then
    { echo "FAILED: ${argv[*]}"; head -20 "$0/log.$1"; } >> "$0/failed"
  fi' "$out" {}
echo "compiled $n configurations"
if [[ -s "$failed" ]]; then
  cat "$failed"
  exit 1
fi

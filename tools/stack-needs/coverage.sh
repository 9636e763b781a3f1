#!/usr/bin/env bash
# List the functions that ELF files import (undefined dynamic FUNC symbols)
# and that plugin/LibraryStackNeeds.inc has no entry for.
#
#   tools/stack-needs/coverage.sh [--inc FILE] BINARY...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inc="$here/../../plugin/LibraryStackNeeds.inc"
if [ "${1:-}" = --inc ]; then inc=$2; shift 2; fi
[ $# -gt 0 ] || { sed -n '2,5p' "$0"; exit 2; }
known=$(sed -n 's/^MORESTACK_LIBRARY_NEED("\([^"]*\)".*/\1/p' "$inc" | sort -u)
imported=$(for f in "$@"; do
  readelf -W --dyn-syms "$f" | awk '$4 == "FUNC" && $7 == "UND" {sub(/@.*/, "", $8); print $8}'
done | sort -u)
missing=$(comm -23 <(echo "$imported") <(echo "$known") | grep -v '^$' || true)
n_imp=$(echo "$imported" | grep -c . || true)
n_mis=$(echo "$missing" | grep -c . || true)
echo "$((n_imp - n_mis)) of $n_imp imported functions have an entry; missing:"
[ -z "$missing" ] || echo "$missing" | sed 's/^/  /'

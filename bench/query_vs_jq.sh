#!/usr/bin/env bash
# Times `rollcall query --where` against the equivalent `jq -c 'select(...)'` on
# the same generated NDJSON file, checks both keep the same number of lines, and
# prints the ratio jq/rollcall per filter and its minimum. Builds nothing; only
# reads and writes files in a temporary directory it removes.
#
# usage: bench/query_vs_jq.sh [BUILD_DIR]   (default /work/main/build, configured
#        with -DROLLCALL_BUILD_BENCHMARKS=ON)
# Uses hyperfine when installed, unless QUERY_VS_JQ_HYPERFINE=0.
set -euo pipefail

build=${1:-/work/main/build}
rollcall=$build/cli/rollcall
generate=$build/bench/rollcall-generate
records=200000
runs=3

for tool in "$rollcall" "$generate"; do
  if [[ ! -x $tool ]]; then
    echo "query_vs_jq: $tool not found (build with -DROLLCALL_BUILD_BENCHMARKS=ON)" >&2
    exit 2
  fi
done
command -v jq >/dev/null || { echo "query_vs_jq: jq not found" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rollcall-vs-jq.XXXXXX")
trap 'rm -rf "$work"' EXIT
data=$work/members.ndjson
"$generate" --members "$records" --organizations 1000 --seed 1 >"$data"

# Per filter: a name, the `where` expression and the closest jq condition (jq
# has no ILIKE: test(...; "i") folds case like ILIKE does for these names).
names=(equality and-label ilike)
wheres=(
  "Role = 'OWNER'"
  "Status = 'active' AND Labels.team = 'sre'"
  "DisplayName ILIKE '%ström%'"
)
conditions=(
  '.Role == "OWNER"'
  '.Status == "active" and .Labels.team == "sre"'
  '.DisplayName | test("ström"; "i")'
)

run_rollcall() { "$rollcall" query --where "$1" "$data"; }
run_jq() { jq -c "select($1)" "$data"; }

# Seconds taken by "$@" with its output discarded.
elapsed() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

use_hyperfine() { [[ ${QUERY_VS_JQ_HYPERFINE:-1} != 0 ]] && command -v hyperfine >/dev/null; }

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

# Sets best_rollcall and best_jq (seconds) for filter $1: hyperfine's minimum when
# it is installed, else the best of interleaved runs.
time_filter() {
  local i=$1
  if use_hyperfine; then
    local rc_cmd jq_cmd
    printf -v rc_cmd '%q query --where %q %q' "$rollcall" "${wheres[i]}" "$data"
    printf -v jq_cmd 'jq -c %q %q' "select(${conditions[i]})" "$data"
    hyperfine --shell=bash --style=none --runs "$runs" --warmup 1 \
      --export-json "$work/hyperfine.json" -n rollcall "$rc_cmd" -n jq "$jq_cmd" \
      >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
    best_rollcall=$(jq '.results[0].min' "$work/hyperfine.json")
    best_jq=$(jq '.results[1].min' "$work/hyperfine.json")
    return
  fi
  best_rollcall=1e9 best_jq=1e9
  for ((run = 0; run < runs; ++run)); do
    best_rollcall=$(min "$best_rollcall" "$(elapsed run_rollcall "${wheres[i]}")")
    best_jq=$(min "$best_jq" "$(elapsed run_jq "${conditions[i]}")")
  done
}

echo "$records records, $(du -h "$data" | cut -f1) of NDJSON; best of $runs runs" \
  "($(use_hyperfine && echo hyperfine || echo interleaved))"
min_ratio=
status=0
for i in "${!names[@]}"; do
  rollcall_lines=$(run_rollcall "${wheres[i]}" | wc -l)
  jq_lines=$(run_jq "${conditions[i]}" | wc -l)
  time_filter "$i"
  ratio=$(awk -v r="$best_rollcall" -v j="$best_jq" 'BEGIN { printf "%.1f", j / r }')
  min_ratio=$(min "${min_ratio:-$ratio}" "$ratio")
  printf '%-10s %s\n' "${names[i]}" "${wheres[i]}"
  printf '%-10s jq: %s\n' "" "select(${conditions[i]})"
  printf '%-10s rollcall %.3f s, jq %.3f s, jq/rollcall %sx, lines %s/%s' "" \
    "$best_rollcall" "$best_jq" "$ratio" "$rollcall_lines" "$jq_lines"
  if [[ $rollcall_lines != "$jq_lines" ]]; then
    printf '  MISMATCH\n'
    status=1
  else
    printf '\n'
  fi
done
printf 'ratio: min %.1fx\n' "$min_ratio"
exit "$status"

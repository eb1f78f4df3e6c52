#!/usr/bin/env bash
# Builds and runs every test: unit + conformance + CLI tests (Release), the same
# under ASan+UBSan, a bounded libFuzzer run of the parser, and an outside project
# built against the installed CMake package. Installs dependencies first.
# Env: FUZZ_SECONDS (default 120), JOBS (default nproc), BUILD_ROOT (default ./build-ci).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-120}
build_root=${BUILD_ROOT:-$root/build-ci}
total=0

bash scripts/install-deps.sh

stage() { printf '\n=== %s ===\n' "$*"; }

run_ctest() {  # run_ctest BUILD_DIR
  local log
  log=$(mktemp)
  ctest --test-dir "$1" --output-on-failure -j "$jobs" 2>&1 | tee "$log"
  local count
  count=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log")
  rm -f "$log"
  [ -n "$count" ] || { echo "ctest in $1 failed" >&2; exit 1; }
  total=$((total + count))
}

stage "Release build and tests"
cmake -S . -B "$build_root/release" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_root/release" -j "$jobs"
run_ctest "$build_root/release"

stage "ASan + UBSan build and tests"
cmake -S . -B "$build_root/asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROLLCALL_SANITIZE=ON \
  -DROLLCALL_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_root/asan" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest "$build_root/asan"

stage "Fuzz the where compiler for ${fuzz_seconds}s (libFuzzer + ASan + UBSan)"
CXX=clang++ cmake -S . -B "$build_root/fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DROLLCALL_BUILD_FUZZERS=ON -DROLLCALL_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_root/fuzz" -j "$jobs" --target where_fuzzer
corpus=$(mktemp -d)
cp tests/fuzz/corpus/* "$corpus"/
"$build_root/fuzz/tests/fuzz/where_fuzzer" "$corpus" -dict=tests/fuzz/where.dict \
  -max_total_time="$fuzz_seconds" -max_len=2048 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 2>&1 | tail -n 20
rm -rf "$corpus"
total=$((total + 1))

stage "Outside project against the installed package"
prefix=$(mktemp -d)
cmake --install "$build_root/release" --prefix "$prefix" >/dev/null
cmake -S examples/embed -B "$build_root/embed" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$build_root/embed" -j "$jobs"
output=$("$build_root/embed/embed_example" "Title ILIKE '%lions%' OR Pages > 3000")
expected=$'The Art of Computer Programming\nLions\' Commentary'
[ "$output" = "$expected" ] || { echo "embed example printed: $output" >&2; exit 1; }
rm -rf "$prefix"
total=$((total + 1))

printf '\nall: %d passed, 0 failed\n' "$total"

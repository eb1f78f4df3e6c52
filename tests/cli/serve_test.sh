#!/usr/bin/env bash
# End-to-end checks of `rollcall serve`'s numeric options: a value that is not
# a number in range is refused naming the flag and the value (exit 2, before
# the data directory is touched), and both ends of each range are served.
# usage: serve_test.sh ROLLCALL
set -u
ROLLCALL=$1
# shellcheck source=tests/cli/harness.sh
source "$(dirname "$0")/harness.sh"

refused() {  # refused FLAG VALUE
  timeout 20 "$ROLLCALL" serve --data-dir "$work/refused" --listen 127.0.0.1:0 "$1" "$2" \
    >"$work/out" 2>"$work/err"
  test $? -eq 2 && grep -qF -- "$1 wants a number from" "$work/err" &&
    grep -qF -- "not '$2'" "$work/err" && test ! -e "$work/refused"
}

served() {  # served ARGS...: announces its port, then exits 0 on SIGTERM
  # (and leaves its soft open-file limit in $work/open_files)
  local dir up code
  dir=$(mktemp -d -p "$work")
  "$ROLLCALL" serve --data-dir "$dir/data" --listen 127.0.0.1:0 "$@" >"$work/out" 2>"$work/err" &
  local pid=$!
  for _ in $(seq 200); do
    grep -q 'rollcall: listening on' "$work/out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q 'rollcall: listening on' "$work/out"
  up=$?
  awk '/^Max open files/ {print $4}' "/proc/$pid/limits" >"$work/open_files" 2>/dev/null
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
  code=$?
  test "$up" -eq 0 && test "$code" -eq 0
}

for value in abc -1 '' 1.5 +5 ' 5' 1000000001 18446744073709551616; do
  check "--snapshot-every '$value' is refused" refused --snapshot-every "$value"
done
check "--snapshot-every 0 (never) is served" served --snapshot-every 0
check "--snapshot-every 1000000000 (the most) is served" served --snapshot-every 1000000000
check "--threads 0 is refused" refused --threads 0
check "--threads 4097 is refused" refused --threads 4097
check "--threads 1 is served" served --threads 1
check "--threads 4096 is served" served --threads 4096
check "--max-threads 0 is refused" refused --max-threads 0
check "--max-threads 4097 is refused" refused --max-threads 4097
check "--max-threads 1 is served" served --max-threads 1
check "--max-threads 4096 is served" served --max-threads 4096
check "--max-connections 0 is refused" refused --max-connections 0
check "--max-connections 65537 is refused" refused --max-connections 65537
check "--max-connections 1 is served" served --max-connections 1
check "--max-connections 65536 is served" served --max-connections 65536
# The soft open-file limit is raised to what --max-connections needs (1024 + 64),
# or to the hard limit with a warning when that is lower.
raised() {
  (ulimit -Sn 256 && ulimit -Hn 4096 && served) && test "$(cat "$work/open_files")" = 1088 &&
    ! grep -q 'open-file limit' "$work/err"
}
warned() {
  (ulimit -Sn 256 && ulimit -Hn 512 && served) &&
    grep -q 'the open-file limit 512 is below 1088 (--max-connections 1024 plus 64)' "$work/err"
}
check "a low soft open-file limit is raised" raised
check "a hard open-file limit below --max-connections is warned about" warned
check "--access-log-buffer 1023 is refused" refused --access-log-buffer 1023
check "--access-log-buffer 1073741825 is refused" refused --access-log-buffer 1073741825
check "--access-log-buffer 1024 is served" served --access-log-buffer 1024
check "--access-log-buffer 1073741824 is served" served --access-log-buffer 1073741824

timeout 20 "$ROLLCALL" serve --snapshot-every >"$work/out" 2>"$work/err"
check "--snapshot-every without a value exits 2" test $? -eq 2
check "--snapshot-every without a value is named" grep -q 'missing value: --snapshot-every' "$work/err"
run serve --help
check "serve --help documents --snapshot-every" grep -q -- '--snapshot-every N' "$work/out"

finish "cli serve"

# Shared by the CLI tests: a scratch directory, check(), run() and the summary.
# Source it with ROLLCALL set; run() puts stdout, stderr and the exit status in
# $work/out, $work/err and $status.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0

check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
  else
    echo "FAIL: $name" >&2
    failures=$((failures + 1))
  fi
}

run() {  # run ARGS... (arguments of the rollcall command)
  "$ROLLCALL" "$@" >"$work/out" 2>"$work/err"
  status=$?
}

finish() {  # finish NAME: the closing line and the exit status
  echo "$1: $passes passed, $failures failed"
  test "$failures" -eq 0
}

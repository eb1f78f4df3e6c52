#!/usr/bin/env bash
# End-to-end checks of `rollcall import` and `rollcall export`: round trip,
# all-or-nothing refusals, the data directory lock.
# usage: data_test.sh ROLLCALL MEMBERS.ndjson
set -u
rollcall=$1
members=$2
ROLLCALL=$rollcall
# shellcheck source=tests/cli/harness.sh
source "$(dirname "$0")/harness.sh"

# Canonical form for comparing records: sorted keys, absent nullable IDs as
# null, times without trailing fraction zeros (the same instant).
canonical() {
  jq -cS '{CreatedBy: null, UpdatedBy: null} + .
    | (.CreatedAt, .UpdatedAt) |= (sub("(?<a>\\.[0-9]*[1-9])0+Z$"; "\(.a)Z") | sub("\\.0+Z$"; "Z"))' "$1" | sort
}

run import --data-dir "$work/data" "$members"
check "import exits 0" test "$status" -eq 0
check "import reports the count" grep -q 'imported 5000 records' "$work/err"
check "import leaves a snapshot" compgen -G "$work/data/snapshot-*.snap" >/dev/null

run export --data-dir "$work/data" "$work/export.ndjson"
check "export exits 0" test "$status" -eq 0
check "export writes every record" test "$(wc -l <"$work/export.ndjson")" -eq 5000
if command -v jq >/dev/null; then
  check "export holds the imported records" cmp -s <(canonical "$members") <(canonical "$work/export.ndjson")
fi
check "export is ordered by OrganizationID" \
  cmp -s <(grep -o '"OrganizationID":"[^"]*"' "$work/export.ndjson") \
  <(grep -o '"OrganizationID":"[^"]*"' "$work/export.ndjson" | sort -s)

run import --data-dir "$work/copy" - <"$work/export.ndjson"
check "import reads standard input" test "$status" -eq 0
run export --data-dir "$work/copy"
check "export, import, export is a fixed point" cmp -s "$work/out" "$work/export.ndjson"

run import --data-dir "$work/data" "$members"
check "importing an existing ID exits 1" test "$status" -eq 1
check "the existing ID is named with its line" grep -q 'line 1: .*already exists' "$work/err"

printf '%s\n' "$(head -n 2 "$members")" '{"OrganizationMemberID": "5c000284-' >"$work/bad.ndjson"
run import --data-dir "$work/fresh" "$work/bad.ndjson"
check "malformed line exits 1" test "$status" -eq 1
check "malformed line number on stderr" grep -q 'line 3' "$work/err"
run export --data-dir "$work/fresh"
check "nothing is imported from a file with a bad line" test ! -s "$work/out"

printf '%s\n' "$(head -n 2 "$members")" "$(head -n 1 "$members")" >"$work/dup.ndjson"
run import --data-dir "$work/fresh" "$work/dup.ndjson"
check "duplicate ID in the file exits 1" test "$status" -eq 1
check "duplicate ID names both lines" grep -q 'line 3: .* is also on line 1' "$work/err"

# This shell holds the lock (as a server would) on its own open of the file.
exec 9>>"$work/data/LOCK"
flock 9
run import --data-dir "$work/data" "$work/bad.ndjson"
check "import refuses a locked data directory" test "$status" -eq 1
check "the refusal says the directory is in use" grep -q 'is in use' "$work/err"
run export --data-dir "$work/data"
check "export refuses a locked data directory" test "$status" -eq 1
exec 9>&-
run export --data-dir "$work/data"
check "export runs once the lock is released" test "$status" -eq 0

run export --data-dir "$work/nowhere"
check "export of a missing data directory exits 1" test "$status" -eq 1

run import --help
check "import --help says the users and organizations named are created" \
  grep -q 'organizations the records name are created' "$work/out"
run import --data-dir
check "--data-dir without a value exits 2" test "$status" -eq 2

finish "cli data"

#!/usr/bin/env bash
# End-to-end checks of `rollcall query`: output, exit codes and messages.
# usage: query_test.sh ROLLCALL MEMBERS.ndjson
set -u
rollcall=$1
members=$2
ROLLCALL=$rollcall
# shellcheck source=tests/cli/harness.sh
source "$(dirname "$0")/harness.sh"

run query --where "Role = 'ADMIN'" "$members"
check "exit 0 on success" test "$status" -eq 0
check "493 ADMIN lines" test "$(wc -l <"$work/out")" -eq 493
check "lines unchanged and in input order" \
  cmp -s "$work/out" <(grep -F '"Role": "ADMIN"' "$members")

run query --where "Username = 'o''brien.ritchie17'" - <"$members"
check "reads standard input" grep -q '8e03a9c4-6d07-4178-b8f0-a337ac8eae89' "$work/out"

run query --where '' "$members"
check "empty expression matches everything" cmp -s "$work/out" "$members"

run query --where "Role = 'OWNER' AND" "$members"
check "bad expression exits 2" test "$status" -eq 2
check "bad expression writes nothing to stdout" test ! -s "$work/out"
check "bad expression names the column" grep -q 'column 19' "$work/err"

run query --where "Rol = 'x'" "$members"
check "unknown attribute hints" grep -q "did you mean 'Role'" "$work/err"

printf '%s\n' "$(head -n 2 "$members")" '{"OrganizationMemberID": "5c000284-' "$(sed -n 3p "$members")" >"$work/bad.ndjson"
run query --where '' "$work/bad.ndjson"
check "malformed line exits 1" test "$status" -eq 1
check "malformed line number on stderr" grep -q 'line 3' "$work/err"
check "lines before the malformed one are written" test "$(wc -l <"$work/out")" -eq 2

printf '{"Role": "OWNER"\n' >"$work/truncated.ndjson"
run query --where '' "$work/truncated.ndjson"
check "invalid JSON exits 1" test "$status" -eq 1

printf '%s\n' '{"Role": 5, "Version": 1}' >"$work/wrong-type.ndjson"
run query --where "Role = 'OWNER'" "$work/wrong-type.ndjson"
check "a member the filter reads, of the wrong type, exits 1" test "$status" -eq 1
check "the wrong member is named" grep -q '"Role"' "$work/err"
run query --where "Version = 1" "$work/wrong-type.ndjson"
check "members the filter does not read are not type-checked" test "$(wc -l <"$work/out")" -eq 1

run query --where "Status = 'active'" --contains 'MÜLLER' "$members"
check "--contains is ANDed and case-insensitive" \
  test "$(wc -l <"$work/out")" -eq "$(grep '"Status": "active"' "$members" | grep -ci 'müller')"

printf '%s\n' '{"SpaceMemberID": "5c000284-9745-474e-84d5-ecab3be54df3", "Admin": true}' \
  '{"SpaceMemberID": "4d428295-6405-4d49-bd52-720c54850024", "Admin": false}' >"$work/space.ndjson"
run query --entity SpaceMember --where 'Admin = true' "$work/space.ndjson"
check "--entity SpaceMember" test "$(cat "$work/out")" = "$(head -n 1 "$work/space.ndjson")"

run query --entity Nope --where '' "$members"
check "unknown entity exits 2" test "$status" -eq 2

run query --frobnicate "$members"
check "unknown option exits 2" test "$status" -eq 2

run query --help
check "--help exits 0 with examples" grep -q 'examples:' "$work/out"

run query --where '' "$work/does-not-exist"
check "missing file exits 1" test "$status" -eq 1

finish "cli"

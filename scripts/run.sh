#!/usr/bin/env bash
# Installs dependencies, builds rollcall, generates a sample data set and shows
# `rollcall query` filtering it. (The HTTP server's `rollcall serve --demo`
# takes over this script once it exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DROLLCALL_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)" --target rollcall rollcall-generate
sample=build/sample-members.ndjson
build/bench/rollcall-generate --members 20000 --seed 7 >"$sample"
echo "Generated $(wc -l <"$sample") OrganizationMember records in $sample"

show() {
  local out
  out=$(mktemp)
  echo
  local shown="$ build/cli/rollcall query" arg
  for arg in "$@"; do
    case $arg in *[\ \'\$]*) shown+=" \"$arg\"" ;; *) shown+=" $arg" ;; esac
  done
  echo "$shown"
  build/cli/rollcall query "$@" >"$out"
  head -n 3 "$out" | cut -c1-200
  echo "($(wc -l <"$out") matching lines)"
  rm -f "$out"
}
show --where "Role = 'OWNER' AND Status = 'active'" "$sample"
show --where "DisplayName ILIKE '%ström%' OR Labels.team IN ('sre', 'security')" "$sample"
show --where "LEN(RoleIDs) >= 2 AND CreatedAt >= '2025-01-01' AND NOT RequiredMFAAuth" "$sample"
show --where "Email ~ '^[a-z]+\\.lovelace[0-9]+@example\\.com\$'" "$sample"
show --where "Status = 'pending'" --contains lovelace "$sample"
echo
echo "\$ build/cli/rollcall query --where \"Rol = 'OWNER'\" $sample"
build/cli/rollcall query --where "Rol = 'OWNER'" "$sample" || true
echo
echo "Try your own: build/cli/rollcall query --where \"...\" $sample   (build/cli/rollcall query --help)"

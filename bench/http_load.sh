#!/usr/bin/env bash
# HTTP load test of `rollcall serve` with wrk: the /healthz ceiling, indexed and
# scanning member lists, a space-member list, a saved-filter list, and a 95%
# read / 5% write mix, at several connection counts. Prints a table (req/s, p50, p99, non-2xx, socket errors) and checks
# the targets at 64 connections: indexed limit=10 >= 0.50 x healthz req/s,
# indexed limit=100 >= 0.15 x healthz, their p99 <= 10 ms; and 256 connections
# without errors.
#
# usage: bench/http_load.sh [ROLLCALL_BINARY] [--duration 15s] [--connections 8,64,256]
#                           [--results FILE] [--url http://127.0.0.1:PORT --admin-token TOKEN]
#   ROLLCALL_BINARY  default: build/cli/rollcall next to this script's repo. It is
#                    started as `serve --demo` on a free 127.0.0.1 port with a fresh
#                    data directory and a random admin token, and stopped at exit.
#   --duration       per wrk run (wrk syntax: 10s, 1m); 7 scenarios x connection
#                    counts runs, so the default 15s takes about 6 minutes.
#   --connections    comma-separated connection counts (wrk -t2, fewer threads
#                    than connections never).
#   --results FILE   also write one JSON object per run (scenario, connections and
#                    wrk's numbers) to FILE.
#   --url, --admin-token
#                    load an already running server instead of starting one (the
#                    host must be 127.0.0.1).
# Needs wrk, curl and python3 (scripts/install-deps.sh installs them). Only ever
# sends traffic to 127.0.0.1. HTTP_LOAD_START_TIMEOUT (seconds, default 300)
# bounds the wait for the server to listen and pass /healthz.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lua_dir=$here/http_load
binary=$(dirname "$here")/build/cli/rollcall
duration=15s
connections=8,64,256
results_out=
url=
admin_token=${ROLLCALL_ADMIN_TOKEN:-}
start_timeout=${HTTP_LOAD_START_TIMEOUT:-300}

die() { echo "http_load: $*" >&2; exit 2; }
usage() { sed -n '9,25s/^# \{0,1\}//p' "$0"; }

while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --duration) [[ $# -ge 2 ]] || die "--duration needs a value"; duration=$2; shift 2 ;;
    --duration=*) duration=${1#*=}; shift ;;
    --connections) [[ $# -ge 2 ]] || die "--connections needs a value"; connections=$2; shift 2 ;;
    --connections=*) connections=${1#*=}; shift ;;
    --results) [[ $# -ge 2 ]] || die "--results needs a value"; results_out=$2; shift 2 ;;
    --results=*) results_out=${1#*=}; shift ;;
    --url) [[ $# -ge 2 ]] || die "--url needs a value"; url=$2; shift 2 ;;
    --url=*) url=${1#*=}; shift ;;
    --admin-token) [[ $# -ge 2 ]] || die "--admin-token needs a value"; admin_token=$2; shift 2 ;;
    --admin-token=*) admin_token=${1#*=}; shift ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) binary=$1; shift ;;
  esac
done

[[ $duration =~ ^[0-9]+(\.[0-9]+)?[smh]?$ ]] || die "bad --duration '$duration' (e.g. 10s, 1m)"
[[ $connections =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "bad --connections '$connections' (e.g. 8,64,256)"
IFS=, read -r -a conn_list <<<"$connections"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || die "$tool not found (bash scripts/install-deps.sh installs it)"
done
if [[ -n $url ]]; then
  url=${url%/}
  [[ $url =~ ^http://127\.0\.0\.1:[0-9]+$ ]] ||
    die "--url must be http://127.0.0.1:PORT (traffic stays on this machine)"
  [[ -n $admin_token ]] || die "--url needs --admin-token (or ROLLCALL_ADMIN_TOKEN)"
else
  [[ -x $binary ]] || die "$binary is not an executable (build rollcall, or pass its path)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rollcall-http-load.XXXXXX")
server_pid=
cleanup() {
  local status=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# curl to the server only, never through a proxy. Prints the body to $work/body
# and the status code to stdout.
http() {
  local method=$1 path=$2
  shift 2
  curl -sS --noproxy '*' --max-time 60 -o "$work/body" -w '%{http_code}' -X "$method" \
    -H "Authorization: Bearer $admin_token" "$@" "$url$path"
}

if [[ -z $url ]]; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  admin_token=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
  url=http://127.0.0.1:$port
  mkdir "$work/data"
  echo "starting: $binary serve --demo --data-dir $work/data --listen 127.0.0.1:$port --admin-token <random>"
  "$binary" serve --demo --data-dir "$work/data" --listen "127.0.0.1:$port" \
    --admin-token "$admin_token" >"$work/server.log" 2>&1 &
  server_pid=$!
  waited=0
  until grep -q "rollcall: listening on http://127.0.0.1:$port" "$work/server.log"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 20 "$work/server.log" >&2
      die "the server exited before listening"
    fi
    ((waited < start_timeout * 10)) || { tail -n 20 "$work/server.log" >&2; die "no 'listening' line after ${start_timeout}s"; }
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "listening after $((waited / 10)).$((waited % 10))s"
fi

# /healthz answers 200 once recovery (and the demo data) is in place.
waited=0
until [[ $(curl -sS --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' "$url/healthz" 2>/dev/null) == 200 ]]; do
  ((waited < start_timeout * 10)) || die "/healthz not 200 after ${start_timeout}s"
  sleep 0.1
  waited=$((waited + 1))
done

# The organization with the most members (the demo's big one).
org=$(python3 - "$url" "$admin_token" <<'PY'
import json, sys, urllib.error, urllib.parse, urllib.request
url, token = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def get(path):
    req = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    try:
        with opener.open(req, timeout=60) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        sys.exit(f"http_load: GET {path} answered {e.code}: {e.read()[:300].decode(errors='replace')}")
    except (OSError, ValueError) as e:
        sys.exit(f"http_load: GET {path}: {e}")
orgs = get("/organization?limit=1000").get("Items", [])
best = None
for o in orgs:
    oid = o["OrganizationID"]
    total = get(f"/organization/{urllib.parse.quote(oid, safe='')}/organization_member"
                "?limit=1&include_total=true").get("TotalCount", 0)
    if best is None or total > best[1]:
        best = (oid, total, o.get("DisplayName", ""))
if best is None:
    sys.exit("http_load: the server has no organization (was it started with --demo?)")
print(f"organization {best[0]} ({best[2]!r}) has {best[1]} members", file=sys.stderr)
print(best[0])
PY
) || die "could not find the demo organization"

# A space of that organization with members, and its saved filter "admins"
# (--demo makes both; a server without them gets them now).
space=$(python3 - "$url" "$admin_token" "$org" <<'PY'
import json, sys, urllib.error, urllib.request
url, token, org = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with opener.open(req, timeout=60) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        if method == "POST" and e.code == 409:
            return None
        sys.exit(f"http_load: {method} {path} answered {e.code}: {e.read()[:300].decode(errors='replace')}")
    except (OSError, ValueError) as e:
        sys.exit(f"http_load: {method} {path}: {e}")
base = f"/organization/{org}"
spaces = call("GET", base + "/space?limit=1000")["Items"]
space = next((s for s in spaces if s["Slug"] == "platform"), spaces[0] if spaces else None)
if space is None:
    space = call("POST", base + "/space", {"DisplayName": "Load", "Slug": "load"})
    members = call("GET", base + "/organization_member?limit=50&where=Status%20%3D%20%27active%27")
    for m in members["Items"]:
        call("POST", f"/space/{space['SpaceID']}/space_member", {"Email": m["Email"]})
call("POST", base + "/filter", {"Slug": "admins", "Where": "Role = 'ADMIN'"})
print(f"space {space['SpaceID']} ({space['Slug']!r})", file=sys.stderr)
print(space["SpaceID"])
PY
) || die "could not find or make a space and the saved filter"

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
members=/organization/$org/organization_member
indexed_where=$(enc "Role = 'ADMIN'")
scan_where=$(enc "DisplayName ILIKE '%ström%'")
run_tag=$(python3 -c 'import secrets; print(secrets.token_hex(4))')

# scenario name, its label in the table, the path it loads, its wrk script.
scenarios=(healthz indexed10 indexed100 scan100 space100 filter10 mix)
declare -A label=(
  [healthz]="GET /healthz"
  [indexed10]="indexed where, limit=10"
  [indexed100]="indexed where, limit=100"
  [scan100]="scanning ILIKE, limit=100"
  [space100]="space members, limit=100"
  [filter10]="saved filter, limit=10"
  [mix]="95% reads + 5% invite"
)
declare -A path=(
  [healthz]=/healthz
  [indexed10]="$members?limit=10&where=$indexed_where"
  [indexed100]="$members?limit=100&where=$indexed_where"
  [scan100]="$members?limit=100&where=$scan_where"
  [space100]="/space/$space/space_member?limit=100"
  [filter10]="$members?limit=10&filter=admins"
  [mix]="$members?limit=10&where=$indexed_where"
)
# The mix's reads take turns: indexed member list, space members, saved filter.
mix_reads="${path[indexed10]}|/space/$space/space_member?limit=10|${path[filter10]}"

# Each scenario must work before it is measured.
for s in "${scenarios[@]}"; do
  code=$(http GET "${path[$s]}")
  [[ $code == 200 ]] || { head -c 500 "$work/body" >&2; echo >&2; die "GET ${path[$s]} answered $code"; }
done
code=$(http POST "$members" -H 'Content-Type: application/json' \
  --data "{\"Email\":\"load-probe-$run_tag@example.com\",\"Role\":\"MEMBER\"}")
[[ $code == 201 ]] || { head -c 500 "$work/body" >&2; echo >&2; die "POST $members answered $code"; }

results=$work/results.jsonl
: >"$results"
run_wrk() {  # scenario connections duration [record]
  local s=$1 c=$2 d=$3 record=${4:-yes} threads=2 script=$lua_dir/get.lua out
  ((c >= threads)) || threads=$c
  [[ $s == mix ]] && script=$lua_dir/mix.lua
  out=$(HTTP_LOAD_TOKEN=$admin_token HTTP_LOAD_READ_PATH=${path[$s]} HTTP_LOAD_WRITE_PATH=$members \
    HTTP_LOAD_READ_PATHS=$mix_reads \
    HTTP_LOAD_RUN=$run_tag-$c wrk -t"$threads" -c"$c" -d"$d" --timeout 2s -s "$script" \
    "$url${path[$s]}" 2>&1) || { echo "$out" >&2; die "wrk failed ($s, $c connections)"; }
  [[ $record == yes ]] || return 0
  echo "$out" | grep -E '^  latency |^HTTP_LOAD_RESULT ' || true
  local line
  line=$(echo "$out" | sed -n 's/^HTTP_LOAD_RESULT //p' | tail -n 1)
  [[ -n $line ]] || { echo "$out" >&2; die "wrk printed no HTTP_LOAD_RESULT line ($s, $c)"; }
  python3 -c 'import json, sys; r = json.loads(sys.argv[3]); print(json.dumps({"scenario": sys.argv[1], "connections": int(sys.argv[2]), **r}))' \
    "$s" "$c" "$line" >>"$results"
}

echo "warming up (2s, not measured)"
run_wrk indexed10 "${conn_list[0]}" 2s no
for c in "${conn_list[@]}"; do
  for s in "${scenarios[@]}"; do
    echo "== ${label[$s]}, $c connections, $duration"
    run_wrk "$s" "$c" "$duration"
  done
done
[[ -z $results_out ]] || cp "$results" "$results_out"

echo
python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
labels = {"healthz": "GET /healthz", "indexed10": "indexed where, limit=10",
          "indexed100": "indexed where, limit=100", "scan100": "scanning ILIKE, limit=100",
          "space100": "space members, limit=100", "filter10": "saved filter, limit=10",
          "mix": "95% reads + 5% invite"}
def sock(r): return r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
print(f"{'scenario':<27}{'conns':>6}{'req/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'sock err':>9}")
for r in rows:
    print(f"{labels.get(r['scenario'], r['scenario']):<27}{r['connections']:>6}{r['rps']:>11.0f}"
          f"{r['p50_us'] / 1000:>9.2f}{r['p99_us'] / 1000:>9.2f}{r['non2xx']:>9}{sock(r):>9}")
by = {(r["scenario"], r["connections"]): r for r in rows}
conns = sorted({r["connections"] for r in rows})
met = total = 0
def verdict(ok):
    global met, total
    total += 1
    met += ok
    return "ok" if ok else "MISSED"
print()
at = 64 if 64 in conns else conns[len(conns) // 2]
note = "" if at == 64 else " (64 was not run; the targets are meant for 64)"
h = by.get(("healthz", at))
print(f"at {at} connections{note}:")
for s, target in (("indexed10", 0.50), ("indexed100", 0.15)):
    r = by.get((s, at))
    if h and r and h["rps"] > 0:
        ratio = r["rps"] / h["rps"]
        print(f"  {labels[s]:<26} / healthz req/s = {ratio:5.2f}   target >= {target:.2f}  {verdict(ratio >= target)}")
for s in ("indexed10", "indexed100"):
    r = by.get((s, at))
    if r:
        p99 = r["p99_us"] / 1000
        print(f"  {labels[s]:<26} p99 = {p99:7.2f} ms      target <= 10 ms  {verdict(p99 <= 10)}")
if 256 in conns:
    bad = sum(r["non2xx"] + sock(r) for r in rows if r["connections"] == 256)
    print(f"at 256 connections: non-2xx + socket errors = {bad}   target 0  {verdict(bad == 0)}")
print(f"targets met: {met} of {total}")
PY

#!/bin/sh
# HTTP integration tests: start the real `rollcall serve` and drive it over 127.0.0.1.
# usage: run.sh /path/to/rollcall [extra unittest arguments]
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 /path/to/rollcall" >&2
  exit 2
fi
ROLLCALL_BINARY=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export ROLLCALL_BINARY
shift
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
exec python3 -m unittest discover -s tests/integration -p 'test_*.py' -v "$@"

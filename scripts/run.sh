#!/usr/bin/env bash
# Installs dependencies, builds rollcall and serves the HTTP API on a demo data
# set (an organization of 100,000 members): prints a token and curl commands.
# The data lives in ./rollcall-data; remove it to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DROLLCALL_BUILD_TESTS=OFF \
  -DROLLCALL_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build -j "$(nproc)" --target rollcall
exec build/cli/rollcall serve --demo --data-dir ./rollcall-data --listen "${ROLLCALL_LISTEN:-127.0.0.1:8080}"

#!/usr/bin/env bash
# Installs everything rollcall needs to build, test and benchmark on Debian 12.
# Run as root (or with sudo). Safe to run again.
set -euo pipefail
packages=(
  build-essential cmake git pkg-config
  clang clang-format clang-tidy libclang-rt-14-dev llvm
  tao-pegtl-dev libboost-dev libcpp-httplib-dev rapidjson-dev libre2-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libsqlite3-dev libsimdjson-dev
  jq valgrind curl ca-certificates wrk python3
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

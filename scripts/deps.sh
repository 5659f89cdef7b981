#!/usr/bin/env bash
# Installs the Debian 12 packages medbox needs to build, run and test, and only
# those that are missing (a second run costs a second). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
  build-essential cmake pkg-config ninja-build
  libpoco-dev libssl-dev libsqlite3-dev libsystemd-dev libnftables-dev libgtest-dev
  sqlite3 nftables iproute2 openssl ca-certificates
  nodejs
  systemd
)
# Parts of the project list what their own tests need, one package a line.
for f in .ci/packages-*.txt; do
  [ -f "$f" ] || continue
  while read -r p; do
    p="${p%%#*}"; p="${p// /}"
    [ -n "$p" ] && pkgs+=("$p")
  done < "$f"
done
[ "${1:-}" = "--bench" ] && pkgs+=(nginx-light wrk)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages of the API tests (tests/api/package.json, pinned by its
# package-lock.json; today the HL7 client simple-hl7): npm ci when the lock
# changed since the last install. npm comes with nodejs, or Debian's npm.
lock=tests/api/package-lock.json
stamp=tests/api/node_modules/.medbox-lock.sha256
if [ -f "$lock" ]; then
  sum=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    command -v npm >/dev/null ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
    echo "deps: npm ci in tests/api"
    npm ci --prefix tests/api --no-audit --no-fund --loglevel=error >/dev/null
    echo "$sum" >"$stamp"
  fi
fi

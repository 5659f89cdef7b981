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

# npm packages (package.json, pinned in package-lock.json): uPlot, vendored
# into the binaries at build time, playwright-core for the browser tests (it
# drives Debian's chromium and never downloads a browser) and simple-hl7, the
# HIS bridge's API tests' HL7 client. Again only when the lock file changed
# since the last install.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.medbox-installed-lock; then
  echo "deps: npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.medbox-installed-lock
fi

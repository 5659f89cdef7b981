#!/bin/bash
# medboxctl against a real systemd: boots a minimal Debian root file system
# with systemd-nspawn, runs medboxctl-itest inside it (status, stop, start,
# restart, crash restarts, refusals, job failure, enable/disable, timers,
# journal lines) and reports its TAP results.
#
# Usage: medboxctl_nspawn_test.sh MEDBOXCTL
#
# The root file system is built once with mmdebstrap (about 30 s, needs the
# Debian mirror) and cached in $MEDBOX_CACHE (default /var/cache/medbox-test),
# keyed by the package list; each run boots it under a throw-away overlay.
# Needs root, systemd-nspawn (systemd-container) and, for a cold cache,
# mmdebstrap. Exits 77 (skipped) when they are missing.
#
# The container is started under timeout(1), powers itself off when the test
# unit finishes, and is stopped by the EXIT trap otherwise (by PID: nspawn,
# then the container's init if it outlived nspawn); no container or container
# process outlives this script.
set -euo pipefail

MEDBOXCTL=$(readlink -f "${1:?usage: $0 MEDBOXCTL}")
HERE=$(cd "$(dirname "$0")" && pwd)
ASSETS=$HERE/medboxctl_nspawn
CACHE=${MEDBOX_CACHE:-/var/cache/medbox-test}
SUITE=bookworm
RECIPE_VERSION=1            # bump to force a rebuild of cached roots
BUILD_TIMEOUT=600           # cold cache: mmdebstrap
BOOT_TIMEOUT=150            # boot + tests + power-off (normally a few seconds)
SKIP=77

start_time=$(date +%s.%N)
elapsed() { awk -v s="$start_time" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}'; }

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (systemd-nspawn)"; exit $SKIP; }
command -v systemd-nspawn >/dev/null || { echo "SKIP: systemd-nspawn not installed (package systemd-container)"; exit $SKIP; }
[ -x "$MEDBOXCTL" ] || { echo "FAIL: $MEDBOXCTL is not an executable"; exit 1; }

# --- which packages the root needs --------------------------------------------
# systemd + D-Bus for a booted system bus, plus whatever Debian packages
# provide the shared libraries medboxctl links (libsystemd0, libstdc++6,
# Poco, ...), found from ldd and dpkg rather than kept by hand.
packages=(systemd dbus systemd-sysv)
mapfile -t libs < <(ldd "$MEDBOXCTL" | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}')
if command -v dpkg >/dev/null; then
    # One dpkg query for all candidates (merged /usr: a library may be
    # registered under /lib or /usr/lib).
    query=()
    for lib in "${libs[@]}"; do query+=("$lib" "$(readlink -f "$lib")" "/usr$lib" "${lib#/usr}"); done
    owners=$(dpkg -S "${query[@]}" 2>/dev/null || true)
    for lib in "${libs[@]}"; do
        owner=$(awk -F': ' -v a="$lib" -v b="$(readlink -f "$lib")" -v c="/usr$lib" -v d="${lib#/usr}" \
            '$NF == a || $NF == b || $NF == c || $NF == d {split($1, p, ":"); print p[1]; exit}' <<<"$owners")
        [ -n "$owner" ] || { echo "FAIL: no Debian package provides $lib (needed by medboxctl)"; exit 1; }
        packages+=("$owner")
    done
else
    packages+=(libstdc++6 libsystemd0 libpocofoundation80 libpocojson80)
fi
include=$(printf '%s\n' "${packages[@]}" | sort -u | paste -sd, -)
key=$(printf '%s %s %s' "$SUITE" "$include" "$RECIPE_VERSION" | sha256sum | cut -c1-16)
cached_root=$CACHE/medboxctl-nspawn-$key

# --- build the cached root once ----------------------------------------------------
mkdir -p "$CACHE"
exec 9>"$CACHE/.medboxctl-nspawn.lock"
flock 9  # one builder at a time; others wait and reuse its result
if [ ! -d "$cached_root" ]; then
    command -v mmdebstrap >/dev/null || { echo "SKIP: no cached root and mmdebstrap not installed"; exit $SKIP; }
    echo "# building root file system ($include) into $cached_root"
    rm -rf "$cached_root.tmp"
    if ! timeout "$BUILD_TIMEOUT" mmdebstrap --quiet --variant=minbase --include="$include" "$SUITE" "$cached_root.tmp" \
        >"$CACHE/medboxctl-nspawn-build.log" 2>&1; then
        rm -rf "$cached_root.tmp"
        echo "FAIL: mmdebstrap failed; see $CACHE/medboxctl-nspawn-build.log"
        tail -20 "$CACHE/medboxctl-nspawn-build.log"
        exit 1
    fi
    mv "$cached_root.tmp" "$cached_root"
    echo "# root file system built in $(elapsed) s"
fi
flock -u 9
exec 9>&-

for lib in "${libs[@]}"; do
    if [ ! -e "$cached_root$lib" ] && [ ! -e "$cached_root$(readlink -f "$lib")" ]; then
        echo "FAIL: $lib (needed by medboxctl) is missing in $cached_root"
        exit 1
    fi
done

# --- boot a throw-away view of the cached root ---------------------------------------
# --volatile=overlay puts a tmpfs overlay on the cached root: the container
# writes (journal, enable symlinks) vanish with it and the cache stays
# pristine without a copy. medboxctl, the test units and the runner are
# bind-mounted in; /usr/local/lib/systemd/system is on systemd's unit path.
work=$(mktemp -d /tmp/medboxctl-nspawn.XXXXXX)
units=$work/units
out=$work/out
mkdir -p "$units" "$out"
for unit in "$ASSETS"/*.service "$ASSETS"/*.timer; do install -m 0644 "$unit" "$units/"; done
ln -s hospital-other.service "$units/medbox-alias.service"

# shellcheck source=../lib/container.sh
. "$(dirname "$0")/../lib/container.sh"
say() { echo "# $* ($(elapsed) s)"; }
fail() { echo "FAIL: $*"; exit 1; }
cleanup() {
    local status=$?
    stop_container
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# systemd.wants= on PID 1's command line starts units without touching the
# image: the non-medbox service and the test runner. medbox-demo is started
# by the runner with systemctl, so its unit file state stays "disabled"
# (a command-line want would make it "enabled-runtime").
root=$cached_root
boot medboxctl \
    --bind-ro="$MEDBOXCTL:/usr/local/sbin/medboxctl" \
    --bind-ro="$ASSETS/medboxctl-itest:/usr/local/bin/medboxctl-itest" \
    --bind-ro="$units:/usr/local/lib/systemd/system" \
    --bind="$out:/medbox-itest-out" \
    systemd.wants=hospital-other.service systemd.wants=medboxctl-itest.service
wait_exit
report_tap medboxctl "$out/result.tap"

#!/bin/bash
# The medbox units under a real systemd: boots a minimal Debian root file
# system with systemd-nspawn, with the built service binaries and the files of
# appliance/systemd bind-mounted where the package installs them, and runs
# units_nspawn/units-itest inside it (install as a package does, start
# medbox.target, sandbox, trust folder, exit 78, crash and watchdog restarts,
# IP allow list, the console's unit control through polkit and the journal,
# medboxctl against the real units, stop). Prints its TAP results.
#
# Usage: units_nspawn_test.sh     (CTest sets MEDBOX_BUILD_DIR, MEDBOX_UNITS_DIR:
#                                  the units, presets, sysusers.d and tmpfiles.d
#                                  CMake generated from cmake/services.cmake)
#
# The root file system is built once with mmdebstrap (a minute or two, needs
# the Debian mirror) and cached in $MEDBOX_CACHE (default
# /var/cache/medbox-test), keyed by its package list; each run boots it with
# a throw-away overlay (--volatile=overlay), so the cache stays pristine.
# Needs root, systemd-nspawn (systemd-container) and the built binaries; for
# a cold cache, mmdebstrap. Exits 77 (skipped) when they are missing.
#
# The container runs under timeout(1) and powers itself off when the test
# unit finishes; the EXIT trap stops it otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SYSTEMD_DIR=$(cd "$HERE/.." && pwd)
ASSETS=$HERE/units_nspawn
BUILD=${MEDBOX_BUILD_DIR:-}
UNITS_DIR=${MEDBOX_UNITS_DIR:-${BUILD:+$BUILD/appliance/systemd/generated}}
CACHE=${MEDBOX_CACHE:-/var/cache/medbox-test}
SUITE=bookworm
RECIPE_VERSION=1            # bump to force a rebuild of cached roots
BUILD_TIMEOUT=900           # cold cache: mmdebstrap
BOOT_TIMEOUT=400            # boot + tests (the watchdog check alone waits 30 s) + power-off
SKIP=77

start_time=$(date +%s.%N)
elapsed() { awk -v s="$start_time" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}'; }

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (systemd-nspawn)"; exit $SKIP; }
command -v systemd-nspawn >/dev/null || { echo "SKIP: systemd-nspawn not installed (package systemd-container)"; exit $SKIP; }

[ -n "$UNITS_DIR" ] && [ -d "$UNITS_DIR" ] || { echo "SKIP: no generated units (set MEDBOX_UNITS_DIR or MEDBOX_BUILD_DIR)"; exit $SKIP; }
mapfile -t services < <(cd "$UNITS_DIR" && ls -1 medbox-*.service | sed 's/^medbox-\(.*\)\.service$/\1/')
binaries=()
for s in "${services[@]}"; do
    bin=$BUILD/services/$s/medbox-$s
    [ -n "$BUILD" ] && [ -x "$bin" ] || { echo "SKIP: medbox-$s not built (set MEDBOX_BUILD_DIR; looked for $bin)"; exit $SKIP; }
    binaries+=("$(readlink -f "$bin")")
done
# medboxctl, when built, runs inside too ("medboxctl status" against the real
# units); the unit-control checks that need it are skipped without it.
medboxctl=""
if [ -n "$BUILD" ] && [ -x "$BUILD/appliance/medboxctl/medboxctl" ]; then
    medboxctl=$(readlink -f "$BUILD/appliance/medboxctl/medboxctl")
else
    echo "# medboxctl not built: its checks inside the container are skipped"
fi

# --- which packages the root needs ------------------------------------------------
# systemd, plus the tools the runner uses, plus whatever Debian packages
# provide the shared libraries the services link (found with ldd and dpkg).
# dbus and polkitd: the console's unit control talks to systemd over the
# system bus, and systemd asks polkit whether medbox-console may start, stop
# or restart a unit (polkit/50-medbox-console.rules); medboxctl runs inside too.
packages=(systemd systemd-sysv dbus polkitd curl ca-certificates iproute2 procps util-linux)
libs=()
for bin in "${binaries[@]}" $medboxctl; do
    mapfile -t -O "${#libs[@]}" libs < <(ldd "$bin" | awk '/=> \// {print $3}')
done
mapfile -t libs < <(printf '%s\n' "${libs[@]}" | sort -u)
for lib in "${libs[@]}"; do
    owner=""
    for candidate in "$lib" "$(readlink -f "$lib")" "/usr$lib" "${lib#/usr}"; do
        owner=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$owner" ] && break
    done
    [ -n "$owner" ] || { echo "FAIL: no Debian package provides $lib (needed by the services)"; exit 1; }
    packages+=("$owner")
done
include=$(printf '%s\n' "${packages[@]}" | sort -u | paste -sd, -)
key=$(printf '%s %s %s' "$SUITE" "$include" "$RECIPE_VERSION" | sha256sum | cut -c1-16)
cached_root=$CACHE/units-nspawn-$key

# --- build the cached root once ---------------------------------------------------------
mkdir -p "$CACHE"
exec 9>"$CACHE/.units-nspawn.lock"
flock 9  # one builder at a time; others wait and reuse its result
if [ ! -d "$cached_root" ]; then
    command -v mmdebstrap >/dev/null || { echo "SKIP: no cached root and mmdebstrap not installed"; exit $SKIP; }
    echo "# building root file system ($include) into $cached_root"
    rm -rf "$cached_root.tmp"
    if ! timeout "$BUILD_TIMEOUT" mmdebstrap --quiet --variant=minbase --include="$include" "$SUITE" "$cached_root.tmp" \
        >"$CACHE/units-nspawn-build.log" 2>&1; then
        rm -rf "$cached_root.tmp"
        echo "FAIL: mmdebstrap failed; see $CACHE/units-nspawn-build.log"
        tail -20 "$CACHE/units-nspawn-build.log"
        exit 1
    fi
    mv "$cached_root.tmp" "$cached_root"
    echo "# root file system built in $(elapsed) s"
fi
flock -u 9
exec 9>&-

# --- boot it with the medbox files where the package puts them --------------------------
work=$(mktemp -d /tmp/medbox-units-nspawn.XXXXXX)
mkdir -p "$work/out"
binds=()
for i in "${!services[@]}"; do
    s=${services[$i]}
    binds+=("--bind-ro=${binaries[$i]}:/usr/libexec/medbox/medbox-$s")
done
for f in "$UNITS_DIR"/*.service "$UNITS_DIR"/*.target; do
    binds+=("--bind-ro=$f:/usr/lib/systemd/system/$(basename "$f")")
done
for f in "$UNITS_DIR"/presets/*.preset; do
    binds+=("--bind-ro=$f:/usr/lib/systemd/system-preset/$(basename "$f")")
done
binds+=("--bind-ro=$UNITS_DIR/sysusers.d/medbox.conf:/usr/lib/sysusers.d/medbox.conf"
    "--bind-ro=$UNITS_DIR/tmpfiles.d/medbox.conf:/usr/lib/tmpfiles.d/medbox.conf"
    "--bind-ro=$SYSTEMD_DIR/polkit/50-medbox-console.rules:/usr/share/polkit-1/rules.d/50-medbox-console.rules"
    "--bind-ro=$ASSETS/units-itest.service:/usr/local/lib/systemd/system/units-itest.service"
    "--bind-ro=$ASSETS/units-itest:/usr/local/bin/units-itest"
    "--bind=$work/out:/itest-out")
[ -z "$medboxctl" ] || binds+=("--bind-ro=$medboxctl:/usr/sbin/medboxctl")

# shellcheck source=../../../tests/lib/container.sh
. "$(dirname "$0")/../../../tests/lib/container.sh"
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

# --private-network: the container has only its own loopback, so the fixed
# ports 9443/8444 cannot clash with anything on the host.
# IPAddressDeny= needs systemd's BPF firewall: a unified cgroup hierarchy in
# the container (the build machines run a hybrid one), the bpf() system call
# (nspawn's own filter denies it) and CAP_BPF.
root=$cached_root
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 boot units \
    --capability=CAP_BPF --system-call-filter=bpf "${binds[@]}" systemd.wants=units-itest.service
wait_exit
report_tap units "$work/out/result.tap"

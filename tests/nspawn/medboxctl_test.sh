#!/bin/bash
# medboxctl against a real systemd: boots a minimal Debian root file system
# with systemd-nspawn, runs medboxctl-itest inside it (status, stop, start,
# restart, crash restarts, refusals, job failure, enable/disable, timers,
# journal lines) and reports its TAP results.
#
# Usage: medboxctl_test.sh MEDBOXCTL
#
# The root file system is built once with mmdebstrap (about 30 s, needs the
# Debian mirror) and cached by tests/lib/nspawn_root.sh, keyed by the package
# list; each run boots it under a throw-away overlay.
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
ASSETS=$HERE/medboxctl
RECIPE_VERSION=1            # bump to force a rebuild of cached roots
BOOT_TIMEOUT=150            # boot + tests + power-off (normally a few seconds)
SKIP=77

# shellcheck source=../lib/nspawn_test.sh
. "$HERE/../lib/nspawn_test.sh"

require_nspawn
[ -x "$MEDBOXCTL" ] || { echo "FAIL: $MEDBOXCTL is not an executable"; exit 1; }

# --- the root: systemd + D-Bus for a booted system bus, medboxctl's libraries ---
packages=(systemd dbus systemd-sysv)
nspawn_lib_packages "$MEDBOXCTL"
nspawn_debian_root medboxctl-nspawn "$RECIPE_VERSION" "${packages[@]}"

for lib in "${libs[@]}"; do
    if [ ! -e "$root$lib" ] && [ ! -e "$root$(readlink -f "$lib")" ]; then
        echo "FAIL: $lib (needed by medboxctl) is missing in $root"
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

clean_up_on_exit

# systemd.wants= on PID 1's command line starts units without touching the
# image: the non-medbox service and the test runner. medbox-demo is started
# by the runner with systemctl, so its unit file state stays "disabled"
# (a command-line want would make it "enabled-runtime").
boot medboxctl \
    --bind-ro="$MEDBOXCTL:/usr/local/sbin/medboxctl" \
    --bind-ro="$ASSETS/medboxctl-itest:/usr/local/bin/medboxctl-itest" \
    --bind-ro="$units:/usr/local/lib/systemd/system" \
    --bind="$out:/medbox-itest-out" \
    systemd.wants=hospital-other.service systemd.wants=medboxctl-itest.service
wait_exit
report_tap medboxctl "$out/result.tap"

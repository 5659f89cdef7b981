#!/bin/bash
# The medbox units under a real systemd: boots a minimal Debian root file
# system with systemd-nspawn, with the built service binaries and the files of
# appliance/systemd bind-mounted where the package installs them, and runs
# units/units-itest inside it (install as a package does, start
# medbox.target, sandbox, trust folder, exit 78, crash and watchdog restarts,
# IP allow list, the console's unit control through polkit and the journal,
# medboxctl against the real units, stop). Prints its TAP results.
#
# Usage: units_test.sh     (CTest sets MEDBOX_BUILD_DIR, MEDBOX_UNITS_DIR:
#                           the units, presets, sysusers.d and tmpfiles.d
#                           CMake generated from cmake/services.cmake)
#
# The root file system is built once with mmdebstrap (a minute or two, needs
# the Debian mirror) and cached by tests/lib/nspawn_root.sh, keyed by its
# package list; each run boots it with a throw-away overlay
# (--volatile=overlay), so the cache stays pristine.
# Needs root, systemd-nspawn (systemd-container) and the built binaries; for
# a cold cache, mmdebstrap. Exits 77 (skipped) when they are missing.
#
# The container runs under timeout(1) and powers itself off when the test
# unit finishes; the EXIT trap stops it otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SYSTEMD_DIR=$(cd "$HERE/../../appliance/systemd" && pwd)
ASSETS=$HERE/units
BUILD=${MEDBOX_BUILD_DIR:-}
UNITS_DIR=${MEDBOX_UNITS_DIR:-${BUILD:+$BUILD/appliance/systemd/generated}}
RECIPE_VERSION=1            # bump to force a rebuild of cached roots
BOOT_TIMEOUT=400            # boot + tests (the watchdog check alone waits 30 s) + power-off
SKIP=77

# shellcheck source=../lib/nspawn_test.sh
. "$HERE/../lib/nspawn_test.sh"

require_nspawn

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

# --- the root: systemd, the runner's tools, the services' libraries ----------------
# dbus and polkitd: the console's unit control talks to systemd over the
# system bus, and systemd asks polkit whether medbox-console may start, stop
# or restart a unit (polkit/50-medbox-console.rules); medboxctl runs inside too.
packages=(systemd systemd-sysv dbus polkitd curl ca-certificates iproute2 procps util-linux)
nspawn_lib_packages "${binaries[@]}" $medboxctl
nspawn_debian_root units-nspawn "$RECIPE_VERSION" "${packages[@]}"

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

clean_up_on_exit

# --private-network: the container has only its own loopback, so the fixed
# ports 9443/8444 cannot clash with anything on the host.
# IPAddressDeny= needs systemd's BPF firewall: a unified cgroup hierarchy in
# the container (the build machines run a hybrid one), the bpf() system call
# (nspawn's own filter denies it) and CAP_BPF.
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 boot units \
    --capability=CAP_BPF --system-call-filter=bpf "${binds[@]}" systemd.wants=units-itest.service
wait_exit
report_tap units "$work/out/result.tap"

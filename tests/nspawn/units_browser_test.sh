#!/bin/bash
# The units and logs page against a real systemd: boots the root file system
# of units_test.sh (cached, same packages) with the built console and booking
# and their generated units, starts them as a package would, and runs
# tests/nspawn/units/units_page.mjs on the host's node and chromium inside
# the container's network namespace (nsenter --net): the browser reaches the
# console at https://127.0.0.1:9443 as an admin's browser would on the
# management network. The page restarts booking through systemd (polkit),
# reads its real journal and follows it live.
#
# Usage: units_browser_test.sh   (CTest sets MEDBOX_BUILD_DIR, MEDBOX_UNITS_DIR)
# Needs root, systemd-nspawn, the built binaries, node with playwright-core
# and Debian's chromium; exits 77 (skipped) when they are missing.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=$(cd "$HERE/../.." && pwd)
SYSTEMD_DIR=$SOURCE/appliance/systemd
BUILD=${MEDBOX_BUILD_DIR:-}
UNITS_DIR=${MEDBOX_UNITS_DIR:-${BUILD:+$BUILD/appliance/systemd/generated}}
RECIPE_VERSION=1            # as units_test.sh: the same cached root
BOOT_TIMEOUT=300
SKIP=77

# shellcheck source=../lib/nspawn_test.sh
. "$HERE/../lib/nspawn_test.sh"

require_nspawn
[ -n "$UNITS_DIR" ] && [ -d "$UNITS_DIR" ] || { echo "SKIP: no generated units (set MEDBOX_UNITS_DIR or MEDBOX_BUILD_DIR)"; exit $SKIP; }
[ -x "${MEDBOX_CHROMIUM:-/usr/bin/chromium}" ] || { echo "SKIP: chromium not installed"; exit $SKIP; }
[ -d "$SOURCE/node_modules/playwright-core" ] || { echo "SKIP: playwright-core not installed (scripts/deps.sh)"; exit $SKIP; }
services=(console booking)
binaries=()
for s in "${services[@]}"; do
    bin=$BUILD/services/$s/medbox-$s
    [ -n "$BUILD" ] && [ -x "$bin" ] || { echo "SKIP: medbox-$s not built (looked for $bin)"; exit $SKIP; }
    binaries+=("$(readlink -f "$bin")")
done

# The same package list as units_test.sh, so both boot one cached root.
packages=(systemd systemd-sysv dbus polkitd curl ca-certificates iproute2 procps util-linux)
nspawn_lib_packages "${binaries[@]}"
nspawn_debian_root units-nspawn "$RECIPE_VERSION" "${packages[@]}"

work=$(mktemp -d /tmp/medbox-units-browser.XXXXXX)
password="Units-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')-9a"
# The first admin's password from the environment (console.bootstrap_admin_password).
mkdir -p "$work/dropin"
printf '[Service]\nEnvironment=MEDBOX_CONSOLE__BOOTSTRAP_ADMIN_PASSWORD=%s\n' "$password" >"$work/dropin/test.conf"
binds=("--bind-ro=$work/dropin:/etc/systemd/system/medbox-console.service.d")
for i in "${!services[@]}"; do
    s=${services[$i]}
    binds+=("--bind-ro=${binaries[$i]}:/usr/libexec/medbox/medbox-$s"
        "--bind-ro=$UNITS_DIR/medbox-$s.service:/usr/lib/systemd/system/medbox-$s.service")
done
binds+=("--bind-ro=$UNITS_DIR/sysusers.d/medbox.conf:/usr/lib/sysusers.d/medbox.conf"
    "--bind-ro=$UNITS_DIR/tmpfiles.d/medbox.conf:/usr/lib/tmpfiles.d/medbox.conf"
    "--bind-ro=$SYSTEMD_DIR/polkit/50-medbox-console.rules:/usr/share/polkit-1/rules.d/50-medbox-console.rules")

clean_up_on_exit
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 boot units-browser \
    --capability=CAP_BPF --system-call-filter=bpf "${binds[@]}"

say "waiting for the container's systemd"
for _ in $(seq 300); do
    state=$(in_ct systemctl is-system-running 2>/dev/null || true)
    case $state in running | degraded) break ;; esac
    sleep 0.1
done
echo "# system state: ${state:-unknown}"
# What a package's maintainer scripts do, then the two services.
in_ct systemd-sysusers >/dev/null
in_ct systemd-tmpfiles --create >/dev/null 2>&1 || true
in_ct systemctl daemon-reload
in_ct systemctl start medbox-console.service medbox-booking.service ||
    { in_ct journalctl --no-pager -n 40 -u medbox-console -u medbox-booking; fail "the services did not start"; }
for _ in $(seq 100); do
    in_ct curl -skf https://127.0.0.1:9443/readyz >/dev/null 2>&1 && break
    sleep 0.1
done
in_ct curl -skf https://127.0.0.1:9443/readyz >/dev/null || fail "the console does not answer on 9443"
say "console and booking running"

rc=0
nsenter --target "$init_pid" --net -- env MEDBOX_BUILD_DIR="$BUILD" \
    MEDBOX_CONSOLE_URL=https://127.0.0.1:9443 MEDBOX_ADMIN_PASSWORD="$password" \
    node --test --test-reporter=tap "$HERE/units/units_page.mjs" || rc=$?
# A second look at what systemd saw, for the log.
in_ct systemctl show -p NRestarts -p ActiveEnterTimestamp medbox-booking.service | sed 's/^/# /'
power_off units-browser
exit $rc

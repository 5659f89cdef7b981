#!/bin/bash
# The setup wizard's privileged helper under a real systemd (docs/console.md,
# "The privileged helper"): boots a minimal Debian root with systemd-nspawn,
# the built medbox-setup-helper and its socket, service and tmpfiles files
# bind-mounted where the package installs them, and runs
# setuphelper/setup-helper-itest inside it: socket activation with the
# socket's owner and mode, requests as the console's user (hostname through
# systemd-hostnamed, timesyncd and networkd files, networkctl reload,
# enable-services), refusal for any other user and for hostile input, and
# the unit's sandbox (read-only /usr). Prints its TAP results.
#
# Usage: setup_helper_test.sh   (CTest sets MEDBOX_BUILD_DIR and MEDBOX_UNITS_DIR)
# Needs root, systemd-nspawn and, for a cold cache, mmdebstrap. Exits 77
# (skipped) when they or the built helper are missing.
#
# With the console and medbox-firewall built, setuphelper/setup-wizard-itest
# then passes the whole wizard through the console's API as a fresh
# appliance's admin (the one-time password from its file, TOTP, every step,
# apply with medbox-firewall --confirm-within under this systemd, confirm)
# and checks the results. Not the packaged image: the files are bound in
# from the build tree (image_boot_test.sh boots the image itself).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
HELPER_DIR=$(cd "$HERE/../../appliance/setuphelper" && pwd)
ASSETS=$HERE/setuphelper
BUILD=${MEDBOX_BUILD_DIR:-}
UNITS_DIR=${MEDBOX_UNITS_DIR:-${BUILD:+$BUILD/appliance/systemd/generated}}
RECIPE_VERSION=1
BOOT_TIMEOUT=300
SKIP=77

# shellcheck source=../lib/nspawn_test.sh
. "$HERE/../lib/nspawn_test.sh"

require_nspawn

helper=${BUILD:+$BUILD/appliance/setuphelper/medbox-setup-helper}
[ -n "$helper" ] && [ -x "$helper" ] || { echo "SKIP: medbox-setup-helper not built (set MEDBOX_BUILD_DIR)"; exit $SKIP; }
[ -d "$UNITS_DIR" ] || { echo "SKIP: no generated units (set MEDBOX_UNITS_DIR or MEDBOX_BUILD_DIR)"; exit $SKIP; }
helper=$(readlink -f "$helper")
# The wizard end to end needs the console and medbox-firewall as well.
console=${BUILD:+$BUILD/services/console/medbox-console}
firewall=${BUILD:+$BUILD/appliance/firewall/medbox-firewall}
wizard=1
[ -x "$console" ] && [ -x "$firewall" ] || { wizard=0; echo "# console or medbox-firewall not built: only the helper is tested"; }

# hostnamectl talks to systemd-hostnamed over the bus; python3 is the test's
# socket client; timesyncd is what the image has (images/fragments/10-base).
packages=(systemd systemd-sysv dbus systemd-timesyncd python3 util-linux procps curl ca-certificates iproute2 nftables)
if [ $wizard = 1 ]; then
    console=$(readlink -f "$console")
    firewall=$(readlink -f "$firewall")
    nspawn_lib_packages "$helper" "$console" "$firewall"
else
    nspawn_lib_packages "$helper"
fi
nspawn_debian_root setuphelper-nspawn "$RECIPE_VERSION" "${packages[@]}"

work=$(mktemp -d /tmp/medbox-setuphelper-nspawn.XXXXXX)
mkdir -p "$work/out"
binds=(
    "--bind-ro=$helper:/usr/libexec/medbox/medbox-setup-helper"
    "--bind-ro=$HELPER_DIR/systemd/medbox-setup-helper.socket:/usr/lib/systemd/system/medbox-setup-helper.socket"
    "--bind-ro=$HELPER_DIR/systemd/medbox-setup-helper@.service:/usr/lib/systemd/system/medbox-setup-helper@.service"
    "--bind-ro=$HELPER_DIR/systemd/tmpfiles-setup-helper.conf:/usr/lib/tmpfiles.d/medbox-setup-helper.conf"
    "--bind-ro=$UNITS_DIR/medbox.target:/usr/lib/systemd/system/medbox.target"
    "--bind-ro=$UNITS_DIR/sysusers.d/medbox.conf:/usr/lib/sysusers.d/medbox.conf"
    "--bind-ro=$ASSETS/setup-helper-itest.service:/usr/local/lib/systemd/system/setup-helper-itest.service"
    "--bind-ro=$ASSETS/setup-helper-itest:/usr/local/bin/setup-helper-itest"
    "--bind-ro=$ASSETS/helper-client.py:/usr/local/bin/helper-client"
    "--bind=$work/out:/itest-out")
if [ $wizard = 1 ]; then
    binds+=("--bind-ro=$console:/usr/libexec/medbox/medbox-console"
        "--bind-ro=$firewall:/usr/sbin/medbox-firewall"
        "--bind-ro=$UNITS_DIR/medbox-console.service:/usr/lib/systemd/system/medbox-console.service"
        "--bind-ro=$UNITS_DIR/tmpfiles.d/medbox.conf:/usr/lib/tmpfiles.d/medbox.conf"
        "--bind-ro=$ASSETS/setup-wizard-itest:/usr/local/bin/setup-wizard-itest"
        "--bind-ro=$HERE/../lib/setup_wizard.sh:/usr/local/lib/medbox-test/setup_wizard.sh"
        "--bind-ro=$ASSETS/totp.py:/usr/local/bin/totp.py")
fi

clean_up_on_exit
boot setuphelper "${binds[@]}" systemd.wants=setup-helper-itest.service
wait_exit
report_tap setuphelper "$work/out/result.tap"

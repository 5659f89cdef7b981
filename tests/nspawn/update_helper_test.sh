#!/bin/bash
# The setup helper's update verbs against the real RAUC under a real systemd
# (docs/update.md, "From the console"): boots a minimal Debian root with
# Debian's rauc 1.8 and rauc-service, the built medbox-setup-helper and its
# socket bound in, a RAUC system.conf (noop boot loader, two file slots: the
# refusal comes before any slot is touched) and our development CA as the
# keyring; then, as the console's user over the helper's socket:
# update-status answers RAUC's real JSON (the shape RaucStatusTest and the
# fake rauc of the host tests assume), and update-install of a bundle signed
# by a foreign CA, put where the console stores uploads, is refused by RAUC
# with its reason while the slots stay unwritten. Prints its TAP results.
#
# Usage: update_helper_test.sh   (CTest sets MEDBOX_BUILD_DIR and MEDBOX_UNITS_DIR)
# Needs root, systemd-nspawn, rauc, mksquashfs and openssl on the host (the
# bundle is made there) and, for a cold cache, mmdebstrap. Exits 77 (skipped)
# when they or the built helper are missing.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
HELPER_DIR=$SRC/appliance/setuphelper
ASSETS=$HERE/setuphelper
BUILD=${MEDBOX_BUILD_DIR:-}
UNITS_DIR=${MEDBOX_UNITS_DIR:-${BUILD:+$BUILD/appliance/systemd/generated}}
RECIPE_VERSION=1
BOOT_TIMEOUT=300
SKIP=77

# shellcheck source=../lib/nspawn_test.sh
. "$HERE/../lib/nspawn_test.sh"

require_nspawn
for tool in rauc mksquashfs openssl mkfs.ext4; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing on the host"; exit $SKIP; }
done
helper=${BUILD:+$BUILD/appliance/setuphelper/medbox-setup-helper}
[ -n "$helper" ] && [ -x "$helper" ] || { echo "SKIP: medbox-setup-helper not built (set MEDBOX_BUILD_DIR)"; exit $SKIP; }
[ -d "$UNITS_DIR" ] || { echo "SKIP: no generated units (set MEDBOX_UNITS_DIR or MEDBOX_BUILD_DIR)"; exit $SKIP; }
helper=$(readlink -f "$helper")

packages=(systemd systemd-sysv dbus python3 util-linux rauc rauc-service)
nspawn_lib_packages "$helper"  # adds the helper's libraries to packages
nspawn_debian_root updatehelper-nspawn "$RECIPE_VERSION" "${packages[@]}"

work=$(mktemp -d /tmp/medbox-updatehelper-nspawn.XXXXXX)
mkdir -p "$work/out" "$work/rauc"
# Our CA (the keyring) and a foreign one that signs the bundle.
"$SRC/images/lib/bundle.sh" keys "$work/ours"
"$SRC/images/lib/bundle.sh" keys "$work/foreign"
cp "$work/ours/ca.pem" "$work/rauc/keyring.pem"
truncate -s 4M "$work/root.ext4" && mkfs.ext4 -q -F "$work/root.ext4"
"$SRC/images/lib/bundle.sh" bundle "$work/root.ext4" application 9.9.9 "$work/foreign" "$work/foreign.raucb" plain
cat >"$work/rauc/system.conf" <<'CONF'
# The update verbs' nspawn test: the image's compatible, two file slots.
[system]
compatible=medbox-application
bootloader=noop
mountprefix=/run/rauc-mnt

[keyring]
path=/etc/rauc/keyring.pem

[slot.rootfs.0]
device=/var/lib/rauc-test/slot-a.img
type=raw
bootname=A

[slot.rootfs.1]
device=/var/lib/rauc-test/slot-b.img
type=raw
bootname=B
CONF
# No rauc.slot= on nspawn's kernel command line: the service is told.
mkdir -p "$work/rauc.service.d"
printf '[Service]\nExecStart=\nExecStart=/usr/bin/rauc --mount=/run/rauc-mnt --override-boot-slot=A service\n' \
    >"$work/rauc.service.d/50-test.conf"

binds=(
    "--bind-ro=$helper:/usr/libexec/medbox/medbox-setup-helper"
    "--bind-ro=$HELPER_DIR/systemd/medbox-setup-helper.socket:/usr/lib/systemd/system/medbox-setup-helper.socket"
    "--bind-ro=$HELPER_DIR/systemd/medbox-setup-helper@.service:/usr/lib/systemd/system/medbox-setup-helper@.service"
    "--bind-ro=$HELPER_DIR/systemd/tmpfiles-setup-helper.conf:/usr/lib/tmpfiles.d/medbox-setup-helper.conf"
    "--bind-ro=$UNITS_DIR/sysusers.d/medbox.conf:/usr/lib/sysusers.d/medbox.conf"
    "--bind-ro=$work/rauc:/etc/rauc"
    "--bind-ro=$work/rauc.service.d:/etc/systemd/system/rauc.service.d"
    "--bind-ro=$work/foreign.raucb:/itest-in/foreign.raucb"
    "--bind-ro=$ASSETS/update-helper-itest.service:/usr/local/lib/systemd/system/update-helper-itest.service"
    "--bind-ro=$ASSETS/update-helper-itest:/usr/local/bin/update-helper-itest"
    "--bind-ro=$ASSETS/helper-client.py:/usr/local/bin/helper-client"
    "--bind=$work/out:/itest-out")

clean_up_on_exit
boot updatehelper "${binds[@]}" systemd.wants=update-helper-itest.service
wait_exit
report_tap updatehelper "$work/out/result.tap"

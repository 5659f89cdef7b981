#!/usr/bin/env bash
# Hardening evidence: runs lynis inside the booted image, as it would run on
# the installed appliance, and prints the hardening index, the warnings and
# the suggestions (docs/image.md, "Hardening"). lynis is the host's (Debian
# package): the shipped image carries no auditing tool.
#
#   images/lynis-audit.sh [ROOT] [--qemu] [--report FILE]
#
# ROOT: a root folder made by images/build.sh (out/<profile>/rootfs) or the
# boot test's newest cached root (the default: $MEDBOX_CACHE/image-boot-*,
# MEDBOX_CACHE defaulting to /var/cache/medbox-test; see tests/lib/nspawn_root.sh).
#
# Without --qemu: boots ROOT under systemd-nspawn (about 1 min) with lynis
# bind-mounted read-only. Kernel-wide settings (most sysctls, the running
# kernel) are then the host's, not the image's.
# With --qemu: copies ROOT, adds lynis and a unit that runs it at the end of
# the boot and powers off, makes a disk image (images/lib/mkdisk.sh) and
# boots it in QEMU (TCG, UEFI): the image's own kernel and settings. The
# report is read from the disk afterwards. About 10 min here.
#
# --report FILE: also keep lynis-report.dat (and lynis.log as FILE.log).
# Needs root, lynis, systemd-container; --qemu also qemu-system-x86, ovmf.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
root="" report="" qemu=0
while (($#)); do
    case $1 in
        --report) report=${2:?}; shift 2 ;;
        --qemu) qemu=1; shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        -*) echo "lynis-audit: unknown option $1" >&2; exit 2 ;;
        *) root=$1; shift ;;
    esac
done
[ -n "$root" ] || root=$(ls -dt "${MEDBOX_CACHE:-/var/cache/medbox-test}"/image-boot-*/ 2>/dev/null | grep -v '\.tmp/$' | head -1)
BOOT_TIMEOUT=900
QEMU_TIMEOUT=1800
say() { echo "# $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -n "$root" ] && [ -x "$root/usr/lib/systemd/systemd" ] || fail "no image root file system (give ROOT; see images/build.sh)"
command -v lynis >/dev/null || fail "lynis is not installed (apt install lynis)"

work=$(mktemp -d /tmp/medbox-lynis.XXXXXX)
qemu_pid=""
# shellcheck source=../tests/lib/container.sh
. "$SRC/tests/lib/container.sh"
# shellcheck source=lib/common.sh
. "$SRC/images/lib/common.sh"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    stop_container
    [ -n "$qemu_pid" ] && kill -KILL "$qemu_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ((qemu)); then
    qemu_check || fail "cannot boot in QEMU"
    say "copying the root and adding lynis"
    cp -a "$root" "$work/root"
    cp -a /usr/share/lynis "$work/root/usr/share/"
    cp -a /usr/sbin/lynis "$work/root/usr/sbin/"
    cp -a /etc/lynis "$work/root/etc/"
    # Runs once the boot is done, then powers the machine off.
    cat >"$work/root/etc/systemd/system/lynis-audit.service" <<'EOF'
[Unit]
Description=lynis audit for images/lynis-audit.sh
After=multi-user.target medbox.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'lynis audit system --quick --no-colors > /var/log/lynis.out 2>&1; systemctl poweroff --no-block'
[Install]
WantedBy=multi-user.target
EOF
    ln -s ../lynis-audit.service "$work/root/etc/systemd/system/multi-user.target.wants/lynis-audit.service"
    # The profile names the partition identifiers that /etc/fstab refers to.
    profile=$(sed -n 's/^IMAGE_ID=medbox-//p' "$work/root/usr/lib/os-release")
    say "making the disk image ($profile)"
    SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0} "$SRC/images/lib/mkdisk.sh" "$work/root" "$profile" "$work/disk.raw" >"$work/mkdisk.log" 2>&1 ||
        { tail -20 "$work/mkdisk.log"; fail "mkdisk.sh failed"; }
    rm -rf "$work/root"
    say "booting it in QEMU (TCG); lynis runs at the end of the boot, then it powers off"
    start=$SECONDS
    # A server's disk: systemd-repart makes the profile's partitions on it.
    truncate -s 100G "$work/disk.raw"
    qemu_start "$work/disk.raw" "$work"
    while kill -0 "$qemu_pid" 2>/dev/null; do
        ((SECONDS - start < QEMU_TIMEOUT)) || { tail -30 "$work/serial.log"; fail "no power-off within $QEMU_TIMEOUT s"; }
        sleep 5
    done
    qemu_pid=""
    say "powered off after $((SECONDS - start)) s"
    root_image "$work/disk.raw" "$work/root.img"
    # /var/log is its own partition (docs/image.md, "Disk layout").
    partition_image "$work/disk.raw" medbox-log "$work/log.img" || fail "no medbox-log partition after the boot"
    debugfs -R "dump /lynis-report.dat $work/report.dat" "$work/log.img" >/dev/null 2>&1
    debugfs -R "dump /lynis.log $work/lynis.log" "$work/log.img" >/dev/null 2>&1
    [ -s "$work/report.dat" ] || { tail -30 "$work/serial.log"; fail "lynis wrote no report in the guest"; }
    kernel=$(debugfs -R "ls /boot" "$work/root.img" 2>/dev/null | grep -o 'vmlinuz-[^ ]*' | head -1)
    say "measured on the image's own kernel (${kernel#vmlinuz-}) under QEMU"
else
    boot lynis --bind-ro=/usr/share/lynis --bind-ro=/usr/sbin/lynis --bind-ro=/etc/lynis
    # systemctl answers once PID 1's private socket exists; --wait then
    # returns when the boot is finished.
    state=""
    for _ in $(seq 240); do
        state=$(in_ct timeout 120 systemctl is-system-running --wait 2>/dev/null || true)
        [ -n "$state" ] && break
        sleep 0.5
    done
    say "system state: ${state:-unknown}; running lynis $(lynis --version 2>/dev/null)"
    in_ct lynis audit system --quick --no-colors >"$work/lynis.out" 2>&1 || true
    in_ct cat /var/log/lynis-report.dat >"$work/report.dat" 2>/dev/null || { tail -30 "$work/lynis.out"; fail "lynis wrote no report"; }
    in_ct cat /var/log/lynis.log >"$work/lynis.log" 2>/dev/null || true
    power_off lynis
    say "measured in systemd-nspawn: kernel-wide settings are the host's"
fi
if [ -n "$report" ]; then cp "$work/report.dat" "$report"; cp "$work/lynis.log" "$report.log"; fi

echo "hardening index: $(sed -n 's/^hardening_index=//p' "$work/report.dat")"
echo "warnings:"
sed -n 's/^warning\[\]=//p' "$work/report.dat" | sed 's/^/  /'
echo "suggestions:"
sed -n 's/^suggestion\[\]=//p' "$work/report.dat" | sed 's/^/  /'

#!/usr/bin/env bash
# The full A/B update cycle of a medbox disk image in QEMU (TCG), a manual
# check (docs/update.md; several boots, 10-20 minutes):
#
#   images/qemu-update.sh DISK.RAW BUNDLE.raucb [--broken] [--firmware uefi|secureboot|bios]
#
#   boot 1  slot A, first boot: systemd-repart makes the partitions, the
#           health check marks A good;
#           then, offline: the bundle and a patient-data file are put on the
#           medbox-data partition;
#   boot 2  slot A: "medboxctl update BUNDLE", then reboot;
#           offline: grubenv must say ORDER=B A, B_OK=1;
#   boot 3  slot B (N+1): healthy, its health check marks B good, or, with
#           --broken, medbox-booking cannot start (invalid port), the health
#           check gives up and reboots;
#   boot 4  (--broken only) GRUB falls back to slot A by itself.
# Each boot ends by itself: a small driver unit, added to the slots of the
# test's copy only (never to the image), reports the booted slot, its
# IMAGE_VERSION, the grubenv and the patient file's hash on the serial
# console, then powers off (or, in boot 2, installs and reboots; QEMU runs
# with -no-reboot, so a reboot ends the boot too). Checks that the version
# changed (healthy) or came back (broken) and that the patient file is
# unchanged. The disk image is never modified: the guest boots a sparse copy
# grown to 100 GB.
set -euo pipefail
disk=${1:?usage: qemu-update.sh DISK.RAW BUNDLE.raucb [--broken] [--firmware uefi|secureboot|bios]}
bundle=${2:?bundle}
shift 2
broken=0
firmware=uefi
limit=900   # per boot
while (($#)); do
    case $1 in
        --broken) broken=1; shift ;;
        --firmware) firmware=${2:?}; shift 2 ;;
        *) echo "qemu-update: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -f "$disk" ] && [ -f "$bundle" ] || { echo "qemu-update: no $disk or $bundle" >&2; exit 2; }
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
export MEDBOX_QEMU_FIRMWARE=$firmware
qemu_check || exit 2

work=$(mktemp -d /tmp/medbox-qemu-update.XXXXXX)
export MEDBOX_LOOPS=$work/loops  # partition_loop records its devices here
qemu_pid=""
cleanup() {
    local status=$?
    [ -z "$qemu_pid" ] || kill -KILL "$qemu_pid" 2>/dev/null || true
    release_loops
    [ "${KEEP:-0}" = 1 ] && echo "# kept $work" || rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'echo "not ok - stopped at line $LINENO: $BASH_COMMAND"' ERR
bad=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; bad=1; }
die() { echo "not ok - $*"; exit 1; }

cp --sparse=always "$disk" "$work/disk.raw"
truncate -s 100G "$work/disk.raw"
echo "# firmware $firmware, bundle $(basename "$bundle")$( ((broken)) && echo ', slot B broken')"

loop_of() { partition_loop "$work/disk.raw" "$1"; }  # LABEL: a loop device over that partition of the test disk
unloop() { release_loops; }

# The driver, written into a slot's file system with debugfs (nothing mounted).
cat >"$work/driver" <<'DRIVER'
#!/bin/sh
# images/qemu-update.sh's test driver (only in the test's copy of the disk).
say() { echo "MEDBOX-QEMU $*" >/dev/ttyS0; }
slot=$(sed -n 's/.*rauc\.slot=\([AB]\).*/\1/p' /proc/cmdline)
version=$(sed -n 's/^IMAGE_VERSION=//p' /usr/lib/os-release)
env=$(grub-editenv /boot/efi/EFI/debian/grubenv list | sort | tr '\n' ' ')
data=$(sha256sum /var/lib/medbox/qemu-test/patients.db 2>/dev/null | cut -c1-16)
say "slot=$slot version=$version mark-good=$(systemctl show -p Result --value rauc-mark-good.service) env=[$env] data=${data:-none}"
if [ -f /var/lib/medbox/qemu-test/update.raucb ] && [ ! -e /var/lib/medbox/qemu-test/installed ]; then
    touch /var/lib/medbox/qemu-test/installed
    # medboxctl update; an image built before medboxctl had it: rauc itself.
    if medboxctl --help | grep -q '^  update'; then tool="medboxctl update"; else tool="rauc install"; fi
    if $tool /var/lib/medbox/qemu-test/update.raucb >/tmp/update.log 2>&1; then
        say "update installed with $tool: $(tail -3 /tmp/update.log | tr '\n' ' ')"
    else
        say "update FAILED: $(tail -5 /tmp/update.log | tr '\n' ' ')"
    fi
    systemctl reboot
else
    systemctl poweroff
fi
DRIVER
cat >"$work/driver.service" <<'UNIT'
[Unit]
Description=qemu-update.sh test driver
After=rauc-mark-good.service medbox.target
Wants=rauc-mark-good.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/medbox-qemu-driver
UNIT
# add_driver DEVICE [broken]: the driver (and the breakage) into a slot.
add_driver() {
    local dev=$1 cmds=$work/debugfs.cmd
    {
        echo "mkdir /usr/local/sbin"
        echo "write $work/driver /usr/local/sbin/medbox-qemu-driver"
        echo "sif /usr/local/sbin/medbox-qemu-driver mode 0100755"
        echo "write $work/driver.service /etc/systemd/system/medbox-qemu-driver.service"
        echo "mkdir /etc/systemd/system/multi-user.target.wants"
        echo "symlink /etc/systemd/system/multi-user.target.wants/medbox-qemu-driver.service /etc/systemd/system/medbox-qemu-driver.service"
        if [ "${2:-}" = broken ]; then
            printf '[Service]\nEnvironment=MEDBOX_HTTP__PORT=not-a-port\n' >"$work/broken.conf"
            # The health check's limit from 300 s to 60 s: a shorter test.
            printf '[Service]\nExecStart=\nExecStart=/usr/libexec/medbox/rauc-mark-good 60\n' >"$work/short.conf"
            echo "mkdir /etc/systemd/system/medbox-booking.service.d"
            echo "write $work/broken.conf /etc/systemd/system/medbox-booking.service.d/50-qemu-broken.conf"
            echo "mkdir /etc/systemd/system/rauc-mark-good.service.d"
            echo "write $work/short.conf /etc/systemd/system/rauc-mark-good.service.d/50-qemu-short.conf"
        fi
    } >"$cmds"
    debugfs -w -f "$cmds" "$dev" >"$work/debugfs.log" 2>&1 || true   # checked below
    debugfs -R "stat /usr/local/sbin/medbox-qemu-driver" "$dev" >"$work/stat.txt" 2>/dev/null || true
    grep -q 'Mode:  0755' "$work/stat.txt" || { cat "$work/debugfs.log"; die "could not add the driver to $dev"; }
}

# boot N: runs the guest until it powers off or reboots; sets $report to the
# driver's last line.
boot() {
    local n=$1 start=$SECONDS
    rm -f "$work/serial.log"
    qemu_start "$work/disk.raw" "$work"
    while kill -0 "$qemu_pid" 2>/dev/null; do
        ((SECONDS - start < limit)) || die "boot $n: still running after $limit s"
        sleep 3
    done
    wait "$qemu_pid" || true
    qemu_pid=""
    tr -d '\r' <"$work/serial.log" | sed 's/\x1b\[[0-9;]*[a-zA-Z]//g' >"$work/serial-$n.txt"
    report=$(grep -a 'MEDBOX-QEMU slot=' "$work/serial-$n.txt" | tail -1 | sed 's/.*MEDBOX-QEMU //' || true)
    echo "# boot $n ($((SECONDS - start)) s): ${report:-no report}"
    grep -a 'MEDBOX-QEMU update' "$work/serial-$n.txt" | sed 's/.*MEDBOX-QEMU /#   /' || true
}
expect() {  # WHAT PATTERN
    if [[ $report == $2 ]]; then ok "$1"; else notok "$1: got '$report'"; fi
}
grubenv() { mcopy -i "$work/disk.raw@@$((esp_start_mib * 1048576))" ::/EFI/debian/grubenv - | sort | grep -v '^#' | paste -sd' '; }

version_a=$(debugfs -R 'cat /usr/lib/os-release' "$(root_image "$work/disk.raw" "$work/a.img"; echo "$work/a.img")" 2>/dev/null | sed -n 's/^IMAGE_VERSION=//p')
rm -f "$work/a.img"
version_b=$(rauc info --no-verify "$bundle" 2>/dev/null | sed -n "s/^Version:[[:space:]]*'\(.*\)'/\1/p")
[ -n "$version_b" ] && [ "$version_b" != "$version_a" ] || die "the bundle's version ('$version_b') must differ from slot A's ($version_a)"
echo "# slot A has $version_a, the bundle $version_b"

add_driver "$(loop_of root-a)"
unloop
boot 1
expect "boot 1: slot A $version_a, marked good at its first boot" "slot=A version=$version_a mark-good=success *data=none"

head -c 1000000 /dev/urandom >"$work/patients.db"
sum=$(sha256sum <"$work/patients.db" | cut -c1-16)
data=$(loop_of medbox-data)
debugfs -w -f - "$data" >/dev/null 2>&1 <<CMDS
mkdir qemu-test
write $work/patients.db qemu-test/patients.db
write $bundle qemu-test/update.raucb
CMDS
unloop
boot 2
expect "boot 2: slot A, patient file in place" "slot=A version=$version_a mark-good=success *data=$sum"
how=$(grep -ao 'MEDBOX-QEMU update installed with [a-z]* [a-z]*' "$work/serial-2.txt" | sed 's/.*with //')
[ -n "$how" ] && ok "boot 2: $how installed the bundle" || notok "boot 2: the update was not installed"
env=$(grubenv)
[[ $env == *'B_OK=1'* && $env == *'ORDER=B A'* ]] && ok "grubenv after the install: $env" || notok "grubenv after the install: $env"

if ((broken)); then add_driver "$(loop_of root-b)" broken; else add_driver "$(loop_of root-b)"; fi
unloop
boot 3
if ((broken)); then
    # The health check's reboot may cancel the driver: the journal tells.
    partition_image "$work/disk.raw" medbox-log "$work/log.img"
    debugfs -R "rdump /journal $work" "$work/log.img" >/dev/null 2>&1 || true
    journalctl -D "$work/journal" --no-pager -o short-monotonic >"$work/journal.txt" 2>&1 || true
    rm -f "$work/log.img"
    line=$(grep -a 'rauc-mark-good\[[0-9]*\]: .*not active after 60 s' "$work/journal.txt" | tail -1 | sed 's/.*rauc-mark-good\[[0-9]*\]: //')
    [[ $line == *'medbox-booking.service'*'rebooting into slot A'* ]] &&
        ok "boot 3: slot B $version_b on trial, booking failed, the health check rebooted: $line" ||
        notok "boot 3: no health-check reboot in the journal (${line:-nothing})"
    env=$(grubenv)
    [[ $env == *'B_TRY=1'* ]] && ok "grubenv after the failed boot of B: $env" || notok "grubenv after the failed boot of B: $env"
    boot 4
    expect "boot 4: GRUB fell back to slot A $version_a by itself, patient file unchanged" "slot=A version=$version_a mark-good=success *data=$sum"
else
    expect "boot 3: slot B $version_b, marked good, patient file unchanged" "slot=B version=$version_b mark-good=success *data=$sum"
    env=$(grubenv)
    [[ $env == *'B_OK=1'* && $env == *'B_TRY=0'* ]] && ok "grubenv after B's good boot: $env" || notok "grubenv after B's good boot: $env"
fi
exit "$bad"

#!/usr/bin/env bash
# Boots a medbox disk image in QEMU under software emulation (TCG; KVM does
# not work on our machines) and checks the boot on the serial console:
#
#   images/qemu-boot.sh out/application/disk.raw [--firmware uefi|secureboot|bios]
#                       [--disk-size SIZE] [--timeout SEC] [--keep-log FILE]
#
#   --firmware   uefi: OVMF, Secure Boot off (default); secureboot: OVMF with
#                Microsoft's keys enrolled and Secure Boot on; bios: SeaBIOS
#   --disk-size  the guest's disk (a sparse copy of the image grown to this
#                size, as when the image is written to a server's disk);
#                default 100G, the application profile's system disk
#
# Passes when, within the time limit (default 600 s):
#   - the firmware started GRUB (through shim on UEFI), which started the
#     kernel of slot A, which started systemd from root-a (serial console);
#     with secureboot, the kernel reports Secure Boot enabled; with uefi, that
#     it booted from EFI; with bios, that it did not;
#   - the serial login prompt appeared;
#   - an ACPI power-off (QEMU monitor "system_powerdown") shut it down cleanly;
#   - the guest's own journal, read from its disk afterwards, shows
#     medbox.target reached, every medbox service the image enables started
#     (READY=1), none restarted, and no unit failed; systemd-repart made the
#     profile's partitions and /var/lib/medbox and /var/log were mounted from
#     them; the health check marked slot A good (RAUC).
# The journal is read from the disk rather than the console because systemd
# stops printing unit status on the console once the serial getty owns it.
# The disk image is never modified: the guest boots a sparse copy.
#
# Too slow for every CI run (docs/image.md has the time it takes); run it
# after changing the boot chain (kernel, initramfs, boot loader, disk layout).
# Needs qemu-system-x86 and ovmf (see .ci/packages-image.txt).
set -euo pipefail

disk=${1:?usage: qemu-boot.sh DISK.RAW [--firmware uefi|secureboot|bios] [--disk-size SIZE] [--timeout SEC] [--keep-log FILE]}
shift
limit=600
keep_log=""
disk_size=100G
firmware=uefi
while (($#)); do
    case $1 in
        --timeout) limit=${2:?}; shift 2 ;;
        --firmware) firmware=${2:?}; shift 2 ;;
        --disk-size) disk_size=${2:?}; shift 2 ;;
        --keep-log) keep_log=${2:?}; shift 2 ;;
        *) echo "qemu-boot: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -f "$disk" ] || { echo "qemu-boot: no disk image $disk" >&2; exit 2; }
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
export MEDBOX_QEMU_FIRMWARE=$firmware
qemu_check || exit 2

work=$(mktemp -d /tmp/medbox-qemu.XXXXXX)
qemu_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$?
    qemu_stop
    [ -n "$keep_log" ] && [ -f "$work/serial.log" ] && cp "$work/serial.log" "$keep_log"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The medbox services the image enables.
root_image "$disk" "$work/root.img"
mapfile -t services < <(debugfs -R "ls -p /etc/systemd/system/medbox.target.wants" "$work/root.img" 2>/dev/null |
    awk -F/ '$6 ~ /^medbox-.*\.service$/ {print $6}' | sort)
rm -f "$work/root.img"
((${#services[@]})) || { echo "qemu-boot: the image enables no medbox service" >&2; exit 1; }
echo "# expecting: ${services[*]}"

cp --sparse=always "$disk" "$work/disk.raw"
truncate -s "$disk_size" "$work/disk.raw"
echo "# firmware $firmware, disk $disk_size"
start=$SECONDS
qemu_start "$work/disk.raw" "$work" -monitor unix:"$work/monitor.sock",server,nowait

monitor() {  # sends one command to the QEMU monitor
    python3 - "$work/monitor.sock" "$1" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(0.2)
s.sendall(sys.argv[2].encode() + b"\n")
time.sleep(0.5)
s.close()
EOF
}

# Milestones on the serial console, in order (ANSI colours stripped). The
# checks grep files, not pipes: with pipefail, "grep -q" ending a pipe early
# would fail the writer with SIGPIPE.
serial() { sed 's/\x1b\[[0-9;]*[a-zA-Z]//g' "$work/serial.log" 2>/dev/null; }
serial_has() { serial >"$work/serial.txt"; grep -qE "$1" "$work/serial.txt"; }
wait_for() {  # pattern description
    until serial_has "$1"; do
        kill -0 "$qemu_pid" 2>/dev/null || { echo "not ok - QEMU exited before: $2"; serial | tail -30; exit 1; }
        ((SECONDS - start < limit)) || { echo "not ok - $2: not within $limit s"; serial | tail -30; exit 1; }
        sleep 1
    done
    echo "ok - $2 ($((SECONDS - start)) s)"
}
wait_for 'Linux version' "GRUB started the kernel"
case $firmware in
    secureboot) wait_for 'Secure boot enabled' "the kernel runs with Secure Boot enabled" ;;
    uefi) wait_for 'efi: EFI v[0-9]' "the kernel was started by UEFI firmware" ;;
    bios) sleep 5
          if serial_has 'efi: EFI v[0-9]'; then echo "not ok - booted by UEFI, not BIOS"; exit 1; fi
          echo "ok - the kernel was started by a legacy BIOS (no EFI)" ;;
esac
wait_for 'Welcome to .*Debian' "systemd runs as PID 1 from the root partition"
wait_for ' login: ' "login prompt on the serial console"

# The login prompt comes while the services may still start (their status is
# no longer printed, see above): wait until the guest is idle, i.e. QEMU used
# less than 1 s of CPU time in 5 s, at most 120 s (more than TimeoutStartSec).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$qemu_pid/stat"; }
hz=$(getconf CLK_TCK)
settle_start=$SECONDS
prev=$(cpu_ticks)
while ((SECONDS - settle_start < 120)); do
    sleep 5
    kill -0 "$qemu_pid" 2>/dev/null || { echo "not ok - QEMU exited (the guest rebooted or powered off) before it was idle"; serial | tail -30; exit 1; }
    now=$(cpu_ticks)
    (( now - prev < hz )) && break
    prev=$now
done
echo "ok - guest idle ($((SECONDS - start)) s)"

monitor system_powerdown
until ! kill -0 "$qemu_pid" 2>/dev/null; do
    ((SECONDS - start < limit)) || { echo "not ok - no power-off within $limit s"; exit 1; }
    sleep 1
done
wait "$qemu_pid" || true
qemu_pid=""
bad=0
if serial_has 'reboot: Power down'; then
    echo "ok - powered off cleanly ($((SECONDS - start)) s in total)"
else
    echo "not ok - QEMU ended without a clean power-off"
    serial | tail -20
    bad=1
fi

# The guest's journal of that boot, from its /var/log partition (made by
# systemd-repart at this first boot).
sfdisk -d "$work/disk.raw" | sed -n 's/.*name="\([^"]*\)".*/\1/p' | paste -sd' ' | sed 's/^/# partitions after the boot: /'
partition_image "$work/disk.raw" medbox-log "$work/log.img" || { echo "not ok - no medbox-log partition after the boot"; exit 1; }
debugfs -R "rdump /journal $work" "$work/log.img" >/dev/null 2>&1
journalctl -D "$work/journal" --no-pager -o short-monotonic >"$work/journal.txt" 2>&1 || true
[ -n "$keep_log" ] && cp "$work/journal.txt" "$keep_log.journal"
journal() { cat "$work/journal.txt"; }
journal_has() { grep -qE "$1" "$work/journal.txt"; }
if journal_has 'Reached target medbox\.target'; then
    echo "ok - medbox.target reached"
else
    echo "not ok - medbox.target not reached"
    bad=1
fi
for unit in "${services[@]}"; do
    if journal_has "systemd\[1\]: Started ${unit//./\\.}"; then
        echo "ok - $unit started: $(grep -E "${unit%.service}\[[0-9]+\]: .*listening on" "$work/journal.txt" | sed 's/.*: //' | head -1)"
    else
        echo "not ok - $unit did not start"
        journal | grep -F "$unit" | tail -10
        bad=1
    fi
done
for pattern in 'Adding new partition .* to partition table' 'Mounted var-log\.mount' \
               'Mounted var-lib-medbox\.mount' 'Activated swap' 'rauc-mark-good.*marking the booted slot good'; do
    if journal_has "$pattern"; then
        echo "ok - journal: $(grep -E "$pattern" "$work/journal.txt" | head -1 | cut -c1-150)"
    elif [[ $pattern == 'Mounted var-lib-medbox'* ]] && ! grep -q medbox-data <(sfdisk -d "$work/disk.raw"); then
        echo "ok - no /var/lib/medbox partition in this profile"
    else
        echo "not ok - journal lacks: $pattern"
        bad=1
    fi
done
if journal_has 'systemd\[1\]: .*(Failed to start|Failed with result|Scheduled restart job)'; then
    echo "not ok - units failed or restarted during boot:"
    journal | grep -E 'systemd\[1\]: .*(Failed to start|Failed with result|Scheduled restart job)'
    bad=1
else
    echo "ok - no unit failed or restarted"
fi
exit "$bad"

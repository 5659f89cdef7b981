# shellcheck shell=bash
# Shared by images/build.sh and images/lib/*.sh (sourced, not run).

# medbox_uuid NAME: a UUID derived from NAME (sha256), so partition, file
# system and disk identifiers are the same on every build of one profile and
# differ between profiles. Formatted as an RFC 4122 version-4/variant-1 UUID
# (the bits are a hash, not random numbers).
medbox_uuid() {
    local h
    h=$(printf 'medbox-image:%s' "$1" | sha256sum)
    printf '%s-%s-4%s-a%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"
}

# medbox_hex8 NAME: 8 hex digits derived from NAME (FAT volume serial number).
medbox_hex8() {
    local h
    h=$(printf 'medbox-image:%s' "$1" | sha256sum)
    printf '%s\n' "${h:0:8}"
}

# clamp_mtimes DIR EPOCH: no file in DIR is newer than EPOCH (files that
# package scripts or the build wrote "now" get EPOCH; files unpacked from a
# .deb keep their packaged time).
clamp_mtimes() {
    find "$1" -xdev -newermt "@$2" -print0 | xargs -0r touch --no-dereference --date="@$2"
}

log() { printf '[image %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf 'images: %s\n' "$*" >&2; exit 1; }

# unmount_below DIR: unmounts whatever is mounted below DIR, deepest first
# (a failed mmdebstrap can leave the bind mounts of its hooks behind).
unmount_below() {
    local m
    findmnt -rn -o TARGET | awk -v d="$1/" 'index($0, d) == 1' | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}

# without_extra_fds CMD...: runs CMD with only stdin, stdout and stderr open.
# mmdebstrap gives apt a pipe as "cat >&N", which /bin/sh (dash) rejects for
# N >= 10 ("Bad fd number"); descriptors we inherit (ctest's, the flock
# locks) push N that high. The caller keeps its own descriptors (and locks).
without_extra_fds() {
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            # 255: bash's own script descriptor, closed on exec anyway.
            if ((fd > 2 && fd != 255)); then eval "exec $fd>&-"; fi
        done
        exec "$@"
    )
}

# root_image DISK OUT: copies the root partition of DISK into the file OUT
# (debugfs then reads its ext4 file system; nothing is mounted).
root_image() {
    local offset
    offset=$(sfdisk -J "$1" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["partitiontable"]["partitions"]:
    if p["type"].upper() == "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709":
        print(p["start"] * 512)')
    [ -n "$offset" ] || { echo "no root partition in $1" >&2; return 1; }
    dd if="$1" of="$2" bs=1M skip=$((offset / 1048576)) status=none conv=sparse
}

# QEMU with UEFI firmware (packages qemu-system-x86, ovmf), for
# images/qemu-boot.sh and images/lynis-audit.sh.
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd

# qemu_check: says what is missing to boot a disk image in QEMU.
qemu_check() {
    [ -f "$ovmf_code" ] || { echo "$ovmf_code missing (package ovmf)" >&2; return 1; }
    command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86_64 missing (package qemu-system-x86)" >&2; return 1; }
}

# qemu_start DISK WORK [QEMU OPTIONS...]: boots the raw disk image DISK
# (written to by the guest) under software emulation (TCG; KVM does not
# work on our machines), 2 CPUs, 2 GiB, UEFI with its variables in
# WORK/vars.fd, no network, the serial console in WORK/serial.log. Runs in
# the background and sets qemu_pid.
qemu_start() {
    local disk=$1 work=$2
    shift 2
    cp "$ovmf_vars" "$work/vars.fd"
    qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m 2048 \
        -drive if=pflash,format=raw,unit=0,readonly=on,file="$ovmf_code" \
        -drive if=pflash,format=raw,unit=1,file="$work/vars.fd" \
        -drive if=virtio,format=raw,file="$disk" \
        -nic none -display none -no-reboot \
        -serial file:"$work/serial.log" "$@" \
        >"$work/qemu.log" 2>&1 &
    qemu_pid=$!
}

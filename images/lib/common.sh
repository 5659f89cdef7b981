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

# The shipped disk (images/lib/mkdisk.sh), GPT, 1 MiB aligned; systemd-repart
# appends the rest at first boot (docs/image.md, "Disk layout"). GRUB finds
# the root slots by partition number: root-a must stay 3, and root-b, the
# first partition repart adds, becomes 4.
gpt_bios_type=21686148-6449-6E6F-744E-656564454649   # BIOS boot: GRUB's core.img for legacy BIOS
gpt_esp_type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
gpt_root_type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709   # Linux root (x86-64), discoverable partitions spec
bios_start_mib=1 bios_mib=1
esp_start_mib=2 esp_mib=512
root_start_mib=514

# write_gpt DISK PROFILE ROOT_MIB: a new sparse DISK with the shipped
# partition table (nothing in the partitions yet).
write_gpt() {
    local disk=$1 profile=$2 root_mib=$3
    rm -f "$disk"
    truncate -s $(( (root_start_mib + root_mib + 1) * 1048576 )) "$disk"   # + 1 MiB: backup GPT
    sfdisk --quiet --no-reread --no-tell-kernel "$disk" <<EOF
label: gpt
label-id: $(medbox_uuid "$profile/disk")
unit: sectors
first-lba: 2048
start=$((bios_start_mib * 2048)), size=$((bios_mib * 2048)), type=$gpt_bios_type, uuid=$(medbox_uuid "$profile/bios"), name="bios"
start=$((esp_start_mib * 2048)), size=$((esp_mib * 2048)), type=$gpt_esp_type, uuid=$(medbox_uuid "$profile/esp"), name="esp"
start=$((root_start_mib * 2048)), size=$((root_mib * 2048)), type=$gpt_root_type, uuid=$(medbox_uuid "$profile/root"), name="root-a"
EOF
}

# partition_extent DISK LABEL: "START SIZE" in bytes of the partition named
# LABEL in DISK's GPT (fails if there is none).
partition_extent() {
    sfdisk -J "$1" 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin)["partitiontable"]["partitions"]:
    if p.get("name") == sys.argv[1]:
        print(p["start"] * 512, p["size"] * 512)
        sys.exit(0)
sys.exit(1)' "$2"
}

# partition_loop DISK LABEL [ro]: a loop device over partition LABEL of DISK
# (losetup -P makes no partition devices on our machines), read-only with
# "ro". Each device is recorded in the file $MEDBOX_LOOPS (the caller sets
# it: this runs in $(...), so a variable would not outlive the call);
# release_loops detaches them all.
partition_loop() {
    local extent dev ro=()
    extent=$(partition_extent "$1" "$2") || { echo "no partition $2 in $1" >&2; return 1; }
    [ "${3:-}" = ro ] && ro=(-r)
    set -- "$1" "$2" $extent
    dev=$(losetup "${ro[@]}" --find --show -o "$3" --sizelimit "$4" "$1")
    echo "$dev" >>"${MEDBOX_LOOPS:?set MEDBOX_LOOPS to a file}"
    echo "$dev"
}
release_loops() {
    local l
    [ -f "${MEDBOX_LOOPS:-}" ] || return 0
    while read -r l; do losetup -d "$l" 2>/dev/null || true; done <"$MEDBOX_LOOPS"
    : >"$MEDBOX_LOOPS"
}

# partition_image DISK LABEL OUT: copies partition LABEL of DISK into the file
# OUT (debugfs then reads its ext4 file system; nothing is mounted).
partition_image() {
    local extent
    extent=$(partition_extent "$1" "$2") || { echo "no partition $2 in $1" >&2; return 1; }
    set -- "$1" "$3" $extent
    dd if="$1" of="$2" bs=1M skip=$(($3 / 1048576)) count=$(($4 / 1048576)) status=none conv=sparse
}

# root_image DISK OUT: root slot A of DISK into the file OUT.
root_image() { partition_image "$1" root-a "$2"; }

# QEMU firmware (packages qemu-system-x86, ovmf), for images/qemu-boot.sh and
# images/lynis-audit.sh. MEDBOX_QEMU_FIRMWARE: uefi (OVMF, Secure Boot off),
# secureboot (OVMF with Microsoft's keys enrolled: Debian's shim is signed by
# Microsoft's UEFI CA) or bios (SeaBIOS, QEMU's default firmware).
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd
ovmf_code_sb=/usr/share/OVMF/OVMF_CODE_4M.ms.fd
ovmf_vars_sb=/usr/share/OVMF/OVMF_VARS_4M.ms.fd

# qemu_check: says what is missing to boot a disk image in QEMU.
qemu_check() {
    case ${MEDBOX_QEMU_FIRMWARE:-uefi} in
        uefi) [ -f "$ovmf_code" ] || { echo "$ovmf_code missing (package ovmf)" >&2; return 1; } ;;
        secureboot) [ -f "$ovmf_vars_sb" ] || { echo "$ovmf_vars_sb missing (package ovmf)" >&2; return 1; } ;;
        bios) ;;
        *) echo "MEDBOX_QEMU_FIRMWARE must be uefi, secureboot or bios" >&2; return 1 ;;
    esac
    command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86_64 missing (package qemu-system-x86)" >&2; return 1; }
}

# qemu_start DISK WORK [QEMU OPTIONS...]: boots the raw disk image DISK
# (written to by the guest) under software emulation (TCG; KVM does not
# work on our machines), 2 CPUs, 2 GiB, the firmware MEDBOX_QEMU_FIRMWARE
# says (UEFI variables in WORK/vars.fd), no network, the serial console in
# WORK/serial.log. Runs in the background and sets qemu_pid. With
# MEDBOX_QEMU_NETNS set, QEMU runs in that network namespace (its tap NICs,
# passed as options, are there: images/qemu-install.sh).
qemu_start() {
    local disk=$1 work=$2 fw=()
    shift 2
    case ${MEDBOX_QEMU_FIRMWARE:-uefi} in
        uefi)
            cp "$ovmf_vars" "$work/vars.fd"
            fw=(-machine q35 -drive if=pflash,format=raw,unit=0,readonly=on,file="$ovmf_code"
                -drive if=pflash,format=raw,unit=1,file="$work/vars.fd") ;;
        secureboot)
            # Secure Boot needs SMM, so that only the firmware writes its variables.
            cp "$ovmf_vars_sb" "$work/vars.fd"
            fw=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
                -drive if=pflash,format=raw,unit=0,readonly=on,file="$ovmf_code_sb"
                -drive if=pflash,format=raw,unit=1,file="$work/vars.fd") ;;
        bios)
            fw=(-machine q35) ;;
    esac
    local netns=()
    [ -z "${MEDBOX_QEMU_NETNS:-}" ] || netns=(ip netns exec "$MEDBOX_QEMU_NETNS")
    "${netns[@]}" qemu-system-x86_64 -accel tcg "${fw[@]}" -cpu max -smp 2 -m 2048 \
        -drive if=virtio,format=raw,file="$disk" \
        -nic none -display none -no-reboot \
        -serial file:"$work/serial.log" "$@" \
        >"$work/qemu.log" 2>&1 &
    qemu_pid=$!
}

# qemu_stop: stops the QEMU of qemu_start, if it still runs: TERM, a second
# to shut down its files, then KILL (the EXIT traps of the qemu-*.sh).
qemu_stop() {
    if [ -n "${qemu_pid:-}" ] && kill -0 "$qemu_pid" 2>/dev/null; then
        kill -TERM "$qemu_pid" 2>/dev/null || true
        sleep 1
        kill -KILL "$qemu_pid" 2>/dev/null || true
    fi
}

#!/usr/bin/env bash
# Makes the bootable raw disk image of a profile from its root file system:
#
#   mkdisk.sh ROOTFS PROFILE DISK.RAW
#
#   GPT, 1 MiB aligned:
#     1  EFI system partition  vfat   512 MiB  systemd-boot, loader entry, kernel, initrd
#     2  root (x86-64)         ext4   content + 20 % + 256 MiB
#
# No loop devices (they have no partition devices on our machines): both
# file systems are built as files (mkfs.vfat + mcopy, mkfs.ext4 -d) and
# written into the disk file at their partition offsets.
#
# Reproducible: identifiers derive from the profile name (images/lib/common.sh),
# timestamps from SOURCE_DATE_EPOCH (mtools and e2fsprogs read it or
# E2FSPROGS_FAKE_TIME; inode times are set with debugfs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/common.sh
. "$here/common.sh"

rootfs=${1:?usage: mkdisk.sh ROOTFS PROFILE DISK.RAW}
profile=${2:?profile}
disk=${3:?output file}
sde=${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}
export SOURCE_DATE_EPOCH=$sde E2FSPROGS_FAKE_TIME=$sde

mib=$((1024 * 1024))
esp_mib=512
esp_type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
root_type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709   # "Linux root (x86-64)", discoverable partitions spec
disk_uuid=$(medbox_uuid "$profile/disk")
esp_uuid=$(medbox_uuid "$profile/esp")
root_uuid=$(medbox_uuid "$profile/root")
rootfs_uuid=$(medbox_uuid "$profile/root-fs")
hash_seed=$(medbox_uuid "$profile/root-fs-hash-seed")
esp_serial=$(medbox_hex8 "$profile/esp-fs")

work=$(mktemp -d "${disk%/*}/.mkdisk.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- EFI system partition -----------------------------------------------------
kernel=$(find "$rootfs/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sort -V | tail -1)
[ -n "$kernel" ] || die "no kernel in $rootfs/boot"
kver=${kernel#vmlinuz-}
[ -f "$rootfs/boot/initrd.img-$kver" ] || die "no initrd for kernel $kver in $rootfs/boot"
cmdline="root=PARTUUID=$root_uuid rw"
[ -f "$rootfs/etc/kernel/cmdline" ] && cmdline="$cmdline $(tr -s '\n' ' ' <"$rootfs/etc/kernel/cmdline" | sed 's/ *$//')"
image_version=$(sed -n 's/^IMAGE_VERSION=//p' "$rootfs/usr/lib/os-release")

esp=$work/esp
install -d "$esp/EFI/BOOT" "$esp/EFI/systemd" "$esp/loader/entries" "$esp/medbox/$kver"
bootefi=$rootfs/usr/lib/systemd/boot/efi/systemd-bootx64.efi
[ -f "$bootefi" ] || die "systemd-boot is missing from the image (package systemd-boot-efi)"
# The removable-media path: firmware boots it without any NVRAM entry.
install -m 0644 "$bootefi" "$esp/EFI/BOOT/BOOTX64.EFI"
install -m 0644 "$bootefi" "$esp/EFI/systemd/systemd-bootx64.efi"
install -m 0644 "$rootfs/boot/vmlinuz-$kver" "$esp/medbox/$kver/linux"
install -m 0644 "$rootfs/boot/initrd.img-$kver" "$esp/medbox/$kver/initrd"
cat >"$esp/loader/loader.conf" <<EOF
# systemd-boot (loader.conf(5)), written by images/lib/mkdisk.sh.
default medbox-*
timeout 0
# No editing of the kernel command line at the console (no init=/bin/sh).
editor no
EOF
cat >"$esp/loader/entries/medbox-$profile-$kver.conf" <<EOF
title      medbox $profile $image_version
version    $kver
linux      /medbox/$kver/linux
initrd     /medbox/$kver/initrd
options    $cmdline
EOF
find "$esp" -exec touch --no-dereference --date="@$sde" {} +

truncate -s $((esp_mib * mib)) "$work/esp.img"
mkfs.vfat -F 32 -n ESP -i "$esp_serial" --invariant "$work/esp.img" >/dev/null
# -s recursive, -m keep the files' modification times, -Q stop at the first error.
(cd "$esp" && mcopy -i "$work/esp.img" -s -m -Q ./* ::/)

# --- root file system -------------------------------------------------------------
used_kib=$(du -s --apparent-size --block-size=1K "$rootfs" | cut -f1)
inodes=$(find "$rootfs" -xdev | wc -l)
root_mib=$(( (used_kib * 12 / 10 / 1024) + 256 ))
root_mib=$(( (root_mib + 63) / 64 * 64 ))
# -d copies the tree; root_owner for the top folder; fixed UUID and hash seed;
# no lazy initialisation (the image is written once, then mounted anywhere).
mkfs.ext4 -q -F -L root -U "$rootfs_uuid" -b 4096 -N $(( inodes * 2 + 16384 )) \
    -E "hash_seed=$hash_seed,root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0" \
    -d "$rootfs" "$work/root.img" "${root_mib}M"
# mkfs.ext4 -d copies modification times but takes the inode change time
# from the source file (always "recently") and stamps the creation time "now":
# set both, and the access time, to SOURCE_DATE_EPOCH in every inode, by path
# (debugfs quoting: no path in the image holds a double quote or a newline).
{
    for ino in 1 2 3 4 5 6 7 8 9 10 11; do
        printf 'sif <%d> ctime @%d\nsif <%d> crtime @%d\nsif <%d> atime @%d\nsif <%d> mtime @%d\n' \
            "$ino" "$sde" "$ino" "$sde" "$ino" "$sde" "$ino" "$sde"
    done
    (cd "$rootfs" && find . -xdev -mindepth 1 -print0 | sort -z) | while IFS= read -r -d '' p; do
        case $p in *'"'*|*$'\n'*) die "path not representable in debugfs: $p" ;; esac
        p=${p#.}
        printf 'sif "%s" ctime @%d\nsif "%s" crtime @%d\nsif "%s" atime @%d\n' "$p" "$sde" "$p" "$sde" "$p" "$sde"
    done
} >"$work/debugfs.cmd"
debugfs -w -f "$work/debugfs.cmd" "$work/root.img" >"$work/debugfs.log" 2>&1
# Anything but its banner is an error message.
if grep -v '^debugfs' "$work/debugfs.log" >"$work/debugfs.err"; then
    die "debugfs reported: $(head -5 "$work/debugfs.err")"
fi
e2fsck -fn "$work/root.img" >"$work/fsck.log" 2>&1 || die "root file system check failed: $(tail -5 "$work/fsck.log")"

# --- GPT disk -------------------------------------------------------------------------
esp_start=1
root_start=$((esp_start + esp_mib))
total_mib=$((root_start + root_mib + 1))   # 1 MiB at the end for the backup GPT
rm -f "$disk"
truncate -s $((total_mib * mib)) "$disk"
sfdisk --quiet --no-reread --no-tell-kernel "$disk" <<EOF
label: gpt
label-id: $disk_uuid
unit: sectors
first-lba: 2048
start=$((esp_start * 2048)), size=$((esp_mib * 2048)), type=$esp_type, uuid=$esp_uuid, name="esp"
start=$((root_start * 2048)), size=$((root_mib * 2048)), type=$root_type, uuid=$root_uuid, name="root-x86-64"
EOF
dd if="$work/esp.img" of="$disk" bs=1M seek=$esp_start conv=notrunc,sparse status=none
dd if="$work/root.img" of="$disk" bs=1M seek=$root_start conv=notrunc,sparse status=none
echo "disk $disk: $total_mib MiB (ESP $esp_mib MiB, root $root_mib MiB); kernel $kver; options: $cmdline"

#!/usr/bin/env bash
# Makes the bootable raw disk image of a profile from its root file system:
#
#   mkdisk.sh ROOTFS PROFILE DISK.RAW [ROOT.EXT4]
#
#   ROOT.EXT4: also keep slot A's file system image there (the content of a
#   RAUC bundle, images/lib/bundle.sh).
#
#   GPT, 1 MiB aligned (write_gpt in common.sh; docs/image.md "Disk layout"):
#     1  bios    BIOS boot             1 MiB  GRUB's core image (legacy BIOS)
#     2  esp     EFI system, vfat    512 MiB  shim, GRUB, grub.cfg, grubenv
#     3  root-a  root (x86-64), ext4          content + 20 % + 256 MiB
#   The MBR holds GRUB's boot.img (legacy BIOS); systemd-repart makes the
#   rest of the profile's layout at first boot.
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
root_out=${4:-}
sde=${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH must be set}
export SOURCE_DATE_EPOCH=$sde E2FSPROGS_FAKE_TIME=$sde

mib=$((1024 * 1024))
rootfs_uuid=$(medbox_uuid "$profile/root-fs")
hash_seed=$(medbox_uuid "$profile/root-fs-hash-seed")
esp_serial=$(medbox_hex8 "$profile/esp-fs")

work=$(mktemp -d "${disk%/*}/.mkdisk.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- boot loader: shim + GRUB (UEFI, Secure Boot) and GRUB's core image (BIOS) ---
# Debian's signed binaries, from the image's own packages (10-base), so the
# build machine's versions do not matter.
kernel=$(find "$rootfs/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sort -V | tail -1)
[ -n "$kernel" ] || die "no kernel in $rootfs/boot"
kver=${kernel#vmlinuz-}
[ -f "$rootfs/boot/initrd.img-$kver" ] || die "no initrd for kernel $kver in $rootfs/boot"
# GRUB loads the kernel of the slot it boots through these links (kept by
# Debian's linux-update-symlinks), so an update may bring another kernel.
for link in vmlinuz initrd.img; do
    [ "$(readlink -f "$rootfs/$link")" = "$(readlink -f "$rootfs/boot/${link}-$kver")" ] ||
        die "/$link in the image does not point to boot/${link}-$kver"
done
cmdline=""
[ -f "$rootfs/etc/kernel/cmdline" ] && cmdline=$(tr -s '\n' ' ' <"$rootfs/etc/kernel/cmdline" | sed 's/ *$//')
image_version=$(sed -n 's/^IMAGE_VERSION=//p' "$rootfs/usr/lib/os-release")
shim=$rootfs/usr/lib/shim/shimx64.efi.signed
mokmanager=$rootfs/usr/lib/shim/mmx64.efi.signed
grub_efi=$rootfs/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
grub_pc=$rootfs/usr/lib/grub/i386-pc
for f in "$shim" "$mokmanager" "$grub_efi" "$grub_pc/boot.img" "$grub_pc/kernel.img"; do
    [ -f "$f" ] || die "${f#"$rootfs"} is missing from the image (10-base: shim-signed, grub-efi-amd64-signed, grub-pc-bin)"
done
[ -x "$rootfs/usr/bin/grub-editenv" ] || die "grub-editenv is missing from the image (grub-common; RAUC needs it)"
command -v grub-mkimage >/dev/null || die "grub-mkimage is missing on this machine (package grub-common)"
esp_uuid_fs=$(printf '%s-%s' "${esp_serial:0:4}" "${esp_serial:4:4}")   # GRUB's form of the FAT serial

esp=$work/esp
install -d "$esp/EFI/BOOT" "$esp/EFI/debian"
# The removable-media path: firmware boots it without any NVRAM entry. shim
# (signed by Microsoft's UEFI CA) starts grubx64.efi from its own folder
# (signed by Debian); GRUB has Debian's prefix /EFI/debian built in, where
# it reads grub.cfg. No fbx64.efi: shim would otherwise try to write NVRAM
# boot entries. mmx64.efi: MokManager, should a key ever have to be enrolled.
install -m 0644 "$shim" "$esp/EFI/BOOT/BOOTX64.EFI"
install -m 0644 "$grub_efi" "$esp/EFI/BOOT/grubx64.efi"
install -m 0644 "$mokmanager" "$esp/EFI/BOOT/mmx64.efi"
"$here/grub-cfg.sh" "$profile" "$image_version" "$cmdline" >"$esp/EFI/debian/grub.cfg"
# The A/B state RAUC keeps (docs/update.md): slot A good, B empty.
# (The build machine's grub-editenv and grub-mkimage: the same GRUB 2.06 of
# Debian 12; the modules and boot images come from the image.)
grub-editenv "$esp/EFI/debian/grubenv" set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0
find "$esp" -exec touch --no-dereference --date="@$sde" {} +

truncate -s $((esp_mib * mib)) "$work/esp.img"
# --invariant first: after -i it would replace the serial by a constant.
mkfs.vfat -F 32 -n ESP --invariant -i "$esp_serial" "$work/esp.img" >/dev/null
# -s recursive, -m keep the files' modification times, -Q stop at the first error.
(cd "$esp" && mcopy -i "$work/esp.img" -s -m -Q ./* ::/)

# Legacy BIOS: GRUB's core image finds the ESP by its (fixed) FAT serial
# number and reads the same grub.cfg. Every module the menu uses is built
# in: there are no module files on the ESP.
cat >"$work/early.cfg" <<EOF
search --no-floppy --fs-uuid --set=root $esp_uuid_fs
set prefix=(\$root)/EFI/debian
EOF
grub-mkimage -O i386-pc -d "$grub_pc" -o "$work/core.img" -c "$work/early.cfg" -p /EFI/debian \
    biosdisk part_gpt part_msdos fat ext2 normal configfile search search_fs_uuid loadenv \
    test echo regexp linux boot serial terminal gzio sleep reboot halt \
    || die "grub-mkimage failed"

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
write_gpt "$disk" "$profile" "$root_mib"
python3 -B "$here/bios-boot.py" "$disk" "$grub_pc/boot.img" "$work/core.img" $((bios_start_mib * 2048)) $((bios_mib * 2048))
dd if="$work/esp.img" of="$disk" bs=1M seek=$esp_start_mib conv=notrunc,sparse status=none
dd if="$work/root.img" of="$disk" bs=1M seek=$root_start_mib conv=notrunc,sparse status=none
[ -z "$root_out" ] || mv "$work/root.img" "$root_out"
echo "disk $disk: $(( $(stat -c %s "$disk") / mib )) MiB (BIOS boot $bios_mib MiB, ESP $esp_mib MiB, root-a $root_mib MiB); kernel $kver; options: $cmdline"

#!/usr/bin/env bash
# Prints the GRUB menu of the medbox disk (EFI/debian/grub.cfg on the ESP),
# for UEFI (shim -> Debian's signed GRUB) and legacy BIOS (core.img) alike:
#
#   grub-cfg.sh PROFILE IMAGE_VERSION "KERNEL OPTIONS"
#
# The slot choice is RAUC's documented GRUB script (RAUC 1.8 manual, "Full
# System Example", GRUB configuration, the version that resets the tries only
# when both slots failed): grubenv next to this file holds ORDER, A_OK, A_TRY, B_OK, B_TRY. A slot
# is booted when OK=1 and TRY=0; booting it sets TRY=1; the health check
# (medbox-mark-good.service, "rauc status mark-good") resets TRY=0 once the
# services run. A slot that never gets there has TRY=1 on the next boot and
# is skipped: the other slot boots. docs/update.md.
set -euo pipefail
profile=${1:?usage: grub-cfg.sh PROFILE IMAGE_VERSION OPTIONS}
version=${2:?image version}
options=${3-}
cat <<EOF
# GRUB menu of the medbox $profile image $version (images/lib/grub-cfg.sh,
# written by images/lib/mkdisk.sh). docs/image.md "Boot chain", docs/update.md.
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
# No editing of entries and no GRUB shell at the console (no init=/bin/sh):
# a superuser who has no password; the entries themselves are unrestricted.
set superusers="medbox-locked"
set timeout=3
set default=0

# The slots are partitions 3 (root-a) and 4 (root-b) of the disk GRUB came
# from; \$root is its ESP (e.g. hd0,gpt2). docs/image.md, "Disk layout".
regexp --set=1:medbox_disk '^([^,]+),' "\$root"
export medbox_disk

any_ok=0
set ORDER="A B"
set A_OK=0
set B_OK=0
set A_TRY=0
set B_TRY=0
load_env

# select bootable slot
for SLOT in \$ORDER; do
    if [ "\$SLOT" == "A" ]; then
        INDEX=0
        OK=\$A_OK
        TRY=\$A_TRY
        A_TRY=1
    fi
    if [ "\$SLOT" == "B" ]; then
        INDEX=1
        OK=\$B_OK
        TRY=\$B_TRY
        B_TRY=1
    fi
    if [ "\$OK" -eq 1 -a "\$TRY" -eq 0 ]; then
        default=\$INDEX
        any_ok=1
        break
    fi
done

# reset booted flags in case both sides have failed to boot
if [ "\$any_ok" -eq 0 ]; then
    if [ "\$A_OK" -eq 1 -a "\$A_TRY" -eq 1 ]; then
        A_TRY=0
    fi
    if [ "\$B_OK" -eq 1 -a "\$B_TRY" -eq 1 ]; then
        B_TRY=0
    fi
fi

save_env A_TRY B_TRY

# panic=60: a kernel panic, or an initramfs that cannot mount the slot,
# reboots after a minute instead of waiting at a shell; that boot counts as
# a failed try.
set medbox_options="rw panic=60 $options"
export medbox_options

menuentry "medbox $profile, slot A (OK=\$A_OK TRY=\$A_TRY)" --unrestricted {
    linux (\$medbox_disk,gpt3)/vmlinuz root=PARTLABEL=root-a rauc.slot=A \$medbox_options
    initrd (\$medbox_disk,gpt3)/initrd.img
}

menuentry "medbox $profile, slot B (OK=\$B_OK TRY=\$B_TRY)" --unrestricted {
    linux (\$medbox_disk,gpt4)/vmlinuz root=PARTLABEL=root-b rauc.slot=B \$medbox_options
    initrd (\$medbox_disk,gpt4)/initrd.img
}
EOF

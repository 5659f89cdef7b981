#!/usr/bin/env python3
"""Installs GRUB for legacy BIOS on a GPT disk image file, as grub-bios-setup
does (that tool is in Debian's grub-pc package, whose scripts would run
grub-install on the build machine):

    bios-boot.py DISK.RAW BOOT.IMG CORE.IMG BIOS_START_LBA BIOS_SECTORS

- BOOT.IMG (GRUB's 512-byte MBR code) goes into the protective MBR: its
  first 440 bytes only, so the disk signature, the protective partition
  entry and the 0x55AA mark stay; the sector it loads is set to the start of
  the BIOS boot partition, and the boot-drive check is turned off as
  grub-bios-setup does for hard disks (BIOSes that pass a wrong drive number);
- CORE.IMG (grub-mkimage -O i386-pc: diskboot.img, then the compressed
  kernel and modules) goes into the BIOS boot partition; its first sector's
  block list is set to load the remaining sectors from the partition.
Offsets from GRUB 2.06 include/grub/i386/pc/boot.h and grub-setup.c.
"""
import struct
import sys

SECTOR = 512
KERNEL_SECTOR = 0x5C        # GRUB_BOOT_MACHINE_KERNEL_SECTOR, 8 bytes LE
DRIVE_CHECK = 0x66          # GRUB_BOOT_MACHINE_DRIVE_CHECK: a 2-byte jmp
NT_MAGIC = 0x1B8            # MBR code ends here (disk signature, partition table follow)
KERNEL_SEG = 0x800          # GRUB_BOOT_I386_PC_KERNEL_SEG


def fail(msg):
    print(f"bios-boot: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 6:
        fail(__doc__.strip().splitlines()[4].strip())
    disk, boot_path, core_path = sys.argv[1:4]
    start, sectors = int(sys.argv[4]), int(sys.argv[5])
    boot = bytearray(open(boot_path, "rb").read())
    core = bytearray(open(core_path, "rb").read())
    if len(boot) != SECTOR or boot[510:512] != b"\x55\xaa":
        fail(f"{boot_path}: not a 512-byte boot sector")
    nsec = (len(core) + SECTOR - 1) // SECTOR
    if nsec > sectors:
        fail(f"{core_path}: {nsec} sectors do not fit the BIOS boot partition ({sectors})")
    if nsec > 0xFFFF:
        fail(f"{core_path}: too large for one block list entry")
    core += bytes(nsec * SECTOR - len(core))
    # The block list sits at the end of diskboot.img's sector: start (u64),
    # length (u16), segment (u16); the entry before it must be empty.
    off = SECTOR - 12
    struct.pack_into("<QHH", core, off, start + 1, nsec - 1, KERNEL_SEG + (SECTOR >> 4))
    struct.pack_into("<Q", boot, KERNEL_SECTOR, start)
    boot[DRIVE_CHECK:DRIVE_CHECK + 2] = b"\x90\x90"
    with open(disk, "r+b") as f:
        mbr = bytearray(f.read(SECTOR))
        if mbr[510:512] != b"\x55\xaa" or mbr[0x1BE + 4] != 0xEE:
            fail(f"{disk}: no protective MBR (write the GPT first)")
        mbr[:NT_MAGIC] = boot[:NT_MAGIC]
        f.seek(0)
        f.write(mbr)
        f.seek(start * SECTOR)
        f.write(core)


if __name__ == "__main__":
    main()

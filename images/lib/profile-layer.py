#!/usr/bin/env python3
"""Writes the generated part of an image's profile layer from hwprofiles/<name>.json.

    profile-layer.py HWPROFILE.json OUTDIR ESP_PARTUUID

OUTDIR/skeleton/ (copied into the root before packages are installed):
    etc/hostname, etc/hosts    host name medbox-<profile>
    etc/fstab                  the EFI system partition by PARTUUID, the
                               partitions of layout.partitions by GPT label
OUTDIR/extra/ (copied after):
    usr/lib/repart.d/*.conf    systemd-repart definitions of the profile's
                               layout.partitions (docs/image.md, "Disk layout")
    etc/rauc/system.conf       RAUC: the two root slots, GRUB backend
                               (docs/update.md)
    usr/share/medbox/nic-roles
        the NIC role names (lan0, dmz0, mgmt0, ha0, ...) in port order, one a
        line; medbox-nic-names.service (10-base) gives them to the server's
        ports at every boot, so firewall profiles and .network files can use
        the same names on any server of the profile.
    usr/lib/systemd/network/50-medbox-management.network
        DHCP on the management NIC (the one of role "mgmt", else the first
        that carries "mgmt"); a site sets a static address with a file of
        the same name in /etc/systemd/network/ (docs/install.md).
    usr/share/medbox/management.env
        MEDBOX_MANAGEMENT_NIC=<name>, for the default boot firewall and the
        first-access screen (docs/firewall.md, docs/install.md).

Which physical port is which role: the n-th name goes to the n-th Ethernet
port, onboard ports (firmware names eno1, eno2, ...) by number first, then
the others (add-in cards, virtual machines) by PCI address; a site whose
cabling differs puts .link files on the ESP (medbox/network/) or in
/etc/systemd/network/ (docs/install.md, "Which port is which").
Exits 1 with a message naming the key on a malformed profile.
"""
import json
import re
import sys
from pathlib import Path


def fail(msg):
    print(f"profile-layer: {msg}", file=sys.stderr)
    sys.exit(1)


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main():
    if len(sys.argv) != 4:
        fail(__doc__.strip().splitlines()[2].strip())
    src, out, esp_uuid = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    try:
        prof = json.loads(src.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail(f"{src}: {e}")
    name = prof.get("name")
    if name != src.stem or not re.fullmatch(r"[a-z][a-z0-9-]{0,20}", name or ""):
        fail(f"{src}: name: expected '{src.stem}' (lower-case letters, digits, '-'), got {name!r}")
    host = f"medbox-{name}"

    write(out / "skeleton/etc/hostname", host + "\n")
    write(out / "skeleton/etc/hosts",
          "# /etc/hosts of the medbox image (images/build.sh, from hwprofiles/"
          f"{src.name}).\n127.0.0.1\tlocalhost\n127.0.1.1\t{host}\n"
          "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
          "ff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n")
    parts = layout_partitions(src, prof)
    for name_, text in repart_definitions(src, parts).items():
        write(out / "extra/usr/lib/repart.d" / name_, text)
    write(out / "skeleton/etc/fstab", fstab(src, name, esp_uuid, parts))
    write(out / "extra/etc/rauc/system.conf", rauc_system_conf(src, name))

    nics = prof.get("nics")
    if not isinstance(nics, list) or not nics:
        fail(f"{src}: nics: expected a non-empty list")
    seen = set()
    names = []
    for i, nic in enumerate(nics):
        role = nic.get("role") if isinstance(nic, dict) else None
        count = nic.get("count", 1) if isinstance(nic, dict) else None
        if not isinstance(role, str) or not re.fullmatch(r"[a-z]{2,8}", role):
            fail(f"{src}: nics[{i}].role: expected 2-8 lower-case letters, got {role!r}")
        if not isinstance(count, int) or not 1 <= count <= 8:
            fail(f"{src}: nics[{i}].count: expected an integer from 1 to 8, got {count!r}")
        if role in seen:
            fail(f"{src}: nics[{i}].role: '{role}' listed twice")
        seen.add(role)
        carries = ", ".join(nic.get("carries", [role]))
        for n in range(count):
            names.append((f"{role}{n}", carries))
    # The ports take these names at boot (medbox-nic-names.service): onboard
    # ports by firmware number first, then the others by PCI address.
    write(out / "extra/usr/share/medbox/nic-roles",
          f"# The NIC role names of the {name} server, in port order (from\n"
          f"# hwprofiles/{src.name}; written by images/build.sh). At every boot\n"
          "# /usr/libexec/medbox/medbox-nic-names gives the n-th name to the n-th\n"
          "# Ethernet port: onboard ports by the firmware's number (eno1, eno2, ...)\n"
          "# first, then the others by PCI address. docs/install.md, \"Which port is\n"
          "# which\".\n"
          + "".join(f"{ifname}\t# port {k + 1}: carries {carries}\n"
                    for k, (ifname, carries) in enumerate(names)))

    write_management(out, name, src, nics)


def management_nic(nics):
    """The NIC administrators reach: role "mgmt", else the first carrying "mgmt"."""
    for nic in nics:
        if nic["role"] == "mgmt":
            return f"{nic['role']}0"
    for nic in nics:
        if "mgmt" in nic.get("carries", []):
            return f"{nic['role']}0"
    return None


def write_management(out: Path, name: str, src: Path, nics):
    ifname = management_nic(nics)
    if ifname is None:
        fail(f"{src}: nics: no NIC of role 'mgmt' and none that carries 'mgmt'")
    write(out / "extra/usr/share/medbox/management.env",
          f"# The management NIC of the {name} server (from hwprofiles/{src.name}),\n"
          "# written by images/build.sh: the default boot firewall opens SSH and the\n"
          "# console on it only, and the local screen shows the console's address on it.\n"
          f"MEDBOX_MANAGEMENT_NIC={ifname}\n")
    write(out / "extra/usr/lib/systemd/network/50-medbox-management.network",
          f"# {ifname}: the management NIC of the {name} server (systemd.network(5)).\n"
          "# Written by images/build.sh. DHCP until the site sets a static address:\n"
          "# a file of this same name in /etc/systemd/network/ replaces this one\n"
          "# (docs/install.md, \"First access\"), e.g.\n"
          "#   [Match]\n"
          f"#   Name={ifname}\n"
          "#   [Network]\n"
          "#   Address=10.10.9.20/24\n"
          "#   Gateway=10.10.9.1\n"
          "#   DNS=10.10.2.53\n"
          "# The firewall at boot opens only SSH and the console (9443) on this NIC.\n"
          f"[Match]\nName={ifname}\n\n"
          "[Network]\nDHCP=yes\n"
          "# No IPv6 router advertisements from a network nobody configured yet;\n"
          "# a site that uses IPv6 on management says so in its own file.\n"
          "IPv6AcceptRA=no\nLinkLocalAddressing=ipv4-fallback\n\n"
          "[DHCPv4]\n# The appliance's host name, not the DHCP server's idea of one.\n"
          "UseHostname=no\n")


# --- disk layout ------------------------------------------------------------------
# The shipped disk holds the BIOS boot partition, the EFI system partition and
# root slot A (images/lib/mkdisk.sh, sized to its content). At first boot
# systemd-repart (v252, systemd-repart.service) reads these definitions, grows
# slot A to the profile's size and appends the rest. Definitions match existing
# partitions by type, in file-name order; partitions no file matches (the BIOS
# boot partition) are left alone; Format= and CopyFiles= only ever apply to a
# partition repart creates, so a second run (every boot) changes nothing and a
# data partition is never formatted again.
ESP_MIB = 512            # images/lib/mkdisk.sh makes it this size
# mount point -> (file, GPT type, GPT label, file system)
KINDS = {
    "/boot/efi": ("00-esp.conf", "esp", "esp", None),
    "/": (None, "root-x86-64", None, None),   # two slots: root-a, root-b
    "/var/log": ("20-log.conf", "linux-generic", "medbox-log", "ext4"),
    "/var/lib/medbox": ("30-data.conf", "linux-generic", "medbox-data", "ext4"),
    "swap": ("40-swap.conf", "swap", "medbox-swap", "swap"),
}
# Labels the rest of the image relies on: GRUB's slots and RAUC's system.conf
# (root-a, root-b), fstab (the others).
ROOT_LABELS = ("root-a", "root-b")


def layout_partitions(src, prof):
    """The profile's layout.partitions as {mount: size in MiB}, checked."""
    layout = prof.get("layout")
    parts = layout.get("partitions") if isinstance(layout, dict) else None
    if not isinstance(parts, list) or not parts:
        fail(f"{src}: layout.partitions: expected a non-empty list")
    sizes = {}
    for i, p in enumerate(parts):
        mount = p.get("mount") if isinstance(p, dict) else None
        size = p.get("minGiB") if isinstance(p, dict) else None
        if mount not in KINDS:
            fail(f"{src}: layout.partitions[{i}].mount: expected one of {', '.join(KINDS)}, got {mount!r}")
        if mount in sizes:
            fail(f"{src}: layout.partitions[{i}].mount: '{mount}' listed twice")
        if isinstance(size, bool) or not isinstance(size, (int, float)) or not 0 < size <= 4096:
            fail(f"{src}: layout.partitions[{i}].minGiB: expected a number of GiB from 0 to 4096, got {size!r}")
        sizes[mount] = int(round(size * 1024))
    for needed in ("/boot/efi", "/"):
        if needed not in sizes:
            fail(f"{src}: layout.partitions: no '{needed}' entry")
    if sizes["/boot/efi"] > ESP_MIB:
        fail(f"{src}: layout.partitions: /boot/efi wants {sizes['/boot/efi']} MiB, the image makes {ESP_MIB} MiB")
    return sizes


def repart_definitions(src, sizes):
    """systemd-repart.d(5) files, as {file name: text}."""
    # What is left after the minimums goes to the patient data, or to the logs
    # on a profile whose data lives elsewhere (database: the SAN LUN).
    grows = "/var/lib/medbox" if "/var/lib/medbox" in sizes else "/var/log"
    files = {}
    for mount, mib in sizes.items():
        fname, ptype, label, fs = KINDS[mount]
        why = f"hwprofiles/{src.name}: {mount} at least {mib} MiB"
        if mount == "/":
            # Both slots the same fixed size: RAUC writes one image into either.
            for n, lab in enumerate(ROOT_LABELS):
                files[f"1{n}-{lab}.conf"] = (
                    f"# Root slot {lab[-1].upper()} (A/B updates, docs/update.md); {why}.\n"
                    f"# Written by images/lib/profile-layer.py. systemd-repart.d(5).\n"
                    f"[Partition]\nType={ptype}\nLabel={lab}\n"
                    f"SizeMinBytes={mib}M\nSizeMaxBytes={mib}M\nWeight=0\n")
            continue
        text = (f"# {mount}; {why}.\n"
                "# Written by images/lib/profile-layer.py. systemd-repart.d(5).\n"
                f"[Partition]\nType={ptype}\nLabel={label}\n")
        if mount == "/boot/efi":
            # Made by mkdisk.sh; matched here so that nothing else takes its place.
            text += f"SizeMinBytes={ESP_MIB}M\nSizeMaxBytes={ESP_MIB}M\nWeight=0\n"
        else:
            text += f"Format={fs}\nSizeMinBytes={mib}M\n"
            if mount == "swap":
                text += f"SizeMaxBytes={mib}M\n"
            text += f"Weight={1000 if mount == grows else 0}\n"
        if mount == "/var/log":
            # The image's /var/log (journal folder, empty log folders of packages).
            text += "CopyFiles=/var/log:/\n"
        files[fname] = text
    return files


def fstab(src, name, esp_uuid, sizes):
    lines = [
        f"# /etc/fstab of the medbox {name} image (written by images/build.sh).",
        "# Layout and why: docs/image.md, \"Disk layout\". The root file system has no",
        "# line: GRUB names the slot it boots on the kernel command line (root=... rw),",
        "# so the same tree also boots unchanged in a container (the boot test).",
        "# The other partitions are made by systemd-repart at first boot",
        "# (/usr/lib/repart.d) and found by their GPT partition label.",
        "# nofail: a missing partition must not stop the boot before SSH is up; what",
        "# needs it does not start instead: the medbox services' StateDirectory=",
        "# implies RequiresMountsFor=/var/lib/medbox/<service>, and",
        "# systemd-journal-flush has RequiresMountsFor=/var/log/journal (the journal",
        "# then stays in /run). Neither writes to the root file system.",
        "# <file system>  <mount point>  <type>  <options>  <dump>  <pass>",
        "# The EFI system partition holds shim, GRUB and the A/B boot state (grubenv);",
        "# mounted on access (RAUC, mark-good) and unmounted after a minute idle.",
        f"PARTUUID={esp_uuid}  /boot/efi  vfat  umask=0077,noauto,x-systemd.automount,x-systemd.idle-timeout=60  0  0",
    ]
    if "/var/log" in sizes:
        lines.append("PARTLABEL=medbox-log  /var/log  ext4  nodev,nosuid,noexec,nofail  0  2")
    if "/var/lib/medbox" in sizes:
        lines.append("PARTLABEL=medbox-data  /var/lib/medbox  ext4  nodev,nosuid,nofail  0  2")
    if "swap" in sizes:
        lines.append("PARTLABEL=medbox-swap  none  swap  nofail  0  0")
    return "\n".join(lines) + "\n"


def rauc_system_conf(src, name):
    """RAUC's system.conf: bundles for this profile only, slots by label."""
    return (
        f"# RAUC (A/B updates) of the medbox {name} image; docs/update.md.\n"
        "# Written by images/lib/profile-layer.py. Slots by GPT label\n"
        "# (docs/image.md, \"Disk layout\"); GRUB boots them as partitions 3 and 4.\n"
        "[system]\n"
        "# A bundle of another profile is refused.\n"
        f"compatible=medbox-{name}\n"
        "bootloader=grub\n"
        "# The A/B boot state GRUB reads (ORDER, A_OK, A_TRY, B_OK, B_TRY); the ESP is\n"
        "# mounted on access (/etc/fstab).\n"
        "grubenv=/boot/efi/EFI/debian/grubenv\n"
        "# No statusfile=: RAUC keeps each slot's status (installed version, hash) in\n"
        "# the slot itself, so nothing about updates is written to the data partition.\n"
        "\n"
        "[handlers]\n"
        "# Carries the machine's identity and the site's settings (/etc) into the\n"
        "# slot just written: /usr/lib/medbox/carry-over.list.\n"
        "post-install=/usr/libexec/medbox/rauc-carry-over\n"
        "\n"
        "[keyring]\n"
        "# The CA that signs bundles (images/build.sh installs it; docs/update.md).\n"
        "path=/etc/rauc/keyring.pem\n"
        "\n"
        "[slot.rootfs.0]\n"
        "device=/dev/disk/by-partlabel/root-a\n"
        "type=ext4\n"
        "bootname=A\n"
        "# The bundle's file system is the size of its content: grow it to the slot.\n"
        "resize=true\n"
        "\n"
        "[slot.rootfs.1]\n"
        "device=/dev/disk/by-partlabel/root-b\n"
        "type=ext4\n"
        "bootname=B\n"
        "resize=true\n")


if __name__ == "__main__":
    main()

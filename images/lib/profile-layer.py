#!/usr/bin/env python3
"""Writes the generated part of an image's profile layer from hwprofiles/<name>.json.

    profile-layer.py HWPROFILE.json OUTDIR ROOT_PARTUUID ESP_PARTUUID

OUTDIR/skeleton/ (copied into the root before packages are installed):
    etc/hostname, etc/hosts    host name medbox-<profile>
    etc/fstab                  the EFI system partition by PARTUUID
OUTDIR/extra/ (copied after):
    usr/lib/systemd/network/10-medbox-<role><n>.link
        one per NIC the profile lists, naming it after its role (lan0, dmz0,
        mgmt0, ha0, ...) so firewall profiles and .network files can use
        stable role names on any server of the profile.
    usr/lib/systemd/network/50-medbox-management.network
        DHCP on the management NIC (the one of role "mgmt", else the first
        that carries "mgmt"); a site sets a static address with a file of
        the same name in /etc/systemd/network/ (docs/install.md).
    usr/share/medbox/management.env
        MEDBOX_MANAGEMENT_NIC=<name>, for the default boot firewall and the
        first-access screen (docs/firewall.md, docs/install.md).

Which physical port is which role: the profile lists NIC roles in the order
of the server's onboard ports (firmware names eno1, eno2, ...), so role n
matches ID_NET_NAME_ONBOARD=eno<n>. A site whose cabling differs overrides a
file by name in /etc/systemd/network/ (e.g. matching MACAddress=).
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
    if len(sys.argv) != 5:
        fail(__doc__.strip().splitlines()[2].strip())
    src, out, root_uuid, esp_uuid = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
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
    write(out / "skeleton/etc/fstab",
          f"# /etc/fstab of the medbox {name} image (written by images/build.sh).\n"
          "# Partitions by GPT partition UUID; the image's disk layout is in docs/image.md.\n"
          "# The root file system has no line: the initramfs checks it and mounts it\n"
          f"# read-write from the kernel command line (root=PARTUUID={root_uuid} rw),\n"
          "# so the same tree also boots unchanged in a container (the boot test).\n"
          "# <file system>  <mount point>  <type>  <options>  <dump>  <pass>\n"
          "# The EFI system partition holds the boot loader and kernel; it is mounted\n"
          "# only to update them (mount /boot/efi), never left open.\n"
          f"PARTUUID={esp_uuid}  /boot/efi  vfat  umask=0077,noauto,nofail  0  0\n")

    nics = prof.get("nics")
    if not isinstance(nics, list) or not nics:
        fail(f"{src}: nics: expected a non-empty list")
    port = 0
    seen = set()
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
        why = nic.get("why", "")
        for n in range(count):
            port += 1
            ifname = f"{role}{n}"
            write(out / f"extra/usr/lib/systemd/network/10-medbox-{ifname}.link",
                  f"# {ifname}: NIC role '{role}' of the {name} server (carries {carries}),\n"
                  f"# from hwprofiles/{src.name}: {why}\n"
                  f"# Written by images/build.sh. Matches onboard port {port} (eno{port}); a site\n"
                  f"# whose cabling differs puts a file of this name in /etc/systemd/network/\n"
                  "# matching the port by MACAddress=. systemd.link(5).\n"
                  f"[Match]\nProperty=ID_NET_NAME_ONBOARD=eno{port}\n\n"
                  f"[Link]\nName={ifname}\n"
                  "# The firmware and path names stay as alternative names (ip link show).\n"
                  "AlternativeNamesPolicy=database onboard slot path\n"
                  "MACAddressPolicy=persistent\n")

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


if __name__ == "__main__":
    main()

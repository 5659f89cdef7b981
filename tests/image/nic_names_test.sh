#!/usr/bin/env bash
# The NIC role names (images/fragments/10-base/.../medbox-nic-names) against
# sysfs trees laid out as the kernel shows PCI devices, in a temporary folder:
#   - a virtual machine (virtio NICs, no onboard numbers): roles by PCI
#     address, whatever the folder order; devices that are not Ethernet and
#     SR-IOV virtual functions are no ports; a port left over keeps its name;
#   - a server with onboard ports (ACPI acpi_index, SMBIOS index) and an
#     add-in card: onboard ports by number first, the card after them; zero
#     and out-of-range numbers are no onboard numbers;
#   - fewer ports than roles: the last roles get no NIC, and it is said;
#   - the installer's ESP files: one naming a role wins and the rule skips
#     that role, the others keep their ports; files with a wildcard, two names, no port match, a bad file
#     name, or a name another file has are skipped and named; CRLF is fine;
#   - every run replaces the files of the previous one;
#   - no role is ever in two files (each output is checked).
# With the image's udevadm (MEDBOX_IMAGE_ROOT, a built root file system) it
# also checks that the Path= written for the host's own PCI NIC is what udev
# computes for it (ID_PATH), and that udev parses the files without a word.
# Usage: nic_names_test.sh      (MEDBOX_SOURCE_DIR: the checkout)
set -uo pipefail
SRC=${MEDBOX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SCRIPT=$SRC/images/fragments/10-base/extra/usr/libexec/medbox/medbox-nic-names
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=../lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# pci SYSFS ADDRESS CLASS [ATTR=VALUE...]: one PCI function.
pci() {
    local d=$1/bus/pci/devices/$2 kv
    mkdir -p "$d"
    echo "$3" >"$d/class"
    shift 3
    for kv in "$@"; do
        if [ "$kv" = physfn ]; then ln -s .. "$d/physfn"; else echo "${kv#*=}" >"$d/${kv%%=*}"; fi
    done
}
# run SYSFS ROLES...: the script with these roles; output in $WORK/out.
run() {
    local sys=$1; shift
    printf '%s\n' "# roles" "$@" >"$WORK/roles"
    MEDBOX_SYSFS=$sys MEDBOX_NIC_ROLES=$WORK/roles MEDBOX_LINK_DIR=$WORK/out MEDBOX_ESP=$WORK/esp \
        sh "$SCRIPT" 2>&1
}
# path_of ROLE: the PCI path the generated file for ROLE matches ("" if none).
path_of() { sed -n 's/^Path=//p' "$WORK/out/10-medbox-$1.link" 2>/dev/null; }
# unique_names: no Name= in two files of the output.
unique_names() { ! cat "$WORK"/out/*.link | sed -n 's/^Name=//p' | sort | uniq -d | grep -q .; }

# --- a virtual machine --------------------------------------------------------------
vm=$WORK/vm
pci "$vm" 0000:00:00.0 0x060000                  # host bridge
pci "$vm" 0000:02:00.0 0x020000                  # virtio-net, second
pci "$vm" 0000:01:00.0 0x020000                  # virtio-net, first by address
pci "$vm" 0000:00:1f.2 0x010601                  # SATA controller
pci "$vm" 0000:01:00.4 0x020000 physfn           # an SR-IOV virtual function
out=$(run "$vm" lan0)
check "VM: lan0 is the lowest PCI address ($(path_of lan0))" test "$(path_of lan0)" = pci-0000:01:00.0
check "VM: the port left over is reported" grep -q "1 more Ethernet port" <<<"$out"
check "VM: one file, Name=lan0" test "$(cat "$WORK"/out/*.link | grep -c '^Name=')" = 1 -a -f "$WORK/out/10-medbox-lan0.link"
out=$(run "$vm" dmz0 lan0 mgmt0 ha0)
check "VM, four roles on two ports: dmz0, lan0 by address" \
    test "$(path_of dmz0) $(path_of lan0)" = "pci-0000:01:00.0 pci-0000:02:00.0"
check "VM: mgmt0 and ha0 get no NIC, and it is said" \
    bash -c '[ ! -e "$0/out/10-medbox-mgmt0.link" ] && grep -q "mgmt0: no Ethernet port left" <<<"$1"' "$WORK" "$out"
check "VM: no name twice" unique_names

# --- onboard ports and an add-in card ----------------------------------------------
srv=$WORK/server
pci "$srv" 0000:01:00.0 0x020000                 # add-in card, port 1
pci "$srv" 0000:01:00.1 0x020000                 # add-in card, port 2
pci "$srv" 0000:03:00.0 0x020000 acpi_index=2    # onboard 2 (ACPI)
pci "$srv" 0000:04:00.0 0x020000 index=1         # onboard 1 (SMBIOS)
pci "$srv" 0000:05:00.0 0x020000 acpi_index=0    # zero: no onboard number
pci "$srv" 0000:06:00.0 0x028000 acpi_index=3    # a network controller, not Ethernet
pci "$srv" 0000:07:00.0 0x020000 index=99999     # out of udev's range
out=$(run "$srv" dmz0 lan0 mgmt0 ha0)
check "server: onboard 1, onboard 2, then the card by address" \
    test "$(path_of dmz0) $(path_of lan0) $(path_of mgmt0) $(path_of ha0)" = \
    "pci-0000:04:00.0 pci-0000:03:00.0 pci-0000:01:00.0 pci-0000:01:00.1"
check "server: the comment says onboard port 2" grep -q "onboard port 2" "$WORK/out/10-medbox-lan0.link"
check "server: two ports left over (index 0 and 99999 are no onboard numbers)" grep -q "2 more Ethernet port" <<<"$out"
check "server: no name twice" unique_names

# --- the installer's files on the ESP ----------------------------------------------
mkdir -p "$WORK/esp/medbox/network"
esp=$WORK/esp/medbox/network
printf '[Match]\r\nMACAddress=52:54:00:12:34:56\r\n\r\n[Link]\r\nName=mgmt0\r\n' >"$esp/mgmt.link"
printf '[Match]\nMACAddress=52:54:00:*\n[Link]\nName=ha0\n' >"$esp/wild.link"
printf '[Match]\nMACAddress=52:54:00:00:00:01\n[Link]\nName=ha0\nName=lan0\n' >"$esp/two.link"
printf '[Match]\nDriver=e1000e\n[Link]\nName=ha0\n' >"$esp/nomac.link"
printf '[Match]\nPath=pci-0000:09:00.0\n[Link]\nName=mgmt0\n' >"$esp/other-mgmt.link"
printf '[Match]\nMACAddress=52:54:00:00:00:02\n[Link]\nName=ha0\n' >"$esp/bad name.link"
out=$(run "$srv" dmz0 lan0 mgmt0 ha0)
check "ESP: the file naming mgmt0 is used, before the rule's files, without CR" \
    bash -c 'f=$0/out/05-medbox-esp-mgmt.link; [ -f "$f" ] && grep -qx "Name=mgmt0" "$f" && ! grep -q $'"'\r'"' "$f"' "$WORK"
check "ESP: the rule gives mgmt0 to no port" test ! -e "$WORK/out/10-medbox-mgmt0.link"
check "ESP: the other roles keep their ports (ha0 the fourth)" \
    test "$(path_of dmz0) $(path_of lan0) $(path_of ha0)" = "pci-0000:04:00.0 pci-0000:03:00.0 pci-0000:01:00.1"
check "ESP: a wildcard match is skipped and named" grep -q "wild.link: needs a MACAddress=" <<<"$out"
check "ESP: two names are skipped and named" grep -q "two.link: needs exactly one Name=" <<<"$out"
check "ESP: no MAC or path match is skipped and named" grep -q "nomac.link: needs a MACAddress=" <<<"$out"
check "ESP: a second file for mgmt0 is skipped and named" grep -q "other-mgmt.link: mgmt0 is named by another ESP file" <<<"$out"
check "ESP: a bad file name is skipped and named" grep -q "bad name.link: the name may hold only" <<<"$out"
check "ESP: only the good file copied" test "$(ls "$WORK/out" | grep -c '^05-')" = 1
check "ESP: no name twice" unique_names
rm -r "$WORK/esp"
run "$vm" lan0 >/dev/null
check "a second run replaces the first's files" test "$(ls "$WORK/out" | paste -sd' ')" = 10-medbox-lan0.link
printf 'dmz0\n' >"$WORK/roles"
check "no roles file: nothing to do, exit 0" bash -c \
    'MEDBOX_NIC_ROLES=$0/none MEDBOX_LINK_DIR=$0/out2 sh "$1" | grep -q "no role names"' "$WORK" "$SCRIPT"

# --- the image's own udev, against this machine's PCI NIC ---------------------------
root=${MEDBOX_IMAGE_ROOT:-}
nic=""
for d in /sys/class/net/*; do
    [ -e "$d/device" ] || continue
    case $(readlink -f "$d/device") in */[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:*) nic=${d##*/}; break ;; esac
done
if [ -n "$root" ] && [ -x "$root/usr/bin/udevadm" ] && [ -n "$nic" ] && [ "$(id -u)" = 0 ]; then
    run /sys lan0 >/dev/null
    udev() {
        unshare -m sh -c 'mount --bind /sys "$0/sys" && mount -t tmpfs tmpfs "$0/run" &&
            mkdir -p "$0/run/systemd/network" && cp "$1"/*.link "$0/run/systemd/network/" &&
            chroot "$0" udevadm test-builtin "$2" "/sys/class/net/$3"' "$root" "$WORK/out" "$1" "$nic" 2>&1
    }
    id_path=$(udev path_id | sed -n 's/^ID_PATH=//p')
    check "this machine's $nic: udev's ID_PATH ($id_path) is the Path= written for lan0" test "$id_path" = "$(path_of lan0)"
    parsed=$(udev net_setup_link)
    check "the image's udev parses the generated file without a complaint" bash -c \
        'grep -q "Parsed configuration file \"/run/systemd/network/10-medbox-lan0.link\"" <<<"$0" &&
         ! grep -iE "10-medbox-lan0.link.*(unknown|invalid|failed|ignoring)" <<<"$0"' "$parsed"
else
    echo "# skipped the udev checks: MEDBOX_IMAGE_ROOT unset, no PCI NIC here, or not root"
fi

tap_summary

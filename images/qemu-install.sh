#!/usr/bin/env bash
# docs/install.md followed step by step on a QEMU "server" (TCG), as an
# installer would, from a blank disk to signing in to the console:
#
#   images/qemu-install.sh out/application/disk.raw [--firmware secureboot|uefi|bios]
#                          [--disk-size SIZE] [--timeout SEC] [--keep DIR] [--esp-link]
#
# The server: a blank sparse disk of the profile's size (default 100G), two
# virtio NICs without onboard numbers (like add-in cards): the management
# network at PCI 00:10.0 and a second network at 00:11.0 (given to QEMU in
# the opposite order: the command line's order must not matter). The
# management network is a bridge in a network namespace of its own with a
# DHCP server (dnsmasq) and the installer's "laptop" (10.10.9.1).
# Steps (docs/install.md), each checked:
#   Disk 3:   dd of disk.raw onto the blank disk (conv=fsync; a file stands in
#             for /dev/sda, hence notrunc)
#   Access 5: the installer's SSH key into ESP:/medbox/authorized_keys (mtools,
#             as a laptop writes the FAT partition); with --esp-link also
#             ESP:/medbox/network/lan0.link naming the SECOND NIC lan0 by MAC
#   Disk 4:   first boot (firmware default secureboot, the guide's preferred
#             mode); the serial console stands in for the screen
#   Access 1: the management NIC is lan0: by the rule, the lower PCI address
#             (or, with --esp-link, the NIC the ESP file names)
#   Access 2: lan0 got its address from the DHCP server (dnsmasq's lease for
#             its MAC)
#   Access 3: the screen shows the console's URL on that address, the
#             certificate's fingerprint and the one-time password
#   Access 4: from the laptop: the certificate at the URL has the fingerprint
#             on the screen; sign-in with the one-time password, the forced
#             change; the password leaves the screen file
#   Access 5: SSH as root with the key from the ESP; without it refused
#   Disk 5:   the guide's checks (lsblk, findmnt, swapon) over SSH
#   the other NIC keeps its path name and the boot firewall lets nothing in
#   on it; then power-off over SSH.
# Timings and the serial log go to --keep DIR (default: a temporary folder,
# removed). Needs root, qemu-system-x86, ovmf, dnsmasq (dnsmasq-base),
# mtools, openssh-client, curl, openssl.
set -euo pipefail

disk=${1:?usage: qemu-install.sh DISK.RAW [--firmware secureboot|uefi|bios] [--disk-size SIZE] [--timeout SEC] [--keep DIR] [--esp-link]}
shift
firmware=secureboot disk_size=100G limit=900 keep="" esp_link=0
while (($#)); do
    case $1 in
        --firmware) firmware=${2:?}; shift 2 ;;
        --disk-size) disk_size=${2:?}; shift 2 ;;
        --timeout) limit=${2:?}; shift 2 ;;
        --keep) keep=$(readlink -m "${2:?}"); shift 2 ;;
        --esp-link) esp_link=1; shift ;;
        *) echo "qemu-install: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -f "$disk" ] || { echo "qemu-install: no disk image $disk" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "qemu-install: needs root (network namespace, tap NICs)" >&2; exit 2; }
for tool in dnsmasq mcopy mmd ssh ssh-keygen curl openssl sfdisk; do
    command -v "$tool" >/dev/null || { echo "qemu-install: $tool missing" >&2; exit 2; }
done
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
export MEDBOX_QEMU_FIRMWARE=$firmware
qemu_check || exit 2

work=$(mktemp -d /tmp/medbox-install.XXXXXX)
ns=medbox-install-$$
export MEDBOX_QEMU_NETNS=$ns
qemu_pid="" dnsmasq_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local status=$?
    qemu_stop
    [ -z "$dnsmasq_pid" ] || kill "$dnsmasq_pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    if [ -n "$keep" ]; then
        mkdir -p "$keep"
        cp "$work"/serial.log "$work"/dnsmasq.log "$work"/steps.txt "$keep/" 2>/dev/null || true
        [ -f "$work/journal.txt" ] && cp "$work/journal.txt" "$keep/"
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$SECONDS
say() { echo "$*" | tee -a "$work/steps.txt"; }
ok() { say "ok - $* ($((SECONDS - start)) s)"; }
fail() { say "not ok - $*"; [ -f "$work/serial.log" ] && serial | tail -25; exit 1; }
serial() { sed 's/\x1b\[[0-9;]*[a-zA-Z]//g; s/\r//g' "$work/serial.log" 2>/dev/null; }
in_ns() { ip netns exec "$ns" "$@"; }

# --- Disk 1-3: a blank disk of the profile's size, the image written with dd ---------
server=$work/server-disk.raw
truncate -s "$disk_size" "$server"
dd if="$disk" of="$server" bs=4M conv=fsync,notrunc status=none
ok "Disk 3: dd if=$(basename "$disk") of=<blank $disk_size disk> bs=4M conv=fsync (notrunc: a file stands in for /dev/sda)"

# --- First access 5 (before the boot): the SSH key on the ESP ----------------------
ssh-keygen -q -t ed25519 -N '' -C installer@laptop -f "$work/id_installer"
read -r esp_off _ < <(partition_extent "$server" esp)
esp="$server@@$esp_off"
mmd -i "$esp" ::/medbox 2>/dev/null || true
mcopy -i "$esp" "$work/id_installer.pub" ::/medbox/authorized_keys
ok "First access 5: the installer's public key written to ESP:/medbox/authorized_keys"
mac_mgmt=52:54:00:10:09:01 mac_other=52:54:00:10:08:01
lan0_mac=$mac_mgmt
if ((esp_link)); then
    # The installer's own choice: the second NIC (higher PCI address) is lan0.
    printf '[Match]\r\nMACAddress=%s\r\n\r\n[Link]\r\nName=lan0\r\n' "$mac_other" >"$work/lan0.link"
    mmd -i "$esp" ::/medbox/network
    mcopy -i "$esp" "$work/lan0.link" ::/medbox/network/lan0.link
    lan0_mac=$mac_other
    ok "First access 1: ESP:/medbox/network/lan0.link names the NIC with MAC $mac_other lan0"
fi

# --- the networks: management (DHCP, the laptop) and a second one ---------------------
ip netns add "$ns"
in_ns ip link set lo up
for net in mgmt:10.10.9.1 other:10.10.8.1; do
    name=${net%%:*}
    in_ns ip link add "br-$name" type bridge
    in_ns ip addr add "${net#*:}/24" dev "br-$name"
    in_ns ip tuntap add "tap-$name" mode tap
    in_ns ip link set "tap-$name" master "br-$name"
    in_ns ip link set "tap-$name" up
    in_ns ip link set "br-$name" up
done
# The DHCP server answers on the management network only (as a hospital's
# would on that VLAN); the lan0 cable is the one on br-mgmt.
mgmt_bridge=br-mgmt mgmt_net=10.10.9
if ((esp_link)); then mgmt_bridge=br-other mgmt_net=10.10.8; fi
in_ns dnsmasq --keep-in-foreground --user=root --no-resolv --no-hosts --port=0 \
    --interface="$mgmt_bridge" --bind-interfaces --dhcp-range="$mgmt_net.100,$mgmt_net.150,255.255.255.0,1h" \
    --dhcp-leasefile="$work/leases" --log-dhcp --log-facility="$work/dnsmasq.log" &
dnsmasq_pid=$!

# --- Disk 4: first boot ---------------------------------------------------------------
# The other network's NIC first on the command line, at the higher address
# (the kernel finds them in address order either way: eth0 is 00:10.0).
qemu_start "$server" "$work" \
    -netdev tap,id=other,ifname=tap-other,script=no,downscript=no \
    -device virtio-net-pci,netdev=other,mac=$mac_other,addr=0x11 \
    -netdev tap,id=mgmt,ifname=tap-mgmt,script=no,downscript=no \
    -device virtio-net-pci,netdev=mgmt,mac=$mac_mgmt,addr=0x10
say "# firmware $firmware, disk $disk_size, NICs: $mac_mgmt at 00:10.0 (management network), $mac_other at 00:11.0"
wait_for() { # wait_for PATTERN DESCRIPTION
    until serial | grep -qE "$1"; do
        kill -0 "$qemu_pid" 2>/dev/null || fail "QEMU exited before: $2"
        ((SECONDS - start < limit)) || fail "$2: not within $limit s"
        sleep 2
    done
    ok "$2"
}
wait_for 'Linux version' "Disk 4: the firmware started GRUB, GRUB the kernel"
[ "$firmware" = secureboot ] && wait_for 'Secure boot enabled' "Disk 4: Secure Boot is on"
wait_for ' login: ' "Disk 4: the login prompt on the screen (serial console)"
# The screen as the installer reads it: agetty redraws it when lan0 gets
# its address (\4{lan0}) and when the certificate is made.
wait_for "Console: +https://$mgmt_net\.[0-9]+:9443/" "First access 3: the screen shows the console's URL on the management network"
wait_for 'Certificate: +SHA-256 [0-9A-F:]{95}' "First access 3: the screen shows the certificate's fingerprint"
wait_for 'Sign in as: +admin / [^ ]+' "First access 3: the screen shows the one-time password"
screen=$(serial)
url=$(grep -oE "https://$mgmt_net\.[0-9]+:9443/" <<<"$screen" | tail -1)
addr=${url#https://}; addr=${addr%%:*}
print=$(grep -oE 'SHA-256 [0-9A-F:]{95}' <<<"$screen" | tail -1 | cut -d' ' -f2)
password=$(grep -oE 'Sign in as: +admin / [^ ]+' <<<"$screen" | tail -1 | sed 's/.* //')
say "# the screen: $url  $print  admin / ${password:0:6}..."
sed -n '/medbox first access/,/SSH:/p' <<<"$screen" | tail -7 | sed 's/^/#   /' | tee -a "$work/steps.txt"

# --- First access 1-2: lan0 and its DHCP lease --------------------------------------------
lease=$(awk -v m="$lan0_mac" '$2 == m {print $3}' "$work/leases" 2>/dev/null | tail -1)
[ "$lease" = "$addr" ] || fail "First access 2: the URL's address $addr is not the DHCP lease of $lan0_mac (${lease:-none}): $(cat "$work/leases" 2>/dev/null)"
ok "First access 2: the NIC with MAC $lan0_mac got $addr from the DHCP server, the address on the screen"

# --- First access 4: the console from the laptop ------------------------------------------
presented=$(in_ns openssl s_client -connect "$addr:9443" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//')
[ "$presented" = "$print" ] || fail "First access 4: the certificate at $url has $presented, the screen says $print"
ok "First access 4: the certificate at $url has the fingerprint on the screen"
page=$(in_ns curl -sSk --max-time 30 "$url" -o /dev/null -w '%{http_code} %{content_type}')
[[ $page == 200\ text/html* ]] || fail "First access 4: GET $url: $page"
ok "First access 4: the console's sign-in page at $url: $page"
api() { # api METHOD PATH [TOKEN [JSON]]: the body, then the status on its own line
    in_ns curl -sSk --max-time 60 -X "$1" ${3:+-H "Authorization: Bearer $3"} \
        ${4:+-H 'Content-Type: application/json' --data "$4"} -w '\n%{http_code}' "${url%/}$2"
}
r=$(api POST /api/v1/auth/login "" "{\"username\":\"admin\",\"password\":\"$password\"}")
[ "$(tail -1 <<<"$r")" = 200 ] || fail "First access 4: sign-in with the one-time password: $r"
token=$(sed '$d' <<<"$r" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
newpw="Install-trial-$RANDOM-$RANDOM-x"
r=$(api POST /api/v1/auth/password "$token" "{\"oldPassword\":\"$password\",\"newPassword\":\"$newpw\"}")
[ "$(tail -1 <<<"$r")" = 200 ] || fail "First access 4: the forced password change: $r"
ok "First access 4: signed in as admin with the one-time password and chose a new one"

# --- First access 5: SSH -----------------------------------------------------------------------
ssh_opts=(-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=20
          -o LogLevel=ERROR)
on_server() { in_ns ssh "${ssh_opts[@]}" -i "$work/id_installer" "root@$addr" "$@"; }
# sshd makes its host keys at its first start, which under TCG on a loaded
# machine may come after the console: the installer retries, as here.
ssh_from=$SECONDS
first_err=""
until who=$(on_server 'id -un; hostname' 2>"$work/ssh.err"); do
    [ -n "$first_err" ] || first_err=$(tail -1 "$work/ssh.err")
    ((SECONDS - ssh_from < 240)) || fail "First access 5: SSH as root with the key from the ESP: $(cat "$work/ssh.err")"
    sleep 5
done
((SECONDS - ssh_from < 5)) || say "# SSH answered $((SECONDS - ssh_from)) s after the first try (first: $first_err)"
ok "First access 5: ssh root@$addr with the key from the ESP: $(paste -sd' ' <<<"$who")"
if out=$(in_ns ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no "root@$addr" true 2>&1); then
    fail "First access 5: SSH without a key succeeded"
fi
grep -q 'Permission denied (publickey)' <<<"$out" || fail "First access 5: SSH without a key: $out"
ok "First access 5: SSH without a key is refused (publickey only)"
if on_server 'test -e /var/lib/medbox/console/console-initial-admin.txt || grep -q "admin / " /run/medbox-issue/medbox.issue'; then
    fail "First access 3: the one-time password is still on the disk or the screen after the change"
fi
ok "First access 3: after the change the password is gone from the disk and the screen's file"

# --- the NICs, as the guide's rule says ----------------------------------------------------------
links=$(on_server 'ip -br link; echo ---; journalctl -b -o cat -u medbox-nic-names; echo ---; cat /sys/class/net/lan0/address; ls -l /sys/class/net/ | sed -n "s/.*\(0000:[0-9a-f:.]*\)\/virtio[0-9]*\/net\/\([^ ]*\)$/\2 \1/p"')
sed 's/^/#   /' <<<"$links" | tee -a "$work/steps.txt"
got_mac=$(sed -n '/^---$/,$p' <<<"$links" | grep -oE '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' | head -1)
[ "$got_mac" = "$lan0_mac" ] || fail "First access 1: lan0 is the NIC with MAC ${got_mac:-none}, expected $lan0_mac"
ok "First access 1: lan0 is the NIC with MAC $lan0_mac"
[ "$(sed '/^---$/q' <<<"$links" | grep -c '^lan0 ')" = 1 ] || fail "First access 1: not exactly one lan0"
other_if=$(grep -E '^en' <<<"$links" | awk '{print $1}' | head -1)
[ -n "$other_if" ] || fail "First access 1: the other NIC kept no path name"
ok "First access 1: the other NIC keeps its path name $other_if"
if ((!esp_link)); then
    grep -q 'lan0: port 1 (PCI address 0000:00:10.0)' <<<"$links" || fail "the journal of medbox-nic-names lacks 'lan0: port 1 (PCI address 0000:00:10.0)'"
    ok "medbox-nic-names: lan0 is port 1 by PCI address (00:10.0), although QEMU created 00:11.0 first"
else
    grep -q 'lan0: named by the ESP file medbox/network/lan0.link' <<<"$links" || fail "the journal of medbox-nic-names does not name the ESP file"
    ok "medbox-nic-names: lan0 named by the ESP file"
fi
table=$(on_server 'nft list table inet medbox') || fail "nft list table inet medbox"
grep -q 'comment "medbox model=boot management=lan0"' <<<"$table" || fail "the boot firewall is not the default boot profile for lan0"
ok "the default boot profile is loaded: only lan0 open"

# --- Disk 5: the guide's checks ----------------------------------------------------------------
checks=$(on_server 'lsblk -o NAME,SIZE,PARTLABEL,MOUNTPOINTS /dev/vda; findmnt /var/lib/medbox; findmnt /var/log; swapon --show; systemd-analyze') ||
    fail "Disk 5: the checks over SSH"
sed 's/^/#   /' <<<"$checks" | tee -a "$work/steps.txt"
for label in root-a root-b medbox-log medbox-data medbox-swap; do
    grep -q " $label" <<<"$checks" || fail "Disk 5: no $label partition"
done
grep -qE '^/var/lib/medbox +/dev/vda6' <<<"$checks" || fail "Disk 5: /var/lib/medbox is not medbox-data (vda6)"
ok "Disk 5: the profile's partitions, /var/lib/medbox, /var/log and swap as the guide expects"

# --- power off --------------------------------------------------------------------------------------
on_server 'systemctl poweroff' >/dev/null 2>&1 || true
until ! kill -0 "$qemu_pid" 2>/dev/null; do
    ((SECONDS - start < limit)) || fail "no power-off within $limit s"
    sleep 1
done
qemu_pid=""
serial | grep -q 'reboot: Power down' || fail "QEMU ended without a clean power-off"
ok "powered off over SSH"
say "# all steps passed in $((SECONDS - start)) s"

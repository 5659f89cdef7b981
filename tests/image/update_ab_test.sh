#!/usr/bin/env bash
# A/B update test (docs/update.md, "What the tests prove"): RAUC installs
# version N+1 into the other root slot of a disk that holds patient data, and
# GRUB falls back to slot A by itself when N+1 is never marked good.
#
# Real parts: the disk layout (write_gpt + the application profile's
# systemd-repart definitions on a sparse 100 GB file), the ESP's grub.cfg
# (images/lib/grub-cfg.sh) and grubenv, RAUC's system.conf from
# images/lib/profile-layer.py, keys and bundles from images/lib/bundle.sh
# (what images/build.sh --bundle uses), Debian's rauc 1.8 service and CLI,
# and Debian's GRUB 2.06 run as grub-emu on the disk file to choose the slot.
# Stand-ins: the two root file systems are small ext4 trees that differ in
# IMAGE_VERSION (not full images; a full update of the real image is the
# manual QEMU check in docs/update.md); slots, ESP and data partition are
# loop devices over the disk file (no partition devices here), so system.conf's
# /dev/disk/by-partlabel paths are replaced by them; the booted slot is given
# to rauc with --override-boot-slot instead of rauc.slot= on a kernel command
# line; RAUC talks over a private D-Bus bus, not the system bus; bundles are
# "plain" (device-mapper, which "verity" bundles need, is missing here); the
# kernel here cannot mount FAT, so RAUC edits a copy of the ESP's grubenv that
# the test moves in and out of the ESP with mtools (GRUB itself reads and
# writes the one on the ESP).
#
# Needs root, rauc, rauc-service (D-Bus policy), squashfs-tools, grub-emu,
# grub-common, dbus, openssl, e2fsprogs, dosfstools, mtools, util-linux.
set -euo pipefail
SRC=${MEDBOX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../images/lib/common.sh
. "$SRC/images/lib/common.sh"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (loop devices, mounts)"
for tool in rauc mksquashfs grub-emu grub-editenv dbus-daemon openssl systemd-repart losetup debugfs mkfs.vfat mcopy script; do
    command -v "$tool" >/dev/null || skip "$tool is missing (see .ci/packages-image.txt)"
done
losetup -f >/dev/null 2>&1 || skip "no free loop device"

work=$(mktemp -d /tmp/medbox-update.XXXXXX)
export MEDBOX_LOOPS=$work/loops  # partition_loop records its devices here
bus_pid="" rauc_pid=""
cleanup() {
    [ -z "$rauc_pid" ] || kill "$rauc_pid" 2>/dev/null || true
    [ -z "$bus_pid" ] || kill "$bus_pid" 2>/dev/null || true
    release_loops
    rm -rf "$work"
}
trap cleanup EXIT
bad=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; bad=1; }
die() { echo "not ok - $*"; exit 1; }

profile=application
disk=$work/disk.raw
bundle() { "$SRC/images/lib/bundle.sh" "$@"; }

# --- versions N and N+1: root file systems and signed bundles -----------------------
# root_tree DIR VERSION: a root tree identified as os-release says (finish.sh).
root_tree() {
    mkdir -p "$1/usr/lib" "$1/etc"
    printf 'ID=debian\nIMAGE_ID=medbox-%s\nIMAGE_VERSION=%s\n' "$profile" "$2" >"$1/usr/lib/os-release"
    ln -s ../usr/lib/os-release "$1/etc/os-release"
}
root_tree "$work/tree-n" 1.0.0
root_tree "$work/tree-n1" 1.1.0
for v in n n1; do
    mkfs.ext4 -q -F -L root -d "$work/tree-$v" "$work/root-$v.ext4" 32M >/dev/null
done
bundle keys "$work/keys" 2>/dev/null
bundle keys "$work/other-keys" 2>/dev/null    # someone else's CA
bundle bundle "$work/root-n1.ext4" "$profile" 1.1.0 "$work/keys" "$work/n1.raucb" plain
bundle bundle "$work/root-n1.ext4" "$profile" 1.1.0 "$work/other-keys" "$work/n1-foreign.raucb" plain
bundle bundle "$work/root-n1.ext4" database 1.1.0 "$work/keys" "$work/n1-database.raucb" plain
ok "bundles of N+1 made and signed (our CA, a foreign CA, another profile)"

# --- the disk as after the first boot of N: layout, ESP, slot A, patient data ---------
python3 -B "$SRC/images/lib/profile-layer.py" "$SRC/hwprofiles/$profile.json" "$work/layer" x
write_gpt "$disk" "$profile" 64
dd if="$work/root-n.ext4" of="$disk" bs=1M seek="$root_start_mib" conv=notrunc,sparse status=none
mkdir -p "$work/espdir/EFI/debian"
bash "$SRC/images/lib/grub-cfg.sh" "$profile" 1.0.0 "console=ttyS0,115200" >"$work/espdir/EFI/debian/grub.cfg"
grub-editenv "$work/espdir/EFI/debian/grubenv" set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0
truncate -s $((esp_mib * 1048576)) "$work/esp.img"
mkfs.vfat -F 32 -n ESP "$work/esp.img" >/dev/null
(cd "$work/espdir" && mcopy -i "$work/esp.img" -s ./* ::/)
dd if="$work/esp.img" of="$disk" bs=1M seek="$esp_start_mib" conv=notrunc,sparse status=none
rm -f "$work/esp.img"
truncate -s 100G "$disk"
mkdir -p "$work/root/var/log"
systemd-repart --dry-run=no --no-pager --pretty=no --definitions="$work/layer/extra/usr/lib/repart.d" \
    --root="$work/root" --seed="$(medbox_uuid update-test)" "$disk" >"$work/repart.log" 2>&1 ||
    { cat "$work/repart.log"; die "systemd-repart failed"; }

loop_of() { partition_loop "$disk" "$@"; }  # LABEL [ro]: a loop device over that partition
slot_a=$(loop_of root-a)
slot_b=$(loop_of root-b)
data=$(loop_of medbox-data)
head -c 100000 /dev/urandom >"$work/patients.db"
debugfs -w -R "write $work/patients.db patients.db" "$data" >/dev/null 2>&1
data_sum=$(sha256sum <"$work/patients.db")
data_state=$(dumpe2fs -h "$data" 2>/dev/null | grep -E '^(Last write time|Last mount time|Mount count|Free blocks|Inode count):')
table=$(sfdisk -d "$disk")
ok "disk: application layout on 100 GB, slot A = 1.0.0, patient data on medbox-data"

# --- RAUC: the image's system.conf with the loop devices, on a private bus -----------------
mkdir -p "$work/esp/EFI/debian" "$work/mnt"
esp_at="$disk@@$((esp_start_mib * 1048576))"
esp_get() { mcopy -o -i "$esp_at" ::/EFI/debian/grubenv "$work/esp/EFI/debian/grubenv"; }
esp_put() { mcopy -o -i "$esp_at" "$work/esp/EFI/debian/grubenv" ::/EFI/debian/grubenv; }
esp_get
sed -e "s|/dev/disk/by-partlabel/root-a|$slot_a|; s|/dev/disk/by-partlabel/root-b|$slot_b|" \
    -e "s|^post-install=/usr/libexec/medbox/rauc-carry-over|post-install=$SRC/images/fragments/10-base/extra/usr/libexec/medbox/rauc-carry-over|" \
    -e "s|^grubenv=.*|grubenv=$work/esp/EFI/debian/grubenv|; s|^path=/etc/rauc/keyring.pem|path=$work/keys/ca.pem|" \
    "$work/layer/extra/etc/rauc/system.conf" >"$work/system.conf"
grep -q "^device=$slot_b$" "$work/system.conf" || die "system.conf does not name root-b by label"
grep -q "^post-install=$SRC/" "$work/system.conf" || die "system.conf has no carry-over handler"
# The running system's identity and site settings the handler carries over
# (a stand-in root: the test must not copy this machine's keys).
running=$work/running
mkdir -p "$running/etc/ssh" "$running/etc/systemd/network" "$running/root/.ssh"
echo 0123456789abcdef0123456789abcdef >"$running/etc/machine-id"
echo "host key of the test" >"$running/etc/ssh/ssh_host_ed25519_key"
printf '[Match]\nName=lan0\n[Network]\nAddress=10.10.2.20/24\n' >"$running/etc/systemd/network/10-lan0.network"
echo "ssh-ed25519 AAAA admin@hospital" >"$running/root/.ssh/authorized_keys"
export MEDBOX_CARRY_ROOT=$running
export MEDBOX_CARRY_LIST=$SRC/images/fragments/10-base/extra/usr/lib/medbox/carry-over.list
cat >"$work/bus.conf" <<BUS
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
BUS
bus_pid=$(dbus-daemon --config-file="$work/bus.conf" --fork --print-pid)
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/bus.sock
start_rauc() {  # BOOTED_SLOT
    [ -z "$rauc_pid" ] || { kill "$rauc_pid"; wait "$rauc_pid" 2>/dev/null || true; }
    rauc --conf="$work/system.conf" --mount="$work/mnt" service --override-boot-slot="$1" >>"$work/rauc-service.log" 2>&1 &
    rauc_pid=$!
    # (in a child shell: rauc aborts when asked before its service is up)
    for _ in $(seq 50); do bash -c 'rauc status; e=$?; exit $e' >/dev/null 2>&1 && return 0; sleep 0.2; done
    cat "$work/rauc-service.log"; die "rauc service did not come up"
}
start_rauc A
env_of() { grub-editenv "$work/esp/EFI/debian/grubenv" list | sort | paste -sd' '; }
version_in() { debugfs -R 'cat /usr/lib/os-release' "$1" 2>/dev/null | sed -n 's/^IMAGE_VERSION=//p'; }

# --- refusals: foreign signature, other profile ------------------------------------------
env_before=$(env_of)
for b in n1-foreign n1-database; do
    if rauc install "$work/$b.raucb" >"$work/$b.log" 2>&1; then
        notok "rauc installed $b.raucb"
    else
        ok "rauc refuses $b.raucb: $(grep -iE 'signature|compatible|error' "$work/$b.log" | tail -1 | cut -c1-120)"
    fi
done
[ "$(env_of)" = "$env_before" ] && ok "grubenv unchanged by the refused bundles" || notok "a refused bundle changed grubenv"

# --- install N+1 ------------------------------------------------------------------------------------
if rauc install "$work/n1.raucb" >"$work/install.log" 2>&1; then
    ok "rauc install n1.raucb: $(tail -1 "$work/install.log")"
else
    cat "$work/install.log"; die "rauc install failed"
fi
[ "$(version_in "$slot_b")" = 1.1.0 ] && ok "slot B holds IMAGE_VERSION 1.1.0" || notok "slot B holds '$(version_in "$slot_b")'"
[ "$(version_in "$slot_a")" = 1.0.0 ] && ok "slot A still holds 1.0.0" || notok "slot A changed"
carried=1
for f in /etc/machine-id /etc/ssh/ssh_host_ed25519_key /etc/systemd/network/10-lan0.network /root/.ssh/authorized_keys; do
    [ "$(debugfs -R "cat $f" "$slot_b" 2>/dev/null)" = "$(cat "$running$f")" ] || { notok "slot B lacks $f of the running system"; carried=0; }
done
((carried)) && ok "the post-install handler carried machine ID, SSH host key, network and admin keys into slot B"
blocks=$(dumpe2fs -h "$slot_b" 2>/dev/null | awk -F: '/^Block count/ {print $2 + 0}')
bsize=$(dumpe2fs -h "$slot_b" 2>/dev/null | awk -F: '/^Block size/ {print $2 + 0}')
slot_bytes=$(blockdev --getsize64 "$slot_b")
((blocks * bsize > slot_bytes - 64 * 1048576)) && ok "slot B's file system grown to the slot (resize=true): $((blocks * bsize / 1048576)) MiB" ||
    notok "slot B's file system not grown: $((blocks * bsize / 1048576)) MiB in $((slot_bytes / 1048576)) MiB"
env_after=$(env_of)
[[ $env_after == *'B_OK=1'* && $env_after == *'B_TRY=0'* && $env_after == *'ORDER=B A'* ]] &&
    ok "grubenv after the install: $env_after" || notok "grubenv after the install: $env_after"
[ "$(sfdisk -d "$disk")" = "$table" ] && ok "partition table unchanged" || notok "the update changed the partition table"
[ "$(debugfs -R 'cat /patients.db' "$data" 2>/dev/null | sha256sum)" = "$data_sum" ] &&
    ok "patient data intact (sha256 of the file)" || notok "patient data changed"
[ "$(dumpe2fs -h "$data" 2>/dev/null | grep -E '^(Last write time|Last mount time|Mount count|Free blocks|Inode count):')" = "$data_state" ] &&
    ok "data partition not even mounted or written (superblock times and counts unchanged)" || notok "the data partition was written"

# --- boots: Debian's GRUB (grub-emu) runs the ESP's grub.cfg on the disk file ---------------------------
esp_put
kill "$rauc_pid"; wait "$rauc_pid" 2>/dev/null || true; rauc_pid=""
cat >"$work/boot.cfg" <<'CFG'
set prefix=($root)/EFI/debian
source $prefix/grub.cfg
echo "MEDBOX_BOOTS slot=$default A_OK=$A_OK A_TRY=$A_TRY B_OK=$B_OK B_TRY=$B_TRY"
halt
CFG
# A test menu beside the real one: runs it, prints what it chose, halts.
mmd -i "$disk@@$((esp_start_mib * 1048576))" ::/EFI/t
mcopy -i "$disk@@$((esp_start_mib * 1048576))" "$work/boot.cfg" ::/EFI/t/grub.cfg
echo "(hd0) $disk" >"$work/device.map"
# boot: one power-on; prints the slot GRUB chose (0 = A, 1 = B) and the state.
boot() {
    local out=$work/grub-emu.out
    rm -f "$out"
    timeout 30 script -qec "grub-emu -m '$work/device.map' -r hd0,gpt2 -d /EFI/t" "$out" </dev/null >/dev/null 2>&1 || true
    sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$out" | tr -d '\r' | grep -ao 'MEDBOX_BOOTS.*' | tail -1 | sed 's/MEDBOX_BOOTS //'
}
mark_good() {  # SLOT: the health check on a boot of SLOT
    esp_get
    start_rauc "$1"
    rauc status mark-good >>"$work/mark.log" 2>&1 || { cat "$work/mark.log"; die "rauc status mark-good failed"; }
    kill "$rauc_pid"; wait "$rauc_pid" 2>/dev/null || true; rauc_pid=""
    esp_put
}
expect() {  # WHAT STATE-PATTERN
    local got
    got=$(boot)
    if [[ $got == $2 ]]; then ok "$1: $got"; else notok "$1: got '$got', expected $2"; fi
}
expect "boot 1 after the update: GRUB starts slot B on trial" 'slot=1 *B_TRY=1'
# N+1 broken: its health check never marks it good (no mark-good).
expect "boot 2, slot B never marked good: GRUB falls back to slot A by itself" 'slot=0 *B_TRY=1'
# Slot A runs its health check on that boot and passes.
mark_good A
expect "boot 3, slot A marked good: slot A again, B stays skipped" 'slot=0 A_OK=1 A_TRY=1 B_OK=1 B_TRY=1'
# The same update, healthy: install again, then the health check passes on B.
esp_get
start_rauc A
rauc install "$work/n1.raucb" >"$work/install2.log" 2>&1 || { cat "$work/install2.log"; die "second install failed"; }
kill "$rauc_pid"; wait "$rauc_pid" 2>/dev/null || true; rauc_pid=""
esp_put
expect "healthy N+1, boot 1: slot B on trial" 'slot=1 *B_TRY=1'
mark_good B
env_after=$(grub-editenv "$work/esp/EFI/debian/grubenv" list | sort | paste -sd' ')
[[ $env_after == *'B_OK=1 B_TRY=0'* ]] && ok "rauc status mark-good on slot B: $env_after" || notok "mark-good on B left: $env_after"
expect "healthy N+1 marked good, boot 2: slot B stays" 'slot=1 *B_TRY=1'
[ "$(debugfs -R 'cat /patients.db' "$data" 2>/dev/null | sha256sum)" = "$data_sum" ] &&
    ok "patient data intact after both updates and five boots" || notok "patient data changed"
exit "$bad"

#!/usr/bin/env bash
# Disk layout test (docs/image.md, "Disk layout"): for every hardware profile,
# applies the systemd-repart definitions images/lib/profile-layer.py writes
# from hwprofiles/<profile>.json to a sparse disk file of the profile's
# system disk size that holds the shipped partition table (images/lib/common.sh
# write_gpt: BIOS boot, ESP, root slot A), exactly as systemd-repart.service
# does at first boot on the real disk, and checks:
#   - labels, GPT types and order (root-a partition 3, root-b 4: GRUB boots
#     them by number), every size >= the profile's minimum, root-a = root-b;
#   - the shipped partitions keep their place and identity; a file in root-a
#     survives the growth; the backup GPT moved to the end of the disk;
#   - /var/lib/medbox and /var/log are partitions of their own with an ext4
#     file system of that label; swap has a swap signature; /var/log holds a
#     copy of the image's /var/log (CopyFiles=);
#   - a second run (every later boot) changes nothing: the table is the same
#     and a file written to the data partition is still there.
# Uses repart from the host's systemd (the same v252 as the image's) and loop
# devices with offsets (repart formats through them; no partition devices).
#
#   repart_layout_test.sh [PROFILE...]     default: every hwprofiles/*.json
set -euo pipefail
SRC=${MEDBOX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../images/lib/common.sh
. "$SRC/images/lib/common.sh"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (loop devices for repart's Format=)"
for tool in systemd-repart sfdisk losetup debugfs blkid mkfs.ext4 python3; do
    command -v "$tool" >/dev/null || skip "$tool is missing"
done
losetup -f >/dev/null 2>&1 || skip "no free loop device"

work=$(mktemp -d /tmp/medbox-repart.XXXXXX)
export MEDBOX_LOOPS=$work/loops  # partition_loop records its devices here
cleanup() {
    release_loops
    rm -rf "$work"
}
trap cleanup EXIT

bad=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; bad=1; }

# loop_of DISK LABEL: a read-write loop device over partition LABEL of DISK.
loop_of() { partition_loop "$1" "$2"; }

# A layout the image cannot make is refused, naming the key.
python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["layout"]["partitions"].append({"mount": "/srv", "minGiB": 1})
json.dump(p, open(sys.argv[2], "w"))' "$SRC/hwprofiles/application.json" "$work/application.json"
if python3 -B "$SRC/images/lib/profile-layer.py" "$work/application.json" "$work/bad" x 2>"$work/bad.err"; then
    notok "a layout with an unknown mount point was accepted"
elif grep -q 'layout.partitions\[5\].mount' "$work/bad.err"; then
    ok "a layout with an unknown mount point is refused: $(cat "$work/bad.err")"
else
    notok "unclear refusal of an unknown mount point: $(cat "$work/bad.err")"
fi

profiles=("$@")
if ((${#profiles[@]} == 0)); then
    for f in "$SRC"/hwprofiles/*.json; do profiles+=("$(basename "$f" .json)"); done
fi

for profile in "${profiles[@]}"; do
    echo "# $profile"
    d=$work/$profile
    mkdir -p "$d/root/var/log/journal" "$d/root/var/log/apt"
    echo "image log" >"$d/root/var/log/apt/marker"
    python3 -B "$SRC/images/lib/profile-layer.py" "$SRC/hwprofiles/$profile.json" "$d/layer" \
        "$(medbox_uuid "$profile/esp")"
    defs=$d/layer/extra/usr/lib/repart.d
    disk_gb=$(python3 -c '
import json, sys
prof = json.load(open(sys.argv[1]))
disk = next(x for x in prof["disks"] if x["role"] == "system")
print(disk.get("raidVolumeMinSizeGB", disk["minSizeGB"]))' "$SRC/hwprofiles/$profile.json")

    # The shipped disk: root-a small, with a file in it.
    write_gpt "$d/disk.raw" "$profile" 256
    mkdir -p "$d/rootfs/etc"
    echo "slot A of $profile" >"$d/rootfs/etc/medbox-slot-marker"
    mkfs.ext4 -q -F -L root -d "$d/rootfs" "$d/root.img" 256M >/dev/null
    dd if="$d/root.img" of="$d/disk.raw" bs=1M seek="$root_start_mib" conv=notrunc,sparse status=none
    sfdisk -J "$d/disk.raw" >"$d/before.json"
    # Written to a disk of the profile's size (dd of the image, then first boot).
    truncate -s "${disk_gb}G" "$d/disk.raw"

    if ! systemd-repart --dry-run=no --no-pager --pretty=no --definitions="$defs" --root="$d/root" \
        --seed="$(medbox_uuid "$profile/repart-test")" "$d/disk.raw" >"$d/repart.log" 2>&1; then
        notok "$profile: systemd-repart failed"; sed 's/^/#   /' "$d/repart.log"; continue
    fi
    ok "$profile: systemd-repart applied $(find "$defs" -name '*.conf' | wc -l) definitions to a ${disk_gb} GB disk"
    sfdisk -J "$d/disk.raw" >"$d/after.json"

    if python3 - "$SRC/hwprofiles/$profile.json" "$d/before.json" "$d/after.json" "$((disk_gb * 1000000000))" <<'PY'
import json, sys
prof = json.load(open(sys.argv[1]))
before = json.load(open(sys.argv[2]))["partitiontable"]
after = json.load(open(sys.argv[3]))["partitiontable"]
disk_bytes = int(sys.argv[4])
GiB = 1024 ** 3
types = {"bios": "21686148-6449-6E6F-744E-656564454649", "esp": "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
         "root-a": "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "root-b": "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
         "medbox-log": "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "medbox-data": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
         "medbox-swap": "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"}
label_of = {"/boot/efi": "esp", "/": "root-a", "/var/log": "medbox-log",
            "/var/lib/medbox": "medbox-data", "swap": "medbox-swap"}
parts = {p.get("name"): p for p in after["partitions"]}
bad = 0
def check(cond, what):
    global bad
    print(("ok - " if cond else "not ok - ") + what)
    bad |= not cond
wanted = {label_of[p["mount"]]: p["minGiB"] for p in prof["layout"]["partitions"]}
if "root-a" in wanted:
    wanted["root-b"] = wanted["root-a"]
wanted["bios"] = 1 / 1024
expected = [l for l in types if l in wanted]
check(sorted(parts) == sorted(expected), f"partitions {sorted(parts)} are {sorted(expected)}")
for label, min_gib in wanted.items():
    p = parts.get(label)
    if not p:
        continue
    size = p["size"] * 512
    check(p["type"].upper() == types[label], f"{label}: type {p['type']}")
    check(size >= min_gib * GiB, f"{label}: {size / GiB:.2f} GiB >= {min_gib} GiB")
    # repart aligns to 4 KiB (its grain), mkdisk.sh to 1 MiB.
    check(p["start"] % 8 == 0, f"{label}: starts on a 4 KiB boundary")
check(parts["root-a"]["node"].endswith("3") and parts["root-b"]["node"].endswith("4"),
      "root-a is partition 3 and root-b partition 4 (GRUB's slots)")
check(parts["root-a"]["size"] == parts["root-b"]["size"], "root-a and root-b are the same size (one RAUC image fits both)")
for old in before["partitions"]:
    new = parts[old["name"]]
    same = (old["start"], old["uuid"], old["node"]) == (new["start"], new["uuid"], new["node"])
    check(same, f"{old['name']}: same place, number and UUID as shipped")
    if old["name"] != "root-a":
        check(old["size"] == new["size"], f"{old['name']}: same size as shipped")
check(after["lastlba"] * 512 > disk_bytes - 2 * 1024 * 1024, "the backup GPT is at the end of the disk")
ends = sorted((p["start"], p["start"] + p["size"]) for p in after["partitions"])
check(all(a[1] <= b[0] for a, b in zip(ends, ends[1:])), "no two partitions overlap")
free = after["lastlba"] + 1 - max(e for _, e in ends)
check(free * 512 < 64 * 1024 * 1024, f"the disk is used: {free * 512 // 1048576} MiB left at the end")
sys.exit(bad)
PY
    then :; else bad=1; fi

    # File systems, through loop devices over the partitions.
    rootdev=$(loop_of "$d/disk.raw" root-a)
    if [ "$(debugfs -R 'cat /etc/medbox-slot-marker' "$rootdev" 2>/dev/null)" = "slot A of $profile" ]; then
        ok "$profile: root-a's file system survived the growth of its partition"
    else
        notok "$profile: root-a's file system lost its content"
    fi
    for label in medbox-log medbox-data; do
        grep -q "\"name\": *\"$label\"" "$d/after.json" || continue
        dev=$(loop_of "$d/disk.raw" "$label")
        fs=$(blkid -p -o export "$dev" | sed -n 's/^TYPE=//p')
        fslabel=$(blkid -p -o export "$dev" | sed -n 's/^LABEL=//p')
        if [ "$fs" = ext4 ] && [ "$fslabel" = "$label" ]; then ok "$profile: $label holds ext4 labelled $label"; else notok "$profile: $label holds '$fs' labelled '$fslabel'"; fi
        if [ "$label" = medbox-log ]; then
            if [ "$(debugfs -R 'cat /apt/marker' "$dev" 2>/dev/null)" = "image log" ] &&
               debugfs -R 'stat /journal' "$dev" 2>/dev/null | grep -q 'Type: directory'; then
                ok "$profile: medbox-log holds the image's /var/log (journal folder and files)"
            else
                notok "$profile: medbox-log lacks the image's /var/log"
            fi
        else
            echo "patient data of $profile" >"$d/patient.txt"
            debugfs -w -R "write $d/patient.txt patient.txt" "$dev" >/dev/null 2>&1
        fi
    done
    if grep -q '"name": *"medbox-swap"' "$d/after.json"; then
        dev=$(loop_of "$d/disk.raw" medbox-swap)
        if [ "$(blkid -p -o export "$dev" | sed -n 's/^TYPE=//p')" = swap ]; then ok "$profile: medbox-swap holds a swap signature"; else notok "$profile: medbox-swap is not swap"; fi
    fi
    release_loops

    # Every later boot: nothing changes, nothing is formatted again.
    if ! systemd-repart --dry-run=no --no-pager --pretty=no --definitions="$defs" --root="$d/root" \
        --seed="$(medbox_uuid "$profile/repart-test")" "$d/disk.raw" >"$d/repart2.log" 2>&1; then
        notok "$profile: the second systemd-repart run failed"; sed 's/^/#   /' "$d/repart2.log"; continue
    fi
    sfdisk -J "$d/disk.raw" >"$d/again.json"
    if cmp -s "$d/after.json" "$d/again.json"; then ok "$profile: a second run leaves the table as it is"; else notok "$profile: a second run changed the table"; diff "$d/after.json" "$d/again.json" | head; fi
    if grep -q '"name": *"medbox-data"' "$d/after.json"; then
        dev=$(loop_of "$d/disk.raw" medbox-data)
        if [ "$(debugfs -R 'cat /patient.txt' "$dev" 2>/dev/null)" = "patient data of $profile" ]; then
            ok "$profile: the data partition's files survive the second run"
        else
            notok "$profile: the second run lost the data partition's files"
        fi
        release_loops
    fi
    rm -f "$d/disk.raw" "$d/root.img"
done
exit "$bad"

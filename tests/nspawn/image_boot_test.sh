#!/usr/bin/env bash
# Boot test of the appliance image (docs/image.md, "Boot test"):
#
#   1. packages the build tree (cpack) and builds the application profile's
#      root file system with images/build.sh, or reuses the one cached (by
#      tests/lib/nspawn_root.sh, as image-boot-KEY) for exactly these inputs
#      (the image recipe, the profile and the .deb files);
#   2. boots it with systemd-nspawn -b (a full systemd as PID 1, under a
#      throw-away overlay, no network but its own loopback), waits until boot
#      is finished and every enabled medbox unit is active, i.e. reported
#      READY=1 (Type=notify); fails on any failed unit;
#   3. checks each service's /healthz over HTTPS, trusting the certificate
#      the service wrote into the trust folder;
#   4. kills one service with SIGKILL and checks that systemd restarted it
#      (NRestarts=1, a new main PID, /healthz again) and that
#      "medboxctl status" shows the restart;
#   5. drives a unit with medboxctl inside the image (stop, start, restart,
#      disable, enable; refusing systemd-journald with exit 3, an unknown
#      medbox unit with exit 5; status with journal lines), then through the
#      console's API as the bootstrap admin (restart via the polkit rule, 409
#      for stopping itself, 403 for a unit that is not medbox's, the audit
#      row), and powers the container off;
#   6. boots again with a drop-in that gives booking an invalid port, and
#      checks that step 2 fails and shows booking's journal lines
#      ("configuration error").
#
# Safe at first boot and first access (issue 11; docs/install.md), in the
# healthy boot: the container runs in a network namespace prepared here
# with NICs named like the profile's -- lan0, the application profile's
# management NIC, with the documented static .network file, and dmz0
# standing in for a non-management NIC -- each a veth to an "outside"
# namespace the probes run from. It checks that medbox-firewall.service
# loaded the default boot profile before network-pre.target and
# systemd-networkd; that from outside only SSH and the console answer, and
# only on lan0 (everything dropped on dmz0, and other ports on lan0); that
# the console listens on every address and presents, on the management
# address, the certificate whose fingerprint the login screen shows
# (agetty --show-issue) beside the URL and the one-time password, which
# goes from the screen once changed; that the SSH key put on the "ESP"
# (a folder bound at /boot/efi) logs in as root on lan0 and a password
# cannot; and that apply --confirm-within under the image's systemd locks
# the admin out, then reverts by itself (transient timer).
#
# On any failure it prints the journal lines of the medbox units from inside
# the container (journalctl -u 'medbox-*'), the failed units and the console.
#
# Commands run inside the container through nsenter into its namespaces
# (systemctl, journalctl, medboxctl are the image's own); curl runs on the
# host inside the container's network namespace. No container is left
# running: it is started under timeout(1), powered off at the end, and the
# EXIT trap stops nspawn, then kills the container's init by PID if needed.
#
# Environment: MEDBOX_BUILD_DIR (a built tree with CPackConfig.cmake),
# MEDBOX_SOURCE_DIR, MEDBOX_CACHE (the cached roots, default
# /var/cache/medbox-test; images/build.sh keeps its downloaded packages in
# MEDBOX_IMAGE_CACHE).
# Needs root, systemd-container, mmdebstrap (cold cache), util-linux
# (nsenter), curl; see .ci/packages-image.txt.
set -euo pipefail

SRC=${MEDBOX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MEDBOX_BUILD_DIR:-$SRC/build}
PROFILE=application
RECIPE_VERSION=1      # bump to force a rebuild of cached roots
BUILD_TIMEOUT=720     # images/build.sh --rootfs-only: about 2 min warm, 4 cold, 8 on a busy machine
BOOT_TIMEOUT=150      # one boot, its checks and power-off (normally 10-20 s)
READY_TIMEOUT=90      # boot finished and every medbox unit ready

# shellcheck source=../lib/nspawn_test.sh
. "$SRC/tests/lib/nspawn_test.sh"
indent() { sed 's/^/#   /'; }

[ "$(id -u)" = 0 ] || fail "needs root (systemd-nspawn, mmdebstrap)"
for tool in systemd-nspawn nsenter curl cpack; do
    command -v "$tool" >/dev/null || fail "$tool is missing (see .ci/packages-image.txt)"
done
[ -f "$BUILD/CPackConfig.cmake" ] || fail "$BUILD is not a configured build tree with cmake/packaging.cmake"

work=$(mktemp -d /tmp/medbox-boottest.XXXXXX)
clean_up_on_exit

# --- 1. the root file system --------------------------------------------------
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || echo 0)}
say "packaging $BUILD"
umask 022   # the .debs' bytes depend on it (see images/build.sh)
cpack --config "$BUILD/CPackConfig.cmake" -B "$work/debs" >"$work/cpack.log" 2>&1 ||
    { tail -30 "$work/cpack.log"; fail "cpack failed"; }
rm -rf "$work/debs/_CPack_Packages"

# The cache key: everything the root is made from, except the Debian mirror
# (a root made a day earlier with older Debian packages still tests our code).
key=$( {
    echo "recipe $RECIPE_VERSION $PROFILE"
    (cd "$SRC" && find images hwprofiles/$PROFILE.json \( -type f -o -type l \) ! -path 'images/out/*' -print0 |
        sort -z | xargs -0 sha256sum)
    (cd "$work/debs" && sha256sum -- *.deb)
} | sha256sum | cut -c1-16)
# build_image_root SRC PROFILE DEBS DIR: the profile's root file system, as
# images/build.sh makes it (a builder for nspawn_cached_root).
build_image_root() {
    local rc=0
    "$1/images/build.sh" "$2" --rootfs-only --debs "$3" --out "$4.out" && mv "$4.out/$2/rootfs" "$4" || rc=$?
    rm -rf "$4.out"
    return $rc
}
if [ ! -d "$NSPAWN_CACHE/image-boot-$key" ]; then
    command -v mmdebstrap >/dev/null || fail "no cached root and mmdebstrap is not installed"
fi
nspawn_cached_root image-boot "$key" "$BUILD_TIMEOUT" build_image_root "$SRC" "$PROFILE" "$work/debs"
grep '^\[image' "$NSPAWN_CACHE/image-boot-build.log" 2>/dev/null | sed 's/^/# /' || true

# --- helpers: report, check -----------------------------------------------------------
# report_failure NAME: what an operator needs to see why a boot went wrong.
report_failure() {
    echo "--- failed units"
    in_ct systemctl --failed --no-legend --no-pager 2>&1 || true
    echo "--- journal of the medbox units (journalctl -u 'medbox-*')"
    in_ct journalctl -b --no-pager -o short-monotonic -u 'medbox-*' 2>&1 | tail -60 || true
    echo "--- console (last 20 lines)"
    tail -20 "$work/console-$1.log" | sed 's/\x1b\[[0-9;]*[a-zA-Z]//g'
}

# show UNIT PROPERTY: one property of a unit, as systemctl show --value prints it.
show() { in_ct systemctl show -p "$2" --value "$1"; }

# healthz SERVICE: GET /healthz over HTTPS, trusting the service's own
# certificate from the trust folder; prints the body.
healthz() {
    local svc=$1 port
    port=$(in_ct cat "/var/lib/medbox/$svc/run/$svc.port")
    in_ct cat "/var/lib/medbox/trust/$svc.crt" >"$work/$svc.crt"
    nsenter --target "$init_pid" --net -- curl -sS --max-time 10 --cacert "$work/$svc.crt" \
        "https://127.0.0.1:$port/healthz"
}

# wait_ready: boot finished, every enabled medbox service active. Prints
# "ok"/"not ok" lines; returns 1 if anything failed. Sets $units.
wait_ready() {
    local deadline=$((SECONDS + READY_TIMEOUT)) state="" unit bad=0
    # systemctl answers once PID 1 has its private socket; --wait returns when
    # the boot job queue is empty.
    until state=$(in_ct timeout $((deadline > SECONDS ? deadline - SECONDS : 1)) systemctl is-system-running --wait 2>/dev/null); do
        # Not "offline": that is what systemctl says before the container's
        # systemd has made /run/systemd/system, early in its boot.
        case $state in running|degraded|maintenance|stopping) break ;; esac
        ((SECONDS < deadline)) || break
        sleep 0.5
    done
    mapfile -t units < <(in_ct systemctl list-unit-files --no-legend --no-pager --state=enabled 'medbox-*.service' | awk '{print $1}')
    # The services (Type=notify, by their unit file: the bus may still be
    # settling); the oneshots of the firewall and first access
    # (medbox-firewall, medbox-issue, medbox-ssh-keys) are checked below.
    local u services=()
    for u in "${units[@]}"; do
        in_ct grep -qx 'Type=oneshot' "/usr/lib/systemd/system/$u" || services+=("$u")
    done
    units=("${services[@]}")
    if ((${#units[@]} == 0)); then
        echo "not ok - no medbox service is enabled in the image"
        return 1
    fi
    for unit in "${units[@]}"; do
        # Type=notify: "active" only after the service sent READY=1; "failed"
        # once systemd gave up (exit 78, or too many restarts).
        until [[ $(show "$unit" ActiveState) == @(active|failed) ]] || ((SECONDS >= deadline)); do sleep 0.5; done
        local active sub type
        active=$(show "$unit" ActiveState)
        sub=$(show "$unit" SubState)
        type=$(show "$unit" Type)
        if [ "$active" = active ] && [ "$sub" = running ] && [ "$type" = notify ]; then
            echo "ok - $unit is active (running), Type=notify: it reported READY=1"
        else
            echo "not ok - $unit is $active ($sub), Type=$type; result $(show "$unit" Result)"
            bad=1
        fi
    done
    state=$(in_ct systemctl is-system-running 2>/dev/null || true)
    if [ "$state" = running ]; then
        echo "ok - boot finished: system state running, no failed unit"
    else
        echo "not ok - system state is '$state', not running: $(in_ct systemctl --failed --no-legend --plain --no-pager | awk '{print $1}' | paste -sd' ')"
        bad=1
    fi
    return $bad
}

# --- network and ESP of the first-access checks ------------------------------------
# Namespaces of our own (no interface ever appears on the host): the
# container's, with lan0 and dmz0, and the outside one with their peers.
ct_ns=mbx-ct-$$
out_ns=mbx-out-$$
remove_namespaces() { ip netns del "$ct_ns" 2>/dev/null; ip netns del "$out_ns" 2>/dev/null; true; }
trap 'rc=$?; remove_namespaces; (exit $rc); cleanup' EXIT
ip netns add "$ct_ns" && ip netns add "$out_ns" || fail "cannot create network namespaces"
ip link add lan0 netns "$ct_ns" type veth peer name to-lan0 netns "$out_ns"
ip link add dmz0 netns "$ct_ns" type veth peer name to-dmz0 netns "$out_ns"
ip -n "$out_ns" addr add 10.77.1.1/24 dev to-lan0
ip -n "$out_ns" addr add 10.77.2.1/24 dev to-dmz0
for l in lo to-lan0 to-dmz0; do ip -n "$out_ns" link set "$l" up; done
# nftables and networkd inside need CAP_NET_ADMIN, which nspawn keeps only
# with --private-network (not combinable with a namespace path).
NSPAWN_NETWORK=(--network-namespace-path="/run/netns/$ct_ns" --capability=CAP_NET_ADMIN)
# The documented static address (docs/install.md): a file of the same name
# as the image's DHCP one, in /etc/systemd/network/.
printf '[Match]\nName=lan0\n[Network]\nAddress=10.77.1.10/24\n' >"$work/static.network"
# The installer's SSH key on the ESP (medbox/authorized_keys).
mkdir -p "$work/esp/medbox"
ssh-keygen -q -t ed25519 -N '' -C boot-test -f "$work/id_boottest"
cp "$work/id_boottest.pub" "$work/esp/medbox/authorized_keys"
first_access_binds=(--bind-ro="$work/static.network:/etc/systemd/network/50-medbox-management.network"
                    --bind="$work/esp:/boot/efi")

# --- 2.-5. a healthy boot ------------------------------------------------------------
boot healthy "${first_access_binds[@]}"
if ! wait_ready; then
    report_failure healthy
    fail "the image did not boot to a running system with every medbox service ready"
fi

for unit in "${units[@]}"; do
    svc=${unit#medbox-}
    svc=${svc%.service}
    body=$(healthz "$svc" 2>&1) || { report_failure healthy; fail "GET /healthz of $svc: $body"; }
    if [[ $body == *'"status":"ok"'* && $body == *"\"service\":\"$svc\""* ]]; then
        echo "ok - $svc /healthz over HTTPS: $body"
    else
        report_failure healthy
        fail "$svc /healthz answered: $body"
    fi
done

# --- safe at first boot: the firewall before the network ------------------------------------
fw_t=$(show medbox-firewall.service ActiveEnterTimestampMonotonic)
pre_t=$(show network-pre.target ActiveEnterTimestampMonotonic)
nd_t=$(show systemd-networkd.service ExecMainStartTimestampMonotonic)
if [ "$(show medbox-firewall.service Result)" = success ] && ((fw_t > 0 && fw_t <= pre_t && fw_t <= nd_t)); then
    echo "ok - medbox-firewall.service done at ${fw_t} us, before network-pre.target (${pre_t}) and systemd-networkd (${nd_t})"
else
    report_failure healthy
    fail "medbox-firewall.service: result $(show medbox-firewall.service Result), at $fw_t; network-pre.target at $pre_t, networkd at $nd_t"
fi
[[ " $(show medbox-firewall.service Before) " == *" network-pre.target "* ]] || fail "medbox-firewall.service is not ordered before network-pre.target"
[[ " $(show systemd-networkd.service Requires) " == *" medbox-firewall.service "* ]] || fail "systemd-networkd does not require medbox-firewall.service"
echo "ok - ordering: medbox-firewall.service Before=network-pre.target; systemd-networkd requires it"
table=$(in_ct nft list table inet medbox 2>&1) || fail "no table inet medbox in the booted image: $table"
if grep -q 'comment "medbox model=boot management=lan0"' <<<"$table" &&
   grep -q 'iifname "lan0" jump management_in' <<<"$table"; then
    echo "ok - the default boot profile is loaded for the management NIC lan0"
else
    indent <<<"$table"
    fail "the running ruleset is not the default boot profile for lan0"
fi
# (Output captured first: with pipefail, grep -q quitting early would fail the
# writer with SIGPIPE and so the whole pipeline.)
[[ $(in_ct journalctl -b -u medbox-firewall.service --no-pager -o cat) == *"loaded the default boot profile"* ]] ||
    fail "medbox-firewall.service did not log which profile it loaded"

# --- first access ---------------------------------------------------------------------------
# dmz0 gets an address as a configured DMZ NIC would (the probes need one).
in_ct ip addr add 10.77.2.10/24 dev dmz0
in_ct ip link set dmz0 up
deadline=$((SECONDS + 20))
lan0_has_address() { [[ $(in_ct ip -4 -o addr show dev lan0) == *10.77.1.10/24* ]]; }
until lan0_has_address || ((SECONDS >= deadline)); do sleep 0.3; done
lan0_has_address || fail "lan0 did not get the static address of /etc/systemd/network/50-medbox-management.network"
echo "ok - lan0 has 10.77.1.10/24 from the static .network file that replaces the image's DHCP one"
listening=$(in_ct ss -Hltn)
if grep -qE '0\.0\.0\.0:9443 ' <<<"$listening" && grep -qE '(0\.0\.0\.0|\*|\[::\]):22 ' <<<"$listening"; then
    echo "ok - the console (9443) and sshd (22) listen on every address: only the firewall decides who reaches them"
else
    indent <<<"$listening"
    fail "the console or sshd does not listen on every address"
fi
# probe HOST PORT: open, dropped (no answer in 2 s) or refused, from outside.
probe() {
    local rc=0
    ip netns exec "$out_ns" timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null || rc=$?
    case $rc in 0) echo open ;; 124) echo dropped ;; *) echo refused ;; esac
}
expect_probe() { # expect_probe HOST PORT WANT WHAT
    local got
    got=$(probe "$1" "$2")
    [ "$got" = "$3" ] || { report_failure healthy; fail "$4: $1:$2 is $got, expected $3"; }
    echo "ok - $4: $1:$2 $got"
}
expect_probe 10.77.1.10 22 open "SSH on the management NIC"
expect_probe 10.77.1.10 9443 open "the console on the management NIC"
expect_probe 10.77.1.10 8444 dropped "booking's port on the management NIC"
expect_probe 10.77.2.10 22 dropped "SSH on the non-management NIC"
expect_probe 10.77.2.10 9443 dropped "the console on the non-management NIC"
health=$(ip netns exec "$out_ns" curl -sSk --max-time 10 https://10.77.1.10:9443/healthz 2>&1) ||
    fail "console /healthz on the management address: $health"
[[ $health == *'"status":"ok"'* ]] || fail "console /healthz on the management address answered: $health"
echo "ok - the console answers on the management address: $health"
presented=$(ip netns exec "$out_ns" openssl s_client -connect 10.77.1.10:9443 </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//')
screen=$(in_ct script -qec "agetty --show-issue" /dev/null </dev/null | tr -d '\r')
initial_pw=$(in_ct sed -n 's/^password: //p' /var/lib/medbox/console/console-initial-admin.txt)
if [ -n "$presented" ] && [ -n "$initial_pw" ] && grep -qF "https://10.77.1.10:9443/" <<<"$screen" &&
   grep -qF "SHA-256 $presented" <<<"$screen" && grep -qF "admin / $initial_pw" <<<"$screen"; then
    echo "ok - the login screen shows the URL https://10.77.1.10:9443/, the fingerprint of the certificate the console presents there ($presented) and the one-time password"
else
    indent <<<"$screen"
    fail "the login screen lacks the URL, the presented certificate's fingerprint ($presented) or the one-time password"
fi
in_ct grep -qxF "$(cat "$work/id_boottest.pub")" /root/.ssh/authorized_keys || fail "the key from the ESP is not in root's authorized_keys"
[ -f "$work/esp/medbox/authorized_keys.imported" ] && [ ! -e "$work/esp/medbox/authorized_keys" ] ||
    fail "the ESP's medbox/authorized_keys was not renamed after the import"
ssh_opts=(-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5)
who=$(ip netns exec "$out_ns" ssh "${ssh_opts[@]}" -i "$work/id_boottest" root@10.77.1.10 'id -un; cat /etc/hostname' 2>&1) ||
    fail "SSH as root with the key from the ESP: $who"
[[ $who == *root*medbox-application* ]] || fail "SSH as root answered: $who"
echo "ok - SSH as root on the management address with the key from the ESP (the file was renamed .imported)"
if out=$(ip netns exec "$out_ns" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no root@10.77.1.10 true 2>&1); then
    fail "SSH as root without a key succeeded"
fi
grep -q "Permission denied (publickey)" <<<"$out" || fail "SSH without a key: $out"
shadow=$(in_ct getent shadow root | cut -d: -f2)
[[ $shadow == [\!\*]* ]] || fail "root has a usable password hash"
echo "ok - no password login for root: sshd offers public keys only, and root's password field is '${shadow:0:1}'"

# A crash: SIGKILL of the main process; Restart=on-failure brings it back.

victim=${units[-1]}
svc=${victim#medbox-}
svc=${svc%.service}
old_pid=$(show "$victim" MainPID)
in_ct systemctl kill --kill-who=main --signal=SIGKILL "$victim"
deadline=$((SECONDS + 30))
until [ "$(show "$victim" NRestarts)" = 1 ] && [ "$(show "$victim" ActiveState)" = active ] || ((SECONDS >= deadline)); do
    sleep 0.5
done
new_pid=$(show "$victim" MainPID)
if [ "$(show "$victim" NRestarts)" = 1 ] && [ "$(show "$victim" ActiveState)" = active ] && [ "$new_pid" != "$old_pid" ]; then
    echo "ok - $victim killed (PID $old_pid), restarted by systemd as PID $new_pid, NRestarts=1"
else
    report_failure healthy
    fail "$victim was not restarted after SIGKILL (NRestarts=$(show "$victim" NRestarts), $(show "$victim" ActiveState), PID $new_pid)"
fi
body=$(healthz "$svc" 2>&1) || { report_failure healthy; fail "GET /healthz of $svc after the restart: $body"; }
echo "ok - $svc /healthz after the restart: $body"

status=$(in_ct medboxctl status 2>&1) || { echo "$status"; report_failure healthy; fail "medboxctl status failed"; }
indent <<<"$status"
# The RESTARTS column, by its position in the header (SINCE holds a space).
restarts=$(awk -v u="$victim" 'NR == 1 {c = index($0, "RESTARTS")}
                               NR > 1 && $1 == u {s = substr($0, c); sub(/ .*/, "", s); print s}' <<<"$status")
if [ "$restarts" = 1 ]; then
    echo "ok - medboxctl status shows RESTARTS 1 for $victim"
else
    report_failure healthy
    fail "medboxctl status shows RESTARTS '${restarts}' for $victim, expected 1"
fi

# --- disk layout and updates, as far as a container shows them (docs/image.md) --------
# The data partition guards the services: each needs the /var/lib/medbox mount
# (StateDirectory= implies RequiresMountsFor=), which fstab names by label; in
# a container fstab's device lines are ignored, so the services run here.
for unit in "${units[@]}"; do
    rmf=$(show "$unit" RequiresMountsFor)
    if [[ " $rmf " == *" /var/lib/medbox/"* ]]; then
        echo "ok - $unit requires the mounts for $rmf"
    else
        fail "$unit does not require the /var/lib/medbox mount (RequiresMountsFor='$rmf')"
    fi
done
if in_ct grep -q '^PARTLABEL=medbox-data  */var/lib/medbox ' /etc/fstab && in_ct test -s /usr/lib/repart.d/30-data.conf; then
    echo "ok - fstab mounts medbox-data on /var/lib/medbox; repart.d makes it"
else
    fail "the image lacks the data partition in /etc/fstab or /usr/lib/repart.d"
fi
# Partitioning, growing the slot and the update health check only run on a
# booted disk (QEMU), not in a container: skipped by their conditions.
for unit in systemd-repart.service slot-growfs.service rauc-mark-good.service; do
    if [ "$(show "$unit" ConditionResult)" = no ] && [ "$(show "$unit" ActiveState)" = inactive ]; then
        echo "ok - $unit skipped in a container (condition)"
    else
        fail "$unit: ConditionResult=$(show "$unit" ConditionResult), $(show "$unit" ActiveState)"
    fi
done
if in_ct rauc --version >/dev/null 2>&1 && in_ct test -s /etc/rauc/keyring.pem &&
   in_ct grep -q '^compatible=medbox-application$' /etc/rauc/system.conf; then
    echo "ok - rauc, its system.conf (compatible medbox-application) and keyring are in the image"
else
    fail "rauc, /etc/rauc/system.conf or /etc/rauc/keyring.pem missing from the image"
fi

# --- NIC role names (docs/install.md, "Which port is which") -------------------------
# udev does not run in a container, so the renaming itself is seen in QEMU
# (images/qemu-install.sh); here: the unit is in place and ordered, the
# initramfs names no NIC, and the image's own udev matches the generated
# file to this machine's PCI NIC (tests/image/nic_names_test.sh).
nic_unit=medbox-nic-names.service
if [ "$(show $nic_unit ConditionResult)" = no ] && [[ " $(show $nic_unit Before) " == *" systemd-udevd.service "* ]] &&
   [[ " $(show $nic_unit WantedBy) " == *" sysinit.target "* ]]; then
    echo "ok - $nic_unit: wanted by sysinit.target, before systemd-udevd, skipped in a container"
else
    fail "$nic_unit: ConditionResult=$(show $nic_unit ConditionResult) Before=$(show $nic_unit Before) WantedBy=$(show $nic_unit WantedBy)"
fi
if in_ct grep -qx 'lan0[[:space:]]*#.*' /usr/share/medbox/nic-roles; then
    echo "ok - /usr/share/medbox/nic-roles names lan0, and the image ships no fixed .link file: $(in_ct ls /usr/lib/systemd/network | grep -c '^10-medbox') found"
    in_ct ls /usr/lib/systemd/network | grep -q '^10-medbox' && fail "a fixed 10-medbox-*.link is still in the image"
else
    fail "/usr/share/medbox/nic-roles lacks lan0"
fi
initrd=$(in_ct lsinitramfs /initrd.img 2>&1) || fail "lsinitramfs /initrd.img failed: $(tail -3 <<<"$initrd")"
if grep -q 'udev/rules.d/60-persistent-storage.rules' <<<"$initrd" &&
   ! grep -qE 'rules.d/80-net-setup-link.rules|systemd/network/.*\.link$' <<<"$initrd"; then
    echo "ok - the initramfs has udev but no 80-net-setup-link.rules and no .link file: it names no NIC"
else
    fail "the initramfs still names NICs: $(grep -E 'net-setup-link|\.link$' <<<"$initrd" | paste -sd' ')"
fi
if out=$(MEDBOX_IMAGE_ROOT=$NSPAWN_CACHE/image-boot-$key bash "$SRC/tests/image/nic_names_test.sh" 2>&1); then
    echo "ok - nic_names_test.sh with the image's udev: $(grep -E 'udev' <<<"$out" | sed 's/^ok [0-9]* - //' | paste -sd';')"
else
    fail "nic_names_test.sh with the image's udev: $(grep -v '^ok' <<<"$out")"
fi

# --- medboxctl's verbs inside the image (sd-bus to the image's own systemd) ----------
ctl_unit=${units[0]}
expect_ctl() { # expect_ctl EXIT-CODE DESCRIPTION ARGS...: runs medboxctl ARGS in the container
    local want=$1 what=$2 rc=0 out
    shift 2
    out=$(in_ct medboxctl "$@" 2>&1) || rc=$?
    if [ "$rc" = "$want" ]; then
        echo "ok - medboxctl $*: $what (exit $rc)"
    else
        indent <<<"$out"
        report_failure healthy
        fail "medboxctl $*: exit $rc, expected $want ($what)"
    fi
}
expect_state() { # expect_state UNIT PROPERTY VALUE
    [ "$(show "$1" "$2")" = "$3" ] || { report_failure healthy; fail "$1: $2 is $(show "$1" "$2"), expected $3"; }
}
# hw check finds the profile the package installed, by name (it once looked in
# /usr/local/share, compiled in from a build without the packaging prefix).
rc=0
out=$(in_ct medboxctl hw check --profile application 2>&1) || rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then
    echo "ok - medboxctl hw check --profile application reads the installed profile (exit $rc: this container is not that server)"
else
    echo "$out"
    fail "medboxctl hw check --profile application: exit $rc, expected 0 or 1"
fi

# What the image holds besides our services (issue 11's list).
check_image() { # check_image DESCRIPTION COMMAND...: the command runs in the container
    local what=$1 out
    shift
    if out=$(in_ct sh -c "$*" 2>&1); then
        echo "ok - $what"
    else
        indent <<<"$out"
        fail "$what: $*"
    fi
}
# Every Documentation= of a medbox unit names a file that is there (the
# image's dpkg.cfg drops /usr/share/doc/* but keeps medbox's own).
check_image "the medbox units' Documentation= files exist" \
    'n=0; for u in $(systemctl list-unit-files --no-legend "medbox*" | cut -d" " -f1); do
       case $u in *@.*) u=${u%%@*}@check.${u##*.} ;; esac  # a template: ask an instance
       for d in $(systemctl show -p Documentation --value "$u"); do
         case $d in file:*) f=${d#file:}; [ -f "$f" ] || { echo "$u: $f missing"; exit 1; }; n=$((n+1)) ;; esac
       done; done; [ "$n" -gt 0 ] || { echo "no Documentation= file:"; exit 1; }'
check_image "every medbox package has /usr/share/doc/<package>/copyright (Debian policy 12.5)" \
    'for p in $(dpkg-query -W -f "\${Package}\n" "medbox-*"); do
       grep -q "^Files: \*" "/usr/share/doc/$p/copyright" || { echo "$p: no copyright file"; exit 1; }; done'
# The application profile has FC HBAs and an "ha" NIC: both feature layers.
check_image "FC multipath (multipath-tools, firmware-qlogic, find_multipaths yes), enabled" \
    'dpkg-query -W multipath-tools firmware-qlogic >/dev/null && grep -q "find_multipaths yes" /etc/multipath.conf &&
     [ "$(systemctl is-enabled multipathd.service)" = enabled ]'
check_image "keepalived installed for the failover pair, off until HA is configured" \
    'dpkg-query -W keepalived >/dev/null && [ "$(systemctl is-enabled keepalived.service)" = disabled ]'
check_image "NIC firmware and CPU microcode from non-free-firmware" \
    'dpkg-query -W firmware-bnx2 firmware-bnx2x intel-microcode amd64-microcode >/dev/null'
check_image "no package source by default (a hospital network cannot reach a public mirror)" \
    '! grep -hqsv "^[[:space:]]*\(#\|$\)" /etc/apt/sources.list /etc/apt/sources.list.d/*'
check_image "the hardware watchdog is armed by PID 1 (RuntimeWatchdogSec=30s)" \
    '[ "$(systemctl show -p RuntimeWatchdogUSec --value)" = 30s ]'
expect_ctl 0 "stopped" stop "$ctl_unit"
expect_state "$ctl_unit" ActiveState inactive
expect_ctl 0 "started" start "$ctl_unit"
expect_state "$ctl_unit" ActiveState active
before=$(show "$ctl_unit" MainPID)
expect_ctl 0 "restarted" restart "$ctl_unit"
expect_state "$ctl_unit" ActiveState active
[ "$(show "$ctl_unit" MainPID)" != "$before" ] || fail "medboxctl restart kept PID $before"
expect_ctl 0 "disabled" disable "$ctl_unit"
[ "$(in_ct systemctl is-enabled "$ctl_unit" || true)" = disabled ] || fail "$ctl_unit is still enabled after medboxctl disable"
expect_ctl 0 "enabled" enable "$ctl_unit"
[ "$(in_ct systemctl is-enabled "$ctl_unit")" = enabled ] || fail "$ctl_unit is not enabled after medboxctl enable"
journald_pid=$(show systemd-journald.service MainPID)
expect_ctl 3 "refused: not a medbox unit" restart systemd-journald.service
expect_state systemd-journald.service MainPID "$journald_pid"
expect_ctl 5 "no such medbox unit" start medbox-nonexistent.service
lines=$(in_ct medboxctl status "$ctl_unit" 2>&1) || fail "medboxctl status $ctl_unit failed: $lines"
if grep -q 'listening on' <<<"$lines"; then
    echo "ok - medboxctl status $ctl_unit shows its last journal lines"
else
    indent <<<"$lines"
    fail "medboxctl status $ctl_unit shows no journal lines"
fi

# --- the console's unit API inside the image (the polkit rule, the real bus) -------------
if [[ " ${units[*]} " == *" medbox-console.service "* ]]; then
    cport=$(in_ct cat /var/lib/medbox/console/run/console.port)
    in_ct cat /var/lib/medbox/trust/console.crt >"$work/console.crt"
    api() { # api METHOD PATH [TOKEN [JSON]]: prints the body, then the status on its own line
        nsenter --target "$init_pid" --net -- curl -sS --max-time 100 --cacert "$work/console.crt" -X "$1" \
            ${3:+-H "Authorization: Bearer $3"} ${4:+-H 'Content-Type: application/json' --data "$4"} \
            -w '\n%{http_code}' "https://127.0.0.1:$cport$2"
    }
    status_of() { tail -1 <<<"$1"; }
    field_of() { sed '$d' <<<"$1" | sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p"; }
    initial=$(in_ct cat /var/lib/medbox/console/console-initial-admin.txt | sed -n 's/^password: //p')
    [ -n "$initial" ] || fail "no initial admin password in /var/lib/medbox/console/console-initial-admin.txt"
    r=$(api POST /api/v1/auth/login "" "{\"username\":\"admin\",\"password\":\"$initial\"}")
    [ "$(status_of "$r")" = 200 ] || fail "console login with the initial password: $r"
    newpw="Image-test-$RANDOM-$RANDOM-pass"
    r=$(api POST /api/v1/auth/password "$(field_of "$r" token)" "{\"oldPassword\":\"$initial\",\"newPassword\":\"$newpw\"}")
    [ "$(status_of "$r")" = 200 ] || fail "console password change: $r"
    token=$(field_of "$r" token)
    echo "ok - console: the initial admin logged in and changed the password"
    r=$(api GET /api/v1/appliance/units "$token")
    if [ "$(status_of "$r")" = 200 ] && grep -q '"medbox-booking.service"' <<<"$r"; then
        echo "ok - console GET /api/v1/appliance/units lists the image's units"
    else
        fail "console GET /api/v1/appliance/units: $r"
    fi
    # A fresh appliance: changes wait for the setup wizard (docs/console.md).
    r=$(api POST /api/v1/appliance/units/medbox-booking.service/restart "$token")
    if [ "$(status_of "$r")" = 409 ] && grep -q 'setup wizard' <<<"$r"; then
        echo "ok - the fresh appliance's console holds unit control until the setup wizard is done (409)"
    else
        fail "console before the setup wizard: expected 409, got $r"
    fi
    # The wizard is not passed in this test yet (docs/STATUS.md, issue 12):
    # switched off here to check unit control through polkit.
    in_ct sh -c 'mkdir -p /etc/medbox && echo MEDBOX_CONSOLE__SETUP_WIZARD=off >/etc/medbox/console.env &&
                 systemctl restart medbox-console.service'
    for _ in $(seq 1 100); do [ "$(status_of "$(api GET /readyz)")" = 200 ] && break; sleep 0.2; done
    before=$(show medbox-booking.service MainPID)
    r=$(api POST /api/v1/appliance/units/medbox-booking.service/restart "$token")
    if [ "$(status_of "$r")" = 200 ] && [ "$(show medbox-booking.service MainPID)" != "$before" ] &&
       [ "$(show medbox-booking.service ActiveState)" = active ]; then
        echo "ok - console restarted medbox-booking.service through polkit (PID $before -> $(show medbox-booking.service MainPID))"
    else
        report_failure healthy
        fail "console restart of medbox-booking.service: $r"
    fi
    r=$(api POST /api/v1/appliance/units/medbox-console.service/stop "$token")
    [ "$(status_of "$r")" = 409 ] || fail "console stopping itself: expected 409, got $r"
    r=$(api POST /api/v1/appliance/units/systemd-journald.service/restart "$token")
    [ "$(status_of "$r")" = 403 ] || fail "console restarting systemd-journald: expected 403, got $r"
    expect_state systemd-journald.service MainPID "$journald_pid"
    echo "ok - console refuses to stop itself (409) and to touch systemd-journald (403)"
    r=$(api GET "/api/v1/audit?limit=1000" "$token")
    if grep -q 'medbox-booking.service' <<<"$r"; then
        echo "ok - the restart is in the console's audit log"
    else
        fail "the console's audit log does not name the restart: $r"
    fi
    # The password was changed above: the console removed its file and
    # medbox-issue.path redrew the screen without it.
    deadline=$((SECONDS + 10))
    until ! in_ct grep -q "admin / " /run/medbox-issue/medbox.issue || ((SECONDS >= deadline)); do sleep 0.3; done
    screen=$(in_ct script -qec "agetty --show-issue" /dev/null </dev/null | tr -d '\r')
    if ! grep -qF "$initial" <<<"$screen" && grep -q "has been changed" <<<"$screen" &&
       ! in_ct test -e /var/lib/medbox/console/console-initial-admin.txt; then
        echo "ok - after the password change the one-time password is gone from the login screen and the disk"
    else
        indent <<<"$screen"
        fail "the one-time password is still on the login screen after it was changed"
    fi
fi

# --- apply --confirm-within under the image's systemd: a lock-out reverts by itself ---------
# Admins only from 10.99.0.0/24: the outside namespace (10.77.1.1) is locked out.
printf '%s\n' '{ "model": "gap", "interfaces": { "dmz": "dmz0", "gap": "gap0", "management": "lan0" },' \
    '  "gap": { "device": "10.77.3.5", "tcp": [2575] }, "management": { "admin_subnets": ["10.99.0.0/24"] } }' \
    >"$work/lockout.json"
in_ct sh -c 'cat >/run/lockout.json' <"$work/lockout.json"
out=$(in_ct medbox-firewall apply /run/lockout.json --force --confirm-within 3 2>&1) || fail "apply --confirm-within 3: $out"
grep -q "systemd timer medbox-firewall-revert-" <<<"$out" || { indent <<<"$out"; fail "the revert is not a systemd timer"; }
expect_probe 10.77.1.10 22 dropped "SSH after applying a profile that locks the admin out"
deadline=$((SECONDS + 15))
boot_profile_runs() { [[ $(in_ct nft list table inet medbox 2>&1) == *'comment "medbox model=boot'* ]]; }
until boot_profile_runs || ((SECONDS >= deadline)); do sleep 0.3; done
if ! boot_profile_runs; then
    in_ct journalctl -b --no-pager -o short-monotonic -u 'medbox-firewall-revert-*' 2>&1 | indent
    in_ct ls -la /run/medbox-firewall 2>&1 | indent
    fail "the unconfirmed profile was not reverted by the timer"
fi
expect_probe 10.77.1.10 22 open "SSH after the timer reverted the unconfirmed change"
in_ct test ! -e /etc/medbox/firewall/active.json || fail "an unconfirmed profile was saved for the next boot"
echo "ok - apply --confirm-within 3 without confirm: reverted by a transient systemd timer, nothing saved"
power_off healthy


# --- 6. a service that cannot start fails the boot check, with its journal ------------------
broken_unit=medbox-booking.service
[[ " ${units[*]} " == *" $broken_unit "* ]] || broken_unit=${units[0]}
cat >"$work/broken.conf" <<'EOF'
# Written by tests/nspawn/image_boot_test.sh: an invalid port is a
# configuration error (exit 78), which systemd must not retry.
[Service]
Environment=MEDBOX_HTTP__PORT=not-a-port
EOF
boot broken --bind-ro="$work/broken.conf:/etc/systemd/system/$broken_unit.d/50-boottest-broken.conf"
if out=$(wait_ready); then
    echo "$out"
    report_failure broken
    fail "a boot with a broken $broken_unit passed the check"
fi
indent <<<"$out"
journal=$(report_failure broken)
indent <<<"$journal"
if grep -q "$broken_unit" <<<"$out" && grep -qi 'configuration error' <<<"$journal"; then
    echo "ok - a $broken_unit that cannot start fails the check, and its journal lines are shown"
else
    fail "the failing $broken_unit was not reported with its journal lines"
fi
power_off broken

say "all checks passed"

#!/usr/bin/env bash
# Network-namespace test of the medbox firewall profiles.
#
# Builds a small hospital in network namespaces, applies the rendered profile
# inside the "appliance" namespace with the real `medbox-firewall apply`, and
# checks from every zone that exactly the allowed ports answer and everything
# else is dropped. Every address used here lives only inside the namespaces
# this script creates; nothing is sent anywhere else. The host's own ruleset
# is compared before and after.
#
# Topology (appliance interfaces on the left):
#
#   dmz0  10.99.1.1   fd99:1::1  --- inet  10.99.1.2  fd99:1::2   (internet / DMZ)
#   lan0  10.99.2.1              --- lan   (bridge) staff 10.99.2.50
#                                       `-- his    10.99.2.10 (HIS host; gap device in the gap model)
#   mgmt0 10.99.3.1              --- adm   10.99.3.2 (admin subnet 10.99.3.0/25), 10.99.3.200 (not admin)
#   ha0   10.99.4.1              --- ha    10.99.4.2 (peer), 10.99.4.3 (not the peer)
#   wg0   10.8.0.1               --- vpn   10.8.0.2, 10.8.0.130 (vendor tunnel addresses; a veth
#                                          named like the WireGuard interface: the rules match names)
#
# Usage: netns_test.sh PATH/TO/medbox-firewall     (root; exit 77 = skipped)
set -uo pipefail

FW=${1:?usage: netns_test.sh PATH/TO/medbox-firewall}
FW=$(readlink -f "$FW")
HERE=$(cd "$(dirname "$0")" && pwd)
# Debian's interpreter first: a version-manager shim costs ~0.5 s per call.
PY=$( [[ -x /usr/bin/python3 ]] && echo /usr/bin/python3 || command -v python3 || true)
PROBE="$HERE/netns/probe.py"
LISTEN="$HERE/netns/listen.py"

if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
for tool in ip nft "$PY"; do
    if [[ -z "$tool" ]] || ! command -v "$tool" >/dev/null; then echo "SKIP: missing ${tool:-python3}"; exit 77; fi
done

P="mfw$$"
APP=$P-app INET=$P-inet LAN=$P-lan HIS=$P-his ADM=$P-adm HA=$P-ha VPN=$P-vpn
ALL_NS=("$APP" "$INET" "$LAN" "$HIS" "$ADM" "$HA" "$VPN")
WORK=$(mktemp -d /tmp/medbox-fw-netns.XXXXXX)
# apply saves the profile it loaded, and confirm-or-revert keeps its state:
# here, never in the host's /etc/medbox/firewall or /run.
export MEDBOX_FIREWALL_STATE_DIR=$WORK/etc MEDBOX_FIREWALL_RUN_DIR=$WORK/run
PASSED=0
FAILED=0

cleanup() {
    local ns pid
    for ns in "${ALL_NS[@]}"; do
        # Only processes inside our own namespaces: the listeners we started.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS: $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL: $*"; FAILED=$((FAILED + 1)); }
check() { # check "description" command...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

HOST_RULESET_BEFORE=$(nft list ruleset 2>&1 | sha256sum)

# ---------------------------------------------------------------- topology
setup() {
    local ns
    for ns in "${ALL_NS[@]}"; do
        ip netns add "$ns" || return 1
        ip -n "$ns" link set lo up
    done
    # Both ends are created directly inside their namespaces, so no interface
    # ever appears (or clashes) in the host namespace.
    ip link add dmz0 netns "$APP" type veth peer name eth0 netns "$INET"
    ip link add lan0 netns "$APP" type veth peer name up0 netns "$LAN"
    ip link add eth0 netns "$HIS" type veth peer name his0 netns "$LAN"
    ip link add mgmt0 netns "$APP" type veth peer name eth0 netns "$ADM"
    ip link add ha0 netns "$APP" type veth peer name eth0 netns "$HA"
    ip link add wg0 netns "$APP" type veth peer name eth0 netns "$VPN"

    ip -n "$LAN" link add br0 type bridge
    ip -n "$LAN" link set up0 master br0
    ip -n "$LAN" link set his0 master br0
    for l in br0 up0 his0; do ip -n "$LAN" link set "$l" up; done
    for l in dmz0 lan0 mgmt0 ha0 wg0; do ip -n "$APP" link set "$l" up; done
    for ns in "$INET" "$HIS" "$ADM" "$HA" "$VPN"; do ip -n "$ns" link set eth0 up; done

    ip -n "$APP" addr add 10.99.1.1/24 dev dmz0
    ip -n "$APP" addr add fd99:1::1/64 dev dmz0 nodad
    ip -n "$APP" addr add 10.99.2.1/24 dev lan0
    ip -n "$APP" addr add 10.99.3.1/24 dev mgmt0
    ip -n "$APP" addr add 10.99.4.1/24 dev ha0
    ip -n "$APP" addr add 10.8.0.1/24 dev wg0
    ip -n "$INET" addr add 10.99.1.2/24 dev eth0
    ip -n "$INET" addr add fd99:1::2/64 dev eth0 nodad
    ip -n "$LAN" addr add 10.99.2.50/24 dev br0
    ip -n "$HIS" addr add 10.99.2.10/24 dev eth0
    ip -n "$ADM" addr add 10.99.3.2/24 dev eth0
    ip -n "$ADM" addr add 10.99.3.200/24 dev eth0
    ip -n "$HA" addr add 10.99.4.2/24 dev eth0
    ip -n "$HA" addr add 10.99.4.3/24 dev eth0
    ip -n "$VPN" addr add 10.8.0.2/24 dev eth0
    ip -n "$VPN" addr add 10.8.0.130/24 dev eth0

    # Routes that would let the internet reach the LAN through the appliance
    # if it forwarded (it must not, whatever the kernel setting).
    # /proc/sys/net is per namespace: this sets the appliance's, not the host's.
    in_ns "$APP" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' || return 1
    ip -n "$INET" route add 10.99.2.0/24 via 10.99.1.1
    ip -n "$HIS" route add default via 10.99.2.1

    # Listeners: every medbox port (plus 8080, a port medbox does not use) on
    # the appliance; a few ports on the other hosts for the outbound checks.
    ip netns exec "$APP" "$PY" "$LISTEN" --log "$WORK/app.log" \
        --tcp 22 2575 2576 8443 8444 8445 8446 8447 9443 9444 8080 --udp 51820 --vrrp &
    disown $!
    ip netns exec "$HIS" "$PY" "$LISTEN" --log "$WORK/his.log" --tcp 8080 9001 9999 &
    disown $!
    ip netns exec "$LAN" "$PY" "$LISTEN" --log "$WORK/lan.log" --tcp 8080 &
    disown $!
    ip netns exec "$INET" "$PY" "$LISTEN" --log "$WORK/inet.log" --tcp 8080 &
    disown $!
    ip netns exec "$ADM" "$PY" "$LISTEN" --log "$WORK/adm.log" --tcp 8080 &
    disown $!
    local log i
    for log in app his lan inet adm; do
        for i in $(seq 50); do grep -q ready "$WORK/$log.log" 2>/dev/null && break; sleep 0.1; done
        grep -q ready "$WORK/$log.log" 2>/dev/null || { echo "listener $log did not start"; return 1; }
    done
}

# ------------------------------------------------------------------ probes
MEDBOX_TCP="22 2575 2576 8443 8444 8445 8446 8447 9443 9444 8080"

# expect_tcp LABEL NS SRC|- HOST "PORTS THAT MUST ANSWER" [ALL PORTS]
# Every other port must be dropped (no answer at all, not even a reset).
expect_tcp() {
    local label=$1 ns=$2 src=$3 host=$4 open=" $5 " ports=${6:-$MEDBOX_TCP}
    local srcopt=() port state want
    [[ $src != - ]] && srcopt=(--src "$src")
    # shellcheck disable=SC2086
    while read -r port state; do
        if [[ $open == *" $port "* ]]; then want=open; else want=filtered; fi
        if [[ $state == "$want" ]]; then
            pass "$label: tcp/$port $([[ $want == open ]] && echo answers || echo dropped)"
        else
            fail "$label: tcp/$port expected $want, got $state"
        fi
    done < <(in_ns "$ns" "$PY" "$PROBE" tcp "${srcopt[@]}" "$host" $ports)
}

# expect_out LABEL HOST PORT open|blocked: a connection from the appliance.
expect_out() {
    local label=$1 host=$2 port=$3 want=$4 state
    state=$(in_ns "$APP" "$PY" "$PROBE" tcp "$host" "$port" | awk '{print $2}')
    # "blocked" must be the firewall's doing (no answer, or EPERM), not a
    # missing listener (a reset).
    if [[ $want == open && $state == open ]] || [[ $want == blocked && $state =~ ^(filtered|blocked)$ ]]; then
        pass "$label: appliance -> $host tcp/$port $([[ $want == open ]] && echo allowed || echo "blocked ($state)")"
    else
        fail "$label: appliance -> $host tcp/$port expected $want, got $state"
    fi
}

TOKEN_SEQ=0
# expect_datagram LABEL yes|no NS SRC|- udp|vrrp HOST [PORT]
expect_datagram() {
    local label=$1 want=$2 ns=$3 src=$4 kind=$5 host=$6 port=${7:-}
    TOKEN_SEQ=$((TOKEN_SEQ + 1))
    local token="tok$TOKEN_SEQ-$RANDOM" srcopt=() i got=no
    [[ $src != - ]] && srcopt=(--src "$src")
    if [[ $kind == udp ]]; then
        in_ns "$ns" "$PY" "$PROBE" udp "${srcopt[@]}" "$host" "$port" "$token"
    else
        in_ns "$ns" "$PY" "$PROBE" vrrp "${srcopt[@]}" "$host" "$token"
    fi
    for i in 1 2 3 4 5; do
        grep -q "$token" "$WORK/app.log" && { got=yes; break; }
        sleep 0.1
    done
    if [[ $got == "$want" ]]; then
        pass "$label: $kind${port:+/$port} $([[ $want == yes ]] && echo received || echo dropped)"
    else
        fail "$label: $kind${port:+/$port} expected received=$want, got $got"
    fi
}

ruleset_of_app() { in_ns "$APP" nft -s list ruleset; }

# ------------------------------------------------------------- profiles
write_profiles() {
    cat >"$WORK/frontend.json" <<'EOF'
{
  "model": "frontend",
  "interfaces": { "dmz": "dmz0", "lan": "lan0", "management": "mgmt0", "ha": "ha0", "vendor": "wg0" },
  "lan": {
    "peers": [
      { "name": "his", "address": "10.99.2.10", "tcp": [8080], "inbound": ["mllp", "his"] }
    ],
    "staff": ["10.99.2.32/27"]
  },
  "management": { "admin_subnets": ["10.99.3.0/25"] },
  "ha": { "peer": "10.99.4.2" },
  "vendor": { "endpoint": "dmz" }
}
EOF
    cat >"$WORK/gap.json" <<'EOF'
{
  "model": "gap",
  "interfaces": { "dmz": "dmz0", "gap": "lan0", "management": "mgmt0", "ha": "ha0", "vendor": "wg0" },
  "gap": { "device": "10.99.2.10", "tcp": [9001], "inbound": ["mllp", "his"] },
  "management": { "admin_subnets": ["10.99.3.0/25"] },
  "ha": { "peer": "10.99.4.2" },
  "vendor": { "endpoint": "dmz" }
}
EOF
    # One mistake each; every one must be refused without touching anything.
    sed 's/"10.99.3.0\/25"/"10.99.3.0\/33"/' "$WORK/frontend.json" >"$WORK/bad-cidr.json"
    sed 's/"frontend"/"router"/' "$WORK/frontend.json" >"$WORK/bad-model.json"
    sed 's/"tcp": \[8080\]/"tcp": [80800]/' "$WORK/frontend.json" >"$WORK/bad-port.json"
    sed 's/"staff":/"stafff":/' "$WORK/frontend.json" >"$WORK/bad-key.json"
    sed 's/"lan": "lan0", //' "$WORK/frontend.json" >"$WORK/bad-iface.json"
    # Valid, but names a NIC this machine does not have: applied, it would drop
    # everything on the real NICs, SSH included.
    sed 's/"lan": "lan0"/"lan": "enp1s0f0"/' "$WORK/frontend.json" >"$WORK/missing-iface.json"
}

# ------------------------------------------------------------------ phases
dry_run() {
    echo "== check is a dry run"
    local profile
    for profile in frontend gap; do
        check "medbox-firewall check $profile.json" in_ns "$APP" "$FW" check "$WORK/$profile.json"
    done
    check "nothing applied by check" test -z "$(ruleset_of_app)"
    check "status without a profile exits 3" bash -c "ip netns exec '$APP' '$FW' status >/dev/null 2>&1; test \$? -eq 3"
}

baseline() {
    echo "== baseline: no profile, everything answers (proves the probes can see an open port)"
    expect_tcp "baseline internet" "$INET" - 10.99.1.1 "$MEDBOX_TCP"
    expect_tcp "baseline forwarding internet->HIS" "$INET" - 10.99.2.10 "8080" "8080"
    expect_out "baseline" 10.99.2.10 9999 open
    expect_out "baseline" 10.99.2.50 8080 open
    expect_out "baseline" 10.99.1.2 8080 open
    expect_datagram "baseline admin" yes "$ADM" - udp 10.99.3.1 51820
    expect_datagram "baseline non-peer" yes "$HA" 10.99.4.3 vrrp 10.99.4.1
}

frontend() {
    echo "== front-end server model"
    local out
    out=$(in_ns "$APP" "$FW" apply "$WORK/frontend.json" 2>&1)
    check "apply frontend profile with medbox-firewall ($out)" test $? -eq 0

    expect_tcp "internet" "$INET" - 10.99.1.1 "8443"
    expect_tcp "internet over IPv6" "$INET" - fd99:1::1 "8443" "8443 22 9443 8447"
    expect_tcp "internet to the LAN address" "$INET" - 10.99.2.1 "" "8447 2575 2576 9443"
    expect_tcp "no forwarding internet->HIS" "$INET" - 10.99.2.10 "" "8080"
    expect_tcp "LAN staff" "$LAN" - 10.99.2.1 "8447"
    expect_tcp "HIS host (mllp and his granted)" "$HIS" - 10.99.2.1 "2575 2576"
    expect_tcp "admin subnet" "$ADM" 10.99.3.2 10.99.3.1 "22 9443"
    expect_tcp "management, outside admin subnet" "$ADM" 10.99.3.200 10.99.3.1 ""
    expect_tcp "HA peer" "$HA" 10.99.4.2 10.99.4.1 "9444"
    expect_tcp "HA link, not the peer" "$HA" 10.99.4.3 10.99.4.1 ""
    expect_datagram "HA peer" yes "$HA" 10.99.4.2 vrrp 10.99.4.1
    expect_datagram "HA link, not the peer" no "$HA" 10.99.4.3 vrrp 10.99.4.1
    expect_datagram "internet" no "$INET" - vrrp 10.99.1.1
    expect_datagram "internet WireGuard endpoint" yes "$INET" - udp 10.99.1.1 51820
    expect_datagram "admin network" no "$ADM" - udp 10.99.3.1 51820

    expect_out "LAN" 10.99.2.10 8080 open
    expect_out "LAN" 10.99.2.10 9999 blocked
    expect_out "LAN" 10.99.2.50 8080 blocked
    expect_out "DMZ" 10.99.1.2 8080 blocked
    expect_out "management" 10.99.3.2 8080 open

    local replies
    replies=$(in_ns "$INET" "$PY" "$PROBE" ping 10.99.1.1 1)
    check "internet: a single ping is answered ($replies/1)" test "$replies" -eq 1
    sleep 2.1 # let the echo limit refill its burst
    replies=$(in_ns "$INET" "$PY" "$PROBE" ping 10.99.1.1 60)
    check "internet: a burst of 60 pings is rate-limited ($replies answered)" test "$replies" -ge 5 -a "$replies" -le 20

    local drops
    drops=$(in_ns "$APP" "$FW" status | sed -n 's/^dropped packets: input \([0-9]*\),.*/\1/p')
    check "status counts dropped input packets ($drops)" test "${drops:-0}" -gt 0
}

vendor_window() {
    echo "== vendor access window"
    expect_tcp "vendor, window closed" "$VPN" 10.8.0.2 10.8.0.1 ""
    check "window open 10.8.0.0/25 --hours 2" in_ns "$APP" "$FW" window open 10.8.0.0/25 --hours 2
    expect_tcp "vendor, window open" "$VPN" 10.8.0.2 10.8.0.1 "9443"
    expect_tcp "vendor address outside the window" "$VPN" 10.8.0.130 10.8.0.1 "" "9443"
    check "status lists the open window" bash -c "ip netns exec '$APP' '$FW' status | grep -q '10.8.0.0/25  closes in'"
    check "window close 10.8.0.0/25" in_ns "$APP" "$FW" window close 10.8.0.0/25
    expect_tcp "vendor, window closed again" "$VPN" 10.8.0.2 10.8.0.1 "" "9443"

    check "window open 10.8.0.2 --seconds 2" in_ns "$APP" "$FW" window open 10.8.0.2 --seconds 2
    expect_tcp "vendor, short window" "$VPN" 10.8.0.2 10.8.0.1 "9443" "9443"
    sleep 2.5
    expect_tcp "vendor, short window closed by itself" "$VPN" 10.8.0.2 10.8.0.1 "" "9443"
}

bad_configs() {
    echo "== bad configurations leave the running ruleset untouched"
    in_ns "$APP" "$FW" window open 10.8.0.0/25 --hours 1 >/dev/null
    local before after rc err file key
    before=$(ruleset_of_app)
    for file in bad-cidr:management.admin_subnets[0] bad-model:model bad-port:lan.peers[0].tcp[0] \
        bad-key:lan.stafff bad-iface:interfaces.lan missing-iface:interfaces.lan; do
        key=${file#*:}
        file=${file%%:*}
        err=$(in_ns "$APP" "$FW" apply "$WORK/$file.json" 2>&1)
        rc=$?
        check "$file.json refused (exit $rc)" test $rc -eq 1
        check "$file.json: message names $key" grep -qF "$key:" <<<"$err"
    done
    after=$(ruleset_of_app)
    check "ruleset identical after the refused applies" test "$before" == "$after"
    expect_tcp "vendor window survived the refused applies" "$VPN" 10.8.0.2 10.8.0.1 "9443" "9443 22"
    expect_tcp "internet after refused applies" "$INET" - 10.99.1.1 "8443" "8443 8447"
}

gap_model() {
    echo "== gap model (replaces the front-end profile in one transaction)"
    local out
    out=$(in_ns "$APP" "$FW" apply "$WORK/gap.json" 2>&1)
    check "apply gap profile ($out)" test $? -eq 0
    check "only one medbox table" test "$(in_ns "$APP" nft list tables | grep -c 'inet medbox')" -eq 1
    expect_tcp "gap device (mllp and his granted)" "$HIS" - 10.99.2.1 "2575 2576"
    expect_tcp "inner-network host (not the gap device)" "$LAN" - 10.99.2.1 ""
    expect_tcp "internet" "$INET" - 10.99.1.1 "8443"
    expect_tcp "admin subnet" "$ADM" 10.99.3.2 10.99.3.1 "22 9443"
    expect_tcp "HA peer" "$HA" 10.99.4.2 10.99.4.1 "9444"
    expect_tcp "vendor (apply closed the open window)" "$VPN" 10.8.0.2 10.8.0.1 "" "9443"
    expect_tcp "no forwarding internet->inner" "$INET" - 10.99.2.10 "" "8080 9001"
    expect_out "gap" 10.99.2.10 9001 open
    expect_out "gap" 10.99.2.10 8080 blocked # a HIS port of the front-end profile: gone
    expect_out "gap" 10.99.2.50 8080 blocked
}

profile_of_app() { in_ns "$APP" "$FW" status 2>/dev/null | sed -n 's/^profile: medbox model=\([a-z]*\).*/\1/p'; }

confirm_or_revert() {
    echo "== apply --confirm-within: reverted unless confirmed (2-second window)"
    local out rc
    check "the gap profile is running and saved" test "$(profile_of_app)" = gap -a -f "$WORK/etc/active.json"
    # A profile that locks the admins out (their subnet is no longer listed),
    # applied from a session of its own that is then killed outright: an SSH
    # session dropped by the new ruleset.
    sed 's/"10.99.3.0\/25"/"10.99.3.128\/25"/' "$WORK/frontend.json" >"$WORK/lockout.json"
    out=$(in_ns "$APP" setsid -w "$FW" apply "$WORK/lockout.json" --confirm-within 2 2>&1)
    rc=$?
    check "apply --confirm-within 2 (exit $rc): $(head -1 <<<"$out")" test $rc -eq 0
    check "it says how to confirm" grep -q "medbox-firewall confirm" <<<"$out"
    check "the new profile is in force" test "$(profile_of_app)" = frontend
    expect_tcp "admin locked out by the new profile" "$ADM" 10.99.3.2 10.99.3.1 "" "22 9443"
    out=$(in_ns "$APP" "$FW" apply "$WORK/frontend.json" 2>&1)
    check "another apply is refused while one waits (exit $?)" grep -q "waits for its confirmation" <<<"$out"
    sleep 2.5
    check "not confirmed: the previous (gap) profile is back by itself" test "$(profile_of_app)" = gap
    expect_tcp "admin back in after the revert" "$ADM" 10.99.3.2 10.99.3.1 "22 9443" "22 9443"
    check "the revert is logged" grep -q "not confirmed in time; the previous ruleset is back" "$WORK/run/revert.log"
    check "the saved profile is still the gap one" cmp -s "$WORK/etc/active.json" "$WORK/gap.json"
    check "nothing pending any more" test ! -e "$WORK/run/pending.id"

    echo "== apply --confirm-within then confirm: the new profile stays"
    out=$(in_ns "$APP" "$FW" apply "$WORK/frontend.json" --confirm-within 2 2>&1)
    check "apply --confirm-within 2 (exit $?)" test "$(profile_of_app)" = frontend
    out=$(in_ns "$APP" "$FW" confirm 2>&1)
    check "confirm (exit $?): $out" grep -q "confirmed" <<<"$out"
    sleep 2.5
    check "confirmed: still the new profile after the window" test "$(profile_of_app)" = frontend
    check "confirmed: saved for the next boot" cmp -s "$WORK/etc/active.json" "$WORK/frontend.json"
    out=$(in_ns "$APP" "$FW" confirm 2>&1)
    check "a second confirm has nothing to confirm (exit $?)" grep -q "no change waits" <<<"$out"
}

boot_phase() {
    echo "== boot: the saved profile, or the default boot profile"
    local out
    in_ns "$APP" nft flush ruleset
    out=$(in_ns "$APP" "$FW" boot --management mgmt0 2>&1)
    check "boot loads the saved profile ($out)" test "$(profile_of_app)" = frontend
    echo '{"model": "frontend",' >"$WORK/etc/active.json"
    out=$(in_ns "$APP" "$FW" boot --management mgmt0 2>&1)
    check "a damaged saved profile: boot still exits 0" test $? -eq 0
    check "and says why" grep -q "loading the default boot profile" <<<"$out"
    check "the default boot profile is running" test "$(profile_of_app)" = boot
    # No admin subnet is known yet: the whole management network may connect.
    expect_tcp "boot profile, management NIC" "$ADM" 10.99.3.200 10.99.3.1 "22 9443"
    expect_tcp "boot profile, DMZ NIC" "$INET" - 10.99.1.1 "" "22 8443 9443"
    expect_tcp "boot profile, LAN NIC" "$LAN" - 10.99.2.1 "" "22 2575 2576 9443"
    expect_tcp "boot profile, HA NIC" "$HA" 10.99.4.2 10.99.4.1 "" "22 9443 9444"
    expect_out "boot profile" 10.99.3.2 8080 open
    expect_out "boot profile" 10.99.2.10 8080 blocked
    rm -f "$WORK/etc/active.json"
    out=$(in_ns "$APP" "$FW" boot --management mgmt0 2>&1)
    check "no saved profile: the default boot profile ($out)" test "$(profile_of_app)" = boot
}

main() {
    write_profiles
    setup || { fail "namespace setup"; return; }
    dry_run
    baseline
    frontend
    vendor_window
    bad_configs
    gap_model
    confirm_or_revert
    boot_phase
    echo "== host"
    check "host ruleset untouched" test "$(nft list ruleset 2>&1 | sha256sum)" == "$HOST_RULESET_BEFORE"
    check "no medbox table on the host" bash -c "! nft list tables 2>/dev/null | grep -q 'inet medbox'"
}

START=$SECONDS
main
echo "netns test finished in $((SECONDS - START)) s"
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]

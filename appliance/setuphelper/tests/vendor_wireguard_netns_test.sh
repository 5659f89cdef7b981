#!/usr/bin/env bash
# The vendor's WireGuard path, end to end, in network namespaces with the
# shipped firewall profile (appliance/firewall/examples/frontend.json) and
# real WireGuard: the setup helper's vendor-* verbs make the appliance's key,
# bring the tunnel up and open the firewall's window, and close them again.
#
# The kernel here may lack the WireGuard module (no modprobe in CI): the
# helper then uses Debian's wireguard-go, the same userspace WireGuard
# wg-quick falls back to; the vendor's side always uses wireguard-go. Either
# way the packets are real WireGuard (handshake, encryption) and the
# appliance's nftables ruleset is the one medbox-firewall applies.
#
#   app  dmz0  203.0.113.1  --- inet  203.0.113.50  the vendor (WireGuard client, tunnel
#                                                 10.8.0.2; 10.8.0.130 is an address
#                                                 its key is not allowed to use)
#        lan0  10.10.2.1    --- his   10.10.2.10    the HIS host (another zone)
#        mgmt0 10.10.9.1    --- adm   10.10.9.2     the admin network
#        ha0   10.10.8.1    --- ha    10.10.8.2
#        wgvNNN 10.8.0.1 (made by the helper only while a window is open)
#
# It probes, before, during and after a window, that the vendor reaches the
# console (9443/tcp) through the tunnel only inside the window, from its own
# tunnel address only, and nothing else ever: no other port of the appliance,
# no other zone's host. A window that is not closed by anyone ends by itself
# (the kernel's set timeout). Addresses exist only in the namespaces made here.
#
# Usage: vendor_wireguard_netns_test.sh SETUP-HELPER FIREWALL   (root; exit 77 = skipped)
set -uo pipefail

HELPER=$(readlink -f "${1:?usage: $0 SETUP-HELPER FIREWALL}")
FW=$(readlink -f "${2:?usage: $0 SETUP-HELPER FIREWALL}")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../../.." && pwd)
PY=$( [[ -x /usr/bin/python3 ]] && echo /usr/bin/python3 || command -v python3 || true)
PROBE="$SRC/appliance/firewall/tests/netns/probe.py"
LISTEN="$SRC/appliance/firewall/tests/netns/listen.py"
WGGO=/usr/bin/wireguard-go

if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root (network namespaces)"; exit 77; fi
for tool in ip nft wg "$WGGO" "$PY"; do
    if [[ -z "$tool" ]] || ! command -v "$tool" >/dev/null; then
        echo "SKIP: missing ${tool:-python3} (apt-get install wireguard-tools wireguard-go nftables)"
        exit 77
    fi
done
[[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun for wireguard-go"; exit 77; }

P="mwg$$"
APP=$P-app INET=$P-inet HIS=$P-his ADM=$P-adm HA=$P-ha
ALL_NS=("$APP" "$INET" "$HIS" "$ADM" "$HA")
# WireGuard's userspace sockets (/var/run/wireguard/NAME.sock) are not per
# namespace: names of our own.
WG_APP=wgv$$ WG_VENDOR=wgc$$
WORK=$(mktemp -d /tmp/medbox-vendor-wg.XXXXXX)
# shellcheck source=../../../tests/lib/tap.sh
source "$SRC/tests/lib/tap.sh"

cleanup() {
    local ns pid
    for ns in "${ALL_NS[@]}"; do
        # Only processes inside our own namespaces: listeners and wireguard-go.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    rm -f "/var/run/wireguard/$WG_APP.sock" "/var/run/wireguard/$WG_VENDOR.sock"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# The helper as the console calls it: one JSON line in, one out; its
# medbox-firewall keeps its state in $WORK, not in the host's /etc or /run.
cat >"$WORK/firewall" <<FWEOF
#!/bin/sh
export MEDBOX_FIREWALL_STATE_DIR=$WORK/etc MEDBOX_FIREWALL_RUN_DIR=$WORK/run
exec $FW "\$@"
FWEOF
chmod 755 "$WORK/firewall"
helper() { echo "$1" | in_ns "$APP" "$HELPER" --root "$WORK/root" --firewall "$WORK/firewall" --wireguard-go "$WGGO"; }
answer_ok() { [[ $1 == *'"ok":true'* ]]; }

setup() {
    local ns
    for ns in "${ALL_NS[@]}"; do
        ip netns add "$ns" || return 1
        ip -n "$ns" link set lo up
    done
    ip link add dmz0 netns "$APP" type veth peer name eth0 netns "$INET"
    ip link add lan0 netns "$APP" type veth peer name eth0 netns "$HIS"
    ip link add mgmt0 netns "$APP" type veth peer name eth0 netns "$ADM"
    ip link add ha0 netns "$APP" type veth peer name eth0 netns "$HA"
    for l in dmz0 lan0 mgmt0 ha0; do ip -n "$APP" link set "$l" up; done
    for ns in "$INET" "$HIS" "$ADM" "$HA"; do ip -n "$ns" link set eth0 up; done
    ip -n "$APP" addr add 203.0.113.1/24 dev dmz0
    ip -n "$APP" addr add 10.10.2.1/24 dev lan0
    ip -n "$APP" addr add 10.10.9.1/24 dev mgmt0
    ip -n "$APP" addr add 10.10.8.1/24 dev ha0
    ip -n "$INET" addr add 203.0.113.50/24 dev eth0
    ip -n "$HIS" addr add 10.10.2.10/24 dev eth0
    ip -n "$ADM" addr add 10.10.9.2/24 dev eth0
    ip -n "$HA" addr add 10.10.8.2/24 dev eth0
    ip -n "$HIS" route add default via 10.10.2.1
    # Forwarding on in the appliance's namespace: the firewall, not a kernel
    # setting, must be what stops the vendor from reaching the HIS host.
    in_ns "$APP" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' || return 1

    in_ns "$APP" "$PY" "$LISTEN" --log "$WORK/app.log" --tcp 22 2575 8443 8444 8445 8446 8447 9443 9444 8080 &
    disown $!
    in_ns "$HIS" "$PY" "$LISTEN" --log "$WORK/his.log" --tcp 8080 2576 22 &
    disown $!
    local log i
    for log in app his; do
        for i in $(seq 50); do grep -q ready "$WORK/$log.log" 2>/dev/null && break; sleep 0.1; done
        grep -q ready "$WORK/$log.log" 2>/dev/null || { echo "listener $log did not start"; return 1; }
    done
}

# The shipped example profile; only the WireGuard interface's name is ours.
apply_profile() {
    sed "s/\"vendor\": \"wg0\"/\"vendor\": \"$WG_APP\"/" "$SRC/appliance/firewall/examples/frontend.json" >"$WORK/frontend.json"
    grep -q "\"$WG_APP\"" "$WORK/frontend.json" || return 1
    in_ns "$APP" env MEDBOX_FIREWALL_STATE_DIR="$WORK/etc" MEDBOX_FIREWALL_RUN_DIR="$WORK/run" \
        "$FW" apply "$WORK/frontend.json" >/dev/null
}

# The vendor's side: its own key, the appliance as its peer, and routes that
# send everything it might try (the appliance's other addresses, the HIS
# network) into the tunnel.
vendor_up() {
    local appkey=$1
    wg genkey >"$WORK/vendor.key"
    VENDOR_PUB=$(wg pubkey <"$WORK/vendor.key")
    in_ns "$INET" "$WGGO" "$WG_VENDOR" >/dev/null 2>&1 || return 1
    in_ns "$INET" wg set "$WG_VENDOR" private-key "$WORK/vendor.key" \
        peer "$appkey" endpoint 203.0.113.1:51820 allowed-ips 0.0.0.0/0 persistent-keepalive 1 || return 1
    in_ns "$INET" ip addr add 10.8.0.2/24 dev "$WG_VENDOR"
    in_ns "$INET" ip addr add 10.8.0.130/24 dev "$WG_VENDOR"
    in_ns "$INET" ip link set "$WG_VENDOR" up
    for net in 10.10.2.0/24 10.10.9.0/24 10.10.8.0/24; do in_ns "$INET" ip route add "$net" dev "$WG_VENDOR"; done
}

APP_TCP="22 2575 8443 8444 8445 8446 8447 9443 9444 8080"
# expect_tunnel LABEL SRC HOST "PORTS THAT MUST ANSWER" [PORTS]: from the vendor, through the tunnel.
expect_tunnel() {
    local label=$1 src=$2 host=$3 open=" $4 " ports=${5:-$APP_TCP} port state want
    # shellcheck disable=SC2086
    while read -r port state; do
        if [[ $open == *" $port "* ]]; then want=open; else want=filtered; fi
        check "$label: $src -> $host tcp/$port $([[ $want == open ]] && echo answers || echo dropped) (got $state)" \
            test "$state" = "$want"
    done < <(in_ns "$INET" "$PY" "$PROBE" tcp --src "$src" "$host" $ports)
}

# Everything the vendor could try through the tunnel; only "$1" may answer
# (the console on the appliance's tunnel address, during a window).
probe_all() {
    local label=$1 console=$2
    expect_tunnel "$label" 10.8.0.2 10.8.0.1 "$console"
    # The appliance's addresses in other zones, reached through the tunnel:
    # the console still only, never SSH or an internal port.
    expect_tunnel "$label" 10.8.0.2 10.10.9.1 "$console"
    expect_tunnel "$label" 10.8.0.2 10.10.2.1 "$console"
    # Another zone's host: nothing is forwarded.
    expect_tunnel "$label" 10.8.0.2 10.10.2.10 "" "8080 2576 22"
    # A tunnel address the vendor's key is not allowed to use.
    expect_tunnel "$label" 10.8.0.130 10.8.0.1 "" "9443 22"
}

tunnel_up() { in_ns "$APP" ip link show "$WG_APP" >/dev/null 2>&1; }
handshake_seen() {
    local t
    t=$(in_ns "$APP" wg show "$WG_APP" latest-handshakes 2>/dev/null | awk '{print $2}')
    [[ -n $t && $t != 0 ]]
}

wait_handshake() {
    local i
    for i in $(seq 250); do handshake_seen && return 0; sleep 0.1; done
    return 1
}

setup || { echo "Bail out! topology"; exit 1; }
check "the shipped front-end profile applies (vendor interface not there yet)" apply_profile

KEY=$(helper '{"verb":"vendor-key"}')
APP_PUB=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get("publicKey",""))' "$KEY")
check "vendor-key answers a public key" test -n "$APP_PUB"
check "the private key file is root's, mode 0600, in a 0700 folder" \
    test "$(stat -c %a:%U "$WORK/root/etc/medbox/vendor/wireguard.key")" = "600:root" -a \
    "$(stat -c %a "$WORK/root/etc/medbox/vendor")" = 700
check "the answered public key is the file's (wg pubkey)" \
    test "$(wg pubkey <"$WORK/root/etc/medbox/vendor/wireguard.key")" = "$APP_PUB"
check "vendor-key again keeps the same key" test "$(helper '{"verb":"vendor-key"}')" = "$KEY"
check "the answer carries no private key" test "${KEY/$(cat "$WORK/root/etc/medbox/vendor/wireguard.key")/}" = "$KEY"

vendor_up "$APP_PUB" || { echo "Bail out! vendor side"; exit 1; }
check "before any window: no tunnel interface on the appliance" bash -c "! ip -n $APP link show $WG_APP 2>/dev/null | grep -q ."
probe_all "before" ""

open_req() {
    printf '{"verb":"vendor-open","interface":"%s","address":"10.8.0.1/24","listenPort":51820,"peerKey":"%s","peerAddress":"10.8.0.2","seconds":%s}' \
        "$WG_APP" "$VENDOR_PUB" "$1"
}
close_req() { printf '{"verb":"vendor-close","interface":"%s","peerAddress":"10.8.0.2"}' "$WG_APP"; }

OUT=$(helper "$(open_req 600)")
check "vendor-open succeeds ($OUT)" answer_ok "$OUT"
check "the tunnel interface is up" tunnel_up
check "the appliance's interface has the helper's key" test "$(in_ns "$APP" wg show "$WG_APP" public-key)" = "$APP_PUB"
check "exactly one peer, the vendor, allowed its one address" \
    test "$(in_ns "$APP" wg show "$WG_APP" allowed-ips)" = "$VENDOR_PUB	10.8.0.2/32"
check "the firewall lists the window" bash -c "ip netns exec $APP env MEDBOX_FIREWALL_RUN_DIR=$WORK/run $FW status | grep -q 10.8.0.2"
# The vendor's client has been knocking (keepalive) on a port nothing
# listened on: it retries its handshake by itself within WireGuard's rekey
# timeout (5 s); the probes wait for that, as a vendor would.
wait_handshake
check "the vendor's client shook hands with the tunnel" handshake_seen
probe_all "window open" "9443"

OUT=$(helper "$(close_req)")
check "vendor-close succeeds" answer_ok "$OUT"
check "the tunnel interface (and its peer) is gone" bash -c "! ip -n $APP link show $WG_APP >/dev/null 2>&1"
probe_all "closed by an admin" ""
OUT=$(helper "$(close_req)")
check "closing again is harmless" answer_ok "$OUT"

# A window nobody closes: the firewall's set element ends with the window,
# by the kernel, while the tunnel is still up. (Removing the tunnel then is
# the console's job: VendorAccess::expire, tested in VendorAccessTest.)
# The vendor's client still holds the session of the first tunnel: it
# shakes hands again by itself (WireGuard's rekey timeout, 5 s), so the
# window is long enough for that, and the test waits for it.
OPENED=$(date +%s)
OUT=$(helper "$(open_req 30)")
check "a 30-second window opens" answer_ok "$OUT"
wait_handshake
check "the vendor's client shook hands with the new tunnel" handshake_seen
expect_tunnel "30-second window" 10.8.0.2 10.8.0.1 "9443" "9443 22"
sleep $((OPENED + 31 - $(date +%s)))
check "the tunnel is still up (nobody closed it)" tunnel_up
probe_all "30-second window ran out" ""
OUT=$(helper "$(close_req)")
check "vendor-close after the timeout succeeds (the window had ended already)" answer_ok "$OUT"
check "and removes the tunnel" bash -c "! ip -n $APP link show $WG_APP >/dev/null 2>&1"

tap_summary

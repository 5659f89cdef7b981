#!/usr/bin/env bash
# Offline checks of the units of the firewall at boot and of first access
# (appliance/firewall/systemd, appliance/firstaccess), as systemd-analyze
# sees them in a throw-away root laid out like the appliance:
#   * verify prints nothing for each (the networkd drop-in included);
#   * security --offline scores each service at most 2.5 (the medbox
#     services' bar, docs/units.md);
#   * medbox-firewall.service is ordered before network-pre.target, wants it,
#     has no default dependencies, and systemd-networkd requires it.
# Usage: boot_units_test.sh SOURCE_DIR      (77 = skipped without systemd-analyze)
set -uo pipefail
SRC=${1:?usage: boot_units_test.sh SOURCE_DIR}
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze missing"; exit 77; }
[ -d /usr/lib/systemd/system ] || { echo "SKIP: no systemd units to resolve against"; exit 77; }
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
units=$ROOT/usr/lib/systemd/system
mkdir -p "$units/systemd-networkd.service.d" "$ROOT/usr/sbin" "$ROOT/usr/libexec/medbox"
cp -a /usr/lib/systemd/system/. "$units/"
cp /bin/true "$ROOT/usr/sbin/medbox-firewall"
cp "$SRC/appliance/firstaccess/medbox-issue" "$SRC/appliance/firstaccess/medbox-ssh-keys" "$ROOT/usr/libexec/medbox/"
cp "$SRC/appliance/firewall/systemd/medbox-firewall.service" "$SRC"/appliance/firstaccess/medbox-*.service \
    "$SRC/appliance/firstaccess/medbox-issue.path" "$units/"
cp "$SRC/appliance/firewall/systemd/systemd-networkd-requires-firewall.conf" \
    "$units/systemd-networkd.service.d/50-medbox-firewall.conf"
# shellcheck source=../../../tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
for u in medbox-firewall.service medbox-issue.service medbox-issue.path medbox-ssh-keys.service; do
    out=$(systemd-analyze verify --root="$ROOT" "$units/$u" 2>&1)
    check "systemd-analyze verify $u${out:+: $out}" test -z "$out"
done
for u in medbox-firewall.service medbox-issue.service medbox-ssh-keys.service; do
    score=$(systemd-analyze security --offline=true --root="$ROOT" "$units/$u" 2>&1 |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    check "$u: exposure $score <= 2.5" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.5) }'
done
fw=$units/medbox-firewall.service
check "medbox-firewall: Before=network-pre.target" grep -qE '^Before=.*network-pre\.target' "$fw"
check "medbox-firewall: Wants=network-pre.target" grep -qx 'Wants=network-pre.target' "$fw"
check "medbox-firewall: DefaultDependencies=no" grep -qx 'DefaultDependencies=no' "$fw"
check "systemd-networkd requires and follows it" grep -qx 'Requires=medbox-firewall.service' \
    "$units/systemd-networkd.service.d/50-medbox-firewall.conf"
tap_summary

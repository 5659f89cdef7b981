#!/usr/bin/env bash
# Hardening evidence: boots an image's root file system under systemd-nspawn
# and runs lynis inside it, as it would run on the installed appliance. lynis
# is the host's (Debian package), bind-mounted read-only: the image itself
# does not carry an auditing tool. Prints the hardening index, the warnings
# and the suggestions (docs/image.md, "Hardening").
#
#   images/lynis-audit.sh [ROOT] [--report FILE]
#
# ROOT: a root folder made by images/build.sh (out/<profile>/rootfs) or the
# boot test's cached root (the default: /var/cache/medbox-image/boottest/*/rootfs).
# --report FILE: also keep lynis-report.dat (and lynis.log as FILE.log). Needs root, systemd-container, lynis.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
root="" report=""
while (($#)); do
    case $1 in
        --report) report=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) root=$1; shift ;;
    esac
done
[ -n "$root" ] || root=$(ls -d /var/cache/medbox-image/boottest/*/rootfs 2>/dev/null | head -1)
BOOT_TIMEOUT=900
say() { echo "# $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (systemd-nspawn)"
[ -n "$root" ] && [ -x "$root/usr/lib/systemd/systemd" ] || fail "no image root file system (give ROOT; see images/build.sh)"
command -v lynis >/dev/null || fail "lynis is not installed (apt install lynis)"

work=$(mktemp -d /tmp/medbox-lynis.XXXXXX)
# shellcheck source=../tests/lib/container.sh
. "$SRC/tests/lib/container.sh"
trap 'stop_container; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

boot lynis --bind-ro=/usr/share/lynis --bind-ro=/usr/sbin/lynis --bind-ro=/etc/lynis
state=$(in_ct timeout 120 systemctl is-system-running --wait 2>/dev/null || true)
say "system state: ${state:-unknown}; running lynis $(lynis --version 2>/dev/null)"
in_ct lynis audit system --quick --no-colors >"$work/lynis.out" 2>&1 || true
in_ct cat /var/log/lynis-report.dat >"$work/report.dat" 2>/dev/null || { tail -30 "$work/lynis.out"; fail "lynis wrote no report"; }
in_ct cat /var/log/lynis.log >"$work/lynis.log" 2>/dev/null || true
power_off lynis
if [ -n "$report" ]; then cp "$work/report.dat" "$report"; cp "$work/lynis.log" "$report.log"; fi

index=$(sed -n 's/^hardening_index=//p' "$work/report.dat")
echo "hardening index: ${index:-?}"
echo "warnings:"
sed -n 's/^warning\[\]=//p' "$work/report.dat" | sed 's/^/  /'
echo "suggestions:"
sed -n 's/^suggestion\[\]=//p' "$work/report.dat" | sed 's/^/  /'

#!/bin/bash
# Checks every unit, sysusers.d, tmpfiles.d and preset file of
# appliance/systemd offline, without a running systemd (none is PID 1 on the
# build machines), as CMake generated them into $MEDBOX_UNITS_DIR (default
# $MEDBOX_BUILD_DIR/appliance/systemd/generated; cmake/services.cmake):
#
#   * systemd-analyze verify prints nothing and succeeds for each unit;
#   * systemd-analyze security --offline=true scores each unit at most 2.5,
#     and docs/units.md records exactly that score;
#   * every service unit is Type=notify with a watchdog, names its own user,
#     state folder, binary and environment file (and, but for the console,
#     the console's URL), and carries the shared block of restart and
#     hardening lines unchanged;
#   * systemd-sysusers and systemd-tmpfiles apply the files to an empty root
#     (users, group, trust folder root:medbox 3775);
#   * systemctl preset enables exactly the units the preset file enables, and
#     every directive there has a comment.
#
# Everything is checked inside a throw-away root file system laid out as on
# the appliance: the host's own systemd units (so sysinit.target,
# network-online.target, ... resolve), the medbox units in
# /usr/lib/systemd/system and the service binaries in /usr/libexec/medbox.
# The binaries are copied from $MEDBOX_BUILD_DIR/services/<name>/ when built
# there; otherwise an executable stub stands in (verify only checks that
# ExecStart names an executable file), and the test says so.
#
# Usage: units_test.sh            (CTest sets MEDBOX_BUILD_DIR, MEDBOX_UNITS_DIR)
# Exits 0 when all checks pass, 1 otherwise, 77 (skipped) without systemd tools.
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)          # appliance/systemd
DOCS=$(cd "$HERE/../.." && pwd)/docs/units.md
BUILD=${MEDBOX_BUILD_DIR:-}
UNITS=${MEDBOX_UNITS_DIR:-${BUILD:+$BUILD/appliance/systemd/generated}}
HOST_UNITS=/usr/lib/systemd/system
MAX_EXPOSURE=2.5
SKIP=77

for tool in systemd-analyze systemd-sysusers systemd-tmpfiles systemctl; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (Debian package systemd)"; exit $SKIP; }
done
[ -d "$HOST_UNITS" ] || { echo "SKIP: no $HOST_UNITS to resolve systemd's own units against"; exit $SKIP; }
[ -n "$UNITS" ] && [ -d "$UNITS" ] || { echo "FAIL: no generated units (set MEDBOX_UNITS_DIR or MEDBOX_BUILD_DIR; looked in '$UNITS')"; exit 1; }

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/medbox-units.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}
check() { if eval "$2"; then ok "$1"; else not_ok "$1" "${3:-}"; fi; }

# Value of KEY in a unit file: the last assignment wins, as in systemd. Only
# used for single-valued keys; the units are self-contained (no drop-ins).
unit_value() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# --- the units under test ---------------------------------------------------------
mapfile -t units < <(cd "$UNITS" && ls -1 -- *.service *.target 2>/dev/null | sort)
mapfile -t services < <(printf '%s\n' "${units[@]}" | sed -n 's/^medbox-\([a-z0-9-]*\)\.service$/\1/p')
if ((${#units[@]} == 0 || ${#services[@]} == 0)); then
    echo "FAIL: no medbox-*.service units in $UNITS"
    exit 1
fi
echo "# units: ${units[*]}"

# --- the appliance-like root ---------------------------------------------------------
mkdir -p "$ROOT/usr/lib/systemd/system" "$ROOT/usr/lib/systemd/system-preset" "$ROOT/usr/libexec/medbox" \
    "$ROOT/usr/lib/sysusers.d" "$ROOT/usr/lib/tmpfiles.d" "$ROOT/etc/systemd/system"
cp -a "$HOST_UNITS/." "$ROOT/usr/lib/systemd/system/"
for u in "${units[@]}"; do cp "$UNITS/$u" "$ROOT/usr/lib/systemd/system/$u"; done
cp "$UNITS"/sysusers.d/*.conf "$ROOT/usr/lib/sysusers.d/"
cp "$UNITS"/tmpfiles.d/*.conf "$ROOT/usr/lib/tmpfiles.d/"
cp "$UNITS"/presets/*.preset "$ROOT/usr/lib/systemd/system-preset/"
for s in "${services[@]}"; do
    bin=$BUILD/services/$s/medbox-$s
    if [ -n "$BUILD" ] && [ -x "$bin" ]; then
        cp "$bin" "$ROOT/usr/libexec/medbox/medbox-$s"
        echo "# medbox-$s: built binary from $bin"
    else
        printf '#!/bin/sh\nexit 0\n' >"$ROOT/usr/libexec/medbox/medbox-$s"
        chmod 0755 "$ROOT/usr/libexec/medbox/medbox-$s"
        echo "# medbox-$s: not built${BUILD:+ in $BUILD}; verifying against an executable stub"
    fi
done

# --- systemd-analyze verify: silent and successful ----------------------------------
for u in "${units[@]}"; do
    out=$(systemd-analyze verify --root="$ROOT" "$u" 2>&1)
    rc=$?
    check "verify $u: exit 0, no warnings" '[ $rc = 0 ] && [ -z "$out" ]' "exit $rc: $out"
done

# A verify that cannot fail proves nothing: a unit with an unknown key and a
# missing binary must be reported.
printf '[Service]\nType=notify\nExecStart=/usr/libexec/medbox/medbox-absent\nNoSuchKey=1\n' \
    >"$ROOT/usr/lib/systemd/system/medbox-broken.service"
out=$(systemd-analyze verify --root="$ROOT" medbox-broken.service 2>&1)
check "verify reports a broken unit (control)" \
    '[[ $out == *NoSuchKey* ]] && [[ $out == *medbox-absent* ]]' "$out"
rm -f "$ROOT/usr/lib/systemd/system/medbox-broken.service"

# --- systemd-analyze security: exposure at most 2.5, as recorded in the docs -------
threshold=$(awk -v m="$MAX_EXPOSURE" 'BEGIN { printf "%d", m * 10 }')
for u in "${units[@]}"; do
    [[ $u == *.service ]] || continue
    out=$(systemd-analyze security --offline=true --root="$ROOT" --threshold="$threshold" --no-pager "$u" 2>&1)
    rc=$?
    line=$(printf '%s\n' "$out" | grep -o "Overall exposure level for $u: [0-9.]* [A-Z]*" | tail -n 1)
    score=${line#*: }
    score=${score%% *}
    echo "# $line"
    check "security $u: exposure $score <= $MAX_EXPOSURE" \
        '[ $rc = 0 ] && [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" "BEGIN { exit !(s <= m) }"' \
        "exit $rc; $(printf '%s\n' "$out" | grep '✗')"
    check "security $u: docs/units.md records \"$line\"" \
        '[ -n "$line" ] && grep -qF -- "$line" "$DOCS" 2>/dev/null' \
        "update the score table in $DOCS (systemd $(systemctl --version | head -n 1 | cut -d" " -f2))"
done

# --- what every service unit must say -------------------------------------------------
shared_block() { sed -n '/^# --- shared by every medbox service unit/,/^# --- end of shared lines ---/p' "$1"; }
reference=medbox-${services[0]}.service
for s in "${services[@]}"; do
    f=$UNITS/medbox-$s.service
    u=medbox-$s.service
    expect() { # KEY VALUE
        local key=$1 want=$2 got
        got=$(unit_value "$f" "$key")
        check "$u: $key=$want" '[ "$got" = "$want" ]' "found '$key=$got'"
    }
    expect Type notify
    expect NotifyAccess main
    expect WatchdogSec 30s
    expect Restart on-failure
    expect RestartPreventExitStatus 78
    expect ExecStart "/usr/libexec/medbox/medbox-$s"
    expect User "medbox-$s"
    expect Group medbox
    expect StateDirectory "medbox/$s"
    expect StateDirectoryMode 0700
    expect EnvironmentFile "-/etc/medbox/$s.env"
    expect ReadWritePaths /var/lib/medbox/trust
    expect PartOf medbox.target
    expect WantedBy medbox.target
    check "$u: Environment=MEDBOX_DATA__DIR=/var/lib/medbox/$s" \
        'grep -qx "Environment=MEDBOX_DATA__DIR=/var/lib/medbox/$s" "$f"'
    check "$u: Environment=MEDBOX_AUTH__TRUST_DIR=/var/lib/medbox/trust" \
        'grep -qx "Environment=MEDBOX_AUTH__TRUST_DIR=/var/lib/medbox/trust" "$f"'
    # Every service but the console follows the console's revoked tokens
    # (docs/security.md, "Revocation"); the console would refuse the key.
    if [ "$s" = console ]; then
        want_vars=3
        check "$u: no MEDBOX_AUTH__CONSOLE_URL (the console keeps the list itself)" \
            '! grep -q "MEDBOX_AUTH__CONSOLE_URL" "$f"'
        # Reached on the management NIC; the firewall decides who gets there
        # (docs/install.md, "First access").
        check "$u: Environment=MEDBOX_HTTP__HOST=0.0.0.0" 'grep -qx "Environment=MEDBOX_HTTP__HOST=0.0.0.0" "$f"'
    else
        want_vars=3
        check "$u: Environment=MEDBOX_AUTH__CONSOLE_URL=https://127.0.0.1:9443" \
            'grep -qx "Environment=MEDBOX_AUTH__CONSOLE_URL=https://127.0.0.1:9443" "$f"'
        check "$u: starts after the console (its first revocation fetch finds it)" \
            'grep -qx "After=network.target medbox-console.service" "$f"'
    fi
    check "$u: no other MEDBOX_ variable (the service rejects unknown keys)" \
        '[ "$(grep -c "^Environment=.*MEDBOX_" "$f")" = "$want_vars" ]'
    block=$(shared_block "$f")
    check "$u: has the shared block" '[ -n "$block" ]'
    if [ "$u" != "$reference" ]; then
        d=$(diff <(shared_block "$UNITS/$reference") <(printf '%s\n' "$block"))
        check "$u: shared block identical to $reference" '[ -z "$d" ]' "$d"
    fi
done

# --- the console's unit control (docs/units.md, "The console and unit control") ------
# Journal lines need group systemd-journal; starting and stopping is granted by
# the polkit rule, to the console's user only; no other service gets either.
f=$UNITS/medbox-console.service
check "medbox-console.service: SupplementaryGroups=systemd-journal" \
    '[ "$(unit_value "$f" SupplementaryGroups)" = systemd-journal ]' "found '$(unit_value "$f" SupplementaryGroups)'"
for s in "${services[@]}"; do
    [ "$s" = console ] && continue
    check "medbox-$s.service: no SupplementaryGroups= (only the console reads the journal)" \
        '! grep -q "^SupplementaryGroups=" "$UNITS/medbox-$s.service"'
done
rule=$HERE/polkit/50-medbox-console.rules
check "polkit rule names the console's user and systemd's manage-units action" \
    'grep -q "subject.user !== \"medbox-console\"" "$rule" && grep -q "org.freedesktop.systemd1.manage-units" "$rule"'

# --- sysusers.d and tmpfiles.d applied to the empty root -----------------------------
out=$(systemd-sysusers --root="$ROOT" 2>&1)
rc=$?
check "systemd-sysusers applies sysusers.d/medbox.conf" '[ $rc = 0 ]' "$out"
gid=$(awk -F: '$1 == "medbox" { print $3 }' "$ROOT/etc/group" 2>/dev/null)
check "group medbox created" '[ -n "$gid" ]'
for s in "${services[@]}"; do
    entry=$(awk -F: -v u="medbox-$s" '$1 == u' "$ROOT/etc/passwd" 2>/dev/null)
    IFS=: read -r _ _ uid ugid _ home shell <<<"$entry"
    check "user medbox-$s: system user, primary group medbox, no login" \
        '[ -n "$entry" ] && [ "$uid" -lt 1000 ] && [ "$ugid" = "$gid" ] && [ "$shell" = /usr/sbin/nologin ]' \
        "passwd entry: '$entry'"
done
out=$(systemd-tmpfiles --root="$ROOT" --create 2>&1)
rc=$?
check "systemd-tmpfiles --create applies tmpfiles.d/medbox.conf" '[ $rc = 0 ] && [ -z "$out" ]' "$out"
st=$(stat -c '%a %u %g' "$ROOT/var/lib/medbox/trust" 2>&1)
check "trust folder is root:medbox 3775 (setgid, sticky)" '[ "$st" = "3775 0 $gid" ]' "found $st"
st=$(stat -c '%a %u %g' "$ROOT/var/lib/medbox" 2>&1)
check "/var/lib/medbox is root:root 0755" '[ "$st" = "755 0 0" ]' "found $st"

# --- presets ------------------------------------------------------------------------
for p in "$UNITS"/presets/*.preset; do
    bad=$(awk '/^(enable|disable)[ \t]/ && prev !~ /^#/ { print FILENAME ":" NR ": " $0 } { prev = $0 }' "$p")
    check "$(basename "$p"): a comment above every directive" '[ -z "$bad" ]' "$bad"
done
out=$(systemctl --root="$ROOT" preset "${units[@]}" 2>&1)
rc=$?
check "systemctl preset succeeds" '[ $rc = 0 ]' "$out"
for u in "${units[@]}"; do
    want=$(awk -v u="$u" '($1 == "enable" || $1 == "disable") && $2 == u { print $1 "d"; exit }' "$UNITS"/presets/*.preset)
    got=$(systemctl --root="$ROOT" is-enabled "$u" 2>&1)
    check "preset names $u explicitly and it ends up $want" '[ -n "$want" ] && [ "$got" = "$want" ]' "is-enabled: $got"
done
check "medbox.target is wanted by multi-user.target" \
    '[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/medbox.target" ]'

echo "1..$n"
if ((failed)); then
    echo "# $failed of $n checks failed"
    exit 1
fi
echo "# all $n checks passed"

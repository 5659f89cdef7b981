#!/usr/bin/env bash
# Boot test of the appliance image (docs/image.md, "Boot test"):
#
#   1. packages the build tree (cpack) and builds the application profile's
#      root file system with images/build.sh, or reuses the one cached under
#      $MEDBOX_IMAGE_CACHE/boottest/ for exactly these inputs (the image
#      recipe, the profile and the .deb files);
#   2. boots it with systemd-nspawn -b (a full systemd as PID 1, under a
#      throw-away overlay, no network but its own loopback), waits until boot
#      is finished and every enabled medbox unit is active, i.e. reported
#      READY=1 (Type=notify); fails on any failed unit;
#   3. checks each service's /healthz over HTTPS, trusting the certificate
#      the service wrote into the trust folder;
#   4. kills one service with SIGKILL and checks that systemd restarted it
#      (NRestarts=1, a new main PID, /healthz again) and that
#      "medboxctl status" shows the restart;
#   5. powers the container off;
#   6. boots again with a drop-in that gives booking an invalid port, and
#      checks that step 2 fails and shows booking's journal lines
#      ("configuration error").
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
# MEDBOX_SOURCE_DIR, MEDBOX_IMAGE_CACHE (default /var/cache/medbox-image).
# Needs root, systemd-container, mmdebstrap (cold cache), util-linux
# (nsenter), curl; see .ci/packages-image.txt.
set -euo pipefail

SRC=${MEDBOX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MEDBOX_BUILD_DIR:-$SRC/build}
CACHE=${MEDBOX_IMAGE_CACHE:-/var/cache/medbox-image}
PROFILE=application
RECIPE_VERSION=1      # bump to force a rebuild of cached roots
BUILD_TIMEOUT=480     # images/build.sh --rootfs-only: about 2 min warm, 4 cold
BOOT_TIMEOUT=150      # one boot, its checks and power-off (normally 10-20 s)
READY_TIMEOUT=90      # boot finished and every medbox unit ready

start_time=$(date +%s.%N)
elapsed() { awk -v s="$start_time" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}'; }
say() { echo "# $* ($(elapsed) s)"; }
fail() { echo "FAIL: $*"; exit 1; }
indent() { sed 's/^/#   /'; }

[ "$(id -u)" = 0 ] || fail "needs root (systemd-nspawn, mmdebstrap)"
for tool in systemd-nspawn nsenter curl cpack; do
    command -v "$tool" >/dev/null || fail "$tool is missing (see .ci/packages-image.txt)"
done
[ -f "$BUILD/CPackConfig.cmake" ] || fail "$BUILD is not a configured build tree with cmake/packaging.cmake"

work=$(mktemp -d /tmp/medbox-boottest.XXXXXX)
timeout_pid=""
init_pid=""
init_ns=""

# Prints the PIDs whose parent is $1.
children() { awk -v p="$1" '{sub(/.*\) /, ""); split($0, f, " "); if (f[2] == p) {split(FILENAME, n, "/"); print n[3]}}' /proc/[0-9]*/stat 2>/dev/null; }

# Stops the container if it still runs: TERM to timeout(1), which passes it
# to nspawn (nspawn then powers the container off), KILL after 10 s; then the
# container's init, if it outlived nspawn (killing a PID namespace's init ends
# every process in it).
stop_container() {
    if [ -n "$timeout_pid" ] && kill -0 "$timeout_pid" 2>/dev/null; then
        echo "# stopping the container"
        kill -TERM "$timeout_pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$timeout_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$timeout_pid" 2>/dev/null || true
        wait "$timeout_pid" 2>/dev/null || true
    fi
    timeout_pid=""
    if [ -n "$init_pid" ] && [ "$(readlink "/proc/$init_pid/ns/pid" 2>/dev/null)" = "$init_ns" ]; then
        echo "# killing the container's init ($init_pid) left behind"
        kill -KILL "$init_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            state=$(awk '/^State:/ {print $2}' "/proc/$init_pid/status" 2>/dev/null || true)
            { [ -z "$state" ] || [ "$state" = Z ]; } && break
            sleep 0.1
        done
    fi
    init_pid=""
}
cleanup() {
    local status=$?
    stop_container
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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
cached=$CACHE/boottest/$key
root=$cached/rootfs
mkdir -p "$CACHE/boottest"
exec 9>"$CACHE/boottest/.lock"
flock 9   # one builder at a time; others wait and reuse its result
if [ ! -d "$root" ]; then
    command -v mmdebstrap >/dev/null || fail "no cached root and mmdebstrap is not installed"
    say "building the $PROFILE root file system (images/build.sh --rootfs-only) into $cached"
    # Keep only the newest root: each is about 550 MB.
    find "$CACHE/boottest" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
    if ! timeout "$BUILD_TIMEOUT" "$SRC/images/build.sh" "$PROFILE" --rootfs-only \
            --debs "$work/debs" --out "$cached.tmp" >"$work/image-build.log" 2>&1; then
        tail -40 "$work/image-build.log"
        rm -rf "$cached.tmp"
        fail "images/build.sh failed"
    fi
    mv "$cached.tmp/$PROFILE" "$cached"
    rm -rf "$cached.tmp"
    grep '^\[image' "$work/image-build.log" | sed 's/^/# /'
else
    say "reusing the cached root $cached"
fi
flock -u 9
exec 9>&-

# --- helpers: boot, run inside, report ---------------------------------------------
# boot NAME [nspawn options...]: starts the container in the background.
boot() {
    local name=$1
    shift
    say "booting the container ($name)"
    timeout --kill-after=10 "$BOOT_TIMEOUT" systemd-nspawn -q -b -D "$root" --register=no --keep-unit \
        --volatile=overlay --private-network "$@" \
        </dev/null >"$work/console-$name.log" 2>&1 &
    timeout_pid=$!
    local own_ns nspawn child ns
    own_ns=$(readlink /proc/self/ns/pid)
    init_pid=""
    for _ in $(seq 100); do
        for nspawn in $(children "$timeout_pid"); do
            for child in $(children "$nspawn"); do
                ns=$(readlink "/proc/$child/ns/pid" 2>/dev/null || true)
                if [ -n "$ns" ] && [ "$ns" != "$own_ns" ]; then init_pid=$child; init_ns=$ns; fi
            done
        done
        [ -n "$init_pid" ] && break
        kill -0 "$timeout_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$init_pid" ] || { tail -20 "$work/console-$name.log"; fail "the container did not start"; }
    echo "# container init is PID $init_pid"
}

# in_ct CMD...: runs the container's CMD in all its namespaces.
in_ct() { nsenter --target "$init_pid" --mount --uts --ipc --net --pid -- "$@"; }

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
        case $state in running|degraded|maintenance|stopping|offline) break ;; esac
        ((SECONDS < deadline)) || break
        sleep 0.5
    done
    mapfile -t units < <(in_ct systemctl list-unit-files --no-legend --no-pager --state=enabled 'medbox-*.service' | awk '{print $1}')
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

# power_off NAME: clean shutdown; the container must end by itself.
power_off() {
    say "powering off"
    in_ct systemctl poweroff --no-block >/dev/null 2>&1 || true
    local rc=0
    wait "$timeout_pid" || rc=$?
    timeout_pid=""
    if [ -n "$init_pid" ] && [ "$(readlink "/proc/$init_pid/ns/pid" 2>/dev/null)" = "$init_ns" ]; then
        fail "the container's init is still running after nspawn exited"
    fi
    init_pid=""
    [ "$rc" = 0 ] || { tail -20 "$work/console-$1.log"; fail "systemd-nspawn exited with $rc after power-off"; }
    echo "ok - powered off cleanly"
}

# --- 2.-5. a healthy boot ------------------------------------------------------------
boot healthy
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
power_off healthy

# --- 6. a service that cannot start fails the boot check, with its journal ------------------
broken_unit=medbox-booking.service
[[ " ${units[*]} " == *" $broken_unit "* ]] || broken_unit=${units[0]}
cat >"$work/broken.conf" <<'EOF'
# Written by tests/system/image_boot_test.sh: an invalid port is a
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

# Boots a root file system under systemd-nspawn -b and runs commands inside
# it. Sourced by tests/nspawn/image_boot_test.sh and images/lynis-audit.sh
# (which drive the container from outside: boot, in_ct, power_off) and by
# tests/nspawn/units_test.sh and tests/nspawn/medboxctl_test.sh (whose test
# runs inside and powers the container off: boot, wait_exit, report_tap).
# The root itself comes from tests/lib/nspawn_root.sh (built once, cached).
#
# The caller sets $root (the root folder), $work (a scratch folder),
# $BOOT_TIMEOUT (seconds for one boot, its checks and power-off) and defines
# say MESSAGE and fail MESSAGE; it calls stop_container from its EXIT trap
# (the nspawn tests get all of that from nspawn_test.sh).
# The container runs under a throw-away overlay, with only its own loopback
# (--private-network), not registered with machined (there is none here).
# Globals: timeout_pid, init_pid, init_ns.

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

# The container's network: its own loopback only, unless the caller sets
# this, e.g. (--network-namespace-path=/run/netns/NAME) for a namespace it
# prepared with NICs of the profile's names (image_boot_test.sh).
NSPAWN_NETWORK=(--private-network)

# boot NAME [nspawn options...]: starts the container in the background.
boot() {
    local name=$1
    shift
    say "booting the container ($name)"
    timeout --kill-after=10 "$BOOT_TIMEOUT" systemd-nspawn -q -b -D "$root" --register=no --keep-unit \
        --volatile=overlay "${NSPAWN_NETWORK[@]}" "$@" \
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

# wait_exit: waits until the container ends by itself; sets container_rc to
# nspawn's exit code. Fails if the container's init outlived nspawn.
wait_exit() {
    container_rc=0
    wait "$timeout_pid" || container_rc=$?
    timeout_pid=""
    say "container exited with $container_rc"
    if [ -n "$init_pid" ] && [ "$(readlink "/proc/$init_pid/ns/pid" 2>/dev/null)" = "$init_ns" ]; then
        fail "the container's init is still running after nspawn exited"
    fi
    init_pid=""
}

# power_off NAME: clean shutdown; the container must end by itself, and
# nspawn with 0.
power_off() {
    say "powering off"
    in_ct systemctl poweroff --no-block >/dev/null 2>&1 || true
    wait_exit
    [ "$container_rc" = 0 ] || { tail -20 "$work/console-$1.log"; fail "systemd-nspawn exited with $container_rc after power-off"; }
    echo "ok - powered off cleanly"
}

# report_tap NAME RESULT: prints the TAP file a test inside the container
# wrote (it ends with "# done" when the test ran to its end) and a summary;
# returns 0 when every check passed. On an unfinished run, also the console.
report_tap() {
    local name=$1 result=$2 passed failed
    if [ ! -s "$result" ] || ! grep -q '^# done$' "$result"; then
        echo "FAIL: the test inside the container did not finish (exit ${container_rc:-?})"
        [ -f "$result" ] && cat "$result"
        echo "--- console (last 40 lines)"
        tail -40 "$work/console-$name.log" | sed 's/\x1b\[[0-9;]*m//g'
        return 1
    fi
    cat "$result"
    passed=$(grep -c '^ok ' "$result" || true)
    failed=$(grep -c '^not ok ' "$result" || true)
    say "$passed passed, $failed failed"
    [ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}

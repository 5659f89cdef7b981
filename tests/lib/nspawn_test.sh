# The common start of the tests in tests/nspawn/: timing and messages, the
# skip when systemd-nspawn cannot run here, and the EXIT trap that stops the
# container and removes $work however the test ends. Sourced first by each
# test; brings nspawn_root.sh (the cached roots) and container.sh (boot and
# drive a container) with it.

start_time=$(date +%s.%N)
elapsed() { awk -v s="$start_time" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}'; }
say() { echo "# $* ($(elapsed) s)"; }
fail() { echo "FAIL: $*"; exit 1; }

nspawn_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=nspawn_root.sh
. "$nspawn_lib/nspawn_root.sh"
# shellcheck source=container.sh
. "$nspawn_lib/container.sh"

# Exits 77 (ctest: skipped) unless this is root with systemd-nspawn.
require_nspawn() {
    [ "$(id -u)" = 0 ] || { echo "SKIP: needs root (systemd-nspawn)"; exit 77; }
    command -v systemd-nspawn >/dev/null || { echo "SKIP: systemd-nspawn not installed (package systemd-container)"; exit 77; }
}

cleanup() {
    local status=$?
    stop_container
    rm -rf "${work:-}"
    exit $status
}
clean_up_on_exit() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

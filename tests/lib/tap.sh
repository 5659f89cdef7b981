# shellcheck shell=bash
# TAP-style checks for the shell tests (sourced): `check DESCRIPTION COMMAND...`
# runs the command and prints "ok N - ..." or "not ok N - ..."; tap_summary
# prints the count and fails when a check failed (the script's last line).
n=0 failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    n=$((n + 1))
    if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; failed=$((failed + 1)); fi
}
tap_summary() {
    echo "# $((n - failed)) passed, $failed failed"
    [ "$failed" = 0 ]
}

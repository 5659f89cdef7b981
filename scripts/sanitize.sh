#!/usr/bin/env bash
# The unit and API tests under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: builds into ./build-asan (CMakePresets.json,
# preset "sanitize"), then runs ctest there. The API tests start the
# sanitized service binaries: ctest hands them MEDBOX_BUILD_DIR=build-asan.
#   scripts/sanitize.sh                 build, run labels unit and api
#   scripts/sanitize.sh -R Database     any further ctest arguments
#   SANITIZE_BUILD_ONLY=1 scripts/sanitize.sh   build only
# Every sanitizer report, from a test binary or from a service an API test
# started, is written to build-asan/sanitizer-logs/; the run fails if any was
# written, even when the test that caused it passed (UBSan reports and goes
# on, and the harness shows a service's stderr only when a test fails).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

opts=()
command -v ccache >/dev/null && opts+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
[ "${CI:-}" = "true" ] && opts+=(-DMEDBOX_WERROR=ON)
cmake --preset sanitize "${opts[@]}" >/dev/null
# -j2: the build machines have two cores, shared.
cmake --build --preset sanitize -j"${SANITIZE_JOBS:-2}"
echo "sanitize: built in $((SECONDS - start)) s"
[ -n "${SANITIZE_BUILD_ONLY:-}" ] && exit 0

logs=$PWD/build-asan/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
supp=$PWD/scripts/sanitize
# detect_stack_use_after_return: catches a reference to a returned frame.
# One log_path for all three: in a binary with ASan and UBSan they share the
# runtime's common flags, and the last one parsed would win anyway.
# Each report lands in $logs/report.PID.
export ASAN_OPTIONS="log_path=$logs/report:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$logs/report:print_stacktrace=1:halt_on_error=0${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

rc=0
ctest --test-dir build-asan --output-on-failure -j2 -L '^(unit|api)$' "$@" || rc=$?

reports=("$logs"/*)
if [ -e "${reports[0]}" ]; then
    echo "sanitize: ${#reports[@]} sanitizer report(s) in $logs:"
    for r in "${reports[@]}"; do echo "=== $r"; head -60 "$r"; done
    rc=1
fi
echo "sanitize: $( ((rc == 0)) && echo passed || echo FAILED ) in $((SECONDS - start)) s"
exit $rc

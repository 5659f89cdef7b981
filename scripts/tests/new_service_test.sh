#!/bin/bash
# Tests scripts/new-service.sh on a copy of the working tree (tracked and
# untracked files as they are now, not the last commit): it generates a
# service "demo" on port 8499, then
#   * checks the row, the folder's shape and that no placeholder is left;
#   * configures the copy and builds only medbox-demo, demo_tests and
#     medbox-console (the API test needs the console's staff tokens);
#   * runs demo_tests (gtest) and tests/api/demo.test.mjs (node:test);
#   * runs the copy's units test (appliance/systemd/tests/units_test.sh):
#     medbox-demo.service verifies, scores at most 2.5, has its user and
#     preset; the only failure allowed is its score not yet being recorded in
#     docs/units.md, which the generator asks a person to do;
#   * checks that the real tree did not change.
# The copy lives below $MEDBOX_BUILD_DIR (same relative layout every run, so
# ccache with base_dir set hits) and is built without precompiled headers
# (ccache does not cache compilations that use one unless told to be
# sloppy); so the first run compiles the core and the console (10-20 minutes
# on a busy 2-core machine; 12 minutes measured), later runs hit the cache
# (about 30 s measured). It is removed at
# exit (MEDBOX_KEEP_TMP=1 keeps it). CTest label "slow".
#
# Usage: new_service_test.sh   (CTest sets MEDBOX_SOURCE_DIR and MEDBOX_BUILD_DIR)
set -uo pipefail

SRC=${MEDBOX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${MEDBOX_BUILD_DIR:-$SRC/build}
SKIP=77
for tool in git cmake node tar; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit $SKIP; }
done
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: $SRC is not a git checkout"; exit $SKIP; }

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    [ -z "${2:-}" ] || printf '%s\n' "$2" | tail -n 40 | sed 's/^/#   /'
}
check() { if eval "$2"; then ok "$1"; else not_ok "$1" "${3:-}"; fi; }
finish() {
    echo "1..$n"
    if ((failed)); then echo "# $failed of $n checks failed"; exit 1; fi
    echo "# all $n checks passed"
    exit 0
}

tree_state() { git -C "$SRC" status --porcelain=v1 -uall; git -C "$SRC" diff HEAD | sha256sum; }
before=$(tree_state)

mkdir -p "$BUILD"
TMP=$(mktemp -d "$BUILD/new-service-test.XXXXXX")
if [ "${MEDBOX_KEEP_TMP:-}" = 1 ]; then
    trap 'echo "# kept $TMP"' EXIT
else
    trap 'rm -rf "$TMP"' EXIT
fi
COPY=$TMP/src
mkdir -p "$COPY"
# The working tree's files (tracked and untracked, not ignored; deleted ones skipped).
(cd "$SRC" && git ls-files -co --exclude-standard -z |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$COPY"

# --- the generator ----------------------------------------------------------------------
out=$("$COPY/scripts/new-service.sh" demo 8499 "demo of the generator" 2>&1)
check "new-service.sh demo 8499 succeeds" '[ $? = 0 ]' "$out"
check "cmake/services.cmake has the demo row" \
    'grep -q "^medbox_service_row(demo PORT 8499 " "$COPY/cmake/services.cmake"'
shape=(CMakeLists.txt main.cpp src/DemoApp.h src/DemoApp.cpp src/Routes.h src/Routes.cpp
    src/domain/DemoConfig.h src/domain/DemoConfig.cpp src/domain/DemoEnv.h src/handlers/Handlers.h
    src/handlers/NoteHandlers.cpp src/store/NoteStore.h src/store/NoteStore.cpp
    migrations/0001_create_schema.sql web/openapi.json config/demo.properties tests/DemoNotesTest.cpp)
missing=""
for f in "${shape[@]}"; do [ -f "$COPY/services/demo/$f" ] || missing+=" $f"; done
check "services/demo has the shape of docs/conventions-for-services.md" '[ -z "$missing" ]' "missing:$missing"
check "main.cpp is POCO_SERVER_MAIN(medbox::demo::DemoApp)" \
    'grep -qx "POCO_SERVER_MAIN(medbox::demo::DemoApp)" "$COPY/services/demo/main.cpp"'
left=$(grep -rln '@\(name\|Name\|NAME\|port\|summary\)@' "$COPY/services/demo" "$COPY/tests/api/demo.test.mjs")
check "no placeholder left" '[ -z "$left" ]' "$left"
check "every key of config/demo.properties is commented out" \
    '! grep -Eq "^[^#[:space:]]" "$COPY/services/demo/config/demo.properties"'
check "the application image lists medbox-demo" \
    'grep -qx "medbox-demo" "$COPY/images/fragments/40-profile-application/packages"'
out=$("$COPY/scripts/new-service.sh" demo 8499 2>&1)
check "a second run refuses to overwrite" '[ $? != 0 ] && [[ $out == *"exists already"* ]]' "$out"
out=$("$COPY/scripts/new-service.sh" other 8444 2>&1)
check "a port another service has is refused" '[ $? != 0 ] && [[ $out == *"port 8444 is taken"* ]]' "$out"
[ -d "$COPY/services/other" ] && not_ok "the refused run wrote services/other"

# --- configure and build only what the tests need ------------------------------------
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
command -v ccache >/dev/null && gen+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
out=$(cmake -S "$COPY" -B "$COPY/build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEDBOX_WERROR=OFF \
    -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON 2>&1)
check "the copy configures" '[ $? = 0 ]' "$out"
if ((failed)); then finish; fi
out=$(cmake --build "$COPY/build" --target medbox-demo demo_tests medbox-console -j"${MEDBOX_JOBS:-2}" 2>&1)
check "medbox-demo, demo_tests and medbox-console build" '[ $? = 0 ]' "$out"
if ((failed)); then finish; fi
warnings=$(grep -A3 "services/demo/.*warning:" <<<"$out")
check "the generated service compiles without warnings" '[ -z "$warnings" ]' "$warnings"
check "the unit is generated" '[ -f "$COPY/build/appliance/systemd/generated/medbox-demo.service" ]'
check "the user is generated" \
    'grep -q "^u *medbox-demo " "$COPY/build/appliance/systemd/generated/sysusers.d/medbox.conf"'
check "the harness table lists demo" 'grep -q "\"name\": \"demo\", \"port\": 8499" "$COPY/build/medbox-services.json"'

# --- its tests ---------------------------------------------------------------------------
out=$("$COPY/build/services/demo/demo_tests" 2>&1)
check "demo_tests pass" '[ $? = 0 ] && [[ $out == *"[  PASSED  ]"* ]]' "$out"
out=$(cd "$COPY" && MEDBOX_BUILD_DIR="$COPY/build" node --test --test-reporter=spec tests/api/demo.test.mjs 2>&1)
rc=$?
check "tests/api/demo.test.mjs passes (none skipped)" '[ $rc = 0 ] && ! grep -q "# skipped [1-9]" <<<"$out"' "$out"

# --- its unit ------------------------------------------------------------------------------
out=$(MEDBOX_BUILD_DIR="$COPY/build" MEDBOX_UNITS_DIR="$COPY/build/appliance/systemd/generated" \
    bash "$COPY/appliance/systemd/tests/units_test.sh" 2>&1)
rc=$?
if [ $rc = $SKIP ]; then
    echo "# units test skipped in the copy: $(tail -n 1 <<<"$out")"
else
    check "units test: medbox-demo.service verifies" 'grep -q "^ok [0-9]* - verify medbox-demo.service" <<<"$out"' "$out"
    check "units test: medbox-demo.service exposure <= 2.5" \
        'grep -q "^ok [0-9]* - security medbox-demo.service: exposure" <<<"$out"' "$out"
    unexpected=$(grep "^not ok" <<<"$out" | grep -v "security medbox-demo.service: docs/units.md records")
    check "units test: nothing else fails (only demo's score is not recorded in docs/units.md)" \
        '[ -z "$unexpected" ]' "$unexpected"
fi

# --- the real tree --------------------------------------------------------------------------
after=$(tree_state)
check "the real tree is unchanged" '[ "$before" = "$after" ] && [ ! -e "$SRC/services/demo" ]' \
    "$(diff <(echo "$before") <(echo "$after"))"
finish

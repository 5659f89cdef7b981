#!/usr/bin/env bash
# The first-access scripts against files laid out as on the appliance, in a
# temporary folder (their paths come from environment variables):
#   medbox-issue: the URL with agetty's address escape for the management
#     NIC, the certificate's SHA-256 fingerprint exactly as openssl prints
#     it, the one-time password while its file exists and not after;
#     nothing from a hostile password file reaches the screen;
#   medbox-ssh-keys: valid keys added once (CRLF file, comments, a bad line
#     skipped and named), the ESP file renamed, a second run adds nothing.
# Usage: first_access_test.sh appliance/firstaccess     (77 = skipped)
set -uo pipefail
DIR=${1:?usage: first_access_test.sh FIRSTACCESS_DIR}
for tool in openssl ssh-keygen base64 sha256sum; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=../../../tests/lib/tap.sh
. "$(dirname "$0")/../../../tests/lib/tap.sh"

# --- medbox-issue ---------------------------------------------------------------------
mkdir -p "$WORK/run" "$WORK/console"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" \
    -out "$WORK/console.crt" -subj "/CN=medbox console" -days 1 2>/dev/null
printf 'user: admin\npassword: Abcde-fghij-Kmnop-qrstu-Vwxy2\n# changed at first login\n' >"$WORK/console/pw.txt"
export MEDBOX_MANAGEMENT_NIC=lan0 MEDBOX_ISSUE_DIR=$WORK/run MEDBOX_CONSOLE_CERT=$WORK/console.crt \
    MEDBOX_INITIAL_PASSWORD_FILE=$WORK/console/pw.txt
out=$(sh "$DIR/medbox-issue" 2>&1)
check "medbox-issue runs: $out" test -f "$WORK/run/medbox.issue"
issue=$(cat "$WORK/run/medbox.issue")
want=$(openssl x509 -in "$WORK/console.crt" -noout -fingerprint -sha256 | sed 's/.*=//')
check "URL on the management NIC's address (agetty escape)" grep -qF 'https://\4{lan0}:9443/' <<<"$issue"
check "fingerprint as openssl prints it ($want)" grep -qF "SHA-256 $want" <<<"$issue"
check "the one-time password" grep -qF "admin / Abcde-fghij-Kmnop-qrstu-Vwxy2" <<<"$issue"
check "the file is for root only" test "$(stat -c %a "$WORK/run/medbox.issue")" = 600
rm "$WORK/console/pw.txt"
sh "$DIR/medbox-issue" >/dev/null 2>&1
issue=$(cat "$WORK/run/medbox.issue")
check "password changed (file gone): no password on the screen" bash -c '! grep -q "admin / " <<<"$0"' "$issue"
check "and the screen says so" grep -q "has been changed" <<<"$issue"
printf 'password: \\4{lo}$(reboot)\n' >"$WORK/console/pw.txt"
sh "$DIR/medbox-issue" >/dev/null 2>&1
check "a hostile password file shows nothing of itself" bash -c '! grep -qF "reboot" "$0"' "$WORK/run/medbox.issue"
rm "$WORK/console/pw.txt" "$WORK/console.crt"
sh "$DIR/medbox-issue" >/dev/null 2>&1
check "no certificate yet: says the console is starting" grep -q "not made yet" "$WORK/run/medbox.issue"

# --- medbox-ssh-keys ------------------------------------------------------------------
mkdir -p "$WORK/esp/medbox" "$WORK/root"
ssh-keygen -q -t ed25519 -N '' -C installer@laptop -f "$WORK/id1"
ssh-keygen -q -t ed25519 -N '' -C second -f "$WORK/id2"
{
    echo "# keys of the installing technicians"
    cat "$WORK/id1.pub"
    echo "this is not a key"
    echo
    cat "$WORK/id2.pub"
} | sed 's/$/\r/' >"$WORK/esp/medbox/authorized_keys"
export MEDBOX_ESP=$WORK/esp MEDBOX_ROOT_KEYS=$WORK/root/.ssh/authorized_keys
out=$(sh "$DIR/medbox-ssh-keys" 2>&1)
check "medbox-ssh-keys runs" test $? -eq 0
keys=$WORK/root/.ssh/authorized_keys
check "both keys added, without CR" test "$(grep -c '^ssh-ed25519 ' "$keys")" = 2 -a "$(grep -c $'\r' "$keys")" = 0
check "the bad line is named" grep -q "line 3 of .* is not an SSH public key" <<<"$out"
check "authorized_keys 0600 in a 0700 folder" test "$(stat -c %a "$keys")$(stat -c %a "$WORK/root/.ssh")" = 600700
check "the ESP file is renamed after the import" test -f "$WORK/esp/medbox/authorized_keys.imported" -a ! -e "$WORK/esp/medbox/authorized_keys"
cp "$WORK/id1.pub" "$WORK/esp/medbox/authorized_keys"
out=$(sh "$DIR/medbox-ssh-keys" 2>&1)
check "a key already there is not added twice" test "$(grep -c '^ssh-ed25519 ' "$keys")" = 2
rm -f "$WORK/esp/medbox/authorized_keys"
out=$(sh "$DIR/medbox-ssh-keys" 2>&1)
check "no file: nothing to do ($out)" grep -q "no keys to import" <<<"$out"

tap_summary

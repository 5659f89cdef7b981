# Passes the first-boot setup wizard through the console's API as a fresh
# appliance's admin and checks the results on the appliance (docs/console.md,
# "Setup wizard"). Shared by tests/nspawn/setuphelper/setup-wizard-itest
# (inside a booted test root with the build's files) and
# tests/nspawn/image_boot_test.sh (the packaged image, driven from the host).
#
# The caller defines, before calling wizard_pass:
#   wiz_api METHOD PATH [JSON]   does the request with $WIZ_TOKEN (when set) as
#                                bearer; prints the HTTP status, the body goes to $WIZ_BODY
#   wiz_box CMD                  runs the shell command CMD on the appliance; its exit status
#   wiz_ok TEXT                  one passed check
#   wiz_not_ok TEXT [DETAIL]     one failed check (DETAIL: what was seen)
# and may set, before calling:
#   WIZ_HOSTNAME  (medbox-wizard-02)        the host name step
#   WIZ_NETWORK   (mgmt0 static, lan0 and dmz0 DHCP)   the network step's JSON
#   WIZ_FIREWALL  (frontend, HIS 10.10.2.10:2575)       the firewall step's JSON;
#                 the checks look for 10.10.2.10 in the loaded ruleset
# python3 must be on PATH where this runs (JSON, TOTP: totp.py beside it or WIZ_TOTP).
# Sets WIZ_TOKEN to the admin's token with the new password at the end.

WIZ_HOSTNAME=${WIZ_HOSTNAME:-medbox-wizard-02}
WIZ_NETWORK=${WIZ_NETWORK:-'{"interfaces":[{"name":"mgmt0","mode":"static","address":"10.10.9.20/24","gateway":"10.10.9.1"},{"name":"lan0","mode":"dhcp"},{"name":"dmz0","mode":"dhcp"}]}'}
WIZ_FIREWALL=${WIZ_FIREWALL:-'{"model":"frontend","adminSubnets":["10.10.9.0/24","127.0.0.0/8"],"peers":[{"name":"his","address":"10.10.2.10","tcp":[2575]}],"staff":[]}'}
WIZ_TOTP=${WIZ_TOTP:-$(dirname "${BASH_SOURCE[0]}")/../nspawn/setuphelper/totp.py}
WIZ_TOKEN=""

# wiz_json EXPR: EXPR over the last body as d (python), printed.
wiz_json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1" <"$WIZ_BODY" 2>/dev/null; }
wiz_check() { if eval "$2"; then wiz_ok "$1"; else wiz_not_ok "$1" "${3:-}"; fi; }

# wizard_pass INITIAL_PASSWORD NEW_PASSWORD
wizard_pass() {
    local initial=$1 new=$2 code secret s
    code=$(wiz_api POST /api/v1/auth/login "{\"username\":\"admin\",\"password\":\"$initial\"}")
    WIZ_TOKEN=$(wiz_json 'd["token"]')
    wiz_check "the admin signs in with the one-time password" '[ "$code" = 200 ] && [ -n "$WIZ_TOKEN" ]' "$code $(cat "$WIZ_BODY")"
    code=$(wiz_api POST /api/v1/auth/password "{\"oldPassword\":\"$initial\",\"newPassword\":\"$new\"}")
    WIZ_TOKEN=$(wiz_json 'd["token"]')
    wiz_check "password changed" '[ "$code" = 200 ]' "$(cat "$WIZ_BODY")"
    code=$(wiz_api GET /api/v1/setup)
    wiz_check "the wizard is armed on a fresh appliance" '[ "$code" = 200 ] && [ "$(wiz_json "d[\"required\"] and not d[\"completed\"]")" = True ]' "$(cat "$WIZ_BODY")"
    code=$(wiz_api POST /api/v1/users '{"username":"nurse1","displayName":"N","password":"Str0ng-Passw0rd!","roles":["nurse"]}')
    wiz_check "other changes refused until setup is done (409)" '[ "$code" = 409 ]' "$code $(cat "$WIZ_BODY")"

    code=$(wiz_api POST /api/v1/auth/totp/enroll)
    secret=$(wiz_json 'd["secret"]')
    code=$(wiz_api POST /api/v1/auth/totp/confirm "{\"code\":\"$(python3 "$WIZ_TOTP" "$secret")\"}")
    wiz_check "TOTP enrolled" '[ "$code" = 200 ]' "$(cat "$WIZ_BODY")"

    local steps=(
        'admin|'
        "hostname|{\"hostname\":\"$WIZ_HOSTNAME\"}"
        'hospital|{"name":"第一人民医院"}'
        'time|{"servers":["10.10.2.1"]}'
        "network|$WIZ_NETWORK"
        'certificate|{"mode":"self-signed"}'
        "firewall|$WIZ_FIREWALL"
    )
    for s in "${steps[@]}"; do
        code=$(wiz_api PUT "/api/v1/setup/steps/${s%%|*}" "${s#*|}")
        wiz_check "step ${s%%|*} saved" '[ "$code" = 200 ]' "$(cat "$WIZ_BODY")"
    done
    code=$(wiz_api POST /api/v1/setup/apply)
    wiz_check "apply" '[ "$code" = 200 ]' "$(cat "$WIZ_BODY")"
    wiz_check "host name set through hostnamed" 'wiz_box "[ \"\$(hostname)\" = $WIZ_HOSTNAME ] && grep -qx $WIZ_HOSTNAME /etc/hostname"' \
        "$(wiz_box 'hostname; cat /etc/hostname')"
    # The management NIC's file replaces the image's DHCP default; a static
    # address of the step must be in it.
    local address
    address=$(python3 -c 'import json,sys; print(next((i["address"] for i in json.loads(sys.argv[1])["interfaces"] if i.get("mode") == "static"), ""))' "$WIZ_NETWORK")
    wiz_check ".network file of the management NIC written by the wizard" \
        'wiz_box "grep -q \"medbox setup wizard\" /etc/systemd/network/50-medbox-management.network && { [ -z \"$address\" ] || grep -qx \"Address=$address\" /etc/systemd/network/50-medbox-management.network; }"' \
        "$(wiz_box 'ls -la /etc/systemd/network; cat /etc/systemd/network/50-medbox-management.network' 2>&1)"
    wiz_check "timesyncd drop-in written" 'wiz_box "grep -qx NTP=10.10.2.1 /etc/systemd/timesyncd.conf.d/50-medbox.conf"'
    wiz_check "the wizard's firewall is loaded" 'wiz_box "nft list table inet medbox 2>/dev/null | grep -q 10.10.2.10"' \
        "$(wiz_box "nft list tables 2>&1; journalctl --no-pager -u 'medbox-setup-helper@*' | grep -v systemd | tail -8")"
    # From the helper's sandbox medbox-firewall falls back to its detached
    # waiter (no transient timer); either way the change waits for the confirm.
    wiz_check "the change waits for confirmation, a revert is scheduled" \
        'wiz_box "[ -s /run/medbox-firewall/pending.id ] && journalctl --no-pager -u \"medbox-setup-helper@*\" | grep -q \"comes back by itself\""' \
        "$(wiz_box "journalctl --no-pager -u 'medbox-setup-helper@*' | tail -8")"
    wiz_check "active.json not yet saved" 'wiz_box "! grep -q 10.10.2.10 /etc/medbox/firewall/active.json 2>/dev/null"'
    code=$(wiz_api POST /api/v1/setup/confirm)
    wiz_check "confirm completes the wizard" '[ "$code" = 200 ] && [ "$(wiz_json "d[\"completed\"]")" = True ]' "$(cat "$WIZ_BODY")"
    wiz_check "the firewall profile is saved" 'wiz_box "grep -q 10.10.2.10 /etc/medbox/firewall/active.json"'
    wiz_check "nothing waits any more" 'wiz_box "[ ! -e /run/medbox-firewall/pending.id ]"'
    wiz_check "timesyncd enabled" 'wiz_box "[ \"\$(systemctl is-enabled systemd-timesyncd.service)\" = enabled ]"'
    wiz_check "medbox.target started" 'wiz_box "[ \"\$(systemctl is-active medbox.target)\" = active ]"' \
        "$(wiz_box 'systemctl list-dependencies medbox.target --no-pager' 2>&1 | tail -12)"
    code=$(wiz_api POST /api/v1/users '{"username":"nurse1","displayName":"N","password":"Str0ng-Passw0rd!","roles":["nurse"]}')
    wiz_check "changes are taken after setup" '[ "$code" = 201 ]' "$code $(cat "$WIZ_BODY")"
}

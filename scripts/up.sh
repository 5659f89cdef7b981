#!/usr/bin/env bash
# Brings the suite up on this machine with demo data: SQLite files under
# ./run/data, localhost ports, self-signed certificates made on first start.
# Stops everything on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh

data="$PWD/run/data"
mkdir -p "$data" run/log
pwfile="$PWD/run/admin-password.txt"
if [ ! -f "$pwfile" ]; then
  umask 077
  echo "Medbox-$(openssl rand -hex 6)" > "$pwfile"
fi
admin_pw=$(cat "$pwfile")

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; echo "medbox stopped."; }
trap stop EXIT INT TERM

start() {  # name, extra --set arguments...
  local name=$1; shift
  rm -f "$data/run/$name.port"
  "build/services/$name/medbox-$name" --set data.dir="$data" "$@" >>"run/log/$name.log" 2>&1 &
  pids+=($!)
}
wait_port() {  # name
  for _ in $(seq 100); do [ -s "$data/run/$1.port" ] && break; sleep 0.1; done
  [ -s "$data/run/$1.port" ] || { echo "$1 did not start; see run/log/$1.log"; tail -20 "run/log/$1.log"; exit 1; }
}
# The console first: booking follows its list of revoked staff tokens.
start console --set console.bootstrap_admin_password="$admin_pw"
wait_port console
console_url="https://127.0.0.1:$(cat "$data/run/console.port")"
# One demo account per everyday role (the admin may not book or call the queue).
staff=$(NODE_EXTRA_CA_CERTS="$data/trust/console.crt" node scripts/demo-staff.mjs "$console_url" "$admin_pw" "$PWD/run/demo-staff.txt")
start booking --set booking.demo_data=true --set auth.console_url="$console_url"
wait_port booking
# The HIS bridge: HL7 v2 over MLLP on loopback here (the appliance listens on the LAN).
start hisbridge --set auth.console_url="$console_url" --set hisbridge.mllp.host=127.0.0.1
wait_port hisbridge
cat <<MSG

medbox is up (logs in run/log/, data in run/data/):
  console  $console_url/   admin / $admin_pw  (also in run/admin-password.txt)
  staff accounts (user, password, role; also in run/demo-staff.txt):
$staff
  booking  https://127.0.0.1:$(cat "$data/run/booking.port")/openapi.json
  hisbridge https://127.0.0.1:$(cat "$data/run/hisbridge.port")/openapi.json, HL7 v2 (MLLP) on 127.0.0.1:2575
Certificates are self-signed: run/data/trust/*.crt.
Press Ctrl-C to stop.
MSG
wait

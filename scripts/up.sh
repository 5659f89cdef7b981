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
# Bookings go to the HIS bridge (its default port, 8445), which sends them to the simulated HIS.
start booking --set booking.demo_data=true --set auth.console_url="$console_url" \
  --set outbox.destinations.hisbridge.url=https://127.0.0.1:8445/api/v1/booking/inbox
wait_port booking
booking_url="https://127.0.0.1:$(cat "$data/run/booking.port")"
# The simulated HIS (tools/his-sim): its own listener for medbox's P201/P202 on 2577.
node tools/his-sim/his-sim.mjs listen --port 2577 >>run/log/his-sim.log 2>&1 &
pids+=($!)
# The HIS bridge: HL7 v2 over MLLP and the HIS socket interface on loopback
# here (the appliance listens on the LAN); the simulated HIS is the partner at 127.0.0.1.
start hisbridge --set auth.console_url="$console_url" --set hisbridge.mllp.host=127.0.0.1 \
  --set hisbridge.his.host=127.0.0.1 --set hisbridge.partners.his.address=127.0.0.1 \
  --set hisbridge.partners.his.his_port=2577 \
  --set outbox.destinations.booking.url="$booking_url/api/v1/his/inbox"
wait_port hisbridge
# The simulated HIS sends its departments, doctors and a week of schedules:
# they appear in booking's schedules; bookings appear in run/log/his-sim.log.
node tools/his-sim/his-sim.mjs push --port 2576 >>run/log/his-sim.log 2>&1 ||
  echo "the simulated HIS could not push its schedules; see run/log/his-sim.log"
cat <<MSG

medbox is up (logs in run/log/, data in run/data/):
  console  $console_url/   admin / $admin_pw  (also in run/admin-password.txt)
  staff accounts (user, password, role; also in run/demo-staff.txt):
$staff
  booking  https://127.0.0.1:$(cat "$data/run/booking.port")/openapi.json
           pages (sign in at the console first): /schedule.html, /desk.html, /nurse.html;
           waiting-room screen without sign-in: /screen.html#room=A2-01 or #department=1
  hisbridge https://127.0.0.1:$(cat "$data/run/hisbridge.port")/openapi.json, HL7 v2 (MLLP) on 127.0.0.1:2575,
           HIS socket interface on 127.0.0.1:2576 (simulated HIS: tools/his-sim, log in run/log/his-sim.log)
Certificates are self-signed: run/data/trust/*.crt.
Press Ctrl-C to stop.
MSG
wait

// Benchmark driver (bench/run.sh): starts console + booking with the test
// harness (tests/lib/harness.mjs) on random ports and a temporary data folder,
// builds the benchmark fixture through the real API, writes what wrk needs,
// then answers one-line commands on stdin until "stop":
//
//   count  -> {"appointments":N,"booked":M}   appointment rows (staff roster
//             API) and the sum of the slots' booked counters (availability API)
//   stop   -> stops the services (they must exit 0) and removes the data folder
//
//   node bench/driver.mjs <out-dir> [places]
//
// BENCH_BOOKING_SETTINGS="http.workers=32 db.synchronous=NORMAL" passes
// settings to the booking service (experiments; run.sh passes none).
//
// Writes into <out-dir>:
//   fixture.json     port, tokens, ids, file paths (read by run.sh)
//   places.lua       the bookable places, one slot id per place (read by wrk)
//   schedule.json    the exact body of GET /api/v1/schedules/{readId} (served
//                    by nginx as the ceiling for reads)
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { startSuite } from '../tests/lib/harness.mjs';

const OFFSET_MIN = 480; // booking.utc_offset_minutes (default)
const DAY_MS = 86_400_000;
const CAPACITY = 500; // the most one schedule takes (openapi ScheduleCreate.capacity.maximum)
const SESSIONS = ['morning', 'afternoon', 'evening'];
const DAYS = 5; // tomorrow .. tomorrow+4: all released under the default release_days_ahead (7)

const outDir = path.resolve(process.argv[2] ?? '.');
const wantPlaces = Number.parseInt(process.argv[3] ?? '120000', 10);
if (!Number.isInteger(wantPlaces) || wantPlaces < 1000 || wantPlaces > 2_000_000) {
  console.error('places must be an integer in 1000..2000000');
  process.exit(2);
}

const localDate = (ms = Date.now()) => new Date(ms + OFFSET_MIN * 60_000).toISOString().slice(0, 10);
const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const log = (msg) => process.stderr.write(`driver: ${msg}\n`);

function check(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 500)}`);
  return r.json;
}

// Runs fn over items with at most `width` in flight (the harness agent keeps 16 sockets).
async function pool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

// One portal token serves the whole run (up to an hour): booking is told to
// accept a service token that long (auth.service_token_max_seconds).
const bookingSettings = ['auth.service_token_max_seconds=3600',
  ...(process.env.BENCH_BOOKING_SETTINGS ?? '').split(/\s+/).filter(Boolean)];
const suite = await startSuite({ services: ['console', 'booking'], settings: { booking: bookingSettings } });
let stopped = false;
async function stop() {
  if (stopped) return;
  stopped = true;
  await suite.stop();
}
process.on('SIGTERM', () => stop().then(() => process.exit(0), () => process.exit(1)));
process.on('SIGINT', () => stop().then(() => process.exit(0), () => process.exit(1)));

try {
  const api = (method, p, opts) => suite.api('booking', method, p, opts);
  const scheduler = await suite.staffToken(['scheduler']);
  const registrar = await suite.createStaff(['registrar']); // logs in again for each count (tokens are short-lived)
  // The portal's service token, as the portal would send it; long enough for the whole run.
  const portal = suite.serviceToken('portal', { ttlSeconds: 3600 });

  const dep = check(
    await api('POST', '/api/v1/departments', {
      token: scheduler,
      body: { code: 'BENCH', name: '心血管内科', nameEn: 'Cardiology', location: '门诊楼3层A区', sortOrder: 10 },
    }),
    201,
    'create department',
  );
  const newDoctor = async (i) =>
    check(
      await api('POST', '/api/v1/doctors', {
        token: scheduler,
        body: {
          departmentId: dep.id,
          name: `王医生${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉戌亥'[Math.floor(i / 10) % 12]}`,
          title: 'attending',
          specialty: '冠心病、高血压、心律失常的诊治',
          photoUrl: `/media/doctors/${i + 1}.jpg`,
        },
      }),
      201,
      'create doctor',
    );

  const tomorrow = addDays(localDate(), 1);

  // The read target: a typical schedule as the portal shows it (a morning,
  // default 30-minute slots, 40 places).
  const readDoctor = await newDoctor(0);
  const readSchedule = check(
    await api('POST', '/api/v1/schedules', {
      token: scheduler,
      body: { doctorId: readDoctor.id, date: tomorrow, session: 'morning', room: 'A3-01', capacity: 40, feeCents: 5000 },
    }),
    201,
    'create read schedule',
  );

  // The booking target: enough places that wrk never meets a full slot. Each
  // doctor gets 3 sessions a day for DAYS days of CAPACITY places in 5-minute slots.
  const perDoctor = SESSIONS.length * DAYS * CAPACITY;
  const doctors = Math.ceil(wantPlaces / perDoctor);
  const specs = [];
  for (let d = 0; d < doctors; d++) {
    const doc = await newDoctor(d + 1);
    for (let day = 0; day < DAYS; day++) {
      for (const session of SESSIONS) {
        specs.push({ doctorId: doc.id, date: addDays(tomorrow, day), session, slotMinutes: 5, room: `B${d + 1}-01`, capacity: CAPACITY, feeCents: 5000 });
      }
    }
  }
  log(`creating ${specs.length} schedules for ${doctors} doctors (${specs.length * CAPACITY} places)`);
  const schedules = await pool(specs, 8, async (body) => check(await api('POST', '/api/v1/schedules', { token: scheduler, body }), 201, 'create schedule'));

  // One entry per place, interleaved across schedules, so consecutive requests
  // hit different sessions and no slot is offered beyond its capacity.
  const slotLists = schedules.map((s) => {
    if (!s.released || !s.bookable) throw new Error(`schedule ${s.id} (${s.date} ${s.session}) is not bookable now: released=${s.released}`);
    const list = [];
    for (const slot of s.slots) for (let k = 0; k < slot.capacity; k++) list.push(slot.id);
    return list;
  });
  const places = [];
  for (let k = 0; places.length < slotLists.reduce((a, l) => a + l.length, 0); k++) {
    for (const l of slotLists) if (k < l.length) places.push(l[k]);
  }
  fs.writeFileSync(path.join(outDir, 'places.lua'), `return {${places.join(',')}}\n`);

  // The read answer, byte for byte, for nginx to serve.
  const read = await api('GET', `/api/v1/schedules/${readSchedule.id}`, { token: portal });
  check(read, 200, 'read schedule');
  fs.writeFileSync(path.join(outDir, 'schedule.json'), read.text);

  const dataDir = suite.dataDir;
  const fixture = {
    port: suite.port('booking'),
    portalToken: portal,
    readScheduleId: readSchedule.id,
    readBytes: Buffer.byteLength(read.text),
    readHeaders: read.headers,
    schedules: schedules.length,
    places: places.length,
    dataDir,
    dbPath: path.join(dataDir, 'booking.db'),
    certFile: path.join(dataDir, 'tls', 'booking.crt'),
  };
  fs.writeFileSync(path.join(outDir, 'fixture.json'), `${JSON.stringify(fixture, null, 2)}\n`);
  process.stdout.write('ready\n');

  // Counts from the API after a run: appointment rows (the roster) and the
  // slots' booked counters (availability).
  async function count() {
    const staff = await suite.login(registrar.username, registrar.password);
    let appointments = 0;
    let booked = 0;
    await pool(schedules, 8, async (s) => {
      const roster = check(await api('GET', `/api/v1/schedules/${s.id}/appointments`, { token: staff }), 200, 'roster');
      appointments += roster.items.length;
      const now = check(await api('GET', `/api/v1/schedules/${s.id}`, { token: portal }), 200, 'schedule');
      booked += now.booked;
    });
    return { appointments, booked };
  }

  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const cmd = line.trim();
    if (cmd === 'count') process.stdout.write(`${JSON.stringify(await count())}\n`);
    else if (cmd === 'stop') break;
    else if (cmd) process.stdout.write(`${JSON.stringify({ error: `unknown command ${cmd}` })}\n`);
  }
  rl.close();
  await stop();
  process.stdout.write('stopped\n');
  process.exit(0);
} catch (e) {
  log(e.stack ?? String(e));
  await stop().catch((err) => log(String(err)));
  process.exit(1);
}

// Concurrency test of booking against the real binary: many clients race for
// the same slots over separate HTTPS connections; the service must book
// exactly the capacity, refuse every other client with 409 slot_full, and
// answer a retried idempotent request with the first result.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/booking_race.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { startSuite, hasService } from '../lib/harness.mjs';
import { addDays, localDate, residentId } from '../lib/bookingData.mjs';

const CLIENTS = 60;
const patient = (n) => ({ name: '李娜', documentType: 'resident_id', documentNumber: residentId(n), phone: '13900001111' });

describe('booking under concurrent clients', { skip: !hasService('booking') || !hasService('console') ? 'medbox-booking or medbox-console not built' : false }, () => {
  let suite;
  let portal;
  let scheduler;
  let agent; // many sockets: the harness's agent caps concurrency at 16

  // A booking POST on its own connection (CA-verified TLS, like the harness).
  function post(pathname, body, idem) {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: suite.port('booking'),
          method: 'POST',
          path: pathname,
          agent,
          headers: {
            authorization: `Bearer ${portal}`,
            'content-type': 'application/json',
            'content-length': String(payload.length),
            'idempotency-key': idem,
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode, text, json: text ? JSON.parse(text) : undefined, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  before(async () => {
    suite = await startSuite({ services: ['console', 'booking'], settings: { booking: { 'booking.demo_data': 'true' } } });
    portal = suite.serviceToken('portal');
    scheduler = await suite.staffToken(['scheduler']);
    const ca = fs.readFileSync(path.join(suite.dataDir, 'tls', 'booking.crt'));
    agent = new https.Agent({ keepAlive: false, maxSockets: CLIENTS * 2, ca });
  });
  after(async () => {
    agent?.destroy();
    if (suite) await suite.stop();
  });

  async function raceSchedule(capacity, slotMinutes, endTime) {
    const doc = await suite.api('booking', 'POST', '/api/v1/doctors', {
      token: scheduler,
      body: { departmentId: 1, name: '赛跑医生', title: 'attending' },
    });
    assert.equal(doc.status, 201, doc.text);
    const s = await suite.api('booking', 'POST', '/api/v1/schedules', {
      token: scheduler,
      body: { doctorId: doc.json.id, date: addDays(localDate(), 1), session: 'morning', startTime: '08:00', endTime, slotMinutes, room: 'R-01', capacity },
    });
    assert.equal(s.status, 201, s.text);
    return s.json;
  }

  it(`books exactly the capacity when ${CLIENTS} clients race, and replays retries`, async () => {
    const schedule = await raceSchedule(10, 60, '10:00'); // two slots of 5
    assert.deepEqual(schedule.slots.map((s) => s.capacity), [5, 5]);
    const attempts = Array.from({ length: CLIENTS }, (_, i) => ({
      slotId: schedule.slots[i % 2].id,
      patient: patient(7000 + i),
      idem: crypto.randomUUID(),
    }));
    const results = await Promise.all(attempts.map((a) => post('/api/v1/appointments', { slotId: a.slotId, patient: a.patient }, a.idem)));

    const won = results.map((r, i) => ({ r, a: attempts[i] })).filter(({ r }) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    assert.equal(won.length, 10, results.map((r) => `${r.status}`).join(' '));
    for (const r of lost) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.error.code, 'slot_full', r.text);
      assert.equal(r.json.error.field, 'slotId');
      assert.match(r.json.error.message, /no place left/);
    }
    for (const slot of schedule.slots) assert.equal(won.filter(({ a }) => a.slotId === slot.id).length, 5);
    assert.equal(new Set(won.map(({ r }) => r.json.id)).size, 10);

    const after = (await suite.api('booking', 'GET', `/api/v1/schedules/${schedule.id}`, { token: portal })).json;
    assert.equal(after.booked, 10);
    assert.equal(after.remaining, 0);
    assert.ok(after.slots.every((s) => s.booked === s.capacity && s.remaining === 0 && !s.bookable));
    const roster = await suite.api('booking', 'GET', `/api/v1/schedules/${schedule.id}/appointments`, { token: scheduler });
    assert.equal(roster.json.items.length, 10);

    // Retries (same key, same body), all at once: the first result, same status, no new booking.
    const retries = await Promise.all(won.map(({ a }) => post('/api/v1/appointments', { slotId: a.slotId, patient: a.patient }, a.idem)));
    retries.forEach((r, i) => {
      assert.equal(r.status, 201, r.text);
      assert.equal(r.headers['idempotent-replayed'], 'true');
      assert.deepEqual(r.json, won[i].r.json);
    });
    // A loser's retry is a new attempt (failures are not stored): still full.
    const loserIndex = results.findIndex((r) => r.status === 409);
    const loser = attempts[loserIndex];
    const again = await post('/api/v1/appointments', { slotId: loser.slotId, patient: loser.patient }, loser.idem);
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'slot_full');
    assert.equal((await suite.api('booking', 'GET', `/api/v1/schedules/${schedule.id}`, { token: portal })).json.booked, 10);
  });

  it('gives one booking to many concurrent retries of one request', async () => {
    const schedule = await raceSchedule(4, 60, '09:00');
    const a = { slotId: schedule.slots[0].id, patient: patient(8000), idem: crypto.randomUUID() };
    const results = await Promise.all(Array.from({ length: 20 }, () => post('/api/v1/appointments', { slotId: a.slotId, patient: a.patient }, a.idem)));
    for (const r of results) assert.equal(r.status, 201, r.text);
    assert.equal(new Set(results.map((r) => r.json.id)).size, 1);
    assert.equal(results.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1);
    assert.equal((await suite.api('booking', 'GET', `/api/v1/schedules/${schedule.id}`, { token: portal })).json.booked, 1);
  });

  it('serves availability reads that never show a place a commit has taken', async () => {
    const schedule = await raceSchedule(3, 60, '09:00');
    const slotId = schedule.slots[0].id;
    for (let i = 0; i < 3; i++) {
      // Warm the cache, book, and read again at once: the read after the
      // commit returned must show the booking.
      const before = (await suite.api('booking', 'GET', `/api/v1/schedules/${schedule.id}`, { token: portal })).json;
      const r = await post('/api/v1/appointments', { slotId, patient: patient(9000 + i) }, crypto.randomUUID());
      assert.equal(r.status, 201, r.text);
      const after = (await suite.api('booking', 'GET', `/api/v1/schedules/${schedule.id}`, { token: portal })).json;
      assert.equal(after.slots[0].remaining, before.slots[0].remaining - 1);
      const list = (await suite.api('booking', 'GET', `/api/v1/schedules?date=${addDays(localDate(), 1)}`, { token: portal })).json;
      assert.equal(list.items.find((s) => s.id === schedule.id).remaining, after.remaining);
    }
  });
});

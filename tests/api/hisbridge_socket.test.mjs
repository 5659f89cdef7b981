// The HIS socket interface (docs/his-protocol.md) end to end: the simulated
// HIS (tools/his-sim, an independent client written against the document)
// talks GBK to the real medbox-hisbridge, whose outbox hands departments,
// doctors and a week of schedules to the real medbox-booking; the schedules
// are then read back from booking's API. Then the scripted faults: a
// repeated request, half a frame, a frame dropped midway, a bad length
// header, a body that is not JSON, a stop-clinic notice. And the other
// direction: bookings made in booking reach the simulator's own listener as
// P201/P202 in order, and a booking the HIS refuses is reversed in booking.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/hisbridge_socket.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../lib/freePort.mjs';
import { until } from '../lib/until.mjs';
import { startSuite, hasService } from '../lib/harness.mjs';
import * as his from '../../tools/his-sim/his-sim.mjs';

const SKIP = ['booking', 'hisbridge'].some((s) => !hasService(s))
  ? 'medbox-booking or medbox-hisbridge is not built'
  : false;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Two days ahead (booking's clock is UTC+8; the simulator's dates are UTC).
const FROM = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
const WEEK = his.weekOfSchedules(FROM);
const DATES = [...new Set(WEEK.map((s) => s.date))];

describe('hisbridge socket interface with the simulated HIS', { skip: SKIP }, () => {
  let suite;
  let hisPort;
  let scheduler; // a token that reads booking's catalogue
  let sim; // the simulator's listener for P2xx
  const opts = { charset: 'GBK' }; // the partner at 127.0.0.1 is configured GBK

  // Every schedule booking lists on the simulator's dates.
  async function bookingSchedules() {
    const all = [];
    for (const date of DATES) {
      const r = await suite.api('booking', 'GET', `/api/v1/schedules?date=${date}`, { token: scheduler });
      assert.equal(r.status, 200, r.text);
      all.push(...r.json.items);
    }
    return all;
  }

  before(async () => {
    hisPort = await freePort();
    sim = await his.listen({ charset: 'GBK' });
    const hisbridge = [
      `hisbridge.partners.his.his_port=${sim.port}`,
      'hisbridge.partners.his.answer_timeout_ms=1000',
      `hisbridge.his.port=${hisPort}`,
      'hisbridge.his.host=127.0.0.1',
      'hisbridge.his.read_timeout_ms=500',
      'hisbridge.partners.his.address=127.0.0.1',
      'hisbridge.partners.his.charset=GBK',
      'hisbridge.mllp.enabled=false',
      'outbox.poll_ms=200',
    ];
    // Fixed API ports, so that each outbox can name the other from the start.
    const [bookingPort, bridgePort] = [await freePort(), await freePort()];
    hisbridge.push(`http.port=${bridgePort}`, `outbox.destinations.booking.url=https://127.0.0.1:${bookingPort}/api/v1/his/inbox`);
    const booking = [
      `http.port=${bookingPort}`,
      'outbox.poll_ms=200',
      `outbox.destinations.hisbridge.url=https://127.0.0.1:${bridgePort}/api/v1/booking/inbox`,
    ];
    suite = await startSuite({ services: ['booking', 'hisbridge'], settings: { hisbridge, booking } });
    // Booking's catalogue reads are open to the portal service (no console needed here).
    scheduler = suite.serviceToken('portal');
  });
  after(async () => {
    if (suite) await suite.stop();
    sim?.server.close();
  });

  it('takes departments, doctors and a week of schedules, and booking lists them', async () => {
    const answers = await his.pushAll(hisPort, { ...opts, from: FROM });
    assert.deepEqual(
      answers.map((a) => `${a.txn} ${a.answer?.code}`),
      ['T102 0000', 'T103 0000', 'T104 0000'],
    );
    for (const a of answers) assert.ok(a.closed, `${a.txn}: the bridge closes after its answer`);
    const listed = await until('the schedules in booking', async () => {
      const s = await bookingSchedules();
      return s.length === WEEK.length ? s : null;
    });
    const first = listed.find((s) => s.date === WEEK[0].date && s.room === WEEK[0].room && s.session === 'morning');
    assert.ok(first, 'the first simulated schedule is listed');
    assert.equal(first.doctor.name, '张伟');
    assert.equal(first.department.name, '内科');
  });

  it('applies a repeated requestId once and answers it again', async () => {
    const requestId = his.newRequestId('REPEAT');
    const data = { departments: [{ code: 'KQ', name: '口腔科' }] };
    const first = await his.send(hisPort, 'T102', data, { ...opts, requestId });
    const again = await his.send(hisPort, 'T102', { departments: [{ code: 'KQ', name: '改了的名字' }] }, { ...opts, requestId });
    assert.equal(first.answer.code, '0000');
    assert.equal(again.answer.code, '0000');
    assert.equal(again.answer.requestId, requestId);
    const dept = await until('the department in booking', async () => {
      const r = await suite.api('booking', 'GET', '/api/v1/departments', { token: scheduler });
      return r.json.items.find((d) => d.code === 'KQ');
    });
    await sleep(1000); // a second copy, had it been forwarded, would have arrived
    const r = await suite.api('booking', 'GET', '/api/v1/departments', { token: scheduler });
    assert.equal(r.json.items.filter((d) => d.code === 'KQ').length, 1);
    assert.equal(dept.name, '口腔科');
  });

  it('a half frame holds only its own connection, and is not stored', async () => {
    const requestId = his.newRequestId('HALF');
    const half = his.send(hisPort, 'T107', { complaintId: 'C1', content: '挂号排队太久' }, { ...opts, requestId, fault: 'half', timeoutMs: 3000 });
    const other = await his.send(hisPort, 'T107', { complaintId: 'C2', content: '服务很好' }, opts);
    assert.equal(other.answer.code, '0000');
    const h = await half;
    assert.equal(h.answer, null);
    assert.ok(h.closed, 'the bridge closed the half frame after its read timeout');
    // Sent whole again under the same id: it is new to the bridge.
    const whole = await his.send(hisPort, 'T107', { complaintId: 'C1', content: '挂号排队太久' }, { ...opts, requestId });
    assert.equal(whole.answer.code, '0000');
  });

  it('a frame dropped midway and a bad length header leave nothing behind', async () => {
    const dropped = his.newRequestId('DROP');
    await his.send(hisPort, 'T102', { departments: [{ code: 'DROP', name: '不应出现' }] }, { ...opts, requestId: dropped, fault: 'drop' });
    const bad = await his.send(hisPort, 'T102', { departments: [{ code: 'BAD', name: '不应出现' }] }, { ...opts, fault: 'badHeader' });
    assert.equal(bad.answer, null);
    await sleep(800);
    const r = await suite.api('booking', 'GET', '/api/v1/departments', { token: scheduler });
    assert.ok(!r.json.items.some((d) => d.code === 'DROP' || d.code === 'BAD'));
  });

  it('answers 1001 for a body that is not JSON, 1002 for an unknown txn, 1003 naming a bad field', async () => {
    const notJson = await his.send(hisPort, null, null, { ...opts, body: 'this is not JSON' });
    assert.equal(notJson.answer.code, '1001');
    const unknown = await his.send(hisPort, 'T999', {}, opts);
    assert.equal(unknown.answer.code, '1002');
    const bad = await his.send(hisPort, 'T104', { schedules: [{ ...WEEK[0], start: '25:00' }] }, opts);
    assert.equal(bad.answer.code, '1003');
    assert.match(bad.answer.message, /data\.schedules\[0\]\.start/);
  });

  it('a stop-clinic notice stops the session in booking', async () => {
    const s = WEEK[0];
    const r = await his.send(hisPort, 'T105', { scheduleCode: s.scheduleCode, doctorCode: s.doctorCode, date: s.date, session: s.session, reason: '专家外出会诊' }, opts);
    assert.equal(r.answer.code, '0000');
    await until('the stopped session', async () => {
      const list = await bookingSchedules();
      const found = list.find((x) => x.date === s.date && x.room === s.room && x.session === s.session);
      return found?.status === 'stopped';
    });
  });

  // A bookable slot of the simulated week (not the stopped session).
  async function freeSlot() {
    const list = await bookingSchedules();
    for (const s of list.filter((x) => x.status === 'open' && x.released)) {
      const r = await suite.api('booking', 'GET', `/api/v1/schedules/${s.id}`, { token: scheduler });
      const slot = r.json.slots?.find((x) => x.bookable && x.remaining > 0);
      if (slot) return slot;
    }
    throw new Error('no bookable slot in the simulated week');
  }
  let idem = 0;
  function book(slotId, documentNumber) {
    return suite.api('booking', 'POST', '/api/v1/appointments', {
      token: scheduler,
      body: { slotId, patient: { name: '张三', documentType: 'resident_id', documentNumber, phone: '13800138000' } },
      headers: { 'Idempotency-Key': `sim-${Date.now()}-${++idem}` },
    });
  }
  const sentTo = (id) => sim.log.filter((e) => e.request?.data?.appointmentId === id).map((e) => e.request.txn);

  it('sends a booking and its cancellation to the HIS once each, in order', async () => {
    sim.fault = null;
    const slot = await freeSlot();
    const b = await book(slot.id, '11010519491231002X');
    assert.equal(b.status, 201, b.text);
    const c = await suite.api('booking', 'POST', `/api/v1/appointments/${b.json.id}/cancel`, { token: scheduler });
    assert.equal(c.status, 200, c.text);
    await until('P201 then P202 at the HIS', async () => sentTo(b.json.id).length >= 2);
    await sleep(1500); // nothing more arrives
    assert.deepEqual(sentTo(b.json.id), ['P201', 'P202']);
    const p201 = sim.log.find((e) => e.request?.txn === 'P201' && e.request.data.appointmentId === b.json.id).request;
    assert.equal(p201.data.patient.name, '张三'); // GBK both ways
  });

  it('retries a busy HIS with the same requestId, and reverses a booking the HIS refuses', async () => {
    sim.fault = 'busy';
    const slot = await freeSlot();
    const b = await book(slot.id, '110105194912310038');
    assert.equal(b.status, 201, b.text);
    await until('a busy answer', async () => sentTo(b.json.id).length >= 1);
    sim.fault = 'refuse';
    await until('the booking reversed in booking', async () => {
      const r = await suite.api('booking', 'GET', `/api/v1/appointments/${b.json.id}`, { token: scheduler });
      return r.json.status === 'cancelled' ? r : null;
    }, 20_000);
    const ids = new Set(sim.log.filter((e) => e.request?.data?.appointmentId === b.json.id).map((e) => e.request.requestId));
    assert.equal(ids.size, 1, 'every attempt carries the same requestId');
    assert.ok(sentTo(b.json.id).every((t) => t === 'P201'), 'no P202 for a booking the HIS never took');
    sim.fault = null;
  });

  it('gets each booking to the HIS through a hang, a slow answer, a malformed answer and a dropped answer', async () => {
    const ids = ['110105194912310011', '110105194912310062', '110105194912310046', '110105194912310054'];
    const faults = ['hang', 'slow', 'malformed', 'drop'];
    for (let i = 0; i < faults.length; i++) {
      sim.fault = faults[i];
      const slot = await freeSlot();
      const b = await book(slot.id, ids[i]);
      assert.equal(b.status, 201, `${faults[i]}: ${b.text}`);
      await until(`a ${faults[i]} attempt`, async () => sim.log.some((e) => e.request?.data?.appointmentId === b.json.id));
      sim.fault = null;
      await until(`the ${faults[i]} booking answered 0000`, async () =>
        sim.log.some((e) => e.request?.data?.appointmentId === b.json.id && e.fault === null),
      20_000);
      await sleep(1500); // acknowledged: no further attempt
      const attempts = sim.log.filter((e) => e.request?.data?.appointmentId === b.json.id);
      assert.equal(new Set(attempts.map((e) => e.request.requestId)).size, 1, `${faults[i]}: one requestId`);
      assert.equal(attempts.at(-1).fault, null, `${faults[i]}: the last attempt is the answered one`);
      assert.ok(attempts.every((e) => e.request.txn === 'P201'));
    }
  });
});

// API tests of the booking service against the real binary (with the real
// console for staff tokens):
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/booking.test.mjs
// Time rules (release at 08:00, cutoffs, no-show windows) are tested exactly
// with a manual clock in services/booking/tests/*Test.cpp; here they are
// exercised at the real time of day, on schedules the tests create around
// "now". Tests that need a session spanning now are skipped between 22:25 and
// 00:35 hospital time (a session cannot cross midnight).
// The concurrency test is booking_race.test.mjs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startSuite, hasService } from '../lib/harness.mjs';
import { addDays, localDate, mondayOf, NEAR_MIDNIGHT, residentId, todayWindow } from '../lib/bookingData.mjs';

const CATALOGUE_ROLES = ['admin', 'scheduler', 'registrar', 'nurse', 'doctor'];
const ALL_ROLES = ['admin', 'scheduler', 'registrar', 'nurse', 'doctor', 'quality'];

let patientSerial = crypto.randomInt(1000, 5000);
function newPatient() {
  patientSerial += 1;
  return { name: '张伟', documentType: 'resident_id', documentNumber: residentId(patientSerial), phone: '13812345678' };
}
const key = () => crypto.randomUUID();

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

// Availability flags move with the clock (a slot starting mid-test); strip
// them before comparing "nothing changed" snapshots.
function stable(value) {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'bookable' || k === 'bookableRemaining' || k === 'released' ? undefined : v)));
}

describe('booking API', { skip: !hasService('booking') || !hasService('console') ? 'medbox-booking or medbox-console not built' : false }, () => {
  let suite;
  const tok = {}; // role -> staff token; portal/hisbridge -> service tokens

  const api = (method, path, opts) => suite.api('booking', method, path, opts);
  const book = (slotId, patient, { token = tok.portal, idem = key(), headers = {} } = {}) =>
    api('POST', '/api/v1/appointments', { token, body: { slotId, patient }, headers: { 'Idempotency-Key': idem, ...headers } });

  let doctorSeq = 0;
  async function newDoctor(departmentId = 1) {
    doctorSeq += 1;
    const r = await api('POST', '/api/v1/doctors', {
      token: tok.scheduler,
      body: { departmentId, name: `测试医生${'甲乙丙丁戊己庚辛壬癸'[doctorSeq % 10]}${'子丑寅卯辰巳午未申酉戌亥'[doctorSeq % 12]}`, title: 'attending' },
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  }
  async function newSchedule(body) {
    const doctor = body.doctorId ? { id: body.doctorId } : await newDoctor();
    const r = await api('POST', '/api/v1/schedules', {
      token: tok.scheduler,
      body: { session: 'morning', room: `T-${crypto.randomBytes(3).toString('hex')}`, capacity: 4, ...body, doctorId: doctor.id },
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  }
  const slotAt = (schedule, start) => schedule.slots.find((s) => s.startTime === start);
  const getSchedule = async (id) => (await api('GET', `/api/v1/schedules/${id}`, { token: tok.portal })).json;

  before(async () => {
    suite = await startSuite({ services: ['console', 'booking'], settings: { booking: { 'booking.demo_data': 'true' } } });
    for (const role of ALL_ROLES) tok[role] = await suite.staffToken([role]);
    tok.portal = suite.serviceToken('portal');
    tok.hisbridge = suite.serviceToken('hisbridge');
  });
  after(async () => {
    if (suite) await suite.stop();
  });

  describe('catalogue', () => {
    it('lists the demo departments and doctors', async () => {
      const deps = await api('GET', '/api/v1/departments', { token: tok.portal });
      assert.equal(deps.status, 200, deps.text);
      assert.ok(deps.json.items.length >= 8);
      assert.ok(deps.json.items.some((d) => d.name === '心血管内科' && d.code === 'CARD'));
      const card = deps.json.items.find((d) => d.code === 'CARD');
      const docs = await api('GET', `/api/v1/doctors?department=${card.id}`, { token: tok.nurse });
      assert.equal(docs.status, 200, docs.text);
      assert.ok(docs.json.items.length >= 3);
      for (const d of docs.json.items) {
        assert.equal(d.departmentId, card.id);
        assert.ok(['chief', 'associate_chief', 'attending', 'resident'].includes(d.title));
        assert.ok(d.introduction.length > 0 && d.photoUrl.length > 0 && d.specialty.length > 0);
      }
      const one = await api('GET', `/api/v1/doctors/${docs.json.items[0].id}`, { token: tok.doctor });
      assert.equal(one.status, 200);
      assert.equal(one.json.name, docs.json.items[0].name);
      const dep = await api('GET', `/api/v1/departments/${card.id}`, { token: tok.registrar });
      assert.equal(dep.json.name, '心血管内科');
    });

    it('shows a week of schedules with availability and release times', async () => {
      const today = localDate();
      for (let d = 0; d <= 7; d++) {
        const r = await api('GET', `/api/v1/schedules?date=${addDays(today, d)}`, { token: tok.portal });
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json.items.length > 0, `no schedules on day +${d}`);
        for (const s of r.json.items) {
          assert.equal(s.date, addDays(today, d));
          assert.ok(s.capacity > 0 && s.remaining <= s.capacity);
          assert.match(s.releaseAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
          assert.equal(s.slots, undefined, 'lists carry no slots');
        }
      }
      const tomorrow = (await api('GET', `/api/v1/schedules?date=${addDays(today, 1)}`, { token: tok.portal })).json.items;
      assert.ok(tomorrow.every((s) => s.released && s.bookable));
      const one = await getSchedule(tomorrow[0].id);
      assert.ok(one.slots.length > 0);
      assert.equal(one.slots.reduce((n, s) => n + s.capacity, 0), one.capacity);
      assert.ok(one.slots.every((s) => s.remaining === s.capacity - s.booked));
      const byDoctor = await api('GET', `/api/v1/schedules?doctor=${one.doctor.id}`, { token: tok.scheduler });
      assert.ok(byDoctor.json.items.length > 0 && byDoctor.json.items.every((s) => s.doctor.id === one.doctor.id));
    });

    it('answers 404 for unknown ids and 400 for bad filters', async () => {
      expectError(await api('GET', '/api/v1/departments/999999', { token: tok.portal }), 404, 'not_found');
      expectError(await api('GET', '/api/v1/doctors/999999', { token: tok.portal }), 404, 'not_found');
      expectError(await api('GET', '/api/v1/schedules/999999', { token: tok.portal }), 404, 'not_found');
      expectError(await api('GET', '/api/v1/schedules/abc', { token: tok.portal }), 404, 'not_found');
      expectError(await api('GET', '/api/v1/schedules?date=2026-02-30', { token: tok.portal }), 400, 'invalid_field', 'date');
      expectError(await api('GET', '/api/v1/schedules?department=abc', { token: tok.portal }), 400, 'invalid_field', 'department');
      expectError(await api('GET', '/api/v1/schedules?department=999999', { token: tok.portal }), 400, 'invalid_field', 'department');
      expectError(await api('GET', '/api/v1/schedules?doctor=999999', { token: tok.portal }), 400, 'invalid_field', 'doctor');
      expectError(await api('GET', '/api/v1/doctors?department=0', { token: tok.portal }), 400, 'invalid_field', 'department');
      expectError(await api('GET', '/api/v1/departments?includeInactive=maybe', { token: tok.portal }), 400, 'invalid_field', 'includeInactive');
    });
  });

  describe('schedule management', () => {
    it('creates, changes and deletes departments, doctors and schedules', async () => {
      const dep = await api('POST', '/api/v1/departments', {
        token: tok.scheduler,
        body: { code: 'derm', name: '皮肤科', nameEn: 'Dermatology', location: '门诊楼5层B区', sortOrder: 90 },
      });
      assert.equal(dep.status, 201, dep.text);
      assert.equal(dep.json.code, 'DERM');
      assert.equal(dep.headers.location, `/api/v1/departments/${dep.json.id}`);
      expectError(await api('POST', '/api/v1/departments', { token: tok.admin, body: { code: 'DERM', name: '重复' } }), 409, 'conflict', 'code');
      const put = await api('PUT', `/api/v1/departments/${dep.json.id}`, {
        token: tok.admin,
        body: { code: 'DERM', name: '皮肤性病科', active: true },
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.json.name, '皮肤性病科');

      const doc = await api('POST', '/api/v1/doctors', {
        token: tok.scheduler,
        body: { departmentId: dep.json.id, name: '欧阳娜娜', title: 'associate_chief', specialty: '痤疮、湿疹', photoUrl: 'https://example.org/a.jpg' },
      });
      assert.equal(doc.status, 201, doc.text);
      assert.equal(doc.json.departmentName, '皮肤性病科');
      const docPut = await api('PUT', `/api/v1/doctors/${doc.json.id}`, {
        token: tok.scheduler,
        body: { departmentId: dep.json.id, name: '欧阳娜娜', title: 'chief', introduction: '从事皮肤科临床二十年。' },
      });
      assert.equal(docPut.json.title, 'chief');

      const date = addDays(localDate(), 2);
      const s = await api('POST', '/api/v1/schedules', {
        token: tok.scheduler,
        body: { doctorId: doc.json.id, date, session: 'afternoon', room: 'B5-01', capacity: 10, feeCents: 5000 },
      });
      assert.equal(s.status, 201, s.text);
      assert.equal(s.json.startTime, '13:30'); // the session's default hours
      assert.equal(s.json.endTime, '17:30');
      assert.equal(s.json.slots.length, 8);
      assert.equal(s.json.slots.reduce((n, x) => n + x.capacity, 0), 10);
      expectError(
        await api('POST', '/api/v1/schedules', { token: tok.scheduler, body: { doctorId: doc.json.id, date, session: 'afternoon', room: 'B5-01', capacity: 3 } }),
        409,
        'conflict',
        'session',
      );
      // Nothing booked yet: times may change.
      const changed = await api('PUT', `/api/v1/schedules/${s.json.id}`, {
        token: tok.scheduler,
        body: { room: 'B5-02', capacity: 6, startTime: '14:00', endTime: '16:00', slotMinutes: 60 },
      });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(changed.json.room, 'B5-02');
      assert.equal(changed.json.slots.length, 2);
      assert.equal(changed.json.feeCents, 5000, 'left-out fields keep their value');
      // Once booked, times are fixed but capacity may grow.
      assert.equal((await book(changed.json.slots[0].id, newPatient())).status, 201);
      expectError(
        await api('PUT', `/api/v1/schedules/${s.json.id}`, { token: tok.scheduler, body: { room: 'B5-02', capacity: 6, endTime: '17:00' } }),
        409,
        'conflict',
        'endTime',
      );
      const grown = await api('PUT', `/api/v1/schedules/${s.json.id}`, { token: tok.scheduler, body: { room: 'B5-02', capacity: 8 } });
      assert.equal(grown.status, 200, grown.text);
      assert.equal(grown.json.capacity, 8);
      assert.equal(grown.json.remaining, 7);
      expectError(await api('DELETE', `/api/v1/schedules/${s.json.id}`, { token: tok.scheduler }), 409, 'conflict');
      // An unbooked schedule can be deleted.
      const empty = await api('POST', '/api/v1/schedules', {
        token: tok.scheduler,
        body: { doctorId: doc.json.id, date, session: 'morning', room: 'B5-01', capacity: 2 },
      });
      const del = await api('DELETE', `/api/v1/schedules/${empty.json.id}`, { token: tok.admin });
      assert.equal(del.status, 200, del.text);
      expectError(await api('GET', `/api/v1/schedules/${empty.json.id}`, { token: tok.portal }), 404, 'not_found');
    });

    it('refuses bad input on every management endpoint, naming the field, and changes nothing', async () => {
      const schedule = await newSchedule({ date: addDays(localDate(), 3) });
      const snapshot = async () => ({
        deps: (await api('GET', '/api/v1/departments?includeInactive=true', { token: tok.scheduler })).json,
        docs: (await api('GET', '/api/v1/doctors?includeInactive=true', { token: tok.scheduler })).json,
        schedules: stable((await api('GET', '/api/v1/schedules', { token: tok.scheduler })).json),
        one: stable(await getSchedule(schedule.id)),
      });
      const before = await snapshot();
      const S = tok.scheduler;
      const cases = [
        ['POST', '/api/v1/departments', {}, 400, 'missing_field', 'code'],
        ['POST', '/api/v1/departments', { code: 'X', name: '甲' }, 400, 'invalid_field', 'code'],
        ['POST', '/api/v1/departments', { code: 'NEWD', name: 5 }, 400, 'invalid_field', 'name'],
        ['POST', '/api/v1/departments', { code: 'NEWD', name: '新科室', color: 'red' }, 400, 'unknown_field', 'color'],
        ['POST', '/api/v1/departments', { code: 'NEWD', name: '新科室', sortOrder: '1' }, 400, 'invalid_field', 'sortOrder'],
        ['POST', '/api/v1/departments', { code: 'NEWD', name: '新科室', active: 'yes' }, 400, 'invalid_field', 'active'],
        ['POST', '/api/v1/departments', { code: 'CARD', name: '重复' }, 409, 'conflict', 'code'],
        ['PUT', '/api/v1/departments/999999', { code: 'NEWD', name: '新科室' }, 404, 'not_found'],
        ['PUT', '/api/v1/departments/1', { code: 'NEWD' }, 400, 'missing_field', 'name'],
        ['PUT', '/api/v1/departments/1', { code: 'GAST', name: '改名' }, 409, 'conflict', 'code'],
        ['POST', '/api/v1/doctors', { departmentId: 999999, name: '李明', title: 'chief' }, 400, 'invalid_field', 'departmentId'],
        ['POST', '/api/v1/doctors', { departmentId: 1, name: '李明', title: 'professor' }, 400, 'invalid_field', 'title'],
        ['POST', '/api/v1/doctors', { departmentId: 1, name: '李明2', title: 'chief' }, 400, 'invalid_field', 'name'],
        ['POST', '/api/v1/doctors', { departmentId: 1, name: '李明', title: 'chief', photoUrl: 'javascript:alert(1)' }, 400, 'invalid_field', 'photoUrl'],
        ['POST', '/api/v1/doctors', { departmentId: 1, name: '李明' }, 400, 'missing_field', 'title'],
        ['POST', '/api/v1/doctors', { departmentId: '1', name: '李明', title: 'chief' }, 400, 'invalid_field', 'departmentId'],
        ['PUT', '/api/v1/doctors/999999', { departmentId: 1, name: '李明', title: 'chief' }, 404, 'not_found'],
        ['PUT', '/api/v1/doctors/1', { departmentId: 1, name: '李明', title: 'chief', age: 40 }, 400, 'unknown_field', 'age'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', capacity: 3 }, 400, 'missing_field', 'room'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: '2026-02-30', session: 'morning', room: 'A1', capacity: 3 }, 400, 'invalid_field', 'date'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), -1), session: 'morning', room: 'A1', capacity: 3 }, 400, 'invalid_field', 'date'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 400), session: 'morning', room: 'A1', capacity: 3 }, 400, 'invalid_field', 'date'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'night', room: 'A1', capacity: 3 }, 400, 'invalid_field', 'session'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', room: 'A1', capacity: 0 }, 400, 'invalid_field', 'capacity'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', room: 'A1', capacity: 'ten' }, 400, 'invalid_field', 'capacity'],
        ['POST', '/api/v1/schedules', { doctorId: 999999, date: addDays(localDate(), 9), session: 'morning', room: 'A1', capacity: 3 }, 400, 'invalid_field', 'doctorId'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', room: 'A1', capacity: 3, startTime: '25:00' }, 400, 'invalid_field', 'startTime'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', room: 'A1', capacity: 3, startTime: '11:00', endTime: '09:00' }, 400, 'invalid_field', 'endTime'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', room: 'A/1', capacity: 3 }, 400, 'invalid_field', 'room'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', room: 'A1', capacity: 3, slotMinutes: 1 }, 400, 'invalid_field', 'slotMinutes'],
        ['POST', '/api/v1/schedules', { doctorId: 1, date: addDays(localDate(), 9), session: 'morning', room: 'A1', capacity: 3, slots: [] }, 400, 'unknown_field', 'slots'],
        ['PUT', '/api/v1/schedules/999999', { room: 'A1', capacity: 3 }, 404, 'not_found'],
        ['PUT', `/api/v1/schedules/${schedule.id}`, { room: 'A1' }, 400, 'missing_field', 'capacity'],
        ['PUT', `/api/v1/schedules/${schedule.id}`, { room: 'A1', capacity: 3, doctorId: 2 }, 400, 'unknown_field', 'doctorId'],
        ['DELETE', '/api/v1/schedules/999999', undefined, 404, 'not_found'],
        ['POST', `/api/v1/schedules/${schedule.id}/stop`, {}, 400, 'missing_field', 'reason'],
        ['POST', `/api/v1/schedules/${schedule.id}/stop`, { reason: '   ' }, 400, 'invalid_field', 'reason'],
        ['POST', `/api/v1/schedules/${schedule.id}/stop`, { reason: 'x', notify: false }, 400, 'unknown_field', 'notify'],
        ['POST', '/api/v1/schedules/999999/stop', { reason: '出差' }, 404, 'not_found'],
        ['POST', `/api/v1/schedules/${schedule.id}/close`, { force: true }, 400, 'unknown_field', 'force', tok.registrar],
        ['POST', `/api/v1/schedules/${schedule.id}/close`, undefined, 409, 'conflict', undefined, tok.registrar], // not started
        ['POST', '/api/v1/schedules/999999/close', undefined, 404, 'not_found', undefined, tok.registrar],
      ];
      for (const [method, path, body, status, code, field, token] of cases) {
        const r = await api(method, path, { token: token ?? S, body });
        assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)} -> ${r.status} ${r.text}`);
        assert.equal(r.json?.error?.code, code, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
        if (field !== undefined) assert.equal(r.json.error.field, field, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
      }
      // Malformed and mistyped bodies.
      expectError(await api('POST', '/api/v1/departments', { token: S, rawBody: '{"code": "X",' }), 400, 'bad_request');
      expectError(await api('POST', '/api/v1/departments', { token: S, rawBody: '[1,2]' }), 400, 'bad_request');
      expectError(
        await api('POST', '/api/v1/departments', { token: S, body: { code: 'NEWD', name: 'n' }, headers: { 'content-type': 'text/plain' } }),
        415,
        'unsupported_media_type',
      );
      assert.deepEqual(await snapshot(), before);
    });
  });

  describe('booking', () => {
    let tomorrow; // a demo schedule of tomorrow with places
    before(async () => {
      const list = (await api('GET', `/api/v1/schedules?date=${addDays(localDate(), 1)}`, { token: tok.portal })).json.items;
      const pick = list.find((s) => s.bookableRemaining >= 4);
      assert.ok(pick, 'a demo schedule for tomorrow with places');
      tomorrow = await getSchedule(pick.id);
    });

    it('books a slot for a real-name patient, idempotently', async () => {
      const slot = tomorrow.slots.find((s) => s.bookable);
      const patient = newPatient();
      const idem = key();
      const first = await book(slot.id, patient, { idem });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.json.status, 'booked');
      assert.equal(first.json.channel, 'portal');
      assert.equal(first.json.slotId, slot.id);
      assert.equal(first.json.patient.documentNumber, patient.documentNumber);
      assert.equal(first.json.cancellable, true);
      assert.equal(first.headers.location, `/api/v1/appointments/${first.json.id}`);
      // The retry gets the first result again, with the same status.
      const again = await book(slot.id, patient, { idem });
      assert.equal(again.status, 201, again.text);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json, first.json);
      // Same key, another body: 422, nothing booked.
      expectError(await book(slot.id, { ...patient, phone: '13912345678' }, { idem }), 422, 'idempotency_mismatch', 'Idempotency-Key');
      const after = await getSchedule(tomorrow.id);
      assert.equal(after.booked, tomorrow.booked + 1);
      tomorrow = after;
      // The single record is in full for the portal and the desk; lists are masked.
      const one = await api('GET', `/api/v1/appointments/${first.json.id}`, { token: tok.portal });
      assert.equal(one.json.patient.phone, '13812345678');
      const desk = await api('GET', `/api/v1/appointments/${first.json.id}`, { token: tok.registrar });
      assert.equal(desk.json.patient.documentNumber, patient.documentNumber);
      const list = await api('GET', `/api/v1/appointments?documentType=resident_id&documentNumber=${patient.documentNumber}`, { token: tok.portal });
      assert.equal(list.status, 200, list.text);
      assert.equal(list.json.items.length, 1);
      const masked = list.json.items[0].patient;
      assert.notEqual(masked.documentNumber, patient.documentNumber);
      assert.ok(!list.text.includes(patient.documentNumber));
      assert.ok(!list.text.includes('13812345678'));
      assert.equal(masked.phone, '138****5678');
      assert.ok(!masked.name.includes('伟'));
      // Check-in opens 60 minutes before the slot: not now for tomorrow.
      expectError(await api('POST', `/api/v1/appointments/${first.json.id}/check-in`, { token: tok.nurse }), 409, 'check_in_closed');
    });

    it('applies the anti-scalping rules', async () => {
      const patient = newPatient();
      const bookable = tomorrow.slots.filter((s) => s.remaining > 0 && s.bookable);
      assert.equal((await book(bookable[0].id, patient)).status, 201);
      // One per doctor per session, even in another slot, even at the desk.
      expectError(await book(bookable[1].id, patient), 409, 'booking_limit', 'patient.documentNumber');
      expectError(await book(bookable[1].id, patient, { token: tok.registrar }), 409, 'booking_limit');
      // At most 3 active bookings per document.
      const s2 = await newSchedule({ date: addDays(localDate(), 2) });
      const s3 = await newSchedule({ date: addDays(localDate(), 3) });
      const s4 = await newSchedule({ date: addDays(localDate(), 4) });
      assert.equal((await book(s2.slots[0].id, patient)).status, 201);
      const third = await book(s3.slots[0].id, patient, { token: tok.registrar });
      assert.equal(third.status, 201);
      assert.equal(third.json.channel, 'desk');
      expectError(await book(s4.slots[0].id, patient), 409, 'booking_limit', 'patient.documentNumber');
      // Cancelling one frees the quota.
      const c = await api('POST', `/api/v1/appointments/${third.json.id}/cancel`, { token: tok.registrar, body: { reason: '患者改期' } });
      assert.equal(c.status, 200, c.text);
      assert.equal((await book(s4.slots[0].id, patient)).status, 201);
    });

    it('does not book a schedule before its release time (放号)', async () => {
      // Released 7 days before at 08:00: a date 8 days ahead opens tomorrow at the earliest.
      const s = await newSchedule({ date: addDays(localDate(), 8) });
      assert.equal(s.released, false);
      assert.equal(s.bookable, false);
      assert.match(s.releaseAt, /T08:00:00\+08:00$/);
      expectError(await book(s.slots[0].id, newPatient()), 409, 'not_released', 'slotId');
      assert.equal((await getSchedule(s.id)).booked, 0);
    });

    it('cancels until the cutoff and frees the place', async () => {
      const s = await newSchedule({ date: addDays(localDate(), 1), capacity: 2, startTime: '09:00', endTime: '10:00', slotMinutes: 60 });
      const slot = s.slots[0];
      const a = await book(slot.id, newPatient());
      const b = await book(slot.id, newPatient());
      assert.equal(b.status, 201);
      const full = await book(slot.id, newPatient());
      expectError(full, 409, 'slot_full', 'slotId');
      assert.match(full.json.error.message, /no place left/);
      const c = await api('POST', `/api/v1/appointments/${a.json.id}/cancel`, { token: tok.portal });
      assert.equal(c.status, 200, c.text);
      assert.equal(c.json.status, 'cancelled');
      assert.equal(c.json.cancellable, false);
      // Repeating it answers the same.
      const again = await api('POST', `/api/v1/appointments/${a.json.id}/cancel`, { token: tok.portal, body: {} });
      assert.equal(again.status, 200);
      assert.equal((await getSchedule(s.id)).slots[0].remaining, 1);
      assert.equal((await book(slot.id, newPatient())).status, 201);
    });

    it('refuses bad booking input, naming the field, and changes nothing', async () => {
      // Earlier tests booked from this schedule: pick from its current state,
      // not from the snapshot taken when the suite began.
      const current = await getSchedule(tomorrow.id);
      const before = stable(current);
      const slot = current.slots.find((s) => s.bookable);
      assert.ok(slot, 'a bookable slot is left in the schedule');
      const p = newPatient();
      const badChecksum = p.documentNumber.slice(0, 17) + (p.documentNumber[17] === '1' ? '2' : '1');
      const cases = [
        [{ slotId: slot.id }, 400, 'missing_field', 'patient'],
        [{ patient: p }, 400, 'missing_field', 'slotId'],
        [{ slotId: String(slot.id), patient: p }, 400, 'invalid_field', 'slotId'],
        [{ slotId: 99999999, patient: p }, 400, 'invalid_field', 'slotId'],
        [{ slotId: slot.id, patient: 'me' }, 400, 'invalid_field', 'patient'],
        [{ slotId: slot.id, patient: { ...p, documentNumber: badChecksum } }, 400, 'invalid_field', 'patient.documentNumber'],
        [{ slotId: slot.id, patient: { ...p, documentNumber: '12345' } }, 400, 'invalid_field', 'patient.documentNumber'],
        [{ slotId: slot.id, patient: { ...p, phone: '12812345678' } }, 400, 'invalid_field', 'patient.phone'],
        [{ slotId: slot.id, patient: { ...p, phone: 13812345678 } }, 400, 'invalid_field', 'patient.phone'],
        [{ slotId: slot.id, patient: { ...p, documentType: 'driver' } }, 400, 'invalid_field', 'patient.documentType'],
        [{ slotId: slot.id, patient: { ...p, name: '张3' } }, 400, 'invalid_field', 'patient.name'],
        [{ slotId: slot.id, patient: { ...p, name: undefined } }, 400, 'missing_field', 'patient.name'],
        [{ slotId: slot.id, patient: { ...p, age: 30 } }, 400, 'unknown_field', 'patient.age'],
        [{ slotId: slot.id, patient: p, note: 'vip' }, 400, 'unknown_field', 'note'],
        [{ slotId: slot.id, patient: { ...p, documentType: 'passport', documentNumber: 'E1' } }, 400, 'invalid_field', 'patient.documentNumber'],
      ];
      for (const [body, status, code, field] of cases) {
        const r = await api('POST', '/api/v1/appointments', { token: tok.portal, body, headers: { 'Idempotency-Key': key() } });
        assert.equal(r.status, status, `${JSON.stringify(body)} -> ${r.status} ${r.text}`);
        assert.equal(r.json?.error?.code, code, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.json.error.field, field, `${JSON.stringify(body)}: ${r.text}`);
      }
      expectError(
        await api('POST', '/api/v1/appointments', { token: tok.portal, body: { slotId: slot.id, patient: p } }),
        400,
        'missing_field',
        'Idempotency-Key',
      );
      expectError(await book(slot.id, p, { idem: 'has space' }), 400, 'invalid_field', 'Idempotency-Key');
      expectError(await book(slot.id, p, { idem: 'k'.repeat(129) }), 400, 'invalid_field', 'Idempotency-Key');
      expectError(
        await api('POST', '/api/v1/appointments', { token: tok.portal, rawBody: 'slotId=1', headers: { 'Idempotency-Key': key() } }),
        400,
        'bad_request',
      );
      // Lookups.
      expectError(await api('GET', '/api/v1/appointments', { token: tok.portal }), 400, 'missing_field', 'documentType');
      expectError(await api('GET', '/api/v1/appointments?documentType=resident_id', { token: tok.portal }), 400, 'missing_field', 'documentNumber');
      expectError(
        await api('GET', `/api/v1/appointments?documentType=resident_id&documentNumber=${badChecksum}`, { token: tok.portal }),
        400,
        'invalid_field',
        'documentNumber',
      );
      expectError(await api('GET', '/api/v1/appointments?documentType=card&documentNumber=1234', { token: tok.portal }), 400, 'invalid_field', 'documentType');
      expectError(await api('GET', '/api/v1/appointments/999999', { token: tok.portal }), 404, 'not_found');
      expectError(await api('GET', '/api/v1/appointments/x1', { token: tok.portal }), 404, 'not_found');
      expectError(await api('POST', '/api/v1/appointments/999999/cancel', { token: tok.portal }), 404, 'not_found');
      expectError(await api('POST', '/api/v1/appointments/999999/check-in', { token: tok.nurse }), 404, 'not_found');
      // Cancel and check-in bodies.
      const mine = await book(slot.id, p);
      assert.equal(mine.status, 201, JSON.stringify(mine.json));
      const afterBooking = stable(await getSchedule(tomorrow.id));
      expectError(await api('POST', `/api/v1/appointments/${mine.json.id}/cancel`, { token: tok.portal, body: { why: 'x' } }), 400, 'unknown_field', 'why');
      expectError(await api('POST', `/api/v1/appointments/${mine.json.id}/cancel`, { token: tok.portal, body: { reason: 42 } }), 400, 'invalid_field', 'reason');
      expectError(await api('POST', `/api/v1/appointments/${mine.json.id}/check-in`, { token: tok.nurse, body: { at: 'now' } }), 400, 'unknown_field', 'at');
      assert.equal((await api('GET', `/api/v1/appointments/${mine.json.id}`, { token: tok.portal })).json.status, 'booked');
      assert.deepEqual(stable(await getSchedule(tomorrow.id)), afterBooking);
      assert.equal(afterBooking.booked, before.booked + 1);
    });

    it('stops a session (停诊): bookings cancelled, later bookings refused', async () => {
      const s = await newSchedule({ date: addDays(localDate(), 2), capacity: 6 });
      const a = await book(s.slots[0].id, newPatient());
      const b = await book(s.slots[1].id, newPatient(), { token: tok.registrar });
      const stop = await api('POST', `/api/v1/schedules/${s.id}/stop`, { token: tok.scheduler, body: { reason: '医生外出会诊' } });
      assert.equal(stop.status, 200, stop.text);
      assert.equal(stop.json.status, 'stopped');
      assert.equal(stop.json.stopReason, '医生外出会诊');
      assert.equal(stop.json.cancelledAppointments, 2);
      assert.equal(stop.json.remaining, 0);
      assert.equal(stop.json.bookable, false);
      for (const id of [a.json.id, b.json.id]) {
        const r = await api('GET', `/api/v1/appointments/${id}`, { token: tok.portal });
        assert.equal(r.json.status, 'stopped');
        assert.equal(r.json.cancelReason, '医生外出会诊');
      }
      expectError(await book(s.slots[0].id, newPatient()), 409, 'schedule_stopped');
      expectError(await api('POST', `/api/v1/schedules/${s.id}/stop`, { token: tok.admin, body: { reason: '再次' } }), 409, 'schedule_stopped');
      expectError(await api('POST', `/api/v1/appointments/${a.json.id}/cancel`, { token: tok.portal }), 409, 'schedule_stopped');
      const roster = await api('GET', `/api/v1/schedules/${s.id}/appointments`, { token: tok.nurse });
      assert.equal(roster.status, 200, roster.text);
      assert.deepEqual(roster.json.items.map((x) => x.status), ['stopped', 'stopped']);
      assert.ok(roster.json.items.every((x) => x.patient.phone === '138****5678'));
    });

    it('shows the messages waiting for the HIS bridge in its backlog (admin and the console only)', async () => {
      // No bridge runs here: every booking.created waits in the outbox.
      const r = await api('GET', '/api/v1/system/backlog', { token: suite.serviceToken('console') });
      assert.equal(r.status, 200, r.text);
      const his = r.json.destinations.find((d) => d.destination === 'hisbridge');
      assert.ok(his && his.pending >= 3, r.text);
      assert.ok(his.oldestAgeSeconds >= 0 && Date.parse(his.oldestCreatedAt) <= Date.now(), r.text);
      assert.equal(typeof his.headAttempts, 'number', r.text);
      const again = await api('GET', '/api/v1/system/backlog', { token: tok.admin });
      assert.equal(again.status, 200, again.text);
      for (const t of [tok.nurse, await suite.staffToken(['auditor']), tok.portal]) {
        expectError(await api('GET', '/api/v1/system/backlog', { token: t }), 403, 'forbidden');
      }
    });
  });

  describe('audit log through the core route (GET /api/v1/system/audit)', () => {
    const A = '/api/v1/system/audit';
    it('filters, pages, exports CSV, and is for auditors, admins and the console only', async () => {
      const auditor = await suite.staffToken(['auditor']);
      const all = await api('GET', `${A}?limit=1000`, { token: auditor });
      assert.equal(all.status, 200, all.text);
      assert.equal(all.json.service, 'booking');
      assert.ok(all.json.entries.length > 0, all.text);
      const created = await api('GET', `${A}?action=booking.create&outcome=ok&limit=1000`, { token: auditor });
      assert.ok(created.json.entries.length > 0 && created.json.entries.every((e) => e.action === 'booking.create' && e.outcome === 'ok'), created.text);
      assert.ok(created.json.entries.length < all.json.entries.length, 'the filter left rows out');
      const page = await api('GET', `${A}?limit=2`, { token: suite.serviceToken('console') });
      assert.equal(page.json.entries.length, 2, page.text);
      const next = await api('GET', `${A}?limit=2&after=${page.json.nextAfter}`, { token: auditor });
      assert.equal(next.json.entries[0].seq, page.json.entries[1].seq + 1, next.text);
      const csv = await api('GET', `${A}?format=csv&limit=5`, { token: auditor });
      assert.equal(csv.status, 200);
      assert.match(csv.headers['content-type'], /^text\/csv/);
      assert.match(csv.headers['content-disposition'], /booking-audit\.csv/);
      assert.equal(csv.text.split('\r\n')[0], 'seq,at,actor,action,target,outcome,detail,hash');
      assert.equal(csv.text.trim().split('\r\n').length, 6);
      for (const [q, field] of [['outcome=maybe', 'outcome'], ['since=today', 'since'], ['format=xml', 'format'], [`actor=${'a'.repeat(201)}`, 'actor']]) {
        const r = await api('GET', `${A}?${q}`, { token: auditor });
        expectError(r, 400, 'invalid_field', field);
      }
      for (const t of [tok.nurse, tok.scheduler, tok.portal]) expectError(await api('GET', A, { token: t }), 403, 'forbidden');
    });
  });

  describe('check-in, queue calling and session close', () => {
    it('checks in, calls, recalls, passes, and closes with no-show marking', async (t) => {
      const w = todayWindow();
      if (!w) return t.skip(NEAR_MIDNIGHT);
      const room = `Q-${crypto.randomBytes(3).toString('hex')}`;
      const s = await newSchedule({ date: localDate(), startTime: w.start, endTime: w.end, slotMinutes: 30, capacity: 12, room });
      assert.equal(s.slots.length, 4);
      assert.equal(slotAt(s, w.start).bookable, false, 'a started slot is not bookable');
      expectError(await book(slotAt(s, w.start).id, newPatient(), { token: tok.registrar }), 409, 'conflict', 'slotId');
      const early = slotAt(s, w.bookable[0]);
      const late = slotAt(s, w.bookable[1]);
      const ids = [];
      for (const slot of [early, early, early, late, late, late]) {
        const r = await book(slot.id, newPatient(), { token: tok.registrar });
        assert.equal(r.status, 201, r.text);
        ids.push(r.json.id);
      }
      const [A, B, C, D, E, F] = ids;
      // E's slot starts within the 120-minute cutoff.
      expectError(await api('POST', `/api/v1/appointments/${E}/cancel`, { token: tok.portal }), 409, 'cancel_too_late');
      // Check-in gives increasing queue numbers; a repeat keeps the number.
      const numbers = [];
      for (const [id, token] of [[A, tok.nurse], [B, tok.portal], [C, tok.registrar], [D, tok.nurse]]) {
        const r = await api('POST', `/api/v1/appointments/${id}/check-in`, { token });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, 'checked_in');
        numbers.push(r.json.queueNo);
      }
      assert.deepEqual(numbers, [1, 2, 3, 4]);
      assert.equal((await api('POST', `/api/v1/appointments/${A}/check-in`, { token: tok.nurse })).json.queueNo, 1);
      assert.equal((await api('GET', `/api/v1/appointments/${C}`, { token: tok.portal })).json.aheadCount, 2);
      expectError(await api('POST', `/api/v1/appointments/${A}/cancel`, { token: tok.portal }), 409, 'conflict');

      const q = (r) => ({ current: r.json.current?.appointmentId ?? null, waiting: r.json.waiting.map((x) => x.appointmentId) });
      let r = await api('GET', `/api/v1/rooms/${room}/queue`, { token: tok.portal });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(q(r), { current: null, waiting: [A, B, C, D] });
      assert.equal(r.json.waitingCount, 4);
      assert.ok(r.json.waiting.every((x) => x.patientName === '张*'));
      expectError(await api('POST', `/api/v1/rooms/${room}/queue/recall`, { token: tok.doctor }), 409, 'queue_empty');
      r = await api('POST', `/api/v1/rooms/${room}/queue/call-next`, { token: tok.doctor });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(q(r), { current: A, waiting: [B, C, D] });
      assert.equal(r.json.current.queueNo, 1);
      // 过号: A goes back behind two waiting patients; nobody is called.
      r = await api('POST', `/api/v1/rooms/${room}/queue/pass`, { token: tok.nurse });
      assert.deepEqual(q(r), { current: null, waiting: [B, C, A, D] });
      r = await api('POST', `/api/v1/rooms/${room}/queue/call-next`, { token: tok.nurse });
      assert.deepEqual(q(r), { current: B, waiting: [C, A, D] });
      r = await api('POST', `/api/v1/rooms/${room}/queue/recall`, { token: tok.nurse });
      assert.deepEqual(q(r), { current: B, waiting: [C, A, D] });
      assert.equal(r.json.current.callCount, 2);
      r = await api('POST', `/api/v1/rooms/${room}/queue/call-next`, { token: tok.doctor });
      assert.deepEqual(q(r), { current: C, waiting: [A, D] });
      assert.equal((await api('GET', `/api/v1/appointments/${B}`, { token: tok.portal })).json.status, 'completed');
      assert.equal((await api('GET', `/api/v1/appointments/${C}`, { token: tok.portal })).json.status, 'called');
      // Close: F and E (booked, never came) are no-shows, A and D (waiting) unserved, C completed.
      const close = await api('POST', `/api/v1/schedules/${s.id}/close`, { token: tok.registrar });
      assert.equal(close.status, 200, close.text);
      assert.deepEqual(close.json, { id: s.id, status: 'closed', noShows: 2, unserved: 2, completed: 1 });
      const status = async (id) => (await api('GET', `/api/v1/appointments/${id}`, { token: tok.registrar })).json.status;
      assert.equal(await status(F), 'no_show');
      assert.equal(await status(A), 'unserved');
      assert.equal(await status(C), 'completed');
      expectError(await api('POST', `/api/v1/schedules/${s.id}/close`, { token: tok.registrar }), 409, 'conflict');
      expectError(await api('POST', `/api/v1/appointments/${E}/check-in`, { token: tok.nurse }), 409, 'check_in_closed');
      r = await api('GET', `/api/v1/rooms/${room}/queue`, { token: tok.nurse });
      assert.deepEqual(q(r), { current: null, waiting: [] });
      expectError(await api('POST', `/api/v1/rooms/${room}/queue/call-next`, { token: tok.nurse }), 409, 'queue_empty');
      // Unknown or malformed rooms.
      expectError(await api('GET', '/api/v1/rooms/NOPE-1/queue', { token: tok.nurse }), 404, 'not_found');
      expectError(await api('GET', '/api/v1/rooms/%E8%AF%8A/queue', { token: tok.nurse }), 404, 'not_found');
      expectError(await api('POST', '/api/v1/rooms/NOPE-1/queue/call-next', { token: tok.nurse }), 404, 'not_found');
      expectError(await api('POST', `/api/v1/rooms/${room}/queue/pass`, { token: tok.nurse, body: { n: 3 } }), 400, 'unknown_field', 'n');
    });

    it('blocks online booking after three no-shows, not desk booking', async (t) => {
      const w = todayWindow();
      if (!w) return t.skip(NEAR_MIDNIGHT);
      const patient = newPatient();
      for (let i = 0; i < 3; i++) {
        const s = await newSchedule({ date: localDate(), startTime: w.start, endTime: w.end, slotMinutes: 30, capacity: 8 });
        assert.equal((await book(slotAt(s, w.bookable[1]).id, patient)).status, 201);
        const close = await api('POST', `/api/v1/schedules/${s.id}/close`, { token: tok.admin });
        assert.equal(close.json.noShows, 1, close.text);
      }
      const next = await newSchedule({ date: addDays(localDate(), 1), capacity: 4 });
      const r = await book(next.slots[0].id, patient);
      expectError(r, 403, 'no_show_blocked', 'patient.documentNumber');
      assert.match(r.json.error.message, /registration desk/);
      assert.equal((await book(next.slots[0].id, patient, { token: tok.registrar })).status, 201);
    });
  });

  // What booking's pages (issue 13) need beyond the original API.
  describe('for the pages', () => {
    it('finds a patient by document in a POST body, as the GET query does', async () => {
      const patient = newPatient();
      const s = await newSchedule({ date: addDays(localDate(), 2) });
      assert.equal((await book(s.slots[0].id, patient)).status, 201);
      const body = { documentType: 'resident_id', documentNumber: patient.documentNumber };
      const post = await api('POST', '/api/v1/appointments/search', { token: tok.registrar, body });
      assert.equal(post.status, 200, post.text);
      assert.equal(post.json.items.length, 1);
      assert.equal(post.json.items[0].patient.name, '张*');
      assert.notEqual(post.json.items[0].patient.documentNumber, patient.documentNumber, 'the list is masked');
      const get = await api('GET', `/api/v1/appointments?documentType=resident_id&documentNumber=${patient.documentNumber}`, { token: tok.registrar });
      assert.deepEqual(post.json, get.json);
      expectError(await api('POST', '/api/v1/appointments/search', { token: tok.registrar, body: { documentType: 'resident_id', documentNumber: '110105195001010011' } }), 400, 'invalid_field', 'documentNumber');
      expectError(await api('POST', '/api/v1/appointments/search', { token: tok.registrar, body: { documentType: 'card', documentNumber: '1234' } }), 400, 'invalid_field', 'documentType');
      expectError(await api('POST', '/api/v1/appointments/search', { token: tok.registrar, body: { documentType: 'passport' } }), 400, 'missing_field', 'documentNumber');
      expectError(await api('POST', '/api/v1/appointments/search', { token: tok.registrar, body: { ...body, phone: '1' } }), 400, 'unknown_field');
    });

    it('creates a week from a template week, skipping what exists', async () => {
      const from = addDays(mondayOf(localDate()), 14);
      const to = addDays(from, 7);
      const doctor = await newDoctor(2);
      const room = `W-${crypto.randomBytes(3).toString('hex')}`;
      for (const [day, session, capacity] of [[0, 'morning', 6], [2, 'afternoon', 8], [4, 'evening', 5]]) {
        await newSchedule({ doctorId: doctor.id, date: addDays(from, day), session, room, capacity, feeCents: 3000 });
      }
      const r = await api('POST', '/api/v1/schedules/copy-week', { token: tok.scheduler, body: { fromWeek: from, toWeek: to, doctorId: doctor.id } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.created.length, 3, r.text);
      assert.deepEqual(r.json.skipped, []);
      const copied = (await api('GET', `/api/v1/schedules?date=${addDays(to, 2)}&doctor=${doctor.id}`, { token: tok.scheduler })).json.items;
      assert.equal(copied.length, 1);
      assert.equal(copied[0].session, 'afternoon');
      assert.equal(copied[0].capacity, 8);
      assert.equal(copied[0].room, room);
      assert.equal(copied[0].feeCents, 3000);
      // Again: everything exists now, nothing is created, each skip says why.
      const again = await api('POST', '/api/v1/schedules/copy-week', { token: tok.admin, body: { fromWeek: from, toWeek: to, doctorId: doctor.id } });
      assert.equal(again.json.created.length, 0);
      assert.equal(again.json.skipped.length, 3);
      assert.ok(again.json.skipped.every((x) => x.reason.length > 0 && x.doctorId === doctor.id));
      expectError(await api('POST', '/api/v1/schedules/copy-week', { token: tok.scheduler, body: { fromWeek: addDays(from, 1), toWeek: to } }), 400, 'invalid_field', 'fromWeek');
      expectError(await api('POST', '/api/v1/schedules/copy-week', { token: tok.scheduler, body: { fromWeek: from, toWeek: from } }), 400, 'invalid_field', 'toWeek');
      expectError(await api('POST', '/api/v1/schedules/copy-week', { token: tok.scheduler, body: { fromWeek: from, toWeek: to, doctorId: 999999 } }), 400, 'invalid_field', 'doctorId');
      expectError(await api('POST', '/api/v1/schedules/copy-week', { token: tok.scheduler, body: { fromWeek: from, toWeek: to, extra: 1 } }), 400, 'unknown_field');
    });

    it("uploads a doctor's photo with type and size limits and serves it", async () => {
      const doctor = await newDoctor(3);
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(2000)]);
      const put = (rawBody, type, token = tok.scheduler) =>
        api('PUT', `/api/v1/doctors/${doctor.id}/photo`, { token, rawBody, headers: { 'Content-Type': type } });
      const r = await put(jpeg, 'image/jpeg');
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.photoUrl, new RegExp(`^/api/v1/doctors/${doctor.id}/photo\\?v=[0-9a-f]{12}$`));
      assert.equal((await api('GET', `/api/v1/doctors/${doctor.id}`, { token: tok.nurse })).json.photoUrl, r.json.photoUrl);
      const got = await api('GET', r.json.photoUrl, { token: tok.portal });
      assert.equal(got.status, 200);
      assert.equal(got.headers['content-type'], 'image/jpeg');
      assert.ok(got.raw.equals(jpeg), 'the same bytes come back');
      assert.equal((await api('GET', r.json.photoUrl, { token: tok.portal, headers: { 'If-None-Match': got.headers.etag } })).status, 304);
      // Refused: another type, bytes that are not the declared type, too big, empty, another role.
      expectError(await put(Buffer.from('<svg onload="x()"/>'), 'image/svg+xml'), 415, 'unsupported_media_type');
      expectError(await put(Buffer.from('<html><script>alert(1)</script>'), 'image/jpeg'), 400, 'invalid_field');
      expectError(await put(Buffer.concat([jpeg, Buffer.alloc(61 * 1024)]), 'image/jpeg'), 413, 'payload_too_large');
      expectError(await put(Buffer.alloc(0), 'image/png'), 400, 'missing_field');
      expectError(await put(jpeg, 'image/jpeg', tok.registrar), 403, 'forbidden');
      expectError(await api('PUT', '/api/v1/doctors/999999/photo', { token: tok.scheduler, rawBody: jpeg, headers: { 'Content-Type': 'image/jpeg' } }), 404, 'not_found');
      const still = await api('GET', `/api/v1/doctors/${doctor.id}/photo`, { token: tok.registrar });
      assert.ok(still.raw.equals(jpeg), 'refused uploads changed nothing');
      expectError(await api('GET', `/api/v1/doctors/${(await newDoctor(3)).id}/photo`, { token: tok.registrar }), 404, 'not_found');
    });

    it('shows the waiting room only the number, the room and the masked name, without a token', async (t) => {
      const w = todayWindow();
      if (!w) return t.skip(NEAR_MIDNIGHT);
      const room = `D-${crypto.randomBytes(3).toString('hex')}`;
      const closed = await api('GET', `/api/v1/display/rooms/${room}`);
      assert.equal(closed.status, 200, closed.text);
      assert.equal(closed.json.open, false);
      const s = await newSchedule({ date: localDate(), startTime: w.start, endTime: w.end, slotMinutes: 30, capacity: 8, room });
      const patient = { ...newPatient(), name: '张三丰', phone: '13912345678' };
      const a = await book(slotAt(s, w.bookable[0]).id, patient, { token: tok.registrar });
      assert.equal(a.status, 201, a.text);
      assert.equal((await api('POST', `/api/v1/appointments/${a.json.id}/check-in`, { token: tok.nurse })).status, 200);
      assert.equal((await api('POST', `/api/v1/rooms/${room}/queue/call-next`, { token: tok.nurse })).status, 200);
      await new Promise((r) => setTimeout(r, 350)); // the display's cache lives 300 ms
      const r = await api('GET', `/api/v1/display/rooms/${room}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.json).sort(), ['current', 'date', 'open', 'room', 'waitingCount']);
      assert.deepEqual(Object.keys(r.json.current).sort(), ['callCount', 'calledAt', 'name', 'queueNo']);
      assert.equal(r.json.current.name, '张*丰');
      assert.equal(r.json.current.queueNo, 1);
      for (const leak of ['张三丰', patient.documentNumber, patient.phone, 'appointmentId', 'doctor']) assert.ok(!r.text.includes(leak), `${leak} in ${r.text}`);
      assert.equal(r.headers['cache-control'], 'no-cache');
      // An unchanged answer costs a 304 without a body.
      const again = await api('GET', `/api/v1/display/rooms/${room}`, { headers: { 'If-None-Match': r.headers.etag } });
      assert.equal(again.status, 304);
      assert.equal(again.text, '');
      // The department's screen lists the room.
      const dep = await api('GET', `/api/v1/display/departments/${s.department.id}`);
      assert.equal(dep.status, 200, dep.text);
      assert.ok(dep.json.rooms.some((x) => x.room === room && x.current?.name === '张*丰'));
      expectError(await api('GET', '/api/v1/display/departments/999999'), 404, 'not_found');
      expectError(await api('GET', '/api/v1/display/rooms/bad%20room'), 404, 'not_found');
      // The staff queue answers with an ETag too (the nurse station polls it).
      const q = await api('GET', `/api/v1/rooms/${room}/queue`, { token: tok.nurse });
      assert.ok(q.headers.etag);
      assert.equal((await api('GET', `/api/v1/rooms/${room}/queue`, { token: tok.nurse, headers: { 'If-None-Match': q.headers.etag } })).status, 304);
      assert.equal((await api('POST', `/api/v1/rooms/${room}/queue/recall`, { token: tok.nurse })).status, 200);
      assert.equal((await api('GET', `/api/v1/rooms/${room}/queue`, { token: tok.nurse, headers: { 'If-None-Match': q.headers.etag } })).status, 200, 'a recall changes the queue');
    });
  });

  describe('access', () => {
    const CAT = [...CATALOGUE_ROLES, 'portal'];
    const SCHED = ['admin', 'scheduler'];
    const routes = [
      ['GET', '/api/v1/departments', CAT],
      ['POST', '/api/v1/departments', SCHED],
      ['GET', '/api/v1/departments/1', CAT],
      ['PUT', '/api/v1/departments/1', SCHED],
      ['GET', '/api/v1/doctors', CAT],
      ['POST', '/api/v1/doctors', SCHED],
      ['GET', '/api/v1/doctors/1', CAT],
      ['PUT', '/api/v1/doctors/1', SCHED],
      ['PUT', '/api/v1/doctors/1/photo', SCHED],
      ['GET', '/api/v1/doctors/1/photo', CAT],
      ['GET', '/api/v1/schedules', CAT],
      ['POST', '/api/v1/schedules', SCHED],
      ['GET', '/api/v1/schedules/1', CAT],
      ['PUT', '/api/v1/schedules/1', SCHED],
      ['DELETE', '/api/v1/schedules/1', SCHED],
      ['POST', '/api/v1/schedules/1/stop', SCHED],
      ['POST', '/api/v1/schedules/1/close', ['admin', 'registrar']],
      ['GET', '/api/v1/schedules/1/appointments', CATALOGUE_ROLES],
      ['POST', '/api/v1/appointments', ['registrar', 'portal']],
      ['GET', '/api/v1/appointments?documentType=passport&documentNumber=E1234567', ['registrar', 'portal']],
      ['POST', '/api/v1/appointments/search', ['registrar', 'portal']],
      ['POST', '/api/v1/schedules/copy-week', SCHED],
      ['GET', '/api/v1/appointments/1', ['registrar', 'nurse', 'portal']],
      ['POST', '/api/v1/appointments/1/cancel', ['registrar', 'portal']],
      ['POST', '/api/v1/appointments/1/check-in', ['registrar', 'nurse', 'portal']],
      ['GET', '/api/v1/rooms/A2-01/queue', ['nurse', 'doctor', 'registrar', 'portal']],
      ['POST', '/api/v1/rooms/A2-01/queue/call-next', ['nurse', 'doctor']],
      ['POST', '/api/v1/rooms/A2-01/queue/recall', ['nurse', 'doctor']],
      ['POST', '/api/v1/rooms/A2-01/queue/pass', ['nurse', 'doctor']],
    ];

    it('refuses every route without a token (401) and without the role (403), changing nothing', async () => {
      const before = {
        deps: (await api('GET', '/api/v1/departments/1', { token: tok.admin })).json,
        doc: (await api('GET', '/api/v1/doctors/1', { token: tok.admin })).json,
        sched: stable(await getSchedule(1)),
      };
      const body = { reason: 'x', code: 'ZZZ', name: '某', room: 'A1', capacity: 1 };
      for (const [method, path, allowed] of routes) {
        const anon = await api(method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : body });
        expectError(anon, 401, 'unauthenticated');
        const bogus = await api(method, path, { token: 'not.a.token', body: method === 'GET' ? undefined : body });
        expectError(bogus, 401, 'unauthenticated');
        for (const who of [...ALL_ROLES, 'portal', 'hisbridge']) {
          if (allowed.includes(who)) continue;
          const r = await api(method, path, {
            token: tok[who],
            body: method === 'GET' || method === 'DELETE' ? undefined : body,
            headers: { 'Idempotency-Key': key() },
          });
          assert.equal(r.status, 403, `${who} ${method} ${path}: ${r.status} ${r.text}`);
          assert.equal(r.json?.error?.code, 'forbidden');
        }
      }
      assert.deepEqual(
        {
          deps: (await api('GET', '/api/v1/departments/1', { token: tok.admin })).json,
          doc: (await api('GET', '/api/v1/doctors/1', { token: tok.admin })).json,
          sched: stable(await getSchedule(1)),
        },
        before,
      );
    });

    it('documents every route in GET /openapi.json with its access', async () => {
      const r = await api('GET', '/openapi.json');
      assert.equal(r.status, 200, r.text);
      const doc = r.json;
      assert.match(doc.openapi, /^3\./);
      const documented = new Set();
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          assert.ok(op['x-medbox-access'], `${method} ${path} declares x-medbox-access`);
          documented.add(`${method.toUpperCase()} ${path}`);
          // Each documented operation exists: without a token it is refused,
          // not unknown (404) or of another method (405).
          const concrete = path.replace('{id}', '1').replace('{room}', 'A2-01');
          const res = await api(method.toUpperCase(), concrete, {});
          if (op['x-medbox-access'] === 'anyone') assert.ok([200, 503].includes(res.status), `${method} ${path}: ${res.status}`);
          else assert.equal(res.status, 401, `${method} ${path}: ${res.status} ${res.text}`);
        }
      }
      for (const [method, path, allowed] of routes) {
        const pattern = path.split('?')[0].replace(/\/1(\/|$)/, '/{id}$1').replace('A2-01', '{room}');
        assert.ok(documented.has(`${method} ${pattern}`), `${method} ${pattern} is documented`);
        const access = doc.paths[pattern][method.toLowerCase()]['x-medbox-access'];
        for (const who of allowed) {
          const word = who === 'portal' ? 'service:' : 'staff:';
          assert.ok(access.includes(who) && access.includes(word), `${method} ${pattern}: ${access} admits ${who}`);
        }
      }
    });
  });

  describe('restart', () => {
    it('keeps the data and does not load the demo twice', async () => {
      const deps = (await api('GET', '/api/v1/departments?includeInactive=true', { token: tok.admin })).json.items.length;
      const s = await newSchedule({ date: addDays(localDate(), 5) });
      const a = await book(s.slots[0].id, newPatient());
      assert.equal(a.status, 201);
      await suite.restart('booking');
      assert.equal((await api('GET', '/api/v1/departments?includeInactive=true', { token: tok.admin })).json.items.length, deps);
      assert.equal((await api('GET', `/api/v1/appointments/${a.json.id}`, { token: tok.portal })).json.status, 'booked');
      assert.equal((await getSchedule(s.id)).booked, 1);
    });
  });
});

// The set-up of booking's browser tests (issue 13): the console (sign-in)
// and booking with the demo hospital, one headless Chromium, staff tokens per
// role for arranging data through the API, and helpers to sign a member of
// staff in at the console and open a booking page with the same cookie.
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { startSuite } from './harness.mjs';
import { launchBrowser, openPage } from './browser.mjs';
import { signInOnPage } from './staffSignIn.mjs';
import { localDate, residentId, todayWindow } from './bookingData.mjs';

export function bookingInBrowser() {
  const t = { suite: null, browser: null, consoleBase: '', base: '', tok: {} };
  let serial = crypto.randomInt(1000, 5000);

  before(async () => {
    t.suite = await startSuite({ services: ['console', 'booking'], settings: { booking: { 'booking.demo_data': 'true' } } });
    t.consoleBase = t.suite.url('console');
    t.base = t.suite.url('booking');
    for (const role of ['scheduler', 'registrar', 'nurse']) t.tok[role] = await t.suite.staffToken([role]);
    t.browser = await launchBrowser();
  });
  after(async () => {
    await t.browser?.close();
    await t.suite?.stop();
  });

  t.api = (method, path, opts) => t.suite.api('booking', method, path, opts);

  // A patient with a valid resident ID; the name's first and last characters
  // are what the wall may show.
  t.patient = (name = '张三丰') => {
    serial += 1;
    return { name, documentType: 'resident_id', documentNumber: residentId(serial), phone: `139${String(serial).padStart(8, '0')}` };
  };

  // A new doctor of department 1 with one session in a new room:
  // {schedule (with slots), room, doctor}.
  t.newSession = async ({ date, startTime = '08:00', endTime = '12:00', capacity = 12, session = 'morning' }) => {
    const d = await t.api('POST', '/api/v1/doctors', {
      token: t.tok.scheduler,
      body: { departmentId: 1, name: `门诊医生${'甲乙丙丁戊己庚辛'[serial % 8]}`, title: 'attending', specialty: '高血压' },
    });
    assert.equal(d.status, 201, d.text);
    const room = `A${crypto.randomInt(10, 99)}-${crypto.randomInt(10, 99)}`;
    const s = await t.api('POST', '/api/v1/schedules', {
      token: t.tok.scheduler,
      body: { doctorId: d.json.id, date, session, startTime, endTime, slotMinutes: 30, room, capacity, feeCents: 2500 },
    });
    assert.equal(s.status, 201, s.text);
    return { schedule: s.json, room, doctor: d.json };
  };

  // A session today around now (null near midnight), with its two bookable
  // slots (check-in open).
  t.sessionNow = async ({ capacity = 12 } = {}) => {
    const w = todayWindow();
    if (!w) return null;
    const s = await t.newSession({ date: localDate(), startTime: w.start, endTime: w.end, capacity });
    return { ...s, bookable: w.bookable.map((start) => s.schedule.slots.find((x) => x.startTime === start)) };
  };

  t.book = async (slotId, patient) => {
    const r = await t.api('POST', '/api/v1/appointments', {
      token: t.tok.registrar,
      body: { slotId, patient },
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };

  t.checkIn = async (id) => {
    const r = await t.api('POST', `/api/v1/appointments/${id}/check-in`, { token: t.tok.nurse });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  // A page signed in as a new member of staff with these roles (at the
  // console, as people do), then on booking's page at path.
  t.openAs = async (roles, path, viewport = 'desktop') => {
    const user = await t.suite.createStaff(roles);
    const { page, watch, context } = await openPage(t.browser, { viewport });
    await signInOnPage(page, watch, t.consoleBase, user);
    // The console's overview links to the booking pages this user's roles open.
    // The directory card is shown in the same step as those links: once it
    // is visible the links are set (under load the sign-in returns sooner).
    await page.locator('#directory-card').waitFor({ state: 'visible' });
    const overviewLinks = await page.locator('#booking-card a:visible').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    await page.goto(`${t.base}${path}`);
    return { page, watch, context, user, overviewLinks };
  };
  return t;
}

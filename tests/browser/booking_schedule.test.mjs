// The scheduling office (issue 13) in headless Chromium: a scheduler fills a
// week from the week before (the template), sees the sessions in the week
// grid with their release times, stops a session that has a booking (the
// affected patient listed, the notice queued), edits a doctor's profile;
// adds a doctor with a photo; adds and deactivates a department; both
// languages; desktop and tablet.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/booking_schedule.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { bookingInBrowser } from '../lib/bookingInBrowser.mjs';
import { addDays, localDate, mondayOf, solidPng } from '../lib/bookingData.mjs';

describe('booking scheduling office', () => {
  const t = bookingInBrowser();

  it('creates a week from a template, stops a session and edits a doctor (desktop)', async () => {
    // The template: three sessions of a new doctor in the week after next.
    const template = addDays(mondayOf(localDate()), 14);
    const target = addDays(template, 7);
    const first = await t.newSession({ date: template, capacity: 6 });
    for (const [day, session, startTime, endTime] of [[2, 'afternoon', '13:30', '17:30'], [4, 'evening', '18:00', '21:00']]) {
      const r = await t.api('POST', '/api/v1/schedules', {
        token: t.tok.scheduler,
        body: { doctorId: first.doctor.id, date: addDays(template, day), session, startTime, endTime, room: first.room, capacity: 8 },
      });
      assert.equal(r.status, 201, r.text);
    }
    const { page, watch, overviewLinks } = await t.openAs(['scheduler'], '/schedule.html', 'desktop');
    assert.deepEqual(overviewLinks, ['/schedule.html']);
    const chips = () => page.locator(`.session-chip`).filter({ hasText: first.room });
    await page.locator('#grid-body tr').first().waitFor();
    await page.selectOption('#department', '1');
    for (let i = 0; i < 3; i++) {
      await page.click('#next-week');
      await page.locator('#week-label').filter({ hasText: addDays(mondayOf(localDate()), 7 * (i + 1)) }).waitFor();
    }
    assert.equal(await chips().count(), 0, 'the target week starts empty');
    await page.click('#copy-week');
    await page.locator('dialog.confirm button:not(.secondary)').click();
    await page.locator('.toast.ok').filter({ hasText: '已生成 ' }).waitFor();
    await chips().nth(2).waitFor();
    assert.equal(await chips().count(), 3);
    assert.match(await page.locator('#grid-head').textContent(), /放号/);
    await screenshot(page, 'booking-schedule-week-desktop-zh');
    const created = (await t.api('GET', `/api/v1/schedules?date=${addDays(target, 2)}&doctor=${first.doctor.id}`, { token: t.tok.scheduler })).json.items;
    assert.equal(created.length, 1);
    assert.equal(created[0].capacity, 8);

    // Stop a session today's patients booked: tomorrow's, with one booking.
    const tomorrow = addDays(localDate(), 1);
    const s = await t.newSession({ date: tomorrow, capacity: 4 });
    const patient = t.patient('赵六');
    await t.book(s.schedule.slots[0].id, patient);
    await page.click('#prev-week');
    await page.click('#prev-week');
    await page.click('#prev-week');
    if (mondayOf(tomorrow) !== mondayOf(localDate())) await page.click('#next-week');
    await page.locator('#week-label').filter({ hasText: mondayOf(tomorrow) }).waitFor();
    await page.locator(`.session-chip[data-schedule="${s.schedule.id}"]`).click();
    await page.locator('#affected li').first().waitFor();
    assert.match(await page.locator('#affected-lead').textContent(), /1 位患者/);
    assert.match(await page.locator('#affected').textContent(), /赵\*/);
    // The reason is required.
    watch.allowHttpError(/\/stop$/, 400);
    await page.click('#stop-submit');
    await page.locator('dialog.confirm button.danger').click();
    await page.locator('#stop-reason[aria-invalid="true"]').waitFor();
    await page.fill('#stop-reason', '医生外出会诊');
    await page.click('#stop-submit');
    await page.locator('dialog.confirm button.danger').click();
    await page.locator('#stopped-note').filter({ hasText: '取消 1 个预约' }).waitFor();
    assert.match(await page.locator('#notified').textContent(), /赵\*.*停诊通知已排队/);
    await page.locator(`.session-chip[data-schedule="${s.schedule.id}"]`).filter({ hasText: '停诊' }).waitFor();
    const after = (await t.api('GET', `/api/v1/schedules/${s.schedule.id}/appointments`, { token: t.tok.scheduler })).json.items;
    assert.equal(after[0].status, 'stopped');
    assert.equal(after[0].cancelReason, '医生外出会诊');
    await screenshot(page, 'booking-schedule-stop-desktop-zh');

    // Change capacity, room and fee of another session (the first template one is two weeks on: use today's grid).
    const open = await t.newSession({ date: tomorrow, capacity: 4 });
    await page.click('#next-week');
    await page.click('#prev-week');
    await page.locator(`.session-chip[data-schedule="${open.schedule.id}"]`).click();
    await page.fill('#change-capacity', '9');
    await page.fill('#change-room', 'B3-07');
    await page.fill('#change-fee', '48.5');
    await page.click('#change-submit');
    await page.locator(`.session-chip[data-schedule="${open.schedule.id}"]`).filter({ hasText: 'B3-07' }).waitFor();
    const changed = (await t.api('GET', `/api/v1/schedules/${open.schedule.id}`, { token: t.tok.scheduler })).json;
    assert.deepEqual([changed.capacity, changed.room, changed.feeCents], [9, 'B3-07', 4850]);

    // A doctor's profile.
    await page.locator(`button[data-doctor="${open.doctor.id}"]`).click();
    await page.fill('#doctor-specialty', '冠心病介入治疗');
    await page.selectOption('#doctor-title', 'associate_chief');
    // A large photo: scaled down in the browser to 320 px JPEG before upload.
    await page.setInputFiles('#doctor-photo', { name: 'wang.png', mimeType: 'image/png', buffer: solidPng(1200, 1600) });
    await page.click('#doctor-save');
    const card = page.locator('.doctor-card').filter({ hasText: '冠心病介入治疗' });
    await card.waitFor();
    await card.locator('.doctor-photo img').waitFor();
    await page.waitForFunction(
      (id) => [...document.querySelectorAll('.doctor-photo img')].some((i) => i.src.includes(`/doctors/${id}/photo`) && i.complete && i.naturalWidth > 0),
      open.doctor.id,
    );
    const doc = (await t.api('GET', `/api/v1/doctors/${open.doctor.id}`, { token: t.tok.scheduler })).json;
    assert.deepEqual([doc.title, doc.specialty], ['associate_chief', '冠心病介入治疗']);
    const photo = await t.api('GET', doc.photoUrl, { token: t.tok.scheduler });
    assert.equal(photo.headers['content-type'], 'image/jpeg');
    assert.ok(photo.raw.length < 60 * 1024, `${photo.raw.length} bytes`);
    // Not an image: refused in the page before any upload.
    await page.locator(`button[data-doctor="${open.doctor.id}"]`).click();
    await page.setInputFiles('#doctor-photo', { name: 'x.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg/>') });
    await page.click('#doctor-save');
    await page.locator('#doctor-photo[aria-invalid="true"]').waitFor();
    await page.click('#doctor-close');

    // A new doctor of the department, with a photo; a name with digits is refused under its field.
    watch.allowHttpError(/\/api\/v1\/doctors$/, 400);
    await page.click('#add-doctor');
    await page.fill('#doctor-name', '刘新2');
    await page.selectOption('#doctor-title', 'chief');
    await page.fill('#doctor-specialty', '心脏康复');
    await page.click('#doctor-save');
    await page.locator('#doctor-name[aria-invalid="true"]').waitFor();
    await page.fill('#doctor-name', '刘新');
    await page.setInputFiles('#doctor-photo', { name: 'liu.png', mimeType: 'image/png', buffer: solidPng(300, 400, [180, 60, 60]) });
    await page.click('#doctor-save');
    await page.locator('.doctor-card').filter({ hasText: '刘新' }).locator('.doctor-photo img').waitFor();
    const added = (await t.api('GET', '/api/v1/doctors?department=1', { token: t.tok.scheduler })).json.items.find((x) => x.name === '刘新');
    assert.deepEqual([added.title, added.specialty], ['chief', '心脏康复']);
    assert.match(added.photoUrl, /\/photo\?v=/);

    await page.click('.lang-switch');
    await page.locator('h1').filter({ hasText: 'Scheduling office' }).waitFor();
    await page.locator(`.session-chip[data-schedule="${s.schedule.id}"]`).filter({ hasText: 'Stopped' }).waitFor();
    await screenshot(page, 'booking-schedule-week-desktop-en');
    watch.assertClean();
  });

  it('fits a tablet and refuses a nurse the scheduling actions', async () => {
    const { page, watch } = await t.openAs(['scheduler'], '/schedule.html', 'tablet');
    await page.locator('#grid-body tr').first().waitFor();
    await assertNoHorizontalScroll(page);
    const over = await page.evaluate(() => {
      const w = document.querySelector('.table-wrap');
      return w.scrollWidth - w.clientWidth;
    });
    assert.ok(over <= 1, `the week grid scrolls ${over}px sideways on a tablet`);
    await screenshot(page, 'booking-schedule-week-tablet-zh');

    // Departments: add one (a taken code refused under its field), deactivate it, activate it again.
    watch.allowHttpError(/\/api\/v1\/departments$/, 409);
    await page.fill('#department-code', 'CARD');
    await page.fill('#department-name', '重复科室');
    await page.click('#department-add');
    await page.locator('#department-code[aria-invalid="true"]').waitFor();
    await page.fill('#department-code', 'REHB');
    await page.fill('#department-name', '康复医学科');
    await page.fill('#department-name-en', 'Rehabilitation');
    await page.fill('#department-location', '门诊楼6层A区');
    await page.click('#department-add');
    const row = page.locator('#departments tbody tr').filter({ hasText: 'REHB' });
    await row.filter({ hasText: '启用' }).waitFor();
    await page.locator('#department option').filter({ hasText: '康复医学科' }).waitFor({ state: 'attached' });
    await row.locator('button[data-department]').click();
    await page.locator('dialog.confirm button.danger').click();
    await row.filter({ hasText: '停用' }).locator('.badge').filter({ hasText: '停用' }).waitFor();
    assert.equal(await page.locator('#department option').filter({ hasText: '康复医学科' }).count(), 0, 'an inactive department leaves the choice');
    const rehb = (await t.api('GET', '/api/v1/departments?includeInactive=true', { token: t.tok.scheduler })).json.items.find((d) => d.code === 'REHB');
    assert.deepEqual([rehb.active, rehb.nameEn, rehb.location], [false, 'Rehabilitation', '门诊楼6层A区']);
    await row.locator('button[data-department]').click();
    await row.locator('.badge').filter({ hasText: '启用' }).waitFor();
    watch.assertClean();

    const nurse = await t.openAs(['nurse'], '/schedule.html', 'tablet');
    nurse.watch.allowHttpError(/\/api\/v1\/schedules\/copy-week$/, 403);
    await nurse.page.locator('#week-label').filter({ hasText: '至' }).waitFor();
    await nurse.page.click('#copy-week');
    await nurse.page.locator('dialog.confirm button:not(.secondary)').click();
    await nurse.page.locator('.toast.bad').filter({ hasText: '没有执行此操作的权限' }).waitFor();
    nurse.watch.assertClean();
  });
});

// The registration desk (issue 13) in headless Chromium: a registrar books
// a patient in person (desk channel), finds the appointment by ID number
// (never in a URL), checks the patient in and prints the slip (print media
// emulated, screenshot); cancels another booking; English one click away;
// tablet and desktop.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/booking_desk.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { bookingInBrowser } from '../lib/bookingInBrowser.mjs';
import { addDays, localDate, NEAR_MIDNIGHT } from '../lib/bookingData.mjs';

describe('booking registration desk', () => {
  const t = bookingInBrowser();

  for (const viewport of ['tablet', 'desktop']) {
    it(`books in person, finds by ID, checks in and prints the slip (${viewport})`, async (ctx) => {
      const s = await t.sessionNow();
      if (!s) return ctx.skip(NEAR_MIDNIGHT);
      const p = t.patient('王小明');
      const { page, watch } = await t.openAs(['registrar'], '/desk.html', viewport);
      const urls = [];
      page.on('request', (r) => urls.push(r.url()));

      // Book: department, today, the session, its first free slot, the patient.
      await page.locator('#book-department option').first().waitFor({ state: 'attached' });
      await page.selectOption('#book-department', String(s.schedule.department.id));
      await page.locator(`#book-schedule option[value="${s.schedule.id}"]`).waitFor({ state: 'attached' });
      await page.selectOption('#book-schedule', String(s.schedule.id));
      await page.locator(`#book-slot option[value="${s.bookable[0].id}"]`).waitFor({ state: 'attached' });
      await page.selectOption('#book-slot', String(s.bookable[0].id));
      // A wrong phone number is shown under its field, nothing booked.
      watch.allowHttpError(/\/api\/v1\/appointments$/, 400);
      await page.fill('#book-name', p.name);
      await page.fill('#book-number', p.documentNumber);
      await page.fill('#book-phone', '12345');
      await page.click('#book-submit');
      await page.locator('#book-phone[aria-invalid="true"]').waitFor();
      assert.match(await page.locator('#book .field .error').textContent(), /11 位手机号码/);
      await page.fill('#book-phone', p.phone);
      await page.click('#book-submit');
      await page.locator('.toast.ok').filter({ hasText: '挂号成功' }).waitFor();

      // The booking is listed (the search ran with the number in a body).
      const row = page.locator('#results tbody tr').filter({ hasText: s.room });
      await row.waitFor();
      assert.match(await row.textContent(), /已预约/);
      assert.match(await row.textContent(), /王\*\*/);

      // Find by ID number as a returning patient would be found.
      await page.fill('#find-number', p.documentNumber);
      await page.click('#find-submit');
      await page.locator('#results-note').filter({ hasText: '共 1 条预约' }).waitFor();

      // Check in: the slip with the queue number and room.
      await row.locator('button[data-action="desk.checkIn"]').click();
      await page.locator('#slip').waitFor();
      assert.equal(await page.locator('#slip-queue').textContent(), '001');
      assert.equal(await page.locator('#slip-room').textContent(), s.room);
      assert.equal(await page.locator('#slip-name').textContent(), '王*明');
      assert.match(await row.textContent(), /已签到/);
      await assertNoHorizontalScroll(page);
      await screenshot(page, `booking-desk-${viewport}-zh`);

      // The print layout: the slip alone.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('#find').isVisible(), false);
      assert.equal(await page.locator('#topbar').isVisible(), false);
      assert.equal(await page.locator('#slip').isVisible(), true);
      assert.equal(await page.locator('#print').isVisible(), false);
      await screenshot(page, `booking-desk-slip-print-${viewport}`);
      await page.emulateMedia({ media: 'screen' });

      // Cancel a later booking of the same patient (another doctor tomorrow).
      const tomorrow = await t.newSession({ date: addDays(localDate(), 1) });
      const later = await t.book(tomorrow.schedule.slots[0].id, p);
      await page.click('#find-submit');
      await page.locator('#results-note').filter({ hasText: '共 2 条预约' }).waitFor();
      const laterRow = page.locator('#results tbody tr').filter({ hasText: later.room });
      await laterRow.locator('button[data-action="desk.cancel"]').click();
      await page.locator('dialog.confirm button.danger').click();
      await laterRow.filter({ hasText: '已退号' }).waitFor();

      if (viewport === 'desktop') {
        await page.click('.lang-switch');
        await page.locator('h1').filter({ hasText: 'Registration desk' }).waitFor();
        await page.locator('#slip-title').filter({ hasText: 'Visit slip' }).waitFor();
        await screenshot(page, 'booking-desk-desktop-en');
      }
      // The ID number never went into a URL.
      assert.ok(!urls.some((u) => u.includes(p.documentNumber)), urls.filter((u) => u.includes(p.documentNumber)).join());
      watch.assertClean();
    });
  }
});

// The nurse station and the waiting-room screen (issue 13) in headless
// Chromium: a nurse on a tablet calls next, recalls and passes while the
// screen on the wall (a second page, 1920x1080, no sign-in) shows each call
// within a second; a patient checked in meanwhile appears at the station
// without a reload; the screen's page and every answer it got hold no
// personal data beyond the masked name. Both languages, with screenshots.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/booking_nurse_screen.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { bookingInBrowser } from '../lib/bookingInBrowser.mjs';
import { NEAR_MIDNIGHT } from '../lib/bookingData.mjs';

describe('booking nurse station and waiting-room screen', () => {
  const t = bookingInBrowser();

  it('calls, recalls and passes; the wall shows each call within a second and nothing personal', async (ctx) => {
    const s = await t.sessionNow();
    if (!s) return ctx.skip(NEAR_MIDNIGHT);
    const people = [t.patient('张三丰'), t.patient('李四'), t.patient('欧阳娜娜')];
    const booked = [];
    for (const [i, p] of people.entries()) booked.push(await t.book(s.bookable[i % 2].id, p));
    await t.checkIn(booked[0].id);
    await t.checkIn(booked[1].id);

    // The screen: no sign-in, its own context (no staff cookie).
    const wall = await openPage(t.browser, { viewport: 'tv' });
    const answers = [];
    wall.page.on('response', async (r) => {
      try {
        answers.push({ url: r.url(), body: await r.text() });
      } catch {
        // a redirect or a 304 has no body to read
      }
    });
    await wall.page.goto(`${t.base}/screen.html#room=${s.room}`);
    const number = wall.page.locator(`.screen-room[data-room="${s.room}"] .screen-number`);
    const name = wall.page.locator(`.screen-room[data-room="${s.room}"] .screen-name`);
    await wall.page.locator('.screen-waiting').filter({ hasText: '候诊 2 人' }).waitFor();
    assert.equal(await number.textContent(), '—');

    const nurse = await t.openAs(['nurse'], `/nurse.html#room=${s.room}`, 'tablet');
    const { page } = nurse;
    assert.deepEqual(nurse.overviewLinks, ['/nurse.html']);
    await page.locator('#waiting li').filter({ hasText: '002' }).waitFor();
    assert.equal(await page.locator('#room').inputValue(), s.room);
    assert.equal(await page.locator('#call-next').isEnabled(), true);
    assert.equal(await page.locator('#recall').isEnabled(), false, 'nobody to recall yet');

    // Checked in at the desk meanwhile: appears without a reload (the poll).
    await t.checkIn(booked[2].id);
    await page.locator('#waiting li').filter({ hasText: '003' }).waitFor({ timeout: 5000 });
    assert.equal(await page.locator('#waiting-count').textContent(), '(3)');

    // Call next: the wall shows 001 and 张*丰 within a second.
    await page.click('#call-next');
    await page.locator('#current-number').filter({ hasText: '001' }).waitFor();
    let t0 = Date.now();
    await number.filter({ hasText: '001' }).waitFor({ timeout: 1000 });
    await name.filter({ hasText: '张*丰' }).waitFor({ timeout: 1000 });
    assert.ok(Date.now() - t0 <= 1000);
    assert.equal(await page.locator('#current-name').textContent(), '张**');
    await screenshot(page, 'booking-nurse-tablet-zh');
    await screenshot(wall.page, 'booking-screen-tv-zh', { fullPage: false });

    // Recall: the wall says it is a repeated call, within a second.
    await page.click('#recall');
    await page.locator('#current-calls').filter({ hasText: '已呼叫 2 次' }).waitFor();
    t0 = Date.now();
    await wall.page.locator('.screen-recall').filter({ hasText: '第 2 次呼叫' }).waitFor({ timeout: 1000 });

    // Pass: 001 goes to the passed list; the wall waits for the next call.
    await page.click('#pass');
    await page.locator('#passed li').filter({ hasText: '001' }).waitFor();
    assert.match(await page.locator('#passed li').first().textContent(), /过号 1 次/);
    await number.filter({ hasText: '—' }).waitFor({ timeout: 1000 });

    // Call next again: 002 (李*).
    await page.click('#call-next');
    await page.locator('#current-number').filter({ hasText: '002' }).waitFor();
    await number.filter({ hasText: '002' }).waitFor({ timeout: 1000 });
    await name.filter({ hasText: '李*' }).waitFor({ timeout: 1000 });
    await assertNoHorizontalScroll(page);

    // English, one click away, on both.
    await page.click('.lang-switch');
    await page.locator('#call-next').filter({ hasText: 'Call next' }).waitFor();
    await screenshot(page, 'booking-nurse-tablet-en');
    await wall.page.click('.lang-switch');
    await wall.page.locator('.screen-line').filter({ hasText: 'please go to room' }).waitFor();
    await wall.page.locator('#screen-title').filter({ hasText: `Room ${s.room}` }).waitFor();
    await screenshot(wall.page, 'booking-screen-tv-en', { fullPage: false });

    // Nothing personal on the wall: neither in the page nor in any answer.
    const text = await wall.page.locator('body').innerText();
    for (const p of people) {
      for (const secret of [p.documentNumber, p.phone, ...(p.name.length > 2 ? [p.name] : [])]) {
        assert.ok(!text.includes(secret), `the screen shows ${secret}`);
        for (const a of answers) assert.ok(!a.body.includes(secret), `${a.url} carries ${secret}`);
      }
    }
    const apiAnswers = answers.filter((a) => a.url.includes('/api/'));
    assert.ok(apiAnswers.length >= 3, 'the screen polled');
    assert.ok(apiAnswers.every((a) => /\/api\/v1\/(display\/|web\/settings)/.test(a.url)), apiAnswers.map((a) => a.url).join());
    assert.ok(!answers.some((a) => a.url.includes('/api/v1/session')), 'the screen never asks for a staff session');

    nurse.watch.assertClean();
    wall.watch.assertClean();
  });

  it('refuses the station to a registrar and the wall without a room says how to set it', async () => {
    const wall = await openPage(t.browser, { viewport: 'tv' });
    await wall.page.goto(`${t.base}/screen.html`);
    await wall.page.locator('#note').filter({ hasText: '#room=' }).waitFor();
    wall.watch.assertClean();

    // A department's screen: the demo cardiology rooms of today.
    const dep = await openPage(t.browser, { viewport: 'tv' });
    await dep.page.goto(`${t.base}/screen.html#department=1`);
    await dep.page.locator('#screen-title').filter({ hasText: '心血管内科' }).waitFor();
    await screenshot(dep.page, 'booking-screen-department-tv-zh', { fullPage: false });
    dep.watch.assertClean();

    const s = await t.sessionNow();
    if (!s) return;
    const desk = await t.openAs(['registrar'], `/nurse.html#room=${s.room}`, 'tablet');
    assert.deepEqual(desk.overviewLinks, ['/desk.html']);
    desk.watch.allowHttpError(/\/queue\/call-next$/, 403);
    const b = await t.book(s.bookable[0].id, t.patient());
    await t.checkIn(b.id);
    await desk.page.locator('#waiting li').filter({ hasText: '001' }).waitFor({ timeout: 5000 });
    await desk.page.click('#call-next');
    await desk.page.locator('.toast.bad').filter({ hasText: '没有执行此操作的权限' }).waitFor();
    desk.watch.assertClean();
  });
});

// The units and logs page in headless Chromium: an admin restarts a unit
// after a confirm dialog naming it and the consequence (toast, new state),
// filters the journal by priority, text and time (the hospital's zone),
// pages back by cursor and follows live (polling stops while the page is
// hidden); an auditor sees no start/stop/restart; both languages, 1280x800
// and phone size, screenshots.
//
// There is no systemd on a build machine (the real API answers 503 there),
// so the unit API's answers come from tests/lib/fake_units.mjs through
// Playwright's routing, except where said: one restart goes to the real
// console and its 503 is shown, with the CSRF header and the audit row
// real. The API itself under a real systemd: tests/nspawn/units_test.sh.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_units.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { fakeSystemd } from '../lib/fake_units.mjs';
import { signInOnPage, staffWithTotp } from '../lib/staffSignIn.mjs';

const NO_BUS = 'unix:path=/nonexistent/medbox-test/system_bus_socket';

describe('console units and logs page', () => {
  let suite;
  let browser;
  let base;
  let admin;
  let auditor;

  // Runs `action` and waits until the fake answered one more journal request.
  const journalRead = async (fake, action) => {
    const n = fake.journalRequests().length;
    await action();
    for (let i = 0; i < 100 && fake.journalRequests().length === n; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fake.journalRequests().length > n, 'the page asked for the journal');
  };
  const row = (page, unit) => page.locator('#units tbody tr').filter({ hasText: unit });

  before(async () => {
    suite = await startSuite({ services: ['console'], env: { DBUS_SYSTEM_BUS_ADDRESS: NO_BUS } });
    base = suite.url('console');
    browser = await launchBrowser();
    admin = await staffWithTotp(suite, ['admin'], { displayName: '信息科管理员' });
    auditor = await suite.createStaff(['auditor'], { displayName: '审计员小周' });
  });
  after(async () => {
    await browser?.close();
    await suite?.stop();
  });

  for (const viewport of ['desktop', 'phone']) {
    it(`an admin restarts a unit after confirming, and reads and filters its journal (${viewport})`, async () => {
      const fake = fakeSystemd();
      const { page, watch } = await openPage(browser, { viewport });
      await fake.install(page);
      await signInOnPage(page, watch, base, admin);
      // The overview lists the units and links to the page.
      await page.locator('#units-card tbody tr').first().waitFor();
      assert.equal(await page.locator('#units-card tbody tr').count(), 4);
      assert.equal(await page.locator('#units-card tbody tr').filter({ hasText: 'medbox-hisbridge.service' }).locator('.badge.bad').textContent(), '失败');
      if (viewport === 'desktop') await screenshot(page, 'console-overview-units-desktop-zh');
      await page.click('#open-units');
      await page.waitForURL(`${base}/units.html`);
      await row(page, 'medbox-booking.service').waitFor();
      assert.equal(await row(page, 'medbox-booking.service').locator('.badge').textContent(), '运行中');
      assert.equal(await row(page, 'medbox-hisbridge.service').locator('.badge').textContent(), '失败');
      assert.match(await row(page, 'medbox-booking.service').textContent(), /48 MiB/);
      // The console cannot stop or restart itself: those buttons are off.
      assert.equal(await row(page, 'medbox-console.service').locator('button[data-action=restart]').isDisabled(), true);
      assert.equal(await row(page, 'medbox-console.service').locator('button[data-action=stop]').isDisabled(), true);

      // The journal of the first unit, newest first.
      await page.locator('#j-lines li').first().waitFor();
      assert.equal(await page.locator('#j-lines li').count(), 100);
      assert.match(await page.locator('#j-lines li').first().textContent(), /checkpoint/);
      assert.match(await page.locator('#j-state').textContent(), /100 行日志，最新的在前/);
      await page.click('#j-older');
      await page.locator('#j-lines li').nth(150).waitFor();
      assert.equal(await page.locator('#j-lines li').count(), 151);
      assert.equal(await page.locator('#j-older').isHidden(), true, 'no older lines left');
      assert.equal(fake.journalRequests().at(-1).query.get('before'), 's=fake;i=52');

      // Cancel first: nothing is sent.
      await row(page, 'medbox-booking.service').locator('button[data-action=restart]').click();
      const dialog = page.locator('dialog.confirm');
      await dialog.waitFor();
      assert.equal(await dialog.locator('h2').textContent(), '重启 medbox-booking.service？');
      assert.match(await dialog.locator('p').textContent(), /medbox booking \(appointments and queue\)在重启期间将有几秒钟不可用/);
      await screenshot(page, `console-units-confirm-${viewport}-zh`, { fullPage: false });
      await dialog.locator('button.secondary').click();
      assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 0);
      // Then confirm: one POST with the CSRF header, a toast, the new state.
      const before = await row(page, 'medbox-booking.service').locator('td').nth(2).textContent();
      await row(page, 'medbox-booking.service').locator('button[data-action=restart]').click();
      await dialog.locator('button:not(.secondary)').click();
      await page.locator('.toast.ok').filter({ hasText: 'medbox-booking.service 已重启：运行中' }).waitFor();
      const posts = fake.requests.filter((r) => r.method === 'POST');
      assert.deepEqual(posts.map((r) => r.path), ['/api/v1/appliance/units/medbox-booking.service/restart']);
      assert.ok(posts[0].csrf && posts[0].csrf.length > 20, 'the change carries the CSRF value');
      assert.notEqual(await row(page, 'medbox-booking.service').locator('td').nth(2).textContent(), before, 'since when: the restart time');

      // Filters: errors and worse with a text, from 08:00 hospital time.
      await page.selectOption('#j-priority', '3');
      await page.fill('#j-text', 'TIMEOUT');
      await page.fill('#j-since', '2026-12-03T08:00');
      await journalRead(fake, () => page.click('#j-show'));
      const q = () => fake.journalRequests().at(-1).query;
      await page.waitForFunction(() => document.querySelectorAll('#j-lines li').length === 6);
      assert.equal(q().get('priority'), '3');
      assert.equal(q().get('q'), 'TIMEOUT');
      assert.equal(q().get('since'), '2026-12-03T00:00:00.000Z', '08:00 in Asia/Shanghai');
      // Without the time bound the same six (the fake's lines are all of today).
      await page.fill('#j-since', '');
      await journalRead(fake, () => page.click('#j-show'));
      await page.waitForFunction(() => document.querySelectorAll('#j-lines li').length === 6);
      assert.equal(q().get('since'), null);
      const shown = await page.locator('#j-lines li').allTextContents();
      assert.ok(shown.every((l) => /错误/.test(l) && /timeout/.test(l)), shown.join('\n'));
      // Priority is a word and a colour, not a colour alone.
      assert.equal(await page.locator('#j-lines li.p-bad .badge.bad').count(), 6);
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-units-${viewport}-zh`);

      await page.click('.topbar .lang-switch');
      await page.locator('h1').filter({ hasText: 'Units and logs' }).waitFor();
      assert.equal(await row(page, 'medbox-hisbridge.service').locator('.badge').textContent(), 'failed');
      assert.match(await page.locator('#j-lines li').first().textContent(), /error/);
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-units-${viewport}-en`);
      watch.assertClean();
      await page.context().close();
    });
  }

  it('follows the journal live by cursor and stops while the page is hidden', async () => {
    const fake = fakeSystemd({ lines: 20 });
    const { page, watch } = await openPage(browser, { viewport: 'desktop' });
    await fake.install(page);
    await signInOnPage(page, watch, base, auditor);
    await page.goto(`${base}/units.html`);
    await page.locator('#j-lines li').nth(20).waitFor();
    // An end of the time range and following contradict each other: following drops it.
    await page.fill('#j-until', '2099-01-01T08:00');
    await journalRead(fake, () => page.click('#j-show'));
    assert.equal(fake.journalRequests().at(-1).query.get('until'), '2099-01-01T00:00:00.000Z');
    await page.check('#j-follow');
    assert.equal(await page.inputValue('#j-until'), '');
    fake.add('new line while following', 4);
    await page.locator('#j-lines li').first().filter({ hasText: 'new line while following' }).waitFor({ timeout: 6000 });
    assert.equal(await page.locator('#j-lines li').count(), 22);
    const polls = fake.journalRequests().filter((r) => r.query.get('after'));
    assert.ok(polls.length >= 1);
    assert.equal(polls[0].query.get('after'), 's=fake;i=21', 'polls after the newest line shown');
    assert.equal(polls[0].query.get('until'), null);
    assert.match(await page.locator('#j-state').textContent(), /正在实时跟踪/);

    // Hidden: no more polls.
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(300); // a poll already on its way may still land
    const count = fake.journalRequests().length;
    await page.waitForTimeout(4500);
    assert.equal(fake.journalRequests().length, count, 'no polling while hidden');
    fake.add('written while hidden', 6);
    // Visible again: it catches up at once.
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.locator('#j-lines li').first().filter({ hasText: 'written while hidden' }).waitFor({ timeout: 3000 });
    // Off: no more polls.
    await page.uncheck('#j-follow');
    const after = fake.journalRequests().length;
    await page.waitForTimeout(3000);
    assert.equal(fake.journalRequests().length, after, 'no polling once the toggle is off');
    watch.assertClean();
    await page.context().close();
  });

  for (const [viewport, lang] of [['desktop', 'zh'], ['phone', 'en']]) {
    it(`an auditor reads units and logs but has no buttons to change them (${viewport}, ${lang})`, async () => {
      const fake = fakeSystemd();
      const { page, watch } = await openPage(browser, { viewport });
      await fake.install(page);
      await signInOnPage(page, watch, base, auditor);
      if (lang === 'en') {
        await page.click('.topbar .lang-switch');
        await page.locator('h1').filter({ hasText: 'Overview' }).waitFor();
      }
      await page.goto(`${base}/units.html`);
      await row(page, 'medbox-booking.service').waitFor();
      await page.locator('#j-lines li').first().waitFor();
      assert.equal(await page.locator('#units button[data-action=start], #units button[data-action=stop], #units button[data-action=restart]').count(), 0);
      assert.equal(await page.locator('#units button[data-action=logs]').count(), 4);
      assert.match(await page.locator('#units-lead').textContent(), lang === 'en' ? /only administrators/ : /只有管理员/);
      await row(page, 'medbox-backup.timer').locator('button[data-action=logs]').click();
      await page.waitForFunction(() => document.getElementById('j-unit').value === 'medbox-backup.timer');
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-units-auditor-${viewport}-${lang}`);
      watch.assertClean();
      await page.context().close();
    });
  }

  it('shows the real API refusing without systemd: a restart ends in a clear error, audited as failed', async () => {
    const fake = fakeSystemd();
    const { page, watch } = await openPage(browser, { viewport: 'desktop' });
    // Only the list from the fake; the restart goes to the real console.
    await page.route((u) => u.pathname === '/api/v1/appliance/units' || u.pathname.endsWith('/journal'), (route, rq) => {
      const u = new URL(rq.url());
      if (u.pathname.endsWith('/journal')) return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ lines: [], more: false, scanLimited: false, resumeCursor: null, journalError: null }) });
      return route.fulfill({ contentType: 'application/json', body: JSON.stringify({ units: fake.units }) });
    });
    watch.allowHttpError(/\/api\/v1\/appliance\/units\/medbox-booking\.service\/restart$/, 503);
    await signInOnPage(page, watch, base, admin);
    await page.goto(`${base}/units.html`);
    await row(page, 'medbox-booking.service').locator('button[data-action=restart]').click();
    await page.locator('dialog.confirm button:not(.secondary)').click();
    await page.locator('.toast.bad').filter({ hasText: 'medbox-booking.service' }).waitFor();
    const token = await suite.adminToken();
    const audit = await suite.api('console', 'GET', '/api/v1/audit?limit=1000', { token });
    const restart = audit.json.entries.filter((e) => e.action === 'unit.restart').at(-1);
    assert.equal(restart.actor, `staff:${admin.username}`);
    assert.equal(restart.outcome, 'failed');
    watch.assertClean();
    await page.context().close();
  });
});

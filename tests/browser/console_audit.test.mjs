// The audit viewer in headless Chromium against a real console and a real
// booking: pick a service, filter, page; the hash chain verified on screen;
// a row changed in booking's SQLite file shown as broken (marked row, "broken
// at row N"), also on the overview; the CSV downloaded through the console;
// both languages, 1280x800 and phone size, screenshots.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_audit.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startSuite } from '../lib/harness.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { signInOnPage } from '../lib/staffSignIn.mjs';

const NO_BUS = 'unix:path=/nonexistent/medbox-test/system_bus_socket';
// Without systemd the overview's units card answers 503 (console_units covers it).

describe('console audit viewer page', () => {
  let suite;
  let browser;
  let base;
  let auditor;
  let tampered; // the seq of the row changed in booking.db

  const chainRow = (page, service) => page.locator('#chains tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${service}$`) }) });

  before(async () => {
    suite = await startSuite({ services: ['console', 'booking'], env: { DBUS_SYSTEM_BUS_ADDRESS: NO_BUS } });
    suite.settings.console = { 'console.peers.booking.url': suite.url('booking') };
    await suite.restart('console');
    base = suite.url('console');
    browser = await launchBrowser();
    auditor = await suite.createStaff(['auditor'], { displayName: '审计员小周' });
    const scheduler = await suite.staffToken(['scheduler'], { username: 'sched-web' });
    for (let i = 1; i <= 6; i++) {
      const r = await suite.api('booking', 'POST', '/api/v1/departments', { token: scheduler, body: { code: `W${i}`, name: `科室 ${i}` } });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(async () => {
    await browser?.close();
    await suite?.stop();
  });

  it('shows booking intact, filters by actor, action and text, and downloads the CSV (desktop, zh)', async () => {
    const { page, watch } = await openPage(browser, { viewport: 'desktop' });
    await signInOnPage(page, watch, base, auditor);
    await page.locator('#chains-card tbody tr').first().waitFor();
    assert.match(await chainRow(page, 'booking').locator('.badge').textContent(), /^完整（至第 \d+ 行）$/);
    await page.click('#open-audit');
    await page.waitForURL(`${base}/audit.html`);
    await chainRow(page, 'booking').waitFor();
    assert.match(await chainRow(page, 'console').locator('.badge').textContent(), /^完整/);
    assert.equal(await chainRow(page, 'portal').locator('.badge').textContent(), '未校验');
    await chainRow(page, 'booking').locator('button').click();
    await page.locator('#chain-line').filter({ hasText: 'booking 的哈希链' }).waitFor();
    await page.locator('#rows tbody tr').first().waitFor();
    const all = await page.locator('#rows tbody tr').count();
    assert.ok(all >= 6, `booking's rows: ${all}`);
    assert.equal(await page.locator('#rows tbody tr .badge.ok', { hasText: '完整' }).count() >= 6, true);

    await page.fill('#a-actor', 'staff:sched-web');
    await page.fill('#a-action', 'booking.department');
    await page.fill('#a-text', '"W4"');
    await page.click('#a-show');
    await page.waitForFunction(() => document.querySelectorAll('#rows tbody tr').length === 1);
    const cells = await page.locator('#rows tbody tr td').allTextContents();
    assert.equal(cells[2], 'staff:sched-web');
    assert.equal(cells[3], 'booking.department_create');
    assert.match(cells[7], /"code":"W4"/);
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'console-audit-desktop-zh');

    // The CSV of what the filter shows, as booking writes it.
    await page.fill('#a-text', '');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#a-csv')]);
    assert.equal(download.suggestedFilename(), 'booking-audit.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    assert.equal(csv[0], 'seq,at,actor,action,target,outcome,detail,hash');
    assert.equal(csv.length, 7, csv.join('\n'));
    assert.ok(csv.slice(1).every((l) => l.includes(',staff:sched-web,booking.department_create,')), csv.join('\n'));
    watch.assertClean();
    await page.context().close();
  });

  it('marks the row changed in the database file as broken, on the page and the overview (desktop en, phone zh and en)', async () => {
    const token = await suite.staffToken(['auditor']);
    const rows = await suite.api('console', 'GET', '/api/v1/appliance/audit?service=booking&q=%22W3%22', { token });
    tampered = rows.json.entries[0].seq;
    execFileSync('sqlite3', [path.join(suite.dataDir, 'booking.db'), `UPDATE audit_log SET actor = 'staff:someone-else' WHERE seq = ${tampered}`]);

    for (const [viewport, lang] of [['desktop', 'en'], ['phone', 'zh'], ['phone', 'en']]) {
      const { page, watch } = await openPage(browser, { viewport });
      await signInOnPage(page, watch, base, auditor);
      if (lang === 'en') {
        await page.click('.topbar .lang-switch');
        await page.locator('h1').filter({ hasText: 'Overview' }).waitFor();
      }
      const broken = lang === 'en' ? `broken at row ${tampered}` : `在第 ${tampered} 行断开`;
      await chainRow(page, 'booking').locator('.badge.bad', { hasText: broken }).waitFor();
      if (viewport === 'desktop') await screenshot(page, `console-overview-chains-${viewport}-${lang}`);
      await page.goto(`${base}/audit.html#service=booking`);
      await page.locator('#chain-line .badge.bad', { hasText: broken }).waitFor();
      // The service's reason in the page's language, its own words in the tooltip.
      const reason = page.locator('#chain-line .reason');
      assert.equal(
        await reason.textContent(),
        lang === 'en' ? `Row ${tampered} was changed after it was written: its content does not match its hash.` : `第 ${tampered} 行在写入后被修改：内容与其哈希不符。`,
      );
      assert.match(await reason.getAttribute('title'), new RegExp(`row ${tampered} was changed after it was written`));
      // Rows before it are intact, it is marked, the rows after it are not trusted.
      const marked = page.locator('#rows tbody tr.broken');
      assert.equal(await marked.count(), 1);
      assert.equal(await marked.locator('td').first().textContent(), String(tampered));
      assert.equal(await marked.locator('td').nth(2).textContent(), 'staff:someone-else');
      assert.equal(await marked.locator('.badge.bad').last().textContent(), lang === 'en' ? 'broken here' : '此处断开');
      const seqs = (await page.locator('#rows tbody tr td:first-child').allTextContents()).map(Number);
      assert.deepEqual(seqs, seqs.slice().sort((a, b) => b - a), 'newest first by default');
      const stateOf = async (seq) => page.locator('#rows tbody tr').nth(seqs.indexOf(seq)).locator('td').nth(6).textContent();
      assert.equal(await stateOf(tampered - 1), lang === 'en' ? 'intact' : '完整');
      assert.equal(await stateOf(tampered + 1), lang === 'en' ? 'after the break' : '断点之后');
      await page.click('#go-broken');
      await page.waitForFunction((seq) => document.querySelector('#rows tbody tr td')?.textContent === String(seq - 1), tampered);
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-audit-broken-${viewport}-${lang}`);
      watch.assertClean();
      await page.context().close();
    }
  });
});

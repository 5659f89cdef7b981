// The firewall page and the time panel in headless Chromium, with the real
// console, the real privileged helper and the real medbox-firewall on real
// nftables in a private network namespace (unshare -n, dummy NICs; root
// needed, skipped otherwise): an admin edits a draft (a bad network shown
// under its field), looks at the diff and the dry run, applies, sees the
// countdown, does not confirm, and the page says the previous ruleset came
// back by itself (checked against the firewall's state); applies again and
// confirms; an auditor reads without a button; the time panel's warning and
// a server change. zh-CN and English, 1280x800 and phone, screenshots.
// The browser runs on the host, not in the namespace: the lock-out itself
// (probes from a locked-out network) is tests/api/console_firewall.test.mjs.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_firewall.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';
import { writeFakeTimedatectl } from '../lib/fake_timedatectl.mjs';
import { signInOnPage, staffWithTotp } from '../lib/staffSignIn.mjs';

const isRoot = process.getuid?.() === 0;
const CONFIRM = 10;
const PROFILE = {
  model: 'frontend',
  interfaces: { dmz: 'dmz0', lan: 'lan0', management: 'mgmt0' },
  management: { admin_subnets: ['10.10.9.0/24'] },
  lan: {
    peers: [
      { name: 'his', address: '10.10.2.10', tcp: [8080], inbound: ['mllp', 'his'] },
      { name: 'lis', address: '10.10.2.20', tcp: [2575] },
    ],
    staff: ['10.10.3.0/24'],
  },
};

describe('console firewall page and time panel', { skip: !isRoot && 'needs root (a network namespace)' }, () => {
  let suite;
  let helper;
  let browser;
  let base;
  let admin;
  let auditor;
  const api = (method, p, opts) => suite.api('console', method, p, opts);
  const state = async () => (await api('GET', '/api/v1/appliance/firewall', { token: await suite.adminToken() })).json;

  before(async () => {
    helper = await startSetupHelper({ realFirewall: true });
    const fakeTime = writeFakeTimedatectl(helper.root, { offset: '-1.8s', packets: 12, fallback: '0.debian.pool.ntp.org' });
    suite = await startSuite({
      services: ['console'],
      settings: {
        console: {
          ...helper.settings,
          'console.setup_wizard': 'off',
          'console.firewall_confirm_seconds': String(CONFIRM),
          'console.timedatectl': fakeTime,
        },
      },
    });
    base = suite.url('console');
    browser = await launchBrowser();
    admin = await staffWithTotp(suite, ['admin'], { displayName: '信息科管理员' });
    auditor = await suite.createStaff(['auditor'], { displayName: '审计员小周' });
    // The profile the setup wizard would have left: applied and confirmed.
    const token = await suite.adminToken();
    let r = await api('POST', '/api/v1/appliance/firewall/apply', { token, body: { profile: PROFILE } });
    assert.equal(r.status, 200, r.text);
    // Over a connection opened after the apply: older ones are refused and closed.
    do r = await api('POST', '/api/v1/appliance/firewall/confirm', { token });
    while (r.json?.error?.field === 'connection');
    assert.equal(r.status, 200, r.text);
  });
  after(async () => {
    await browser?.close();
    await suite?.stop();
    await helper?.stop();
  });

  it('an admin applies a draft, does not confirm, and the previous ruleset comes back by itself (desktop, zh)', async () => {
    const { page, watch } = await openPage(browser, { viewport: 'desktop' });
    await signInOnPage(page, watch, base, admin);
    await page.click('#open-firewall');
    await page.waitForURL(`${base}/firewall.html`);
    await page.locator('#zones tbody tr').first().waitFor();
    assert.match(await page.locator('#facts').textContent(), /前置机对接模式/);
    assert.match(await page.locator('#facts').textContent(), /medbox model=frontend/);
    const zones = await page.locator('#zones tbody tr').allTextContents();
    assert.equal(zones.length, 3);
    assert.ok(zones.some((z) => /管理网/.test(z) && /mgmt0/.test(z) && /10\.10\.9\.0\/24/.test(z)), zones.join('\n'));
    assert.equal(await page.locator('#peers tbody tr').count(), 2);
    await screenshot(page, 'console-firewall-desktop-zh');

    // A bad network: the firewall's parser names it, the page shows it under the field.
    await page.click('#draft-lists fieldset:first-of-type button:has-text("添加网段")');
    const input = page.locator('[name="profile.management.admin_subnets[1]"]');
    await input.fill('10.20.0.1/16');
    watch.allowHttpError(/\/api\/v1\/appliance\/firewall\/diff$/, 400);
    await page.click('#show-diff');
    await page.locator('#draft .field .error').waitFor();
    assert.match(await page.locator('#draft .field .error').textContent(), /did you mean 10\.20\.0\.0\/16/);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'console-firewall-error-desktop-zh', { fullPage: false });
    await input.fill('10.20.0.0/16');
    await page.click('#show-diff');
    await page.locator('#result-body .add').first().waitFor();
    assert.match(await page.locator('#result-summary').textContent(), /新增 \d+ 行，删除 \d+ 行/);
    assert.match(await page.locator('#result-body .add').allTextContents().then((x) => x.join('')), /10\.20\.0\.0\/16/);
    await screenshot(page, 'console-firewall-diff-desktop-zh');
    await page.click('#dry-run');
    await page.locator('#result-title').filter({ hasText: '试运行' }).waitFor();
    assert.match(await page.locator('#result-summary').textContent(), /nftables 接受该规则集/);

    // Apply: the dialog, then the countdown.
    await page.click('#apply');
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    assert.match(await dialog.locator('p').textContent(), /10 秒内/);
    await dialog.locator('button:not(.secondary)').click();
    await page.locator('#pending-card').waitFor({ state: 'visible' });
    assert.match(await page.locator('#countdown').textContent(), /剩余 \d+ 秒/);
    const pending = await state();
    assert.ok(pending.pending, 'a change waits');
    assert.deepEqual(pending.active.management.admin_subnets, ['10.10.9.0/24'], 'not saved yet');
    await screenshot(page, 'console-firewall-pending-desktop-zh', { fullPage: false });
    // Nobody confirms: the firewall's own waiter reverts, the page says so.
    await page.locator('#outcome').filter({ hasText: '原规则集已自动恢复' }).waitFor({ timeout: (CONFIRM + 15) * 1000 });
    assert.equal(await page.locator('#pending-card').isHidden(), true);
    const after = await state();
    assert.equal(after.pending, null);
    assert.equal(after.lastOutcome, 'reverted');
    assert.deepEqual(after.active.management.admin_subnets, ['10.10.9.0/24']);
    await screenshot(page, 'console-firewall-reverted-desktop-zh');
    watch.assertClean();
  });

  it('an admin applies and confirms (phone, en)', async () => {
    const { page, watch } = await openPage(browser, { viewport: 'phone' });
    await signInOnPage(page, watch, base, admin);
    await page.goto(`${base}/firewall.html`);
    await page.click('.lang-switch');
    await page.locator('#zones tbody tr').first().waitFor();
    assert.match(await page.locator('#facts').textContent(), /Front-end server/);
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'console-firewall-phone-en');
    // Remove the LIS peer, add a staff network.
    await page.click('button[aria-label="Remove peer lis"]');
    assert.equal(await page.locator('.peer-row').count(), 1);
    await page.click('#draft-lists fieldset:nth-of-type(2) button:has-text("Add a network")');
    await page.fill('[name="profile.lan.staff[1]"]', '10.10.4.0/24');
    await page.click('#apply');
    await page.locator('dialog.confirm button:not(.secondary)').click();
    await page.locator('#pending-card').waitFor({ state: 'visible' });
    assert.match(await page.locator('#countdown').textContent(), /\d+ s left/);
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'console-firewall-pending-phone-en', { fullPage: false });
    // The page's confirm over a connection older than the apply is refused
    // (and that connection closed); the page tries again on a new one.
    watch.allowHttpError(/\/api\/v1\/appliance\/firewall\/confirm$/, 409);
    await page.click('#confirm');
    await page.locator('#outcome').filter({ hasText: 'confirmed' }).waitFor();
    const s = await state();
    assert.equal(s.pending, null);
    assert.deepEqual(s.active.lan.staff, ['10.10.3.0/24', '10.10.4.0/24']);
    assert.deepEqual(s.active.lan.peers.map((p) => p.name), ['his']);
    assert.equal(s.appliedBy, admin.username);
    watch.assertClean();
  });

  for (const [viewport, lang] of [['desktop', 'en'], ['phone', 'zh']]) {
    it(`an auditor reads the firewall without a button (${viewport}, ${lang})`, async () => {
      const { page, watch } = await openPage(browser, { viewport });
      await signInOnPage(page, watch, base, auditor);
      await page.goto(`${base}/firewall.html`);
      if (lang === 'en') await page.click('.lang-switch');
      await page.locator('#zones tbody tr').first().waitFor();
      assert.equal(await page.locator('#draft-card').isHidden(), true);
      // No button but the tables' own (sorting, paging).
      const buttons = await page.evaluate(() =>
        [...document.querySelectorAll('main button')].filter((b) => b.offsetParent !== null && !b.closest('.table-wrap')).map((b) => b.textContent));
      assert.deepEqual(buttons, []);
      await screenshot(page, `console-firewall-auditor-${viewport}-${lang}`);
      watch.assertClean();
    });
  }

  for (const [viewport, lang] of [['desktop', 'zh'], ['phone', 'en']]) {
    it(`the time panel warns of a large offset and an admin sets the servers (${viewport}, ${lang})`, async () => {
      const { page, watch } = await openPage(browser, { viewport });
      await signInOnPage(page, watch, base, admin);
      await page.click('#open-time');
      await page.waitForURL(`${base}/time.html`);
      if (lang === 'en') await page.click('.lang-switch');
      await page.locator('#sync-state').waitFor();
      assert.equal(await page.locator('#sync-state').getAttribute('class'), 'badge warn');
      assert.equal(await page.locator('#sync-state').textContent(), lang === 'zh' ? '偏差超过 1 秒' : 'offset over 1 s');
      const facts = await page.locator('#facts').textContent();
      assert.match(facts, /−1\.8 s/);
      assert.match(facts, /10\.10\.2\.1 \(10\.10\.2\.1\)/);
      assert.equal(await page.locator('#servers').inputValue(), '10.10.2.1 ntp.hospital.local');
      watch.allowHttpError(/\/api\/v1\/appliance\/time\/servers$/, 400);
      await page.fill('#servers', 'ntp.hospital.local bad_host!');
      await page.click('#save-servers');
      await page.locator('#servers-form .field .error').waitFor();
      await screenshot(page, `console-time-${viewport}-${lang}`);
      await page.fill('#servers', `ntp.hospital.local 10.10.2.${viewport === 'phone' ? 2 : 1}`);
      await page.click('#save-servers');
      await page.locator('.toast.ok').waitFor();
      assert.match(helper.read('etc/systemd/timesyncd.conf.d/50-medbox.conf'), new RegExp(`NTP=ntp.hospital.local 10.10.2.${viewport === 'phone' ? 2 : 1}`));
      if (viewport === 'phone') await assertNoHorizontalScroll(page);
      watch.assertClean();
    });
  }
});

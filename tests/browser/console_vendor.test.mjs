// The vendor access page in headless Chromium, against the real console and
// the real privileged helper (files only, a fake medbox-firewall; the
// tunnel itself: appliance/setuphelper/tests/vendor_wireguard_netns_test.sh).
// An admin registers the vendor's key (a bad one is refused under its
// field), opens a window (badge, countdown, the firewall asked), watches the
// vendor's requests arrive live, switches to English and closes the window
// after a confirm dialog; the vendor is then signed out and refused. An
// auditor reads the page without a form or a button. Both languages,
// 1280x800 and phone size, screenshots.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_vendor.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { strongPassword } from '../lib/harness.mjs';
import { openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { consoleInBrowser } from '../lib/consoleInBrowser.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';
import { signInOnPage, staffWithTotp } from '../lib/staffSignIn.mjs';

const VENDOR_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

describe('console vendor access page', () => {
  const t = consoleInBrowser({ services: ['console'], settings: { console: { 'console.vendor.endpoint': 'vpn.example-hospital.cn:51820' } } });
  let helper;
  let admin;
  let auditor;
  const vendorUser = { username: 'acme-support', password: strongPassword() };
  const api = (method, p, opts) => t.suite.api('console', method, p, opts);
  const vendorLogin = () => api('POST', '/api/v1/auth/login', { body: vendorUser });
  const firewallLog = () => {
    const f = path.join(helper.root, 'firewall.log');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
  };

  before(async () => {
    helper = await startSetupHelper({ socket: t.suite.helperSocket() });
    admin = await staffWithTotp(t.suite, ['admin'], { displayName: '信息科管理员' });
    auditor = await t.suite.createStaff(['auditor'], { displayName: '审计员小周' });
    const r = await api('POST', '/api/v1/users', {
      token: await t.suite.adminToken(),
      body: { username: vendorUser.username, displayName: 'ACME 技术支持', password: vendorUser.password, roles: ['vendor'], mustChangePassword: false },
    });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await helper?.stop();
  });

  for (const viewport of ['desktop', 'phone']) {
    it(`an admin opens a vendor window, sees the vendor's requests live and closes it (${viewport})`, async () => {
      const { page, watch } = await openPage(t.browser, { viewport });
      await signInOnPage(page, watch, t.base, admin);
      await page.click('#open-vendor');
      await page.waitForURL(`${t.base}/vendor.html`);
      await page.locator('#window-badge .badge').filter({ hasText: '未开启窗口' }).waitFor();
      const applianceKey = await page.locator('#appliance-facts dd').first().textContent();
      assert.match(applianceKey, /^[A-Za-z0-9+/]{43}=$/);
      assert.match(await page.locator('#wg-config').textContent(), new RegExp(`PublicKey = ${applianceKey.replace(/[+/]/g, '\\$&')}`));
      assert.match(await page.locator('#wg-config').textContent(), /Endpoint = vpn\.example-hospital\.cn:51820/);

      if (viewport === 'desktop') {
        // No vendor key yet: opening is not possible, and a bad key is refused where it was typed.
        assert.equal(await page.locator('#open-window').isDisabled(), true);
        watch.allowHttpError(/\/api\/v1\/vendor\/peer$/, 400);
        await page.fill('#publicKey', 'not-a-key');
        await page.fill('#address', '10.8.0.2');
        await page.click('#save-peer');
        await page.locator('#publicKey-error').filter({ hasText: '不是有效的 WireGuard 公钥' }).waitFor();
        await page.fill('#publicKey', VENDOR_KEY);
        await page.click('#save-peer');
        await page.locator('.toast.ok').filter({ hasText: '厂商公钥已保存' }).waitFor();
      }
      assert.equal(await page.locator('#peer-facts dd').first().textContent(), VENDOR_KEY);

      // Open a window.
      await page.fill('#minutes', '45');
      await page.fill('#ticket', 'SD-2026-0042');
      await page.fill('#reason', '升级 PACS 查看器');
      await page.click('#open-window');
      await page.locator('#window-badge .badge.ok').filter({ hasText: '已开启' }).waitFor();
      assert.match(await page.locator('#countdown').textContent(), /^剩余 (44:5\d|45:00)$/);
      assert.match(firewallLog(), /window open 10\.8\.0\.2\/32 --seconds 2700\n$/);
      assert.equal(await page.locator('#open-form').isHidden(), true);
      assert.equal(await page.locator('#peer-form').isHidden(), true, 'the key cannot change under an open window');

      // The vendor signs in and looks around; the page follows.
      const l = await vendorLogin();
      assert.equal(l.status, 200, l.text);
      await api('GET', '/api/v1/me', { token: l.json.token });
      await api('GET', '/api/v1/users', { token: l.json.token });
      await page.locator('#activity li').filter({ hasText: 'GET /api/v1/users' }).waitFor({ timeout: 6000 });
      assert.equal(await page.locator('#activity li').filter({ hasText: 'GET /api/v1/users' }).first().locator('.badge').textContent(), '403');
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-vendor-${viewport}-zh`);

      // English (once the Chinese toast has gone), then close after confirming.
      await page.locator('.toast').first().waitFor({ state: 'detached', timeout: 8000 });
      await page.click('.topbar .lang-switch');
      await page.locator('h1').filter({ hasText: 'Vendor access' }).waitFor();
      assert.match(await page.locator('#countdown').textContent(), /^\d\d:\d\d left$/);
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-vendor-${viewport}-en`);
      await page.click('#close-window');
      const dialog = page.locator('dialog.confirm');
      await dialog.waitFor();
      assert.equal(await dialog.locator('h2').textContent(), 'Close the vendor window?');
      if (viewport === 'phone') await screenshot(page, 'console-vendor-confirm-phone-en', { fullPage: false });
      await dialog.locator('button:not(.secondary)').click();
      await page.locator('.toast.ok').filter({ hasText: 'Vendor window closed' }).waitFor();
      await page.locator('#window-badge .badge').filter({ hasText: 'No window open' }).waitFor();
      assert.match(await page.locator('#recent tbody tr').first().textContent(), /SD-2026-0042.*45.*Closed/);
      assert.match(firewallLog(), /window close 10\.8\.0\.2\/32\n$/);
      assert.equal((await api('GET', '/api/v1/me', { token: l.json.token })).status, 401, 'the vendor was signed out');
      assert.equal((await vendorLogin()).status, 403, 'and cannot sign in again');
      watch.assertClean();
      await page.context().close();
    });
  }

  it('an auditor reads the page: no form, no button', async () => {
    const { page, watch } = await openPage(t.browser, { viewport: 'desktop' });
    await signInOnPage(page, watch, t.base, auditor);
    await page.goto(`${t.base}/vendor.html`);
    await page.locator('#recent tbody tr').first().waitFor();
    assert.equal(await page.locator('#open-form').isHidden(), true);
    assert.equal(await page.locator('#peer-form').isHidden(), true);
    assert.equal(await page.locator('#window-actions button').count(), 0);
    assert.equal(await page.locator('#peer-facts dd').first().textContent(), VENDOR_KEY);
    watch.assertClean();
    await page.context().close();
  });
});

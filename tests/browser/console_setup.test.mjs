// The first-boot setup wizard in headless Chromium (docs/console.md, "Setup
// wizard"): the bootstrap admin signs in, lands on the wizard instead of the
// overview, enrols TOTP, walks every step (with a field error on the way),
// applies, confirms within the window, and reaches the overview; the
// privileged helper is the real one writing under a temporary root
// (tests/lib/setupHelper.mjs), whose files are checked. Desktop in Chinese,
// phone in English, with a screenshot of each step in both languages.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_setup.test.mjs
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';
import { totp } from '../lib/totp.mjs';
import { allowNoSystemd } from '../lib/staffSignIn.mjs';

const STEP_PUT = /\/api\/v1\/setup\/steps\/\w+$/;

describe('console setup wizard page', () => {
  let browser;
  after(async () => {
    await browser?.close();
  });

  for (const [viewport, lang, other] of [['desktop', 'zh', 'en'], ['phone', 'en', 'zh']]) {
    it(`walks the wizard to the overview (${viewport}, ${lang})`, async () => {
      const helper = await startSetupHelper({ nics: ['mgmt0', 'lan0', 'dmz0'] });
      const suite = await startSuite({ services: ['console'], settings: { console: helper.settings } });
      let pageContext = null;
      browser ??= await launchBrowser();
      try {
        const base = suite.url('console');
        const { page, watch, context } = await openPage(browser, { viewport });
        pageContext = context;
        allowNoSystemd(watch);
        const shot = (name, l = lang) => screenshot(page, `console-setup-${name}-${viewport}-${l}`);
        // Switches and waits until the page's texts are in `to` (they load first).
        const switchLang = async (to) => {
          await page.click('#topbar .lang-switch');
          await page.locator(`html[lang="${to === 'zh' ? 'zh-CN' : 'en'}"]`).waitFor({ state: 'attached' });
        };
        await page.goto(`${base}/`);
        if (lang === 'en') await page.click('.lang-switch');
        await page.fill('#username', suite.adminUsername);
        await page.fill('#password', suite.adminPassword);
        await page.click('#submit');
        // Sign-in sends a fresh appliance's admin to the wizard.
        await page.waitForURL(`${base}/setup.html`);
        await page.locator('#step-admin').waitFor({ state: 'visible' });
        assert.equal(await page.locator('h1').textContent(), lang === 'zh' ? '初始设置' : 'Initial setup');

        // Admin: TOTP through the existing enrolment API, shown as a key.
        await page.click('#totp-start');
        await page.locator('#totp-secret').waitFor({ state: 'visible' });
        const secret = (await page.locator('#totp-secret').textContent()).replace(/\s/g, '');
        await shot('admin');
        await page.fill('#totp-code', totp(secret));
        await page.click('#form-admin button[type="submit"]');

        await page.locator('#step-hostname').waitFor({ state: 'visible' });
        watch.allowHttpError(STEP_PUT, 400);
        await page.fill('#hostname', 'medbox_01');
        await page.click('#form-hostname button[type="submit"]');
        await page.locator('#form-hostname .field .error').waitFor();
        assert.equal(await page.locator('#hostname').getAttribute('aria-invalid'), 'true');
        await shot('hostname-error');
        await page.fill('#hostname', 'medbox-01');
        await page.click('#form-hostname button[type="submit"]');

        await page.locator('#step-hospital').waitFor({ state: 'visible' });
        await page.fill('#hospital-name', '第一人民医院');
        await page.click('#form-hospital button[type="submit"]');

        await page.locator('#step-time').waitFor({ state: 'visible' });
        await page.fill('#servers', '10.10.2.1\nntp.hospital.local');
        await page.click('#form-time button[type="submit"]');

        // Network: one fieldset per NIC of the profile; a reload keeps the progress.
        await page.locator('#step-network').waitFor({ state: 'visible' });
        await page.reload();
        await page.locator('#step-network').waitFor({ state: 'visible' });
        assert.equal(await page.locator('#nics fieldset').count(), 3);
        await page.selectOption('select[name="interfaces[0].mode"]', 'static');
        await page.fill('input[name="interfaces[0].address"]', '10.10.9.20/24');
        await page.fill('input[name="interfaces[0].gateway"]', '10.10.9.1');
        await page.fill('input[name="interfaces[0].dns"]', '10.10.2.53');
        await assertNoHorizontalScroll(page);
        await shot('network');
        await switchLang(other);
        await shot('network', other);
        await switchLang(lang);
        await page.click('#form-network button[type="submit"]');

        await page.locator('#step-certificate').waitFor({ state: 'visible' });
        assert.match(await page.locator('#fingerprint').textContent(), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        await shot('certificate');
        await page.click('#form-certificate button[type="submit"]');

        await page.locator('#step-firewall').waitFor({ state: 'visible' });
        await page.fill('#adminSubnets', '10.10.9.0/24');
        await page.fill('#peers', 'his 10.10.2.10 2575,8080\nlis 10.10.2.11 2577');
        await shot('firewall');
        await page.click('#form-firewall button[type="submit"]');

        await page.locator('#step-apply').waitFor({ state: 'visible' });
        assert.match(await page.locator('#summary').textContent(), /mgmt0: 10\.10\.9\.20\/24/);
        await shot('apply');
        await assertNoHorizontalScroll(page);
        await page.click('#apply');
        await page.locator('#form-confirm').waitFor({ state: 'visible' });
        assert.match(await page.locator('#countdown').textContent(), /\d+/);
        await assertNoHorizontalScroll(page);
        await shot('confirm');
        await switchLang(other);
        await shot('confirm', other);
        await switchLang(lang);
        await page.click('#confirm');
        await page.locator('#step-done').waitFor({ state: 'visible' });
        await shot('done');

        // What the helper wrote under its root.
        assert.equal(helper.read('etc/hostname'), 'medbox-01\n');
        assert.match(helper.read('etc/systemd/network/50-medbox-management.network'), /^Address=10\.10\.9\.20\/24$/m);
        assert.match(helper.read('etc/systemd/network/50-medbox-dmz0.network'), /^DHCP=yes$/m);
        const profile = JSON.parse(helper.read('etc/medbox/firewall/wizard.json'));
        assert.deepEqual(profile.lan.peers.map((p) => p.name), ['his', 'lis']);
        assert.match(helper.read('firewall.log'), /--confirm-within 60\nconfirm\n$/);

        await page.click('#step-done a.button');
        await page.waitForURL(`${base}/overview.html`);
        await page.locator('#services-card').waitFor({ state: 'visible' });
        watch.assertClean();
      } finally {
        // The browser's keep-alive connections closed first: the console drains them on stop.
        await pageContext?.close();
        await suite.stop();
        await helper.stop();
      }
    });
  }
});

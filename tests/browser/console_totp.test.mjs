// Two-step verification in headless Chromium: an admin without a second
// factor is sent to the enrolment page after sign-in, scans (the test reads
// the secret shown for typing and computes the code itself), confirms, gets
// ten recovery codes; then signs in again with one of them through "use a
// recovery code". Chinese on 1280x800, English on a phone, with screenshots.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_totp.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { consoleInBrowser } from '../lib/consoleInBrowser.mjs';
import { totp } from '../lib/totp.mjs';
import { allowNoSystemd } from '../lib/staffSignIn.mjs';

describe('console two-step verification page', () => {
  const t = consoleInBrowser();

  for (const [viewport, lang] of [['desktop', 'zh'], ['phone', 'en']]) {
    it(`an admin enrols after sign-in, then signs in with a recovery code (${viewport}, ${lang})`, async () => {
      const admin = await t.suite.createStaff(['admin']);
      const { page, watch } = await openPage(t.browser, { viewport });
      allowNoSystemd(watch);
      const en = lang === 'en';
      await page.goto(`${t.base}/`);
      if (en) {
        await page.click('.lang-switch');
        await page.locator('h1', { hasText: 'Staff sign-in' }).waitFor();
      }
      await page.fill('#username', admin.username);
      await page.fill('#password', admin.password);
      await page.click('#submit');
      // No second factor yet: straight to the enrolment page, told why.
      await page.waitForURL(`${t.base}/totp.html`);
      await page.locator('#required').waitFor({ state: 'visible' });
      await page.click('#start');
      await page.locator('#qr svg.qr path').waitFor();
      const secret = (await page.locator('#secret').textContent()).replaceAll(' ', '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      // The QR code is drawn: a square of modules, a good share of them dark.
      const d = await page.locator('#qr svg.qr path').getAttribute('d');
      assert.ok((d.match(/M/g) ?? []).length > 200, 'QR modules');
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-totp-scan-${viewport}-${lang}`);

      watch.allowHttpError(/\/api\/v1\/auth\/totp\/confirm$/, 401);
      const now = Date.now() / 1000;
      const wrong = String((Number(totp(secret, now)) + 1) % 1_000_000).padStart(6, '0');
      await page.fill('#code', wrong);
      await page.click('#confirm-code');
      await page.locator('#code-error').waitFor();
      await page.fill('#code', totp(secret, now));
      await page.click('#confirm-code');
      await page.locator('#step-codes').waitFor({ state: 'visible' });
      const codes = await page.locator('#codes li').allTextContents();
      assert.equal(codes.length, 10);
      assert.equal(await page.locator('#secret').textContent(), '');
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-totp-codes-${viewport}-${lang}`);
      assert.equal((await t.suite.api('console', 'GET', '/api/v1/me', { token: admin.token })).json.totpEnabled, true);
      await page.click('#codes-done');
      await page.waitForURL(`${t.base}/overview.html`);

      // Sign out, then in with a recovery code.
      await page.click('#sign-out');
      await page.waitForURL(/\/\?signedOut=1$/);
      await page.fill('#username', admin.username);
      await page.fill('#password', admin.password);
      watch.allowHttpError(/\/api\/v1\/auth\/login$/, 401);
      await page.click('#submit');
      await page.locator('#totp').waitFor({ state: 'visible' });
      await page.click('#use-recovery');
      await page.locator('#recoveryCode').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#use-recovery').textContent(), en ? 'Use the one-time code instead' : '改用动态验证码');
      await page.fill('#recoveryCode', codes[3]);
      await screenshot(page, `console-signin-recovery-${viewport}-${lang}`);
      await page.click('#submit');
      await page.waitForURL(`${t.base}/overview.html`);
      const used = (await t.suite.api('console', 'GET', '/api/v1/audit?limit=1000', { token: await t.suite.adminToken() })).json.entries.filter(
        (a) => a.action === 'auth.recovery_code_used' && a.target === `user:${admin.username}`,
      );
      assert.equal(used.length, 1);
      assert.equal(used[0].detail.left, 9);
      watch.assertClean();
      await page.close();
    });
  }
});

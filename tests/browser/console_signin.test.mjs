// The console's sign-in pages in headless Chromium (docs/web.md, "Browser
// tests"): sign-in with TOTP, the forced password change, a wrong password
// then the lockout message, the language switch remembered; at 1280x800 and
// phone size; screenshots of each (MEDBOX_SCREENSHOTS=docs keeps them in
// docs/screenshots/). Any console error, CSP violation or failed request
// the test did not expect fails it.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_signin.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { strongPassword, randomUsername } from '../lib/harness.mjs';
import { openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { consoleInBrowser } from '../lib/consoleInBrowser.mjs';
import { totp } from '../lib/totp.mjs';
import { allowNoSystemd } from '../lib/staffSignIn.mjs';

const LOGIN = /\/api\/v1\/auth\/login$/;
const SESSION = /\/api\/v1\/session$/;

describe('console sign-in pages', () => {
  const t = consoleInBrowser({ services: ['console'], settings: { console: { 'console.lockout_threshold': '3' } } });
  const pages = [];

  const open = async (options) => {
    const p = await openPage(t.browser, options);
    pages.push(p);
    return p;
  };

  // An account made through the admin API; mustChange: the admin's password must be replaced.
  const account = async (roles, { mustChange = false, displayName } = {}) => {
    const username = randomUsername('w');
    const password = strongPassword();
    const admin = await t.suite.adminToken();
    const r = await t.suite.api('console', 'POST', '/api/v1/users', {
      token: admin,
      body: { username, displayName: displayName ?? `Web ${username}`, password, roles, mustChangePassword: mustChange },
    });
    assert.equal(r.status, 201, r.text);
    return { username, password };
  };

  const fillSignIn = async (page, username, password) => {
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#submit');
  };

  for (const viewport of ['desktop', 'phone']) {
    it(`signs in with password and TOTP and lands on the overview (${viewport})`, async () => {
      const user = await account(['admin', 'auditor'], { displayName: '王小明' });
      // Enrol the second factor through the API, as the user.
      const token = await t.suite.login(user.username, user.password);
      const enrol = await t.suite.api('console', 'POST', '/api/v1/auth/totp/enroll', { token });
      assert.equal(enrol.status, 200, enrol.text);
      const confirm = await t.suite.api('console', 'POST', '/api/v1/auth/totp/confirm', { token, body: { code: totp(enrol.json.secret) } });
      assert.equal(confirm.status, 200, confirm.text);

      const { page, watch, context } = await open({ viewport });
      watch.allowHttpError(LOGIN, 401); // the first answer asks for the code
      allowNoSystemd(watch);
      await page.goto(`${t.base}/`);
      assert.equal(await page.locator('h1').textContent(), '员工登录');
      await screenshot(page, `console-signin-${viewport}-zh`);
      await fillSignIn(page, user.username, user.password);
      await page.locator('#totp').waitFor({ state: 'visible' });
      await screenshot(page, `console-signin-totp-${viewport}-zh`);
      // The confirm used this step's code (each is accepted once): the next step's.
      await page.fill('#totp', totp(enrol.json.secret, Date.now() / 1000 + 30));
      await page.click('#submit');
      await page.waitForURL(`${t.base}/overview.html`);
      await page.locator('#username').filter({ hasText: user.username }).waitFor();
      assert.equal(await page.locator('#display-name').textContent(), '王小明');
      assert.deepEqual(await page.locator('#roles .badge').allTextContents(), ['系统管理员', '审计员']);
      assert.match(await page.locator('#who').textContent(), new RegExp(user.username));
      // An admin sees the appliance: the services' state and the charts.
      await page.locator('#services-card').waitFor({ state: 'visible' });
      const consoleRow = page.locator('#services tbody tr').filter({ hasText: 'console' });
      assert.equal(await consoleRow.locator('.badge').first().textContent(), '就绪');
      assert.match(await consoleRow.locator('td').nth(3).textContent(), /^剩余 \d+ 天$/);
      await page.locator('#chart-cpu-mem .uplot').waitFor();
      await page.locator('#chart-disk .uplot').waitFor();
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-overview-${viewport}-zh`);

      const cookies = await context.cookies();
      const c = cookies.find((x) => x.name === '__Host-medbox-staff');
      assert.ok(c, 'the session cookie is set');
      assert.equal(c.httpOnly, true);
      assert.equal(c.secure, true);
      assert.equal(c.sameSite, 'Strict');
      assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session cookie');
      assert.ok(!page.url().includes(user.username), 'no personal data in the URL');

      // Sign out: back to the sign-in page, and the old cookie is refused.
      watch.allowHttpError(SESSION, 401);
      await page.click('#sign-out');
      await page.waitForURL(`${t.base}/?signedOut=1`);
      await page.locator('#signed-out').waitFor({ state: 'visible' });
      const after = await t.suite.api('console', 'GET', '/api/v1/session', { headers: { cookie: `${c.name}=${c.value}` } });
      assert.equal(after.status, 401);
      watch.assertClean();
    });
  }

  it('forces the change of a password an admin set, then lets the user in (phone)', async () => {
    const user = await account(['nurse'], { mustChange: true });
    const { page, watch } = await open({ viewport: 'phone' });
    await page.goto(`${t.base}/`);
    await fillSignIn(page, user.username, user.password);
    await page.waitForURL(/\/password\.html/);
    await page.locator('#forced').waitFor({ state: 'visible' });
    // Nothing else opens before the change: the overview sends the user back.
    await page.goto(`${t.base}/overview.html`);
    await page.waitForURL(/\/password\.html/);
    await page.locator('#forced').waitFor({ state: 'visible' });
    await screenshot(page, 'console-password-forced-phone-zh');
    const next = strongPassword();
    await page.fill('#oldPassword', user.password);
    await page.fill('#newPassword', next);
    await page.fill('#confirm', `${next}x`);
    await page.click('#submit');
    await page.locator('#confirm-error').waitFor();
    assert.equal(await page.locator('#confirm').getAttribute('aria-invalid'), 'true');
    // A weak password: the API's field error shown under its field.
    watch.allowHttpError(/\/api\/v1\/auth\/password$/, 400);
    await page.fill('#newPassword', 'short');
    await page.fill('#confirm', 'short');
    await page.click('#submit');
    await page.locator('#newPassword-error').waitFor();
    assert.equal(await page.locator('#newPassword-error').textContent(), '新密码不符合密码规则。');
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'console-password-error-phone-zh');
    await page.fill('#newPassword', next);
    await page.fill('#confirm', next);
    await page.click('#submit');
    await page.waitForURL(`${t.base}/overview.html`);
    await page.locator('#roles .badge').filter({ hasText: '护士' }).waitFor();
    // The new password works, the old one not.
    assert.equal((await t.suite.api('console', 'POST', '/api/v1/auth/login', { body: { username: user.username, password: next } })).status, 200);
    assert.equal((await t.suite.api('console', 'POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } })).status, 401);
    watch.assertClean();
  });

  for (const [viewport, lang] of [['desktop', 'en'], ['phone', 'zh']]) {
    it(`tells a wrong password, then the lockout with its end (${viewport}, ${lang})`, async () => {
      const user = await account(['registrar']);
      const { page, watch } = await open({ viewport });
      watch.allowHttpError(LOGIN, 401);
      watch.allowHttpError(LOGIN, 423);
      await page.goto(`${t.base}/`);
      if (lang === 'en') {
        await page.click('.lang-switch');
        await page.locator('h1', { hasText: 'Staff sign-in' }).waitFor();
      }
      await fillSignIn(page, user.username, 'Wrong-password-1');
      const error = page.locator('.form-error');
      await error.waitFor({ state: 'visible' });
      assert.equal(await error.textContent(), lang === 'en' ? 'Wrong user name or password.' : '用户名或密码不正确。');
      await page.fill('#password', 'Wrong-password-2');
      await page.click('#submit');
      await page.fill('#password', 'Wrong-password-3');
      await page.click('#submit');
      await page.locator('.form-error', { hasText: lang === 'en' ? 'locked until' : '锁定至' }).waitFor();
      const text = await error.textContent();
      // The end of the lock (15 minutes on), as the page's Intl writes it in
      // the hospital's time zone (Asia/Shanghai by default).
      const fmt = new Intl.DateTimeFormat(lang === 'en' ? 'en' : 'zh-CN', { timeZone: 'Asia/Shanghai', timeStyle: 'short' });
      const around = [-60_000, 0, 60_000].map((d) => fmt.format(new Date(Date.now() + 15 * 60_000 + d)));
      assert.ok(around.some((x) => text.includes(x)), `${text} names none of ${around.join(', ')}`);
      // Even the right password is refused while locked.
      await page.fill('#password', user.password);
      await page.click('#submit');
      await page.locator('.form-error', { hasText: lang === 'en' ? 'locked until' : '锁定至' }).waitFor();
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-signin-locked-${viewport}-${lang}`);
      watch.assertClean();
    });
  }

  it('switches to English in one click and remembers it across pages and reloads', async () => {
    const user = await account(['scheduler']);
    const { page, watch } = await open({ viewport: 'desktop' });
    await page.goto(`${t.base}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.click('.lang-switch');
    await page.locator('h1', { hasText: 'Staff sign-in' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    await page.locator('h1', { hasText: 'Staff sign-in' }).waitFor();
    assert.equal(await page.locator('#submit').textContent(), 'Sign in');
    await screenshot(page, 'console-signin-desktop-en');
    await fillSignIn(page, user.username, user.password);
    await page.waitForURL(`${t.base}/overview.html`);
    await page.locator('h1', { hasText: 'Overview' }).waitFor();
    await page.locator('#roles .badge', { hasText: 'Scheduler' }).waitFor();
    await screenshot(page, 'console-overview-desktop-en');
    // And back to Chinese from the signed-in page's top bar.
    await page.click('.topbar .lang-switch');
    await page.locator('h1', { hasText: '概览' }).waitFor();
    await page.locator('#roles .badge', { hasText: '排班员' }).waitFor();
    await page.reload();
    await page.locator('h1', { hasText: '概览' }).waitFor();
    watch.assertClean();
  });
});

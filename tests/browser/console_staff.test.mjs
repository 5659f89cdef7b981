// The staff and roles page in headless Chromium: an admin (with TOTP, as
// admins must) creates an account (the one-time password shown once and
// working), changes its roles and directory entry, ends another user's
// session (its token refused at once), and the audit rows are checked; an
// auditor sees the same page without a single button. Chinese and English,
// 1280x800 and phone size, with screenshots.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_staff.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { strongPassword, randomUsername } from '../lib/harness.mjs';
import { openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { consoleInBrowser } from '../lib/consoleInBrowser.mjs';
import { totp } from '../lib/totp.mjs';
import { signInOnPage, staffWithTotp } from '../lib/staffSignIn.mjs';

describe('console staff and roles page', () => {
  const t = consoleInBrowser();

  const api = async (method, path, body) => t.suite.api('console', method, path, { token: await t.suite.adminToken(), body });
  const audit = async () => (await api('GET', '/api/v1/audit?limit=1000')).json.entries;

  const adminWithTotp = () => staffWithTotp(t.suite, ['admin'], { displayName: '管理员老周' });
  const signIn = (page, watch, user) => signInOnPage(page, watch, t.base, user);

  const openStaff = async (page) => {
    await page.click('#open-staff');
    await page.waitForURL(`${t.base}/staff.html`);
    await page.locator('body[data-ready="true"]').waitFor();
  };

  const confirmTop = (page) => page.locator('dialog.confirm[open] .actions button').last();

  for (const viewport of ['desktop', 'phone']) {
    it(`an admin creates an account, changes its roles, ends a session (${viewport})`, async () => {
      const admin = await adminWithTotp();
      const victim = await t.suite.createStaff(['doctor'], { displayName: '李医生' });
      const { page, watch } = await openPage(t.browser, { viewport });
      await signIn(page, watch, admin);
      await openStaff(page);
      await page.locator('#sessions tbody tr', { hasText: victim.username }).waitFor();
      await screenshot(page, `console-staff-${viewport}-zh`);

      // Create: the password comes from the page, shown once.
      const username = randomUsername('nw');
      await page.click('#new-user');
      await page.fill('#username', username);
      await page.fill('#displayName', '新护士小林');
      await page.check('#role-nurse');
      await page.fill('#department', '急诊科');
      await page.fill('#extension', '6120');
      if (viewport === 'desktop') await screenshot(page, 'console-staff-create-desktop-zh', { fullPage: false });
      await page.click('#user-save');
      await page.locator('#secret-dialog[open]').waitFor();
      const oneTime = await page.locator('#secret-value').textContent();
      assert.ok(oneTime.length >= 16, oneTime);
      if (viewport === 'desktop') await screenshot(page, 'console-staff-onetime-desktop-zh', { fullPage: false });
      await page.click('#secret-done');
      assert.equal(await page.locator('#secret-value').textContent(), '');
      const login = await t.suite.api('console', 'POST', '/api/v1/auth/login', { body: { username, password: oneTime } });
      assert.equal(login.status, 200, login.text);
      assert.equal(login.json.mustChangePassword, true);
      // Found by the search box (the table pages at 20 accounts).
      await page.fill('#q', username);
      const row = page.locator('#users tbody tr', { hasText: username });
      await row.filter({ hasText: '急诊科' }).waitFor();
      await row.filter({ hasText: '须修改密码' }).waitFor();

      // Roles: add registrar.
      await row.locator('button', { hasText: '编辑' }).click();
      await page.locator('#user-dialog[open]').waitFor();
      assert.equal(await page.locator('#displayName').inputValue(), '新护士小林');
      await page.check('#role-registrar');
      await page.fill('#title', '护师');
      await page.click('#user-save');
      // Attached, not visible: phones hide the roles column.
      await row.locator('.badge', { hasText: '挂号/分诊员' }).waitFor({ state: 'attached' });
      const users = (await api('GET', '/api/v1/users?limit=500')).json.users;
      const created = users.find((u) => u.username === username);
      assert.deepEqual(created.roles, ['nurse', 'registrar']);
      assert.equal((await api('GET', `/api/v1/users/${created.id}/directory`)).json.title, '护师');

      // End the doctor's session: the doctor's token is refused at once.
      const session = page.locator('#sessions tbody tr', { hasText: victim.username });
      await session.locator('button').click();
      await confirmTop(page).click();
      await session.waitFor({ state: 'detached' });
      assert.equal((await t.suite.api('console', 'GET', '/api/v1/me', { token: victim.token })).status, 401);

      // Every change is in the audit log, by this admin.
      const rows = (await audit()).filter((a) => a.actor === `staff:${admin.username}`);
      const actions = rows.map((a) => `${a.action} ${a.target} ${a.outcome}`);
      for (const want of [`user.create user:${username} ok`, `user.directory user:${username} ok`, `user.update user:${username} ok`, `session.end user:${victim.username} ok`]) {
        assert.ok(actions.includes(want), `${want} not in ${actions.join('; ')}`);
      }
      await assertNoHorizontalScroll(page);
      if (viewport === 'desktop') {
        await page.click('.topbar .lang-switch');
        await page.locator('h1', { hasText: 'Staff and roles' }).waitFor();
        await row.locator('.badge', { hasText: 'Registrar' }).waitFor();
        await screenshot(page, 'console-staff-desktop-en');
      } else {
        await screenshot(page, 'console-staff-after-phone-zh');
      }
      watch.assertClean();
      await page.close();
    });
  }

  it('removes a lost second factor, resets a password after a confirmation, changes the password rules (desktop, en)', async () => {
    const admin = await adminWithTotp();
    const target = await t.suite.createStaff(['nurse']);
    const e = await t.suite.api('console', 'POST', '/api/v1/auth/totp/enroll', { token: target.token });
    assert.equal((await t.suite.api('console', 'POST', '/api/v1/auth/totp/confirm', { token: target.token, body: { code: totp(e.json.secret) } })).status, 200);
    const { page, watch } = await openPage(t.browser, { viewport: 'desktop', locale: 'en' });
    await page.goto(`${t.base}/`);
    await page.click('.lang-switch');
    // The choice is stored once the texts are in: wait for them before leaving.
    await page.locator('h1', { hasText: 'Staff sign-in' }).waitFor();
    await signIn(page, watch, admin);
    await openStaff(page);
    await page.fill('#q', target.username);
    const row = page.locator('#users tbody tr', { hasText: target.username });
    // A lost phone: the admin removes the second factor.
    await row.locator('button', { hasText: 'Remove two-step' }).click();
    await confirmTop(page).click();
    await page.locator('.toast', { hasText: 'removed' }).waitFor();
    assert.equal((await t.suite.api('console', 'GET', '/api/v1/me', { token: target.token })).json.totpEnabled, false);
    // The row is drawn again after the change: wait for it, not a snapshot.
    await row.locator('button', { hasText: 'Remove two-step' }).waitFor({ state: 'detached' });
    await row.locator('button', { hasText: 'Reset password' }).click();
    await page.locator('dialog.confirm[open] h2', { hasText: 'Reset the password' }).waitFor();
    await confirmTop(page).click();
    await page.locator('#secret-dialog[open]').waitFor();
    const oneTime = await page.locator('#secret-value').textContent();
    await page.click('#secret-done');
    assert.equal((await t.suite.api('console', 'POST', '/api/v1/auth/login', { body: { username: target.username, password: oneTime } })).json.mustChangePassword, true);
    assert.equal((await t.suite.api('console', 'GET', '/api/v1/me', { token: target.token })).status, 401);

    await page.fill('#historyCount', '8');
    await page.fill('#maxAgeDays', '60');
    await page.click('#save-rules');
    await confirmTop(page).click();
    await page.locator('.toast', { hasText: 'Password rules saved.' }).waitFor();
    const r = (await api('GET', '/api/v1/settings/password-rules')).json;
    assert.equal(r.historyCount, 8);
    assert.equal(r.maxAgeDays, 60);
    const row2 = (await audit()).filter((a) => a.action === 'settings.password_rules').at(-1);
    assert.equal(row2.actor, `staff:${admin.username}`);
    assert.deepEqual(row2.detail.historyCount, { from: 5, to: 8 });
    // A value out of bounds: told under its field with the bounds the API
    // gave, before anything is sent (the API refuses it too: console_staff API test).
    await page.fill('#minLength', '4');
    await page.click('#save-rules');
    await page.locator('#minLength-error', { hasText: 'Enter a whole number from 10 to 64.' }).waitFor();
    assert.equal((await api('GET', '/api/v1/settings/password-rules')).json.minLength, 10);
    await screenshot(page, 'console-staff-rules-desktop-en');
    watch.assertClean();
    await page.close();

    // The user whose password was reset must change it: the page states the rules now in force.
    const other = await openPage(t.browser, { viewport: 'phone' });
    await other.page.goto(`${t.base}/`);
    await other.page.fill('#username', target.username);
    await other.page.fill('#password', oneTime);
    await other.page.click('#submit');
    await other.page.waitForURL(/\/password\.html/);
    await other.page.locator('#rules', { hasText: '最近 8 个密码' }).waitFor();
    other.watch.assertClean();
    await other.page.close();
  });

  for (const [viewport, lang] of [['desktop', 'zh'], ['phone', 'en']]) {
    it(`an auditor reads the page without a single button (${viewport}, ${lang})`, async () => {
      const auditor = await t.suite.createStaff(['auditor'], { displayName: '审计员' });
      const { page, watch } = await openPage(t.browser, { viewport });
      await page.goto(`${t.base}/`);
      if (lang === 'en') {
        await page.click('.lang-switch');
        await page.locator('h1', { hasText: 'Staff sign-in' }).waitFor();
      }
      await signIn(page, watch, auditor);
      await openStaff(page);
      await page.locator('#read-only').waitFor({ state: 'visible' });
      await page.selectOption('#role-filter', 'auditor');
      await page.locator('#users tbody tr', { hasText: auditor.username }).waitFor();
      assert.equal(await page.locator('#new-user').isVisible(), false);
      assert.equal(await page.locator('#save-rules').isVisible(), false);
      assert.equal(await page.locator('#users tbody button').count(), 0);
      assert.equal(await page.locator('#minLength').isDisabled(), true);
      // Sessions: only the auditor's own row has a button (ending one's own session).
      const buttons = await page.locator('#sessions tbody tr:has(button)').allTextContents();
      assert.ok(buttons.every((text) => text.includes(auditor.username)), buttons.join(' | '));
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-staff-auditor-${viewport}-${lang}`);
      watch.assertClean();
      await page.close();
    });
  }
});

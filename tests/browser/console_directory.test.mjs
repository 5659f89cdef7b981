// The staff directory page (通讯录) in headless Chromium: a nurse finds an
// engineer by skill and by extension, filters by department, switches to
// English; at 1280x800 and phone size, with screenshots. Entries are set
// through the admin API, as the admin pages will.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_directory.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { signInOnPage } from '../lib/staffSignIn.mjs';

describe('console staff directory page', () => {
  let suite;
  let browser;
  let base;
  let nurse;

  before(async () => {
    suite = await startSuite({ services: ['console'] });
    base = suite.url('console');
    browser = await launchBrowser();
    const admin = await suite.adminToken();
    const people = [
      ['王工程师', ['it_engineer'], { department: '信息科', title: '网络工程师', skills: 'VPN、交换机、无线', extension: '8021' }],
      ['赵实施', ['it_engineer'], { department: '信息科', title: 'HIS 实施工程师', skills: 'HIS 接口、PACS 工作站', extension: '8022' }],
      ['李娜', ['doctor'], { department: '心血管内科', title: '主治医师', skills: '', extension: '6310' }],
    ];
    for (const [name, roles, entry] of people) {
      const s = await suite.createStaff(roles, { displayName: name });
      const r = await suite.api('console', 'PUT', `/api/v1/users/${s.id}/directory`, { token: admin, body: entry });
      assert.equal(r.status, 200, r.text);
    }
    nurse = await suite.createStaff(['nurse'], { displayName: '护士小陈' });
  });
  after(async () => {
    await browser?.close();
    await suite?.stop();
  });

  for (const viewport of ['desktop', 'phone']) {
    it(`a nurse finds colleagues by skill, extension and department (${viewport})`, async () => {
      const { page, watch } = await openPage(browser, { viewport });
      await signInOnPage(page, watch, base, nurse);
      await page.click('#open-directory');
      await page.waitForURL(`${base}/directory.html`);
      const names = () => page.locator('#results tbody tr td:first-child').allTextContents();
      // Everyone with an entry first (by department), the accounts without one after.
      await page.locator('#results tbody tr').first().waitFor();
      const everyone = await names();
      assert.ok(everyone.includes('王工程师') && everyone.includes('李娜') && everyone.includes('护士小陈'), everyone.join());

      await page.fill('#q', '交换机');
      await page.click('#find');
      await page.locator('#count').filter({ hasText: '共 1 人' }).waitFor();
      assert.deepEqual(await names(), ['王工程师']);
      assert.deepEqual(await page.locator('#results tbody tr td').allTextContents(), ['王工程师', '8021', '信息科', '网络工程师', 'VPN、交换机、无线']);

      await page.fill('#q', '802');
      await page.click('#find');
      await page.locator('#count').filter({ hasText: '共 2 人' }).waitFor();
      assert.deepEqual((await names()).sort(), ['王工程师', '赵实施'].sort());

      await page.fill('#q', '');
      await page.selectOption('#department', '心血管内科');
      await page.click('#find');
      await page.locator('#count').filter({ hasText: '共 1 人' }).waitFor();
      assert.deepEqual(await names(), ['李娜']);

      await page.fill('#q', '没有这个人');
      await page.selectOption('#department', '');
      await page.click('#find');
      await page.locator('#count').filter({ hasText: '没有符合条件的同事' }).waitFor();

      await page.fill('#q', '信息科');
      await page.click('#find');
      await page.locator('#count').filter({ hasText: '共 2 人' }).waitFor();
      await assertNoHorizontalScroll(page);
      await screenshot(page, `console-directory-${viewport}-zh`);
      if (viewport === 'desktop') {
        await page.click('.lang-switch');
        await page.locator('h1').filter({ hasText: 'Staff directory' }).waitFor();
        assert.equal(await page.locator('#count').textContent(), '2 found');
        await screenshot(page, 'console-directory-desktop-en');
      }
      watch.assertClean();
      await page.close();
    });
  }
});

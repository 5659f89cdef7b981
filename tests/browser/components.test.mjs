// The shared components (core/web/shared/components) on the gallery page
// every service serves (/shared/gallery.html), in headless Chromium: table
// sort and paging, the API's field error on a form, the confirm dialog
// (confirm, cancel, Esc), toast, badges, the uPlot chart; served by booking,
// so the shared files reach a service with no pages of its own. Desktop,
// tablet and phone.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/components.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';

describe('shared components', () => {
  let suite;
  let browser;
  before(async () => {
    suite = await startSuite({ services: ['booking'] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await suite?.stop();
  });

  for (const viewport of ['desktop', 'tablet', 'phone']) {
    it(`work on the gallery page (${viewport})`, async () => {
      const { page, watch } = await openPage(browser, { viewport });
      await page.goto(`${suite.url('booking')}/shared/gallery.html`);
      await page.locator('h1', { hasText: '组件示例' }).waitFor();
      assert.deepEqual(await page.locator('#badges .badge').allTextContents(), ['运行中', '降级', '失败', '已停止']);

      // Table: 23 rows, 10 a page; sort by memory descending; page 3 has 3 rows.
      const rows = page.locator('#table tbody tr');
      assert.equal(await rows.count(), 10);
      assert.match(await page.locator('.pager span').textContent(), /第 1 \/ 3 页，共 23 条/);
      const memHeader = page.locator('#table th').nth(1);
      await memHeader.locator('button').click();
      assert.equal(await memHeader.getAttribute('aria-sort'), 'ascending');
      await memHeader.locator('button').click();
      assert.equal(await memHeader.getAttribute('aria-sort'), 'descending');
      const mem = (await page.locator('#table tbody td.num').allTextContents()).map((x) => Number(x.replace(/,/g, '')));
      assert.deepEqual(mem, [...mem].sort((a, b) => b - a));
      await page.locator('.pager button').nth(1).click();
      await page.locator('.pager button').nth(1).click();
      assert.equal(await rows.count(), 3);
      assert.equal(await page.locator('.pager button').nth(1).isDisabled(), true);

      // Form: the API's error shape lands under the field it names.
      await page.click('#form button[type=submit]');
      await page.locator('#name-error').waitFor();
      assert.equal(await page.locator('#name-error').textContent(), '此项必填。');
      assert.equal(await page.locator('#name').getAttribute('aria-invalid'), 'true');
      await page.fill('#name', '门诊楼');
      await page.click('#form button[type=submit]');
      await page.locator('.toast', { hasText: '已保存' }).waitFor();
      assert.equal(await page.locator('#name-error').count(), 0);

      // Confirm dialog: cancel keeps focus safe, Esc cancels, confirm confirms.
      await page.click('#restart');
      const dialog = page.locator('dialog.confirm');
      await dialog.waitFor();
      assert.equal(await page.evaluate(() => document.activeElement.textContent), '取消');
      if (viewport === 'desktop') await screenshot(page, 'components-dialog-desktop-zh', { fullPage: false });
      await page.keyboard.press('Escape');
      await page.locator('#result', { hasText: '已取消' }).waitFor();
      await page.click('#restart');
      await dialog.locator('button.danger').click();
      await page.locator('#result', { hasText: '已确认' }).waitFor();

      // Chart: uPlot drew on a canvas.
      await page.locator('#chart canvas').waitFor();
      assert.ok((await page.locator('#chart canvas').boundingBox()).width > 150);
      await assertNoHorizontalScroll(page);
      await screenshot(page, `components-gallery-${viewport}-zh`);

      // English in one click: the table's words follow.
      await page.click('.lang-switch');
      await page.locator('h1', { hasText: 'Component gallery' }).waitFor();
      assert.match(await page.locator('.pager span').textContent(), /Page 3 of 3, 23 rows/);
      assert.equal(await page.locator('#badges .badge').first().textContent(), 'running');
      watch.assertClean();
    });
  }
});

// The update page in headless Chromium (docs/update.md, "From the
// console"): an admin opens it from the overview, sees the A/B slots as
// RAUC reports them, uploads a bundle (in pieces), installs it (confirm
// dialog), reboots (confirm dialog), and after a played reboot sees the new
// slot marked good; a foreign bundle's refusal is shown with RAUC's words;
// an auditor sees the state without buttons. The console and the setup
// helper are real; rauc is tests/fixtures/rauc/fake-rauc.sh. Desktop in
// Chinese, phone in English, screenshots of each state in both languages.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/console_update.test.mjs
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';
import { signInOnPage, staffWithTotp } from '../lib/staffSignIn.mjs';

const TEXT = {
  zh: { running: '运行中', installed: '已安装', failed: '失败', waiting: '等待重启', good: '新分区已确认正常', title: '系统更新', rebooting: '正在重启' },
  en: { running: 'running', installed: 'installed', failed: 'failed', waiting: 'waiting for reboot', good: 'new slot marked good', title: 'Updates', rebooting: 'Rebooting' },
};

describe('console update page', () => {
  let browser;
  after(async () => {
    await browser?.close();
  });

  for (const [viewport, lang, other] of [['desktop', 'zh', 'en'], ['phone', 'en', 'zh']]) {
    it(`installs an update and shows the new slot after the reboot (${viewport}, ${lang})`, async () => {
      const helper = await startSetupHelper({ rauc: true });
      const suite = await startSuite({ services: ['console'], settings: { console: { ...helper.settings, 'console.setup_wizard': 'off' } } });
      browser ??= await launchBrowser();
      const contexts = [];
      try {
        const base = suite.url('console');
        const T = TEXT[lang];
        const { page, watch, context } = await openPage(browser, { viewport });
        contexts.push(context);
        const shot = (name, l = lang) => screenshot(page, `console-update-${name}-${viewport}-${l}`);
        const switchLang = async (to) => {
          await page.click('#topbar .lang-switch');
          await page.locator(`html[lang="${to === 'zh' ? 'zh-CN' : 'en'}"]`).waitFor({ state: 'attached' });
        };
        const both = async (name) => {
          await shot(name);
          await switchLang(other);
          await shot(name, other);
          await switchLang(lang);
        };
        const admin = await staffWithTotp(suite, ['admin']);
        if (lang === 'en') {
          await page.goto(`${base}/`);
          await page.click('.lang-switch');
        }
        await signInOnPage(page, watch, base, admin);
        await page.click('#open-update');
        await page.waitForURL(`${base}/update.html`);
        assert.equal(await page.locator('h1').textContent(), T.title);
        const rows = page.locator('#slots tbody tr');
        await rows.nth(1).waitFor();
        assert.match(await rows.nth(0).textContent(), /A \(rootfs\.0\)/);
        assert.equal(await rows.nth(0).locator('.badge.ok').first().textContent(), T.running);
        assert.match(await rows.nth(0).textContent(), /0\.1\.0/);
        await assertNoHorizontalScroll(page);
        await both('slots');

        const upload = async (buffer) => {
          await page.setInputFiles('#bundle-file', { name: 'medbox-application-0.2.0.raucb', mimeType: 'application/octet-stream', buffer });
          await page.click('#upload');
          await page.locator('#install').waitFor({ state: 'visible' });
        };
        const install = async () => {
          await page.click('#install');
          const dialog = page.locator('dialog.confirm');
          await dialog.waitFor();
          assert.match(await dialog.locator('h2').textContent(), /B/);
          await dialog.locator('button:not(.secondary)').click();
        };

        if (viewport === 'phone') {
          // A bundle RAUC refuses (another CA): the reason, nothing changed.
          await upload(Buffer.concat([Buffer.from('FOREIGN '), Buffer.alloc(70 * 1024, 1)]));
          await install();
          await page.locator('#job-state .badge.bad').filter({ hasText: T.failed }).waitFor();
          assert.match(await page.locator('#job-output').textContent(), /signature verification failed/);
          await both('refused');
        }

        await upload(Buffer.alloc(150 * 1024, 9)); // three pieces
        assert.match(await page.locator('#upload-state').textContent(), /0\.1 MiB/);
        await install();
        await page.locator('#job-state .badge.ok').filter({ hasText: T.installed }).waitFor();
        await page.locator('#outcome .badge.warn').filter({ hasText: T.waiting }).waitFor();
        assert.match(await page.locator('#job-output').textContent(), /Installing done/);
        assert.match(helper.raucLog(), new RegExp(`^install ${helper.bundle}$`, 'm'));
        await assertNoHorizontalScroll(page);
        await both('installed');

        // Reboot: cancel first (nothing sent), then confirm.
        await page.click('#reboot');
        const dialog = page.locator('dialog.confirm');
        await dialog.waitFor();
        assert.match(await dialog.locator('p').textContent(), lang === 'zh' ? /自动回退到分区 A/ : /falls back to slot A/);
        await screenshot(page, `console-update-reboot-confirm-${viewport}-${lang}`, { fullPage: false });
        await dialog.locator('button.secondary').click();
        await page.click('#reboot');
        await dialog.locator('button:not(.secondary)').click();
        // This toast, not the upload's (it may still show on a slow machine).
        await page.locator('.toast.ok').filter({ hasText: T.rebooting }).waitFor();
        const audit = await suite.api('console', 'GET', '/api/v1/audit?limit=1000', { token: admin.token });
        assert.deepEqual(audit.json.entries.filter((e) => e.action.startsWith('appliance.update_')).map((e) => e.action).slice(-2),
          ['appliance.update_install', 'appliance.update_reboot']);

        // The machine comes back in B and the health check marked it good.
        helper.reboot('boot-2');
        helper.setRauc('BOOTED=B\nPRIMARY=rootfs.1\nB_STATUS=good\nB_VERSION=0.2.0\n');
        await page.reload();
        await page.locator('#outcome .badge.ok').filter({ hasText: T.good }).waitFor();
        assert.equal(await rows.nth(1).locator('.badge.ok').first().textContent(), T.running);
        assert.equal(await page.locator('#reboot').isHidden(), true);
        await both('good');

        if (viewport === 'desktop') {
          // An auditor: the same state, no buttons.
          const auditor = await staffWithTotp(suite, ['auditor']);
          const a = await openPage(browser, { viewport });
          contexts.push(a.context);
          await signInOnPage(a.page, a.watch, base, auditor);
          await a.page.goto(`${base}/update.html`);
          await a.page.locator('#outcome .badge.ok').waitFor();
          assert.equal(await a.page.locator('#install-card').isHidden(), true);
          await screenshot(a.page, `console-update-auditor-${viewport}-${lang}`);
        }
      } finally {
        for (const c of contexts) await c.close();
        await suite.stop();
        await helper.stop();
      }
    });
  }
});

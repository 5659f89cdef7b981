// Run by ../units_browser_test.sh in the booted container's network: the
// units and logs page against the real console under a real systemd. An
// admin restarts booking after the confirm dialog (systemd does it, polkit
// admits the console), the page shows the new state and start time, the
// real journal follows live and shows the restart's lines, and the console
// audited the restart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, screenshot } from '../../lib/browser.mjs';
import { totp } from '../../lib/totp.mjs';

const base = process.env.MEDBOX_CONSOLE_URL;
const password = process.env.MEDBOX_ADMIN_PASSWORD;

describe('units and logs page under a real systemd', () => {
  let browser;
  before(async () => {
    assert.ok(base && password, 'MEDBOX_CONSOLE_URL and MEDBOX_ADMIN_PASSWORD are set');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('restarts booking after confirming, and follows its journal live', async () => {
    const { page, watch } = await openPage(browser, { viewport: 'desktop' });
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}/`);
    await page.fill('#username', 'admin');
    await page.fill('#password', password);
    await page.click('#submit');
    // The bootstrap admin has no second factor yet: the page asks for one
    // first, as on a real appliance.
    await page.waitForURL(`${base}/totp.html`);
    await page.click('#start');
    await page.locator('#qr svg.qr path').waitFor(); // the secret is shown with the QR code
    const secret = (await page.locator('#secret').textContent()).replaceAll(' ', '');
    await page.fill('#code', totp(secret));
    await page.click('#confirm-code');
    await page.locator('#step-codes').waitFor({ state: 'visible' });
    await page.click('#codes-done');
    await page.waitForURL(`${base}/overview.html`);
    await page.locator('#units-card tbody tr').filter({ hasText: 'medbox-booking.service' }).waitFor();
    await page.goto(`${base}/units.html#unit=medbox-booking.service`);
    const row = page.locator('#units tbody tr').filter({ hasText: 'medbox-booking.service' });
    await row.locator('.badge', { hasText: '运行中' }).waitFor();
    assert.equal(await page.locator('#units tbody tr').filter({ hasText: 'medbox-console.service' }).locator('button[data-action=restart]').isDisabled(), true);
    const activeSince = () =>
      page.evaluate(() => fetch('/api/v1/appliance/units').then((r) => r.json()).then((j) => j.units.find((u) => u.name === 'medbox-booking.service').activeSince));
    const since = await activeSince();
    await page.waitForFunction(() => document.getElementById('j-unit').value === 'medbox-booking.service');
    await page.locator('#j-state').filter({ hasText: /medbox-booking|没有匹配/ }).waitFor();
    const before = await page.locator('#j-lines li').count();
    assert.equal(await page.locator('#j-error').isHidden(), true, 'the console reads the journal');
    await page.check('#j-follow');

    await row.locator('button[data-action=restart]').click();
    const dialog = page.locator('dialog.confirm');
    assert.equal(await dialog.locator('h2').textContent(), '重启 medbox-booking.service？');
    await dialog.locator('button:not(.secondary)').click();
    await page.locator('.toast.ok', { hasText: 'medbox-booking.service 已重启：运行中' }).waitFor();
    assert.ok(Date.parse(await activeSince()) > Date.parse(since), 'a new start time');
    // The restart's own lines arrive while following.
    await page.waitForFunction((n) => document.querySelectorAll('#j-lines li').length > n, before, { timeout: 15_000 });
    const lines = await page.locator('#j-lines li').allTextContents();
    console.log(`# journal lines after the restart: ${lines.length} (${before} before); newest: ${lines[0]}`);
    await screenshot(page, 'console-units-systemd-desktop-zh');

    const audit = await page.evaluate(() => fetch('/api/v1/audit?limit=1000').then((r) => r.json()));
    const restart = audit.entries.filter((e) => e.action === 'unit.restart').at(-1);
    assert.equal(restart.actor, 'staff:admin');
    assert.equal(restart.outcome, 'ok');
    assert.equal(restart.target, 'unit:medbox-booking.service');
    await page.uncheck('#j-follow');
    watch.assertClean();
  });
});

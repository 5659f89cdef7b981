// The HIS bridge's operations page in headless Chromium against the real
// console (sign-in), the real medbox-hisbridge and the simulated HIS: an
// admin inspects a failed HL7 message in the quarantine, a bad correction
// is refused under the text box, a good one is saved and resent (applied,
// gone from the quarantine); the reconciliation report lists a booking the
// HIS refused after its downtime (patient masked) and the admin cancels it
// with a note. Both languages, desktop (admins work at a desk), screenshots.
//   MEDBOX_BUILD_DIR=build node --test tests/browser/hisbridge_ops.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSuite, hasService } from '../lib/harness.mjs';
import { freePort } from '../lib/freePort.mjs';
import { until } from '../lib/until.mjs';
import { launchBrowser, openPage, screenshot, assertNoHorizontalScroll } from '../lib/browser.mjs';
import { signInOnPage, staffWithTotp } from '../lib/staffSignIn.mjs';
import * as his from '../../tools/his-sim/his-sim.mjs';

const SKIP = ['console', 'hisbridge'].some((s) => !hasService(s)) ? 'medbox-console or medbox-hisbridge is not built' : false;
const NO_BUS = 'unix:path=/nonexistent/medbox-test/system_bus_socket';
const NO_CARD = 'PID|1||P77^^^HIS^PI||王^小明';
const WITH_CARD = 'PID|1||P77^^^HIS^PI~C0077^^^HIS^CARD||王^小明';
const ORU = [
  'MSH|^~\\&|LIS|HOSP01|MEDBOX|HOSP01|20261203101500||ORU^R01^ORU_R01|WEB1|P|2.5.1',
  NO_CARD,
  'OBR|1|PL1|FL1^LIS|CBC^血常规^L|||20261203090000|||||||||||||||20261203100000|||F',
  'OBX|1|NM|K^钾^L||6.9|mmol/L|3.5-5.3|HH|||F',
].join('\r');

// One MLLP exchange: the frame, then the ACK's MSA-1.
function mllp(port, message) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(message), Buffer.from([0x1c, 0x0d])])));
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (got.includes('\x1c')) {
        s.end();
        resolve(/MSA\|(\w+)/.exec(got)?.[1]);
      }
    });
    s.on('error', reject);
  });
}

describe('hisbridge operations page', { skip: SKIP }, () => {
  let suite;
  let browser;
  let sim;
  let admin;
  let hisBase;

  before(async () => {
    sim = await his.listen();
    const mllpPort = await freePort();
    const hisbridge = [
      `hisbridge.mllp.port=${mllpPort}`,
      'hisbridge.mllp.host=127.0.0.1',
      `hisbridge.his.port=${await freePort()}`,
      'hisbridge.his.host=127.0.0.1',
      `hisbridge.partners.his.his_port=${sim.port}`,
      'hisbridge.partners.his.address=127.0.0.1',
      'hisbridge.partners.his.answer_timeout_ms=300',
      'hisbridge.partners.his.down_after_failures=1',
      'hisbridge.partners.his.max_backoff_ms=1000',
    ];
    suite = await startSuite({ services: ['console', 'hisbridge'], settings: { hisbridge }, env: { DBUS_SYSTEM_BUS_ADDRESS: NO_BUS } });
    browser = await launchBrowser();
    admin = await staffWithTotp(suite, ['admin'], { displayName: '管理员小林' });
    hisBase = suite.url('hisbridge');
    assert.equal(await mllp(mllpPort, ORU), 'AE');
    // A booking arrives while the HIS is down; the HIS sells its slot meanwhile.
    sim.downtime(2_500, { sellEvery: 1, sellAtMost: 1 });
    const payload = {
      appointmentId: 501, scheduleId: 3, slotId: 31, date: '2026-12-09', session: 'morning', slotStart: '09:30',
      department: { id: 1, code: 'NK', name: '内科' }, doctor: { id: 2, name: '张伟', title: '主任医师' },
      patient: { name: '赵六', documentType: 'resident_id', documentNumber: '11010519491231002X', phone: '13800138000' },
    };
    const r = await suite.api('hisbridge', 'POST', '/api/v1/booking/inbox', {
      token: suite.serviceToken('booking'),
      headers: { 'Message-Id': 'web-m1' },
      body: { id: 'web-m1', source: 'booking', topic: 'booking.created', createdAt: new Date().toISOString(), payload },
    });
    assert.equal(r.status, 200, r.text);
    const auditor = await suite.staffToken(['auditor']);
    await until('the conflict on the report', async () => (await suite.api('hisbridge', 'GET', '/api/v1/reconciliation', { token: auditor })).json.items?.length, 20_000);
  });
  after(async () => {
    await browser?.close();
    await suite?.stop();
    sim?.server.close();
  });

  it('corrects and resends a quarantined HL7 message, and cancels a conflict (desktop, zh then en)', async () => {
    const { page, watch } = await openPage(browser, { viewport: 'desktop' });
    await signInOnPage(page, watch, suite.url('console'), admin);
    await page.goto(`${hisBase}/`);
    await page.locator('#partners tbody tr').first().waitFor();
    const row = page.locator('#quarantine tbody tr').first();
    await row.waitFor();
    assert.match(await row.textContent(), /ORU\^R01/);
    assert.match(await row.textContent(), /PID-3/);
    await row.locator('button').click();
    await page.locator('#q-editor:not([hidden])').waitFor();
    const body = await page.inputValue('#q-body');
    assert.ok(body.includes(NO_CARD), body);

    // A correction that changes the control id is refused under the text box.
    watch.allowHttpError(/\/api\/v1\/quarantine\/hl7\/\d+$/, 400);
    await page.fill('#q-body', body.replace('|WEB1|', '|WEB2|'));
    await page.click('#q-save');
    await page.locator('#q-form .field .error', { hasText: 'MSH-10' }).waitFor();
    await screenshot(page, 'hisbridge-quarantine-desktop-zh');

    await page.fill('#q-body', body.replace(NO_CARD, WITH_CARD));
    await page.click('#q-save');
    await page.locator('.toast', { hasText: '修正已保存' }).waitFor();
    await page.click('#q-resend');
    await page.locator('.toast', { hasText: '已重新处理' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#quarantine tbody tr td.muted').length === 1);

    // The reconciliation report: the sold slot, the patient masked.
    const conflict = page.locator('#recon tbody tr').first();
    await conflict.waitFor();
    const text = await conflict.textContent();
    assert.match(text, /赵\*/);
    assert.ok(!text.includes('11010519491231002X'), text);
    assert.match(text, /2001/);
    assert.match(text, /待处理/);
    await assertNoHorizontalScroll(page);
    await screenshot(page, 'hisbridge-reconciliation-desktop-zh');

    await page.click('.topbar .lang-switch');
    await page.locator('#recon-title', { hasText: 'Reconciliation report' }).waitFor();
    await conflict.locator('button', { hasText: 'Cancel booking' }).click();
    await page.fill('#r-note', 'Patient called and rebooked for Thursday');
    await page.click('#r-confirm');
    await page.locator('.toast', { hasText: 'Cancelled' }).waitFor();
    await page.locator('#recon tbody tr .badge', { hasText: 'Cancelled' }).waitFor();
    assert.match(await page.locator('#recon tbody tr').first().textContent(), /Patient called/);
    await screenshot(page, 'hisbridge-reconciliation-desktop-en');

    // The message search finds the corrected message, now applied, and shows its decoded result.
    await page.selectOption('#s-since', 'all');
    await page.click('#s-go');
    await page.locator('#results tbody tr').first().waitFor();
    await page.locator('#results tbody tr', { hasText: 'WEB1' }).locator('button').click();
    await page.locator('#m-view:not([hidden])').waitFor();
    assert.match(await page.locator('#m-fields').textContent(), /Applied/);
    assert.match(await page.locator('#m-reports').textContent(), /6\.9/);
    assert.match(await page.locator('#m-raw').textContent(), /C0077/);
    await screenshot(page, 'hisbridge-messages-desktop-en');
    watch.assertClean();
    await page.context().close();
  });
});

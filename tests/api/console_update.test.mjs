// API tests of updates from the console (/api/v1/appliance/update*) against
// the real console and the real setup helper, whose update verbs run a fake
// rauc that records its arguments and prints RAUC's JSON
// (tests/fixtures/rauc/fake-rauc.sh, through tests/lib/setupHelper.mjs):
//   MEDBOX_BUILD_DIR=build node --test tests/api/console_update.test.mjs
// What is tested: the slots as RAUC reports them; the upload in pieces
// (offset checks, raw bytes only, the size limit); install through the
// helper with rauc's fixed arguments, RAUC's refusal shown; reboot only
// after an install in this boot; after a played reboot the new slot shown
// good (audited once); roles (auditor reads, changes nothing); audit rows.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startSuite } from '../lib/harness.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';

function expectError(r, status, code) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
}

const PIECE = 60 * 1024;

describe('console updates', () => {
  let suite;
  let helper;
  let admin;
  let auditor;
  const api = (method, path, opts) => suite.api('console', method, path, opts);
  const state = async (token = admin) => {
    const r = await api('GET', '/api/v1/appliance/update', { token });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const put = (offset, bytes, token = admin, type = 'application/octet-stream') =>
    api('PUT', `/api/v1/appliance/update/bundle?offset=${offset}`, { token, rawBody: bytes, headers: { 'content-type': type } });
  async function upload(bytes) {
    for (let off = 0; off < bytes.length; off += PIECE) {
      const r = await put(off, bytes.subarray(off, off + PIECE));
      assert.equal(r.status, 200, r.text);
    }
    const r = await api('POST', '/api/v1/appliance/update/bundle/done', { token: admin, body: { size: bytes.length } });
    assert.equal(r.status, 200, r.text);
  }
  async function installed() {
    for (let i = 0; i < 200; i++) {
      const s = await state();
      if (s.install.state !== 'installing') return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the install did not end');
  }
  async function auditActions() {
    const r = await api('GET', '/api/v1/audit?limit=1000', { token: admin });
    return r.json.entries.filter((e) => e.action.startsWith('appliance.update_'));
  }

  before(async () => {
    helper = await startSetupHelper({ rauc: true });
    suite = await startSuite({
      services: ['console'],
      settings: { console: { ...helper.settings, 'console.setup_wizard': 'off', 'console.update_max_bytes': String(1 << 20) } },
    });
    admin = await suite.adminToken();
    auditor = await suite.staffToken(['auditor']);
  });
  after(async () => {
    await suite?.stop();
    await helper?.stop();
  });

  it('shows the slots as RAUC reports them, to admins and auditors', async () => {
    const s = await state(auditor);
    assert.equal(s.slots.compatible, 'medbox-application');
    assert.equal(s.slots.booted, 'A');
    assert.deepEqual(s.slots.slots.map((x) => [x.bootname, x.booted, x.primary, x.bootStatus, x.version]),
      [['A', true, true, 'good', '0.1.0'], ['B', false, false, 'bad', '']]);
    assert.equal(s.outcome, 'none');
    assert.equal(s.install.state, 'idle');
    assert.match(helper.raucLog(), /^status --detailed --output-format=json$/m);
    expectError(await api('GET', '/api/v1/appliance/update', { token: await suite.staffToken(['nurse']) }), 403, 'forbidden');
  });

  it('refuses every change to auditors', async () => {
    expectError(await put(0, Buffer.from('x'), auditor), 403, 'forbidden');
    expectError(await api('POST', '/api/v1/appliance/update/install', { token: auditor }), 403, 'forbidden');
    expectError(await api('POST', '/api/v1/appliance/update/reboot', { token: auditor }), 403, 'forbidden');
    expectError(await api('POST', '/api/v1/appliance/update/bundle/done', { token: auditor, body: { size: 1 } }), 403, 'forbidden');
  });

  it('takes the upload in pieces at the right offsets, raw bytes only, within the limit', async () => {
    expectError(await api('POST', '/api/v1/appliance/update/install', { token: admin }), 409, 'conflict');
    expectError(await put(0, Buffer.from('{}'), admin, 'application/json'), 415, 'unsupported_media_type');
    expectError(await api('PUT', '/api/v1/appliance/update/bundle', { token: admin, rawBody: Buffer.from('x'), headers: { 'content-type': 'application/octet-stream' } }), 400, 'missing_field');
    assert.equal((await put(0, Buffer.from('abc'))).json.receivedBytes, 3);
    expectError(await put(1, Buffer.from('x')), 409, 'conflict');
    expectError(await put(1 << 20, Buffer.from('x')), 413, 'payload_too_large');
    expectError(await api('POST', '/api/v1/appliance/update/bundle/done', { token: admin, body: { size: 4 } }), 409, 'conflict');
    const s = await state();
    assert.equal(s.upload.receivedBytes, 3);
    assert.equal(s.upload.bundleBytes, -1);
  });

  it('passes RAUC\'s refusal of a foreign bundle back and changes nothing', async () => {
    await upload(Buffer.concat([Buffer.from('FOREIGN '), Buffer.alloc(150 * 1024, 7)]));
    assert.equal(fs.statSync(helper.bundle).size, 150 * 1024 + 8);
    const r = await api('POST', '/api/v1/appliance/update/install', { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.slot, 'B');
    const s = await installed();
    assert.equal(s.install.state, 'failed');
    assert.match(s.install.error, /signature verification failed/);
    assert.equal(s.outcome, 'none');
    assert.equal(fs.existsSync(helper.bundle), false, 'a refused bundle is deleted');
    assert.match(helper.raucLog(), new RegExp(`^install ${helper.bundle}$`, 'm'));
    expectError(await api('POST', '/api/v1/appliance/update/reboot', { token: admin }), 409, 'conflict');
    const rows = await auditActions();
    assert.deepEqual(rows.map((e) => [e.action, e.outcome]).slice(-3),
      [['appliance.update_upload', 'ok'], ['appliance.update_install', 'started'], ['appliance.update_install', 'failed']]);
  });

  it('installs into the other slot, reboots on request, and shows the new slot marked good', async () => {
    const bundle = Buffer.alloc(200 * 1024, 3);
    await upload(bundle);
    assert.equal((await api('POST', '/api/v1/appliance/update/install', { token: admin })).status, 200);
    expectError(await api('POST', '/api/v1/appliance/update/install', { token: admin }), 409, 'conflict');
    let s = await installed();
    assert.equal(s.install.state, 'installed', JSON.stringify(s.install));
    assert.match(s.install.output, /Installing done/);
    assert.equal(s.outcome, 'waiting-reboot');
    assert.deepEqual([s.last.slot, s.last.from, s.last.version, s.last.by], ['B', 'A', '0.2.0', s.last.by || 'missing']);
    assert.equal(s.slots.bootPrimary, 'rootfs.1');
    // No body and no path: the helper installs its fixed file only.
    expectError(await api('POST', '/api/v1/appliance/update/install', { token: admin, body: { bundle: '/etc/shadow' } }), 400, 'unknown_field');

    const reboot = await api('POST', '/api/v1/appliance/update/reboot', { token: admin });
    assert.equal(reboot.status, 200, reboot.text);
    // The machine comes back in B, not yet marked good (GRUB's try flag).
    helper.reboot('boot-2');
    helper.setRauc('BOOTED=B\nPRIMARY=rootfs.1\nB_STATUS=bad\nB_VERSION=0.2.0\n');
    await suite.restart('console');
    admin = await suite.adminToken();
    s = await state();
    assert.equal(s.outcome, 'new-slot-unconfirmed');
    expectError(await api('POST', '/api/v1/appliance/update/reboot', { token: admin }), 409, 'conflict');
    // rauc-mark-good ran.
    helper.setRauc('BOOTED=B\nPRIMARY=rootfs.1\nB_STATUS=good\nB_VERSION=0.2.0\n');
    s = await state();
    assert.equal(s.outcome, 'new-slot-good');
    assert.equal(s.slots.booted, 'B');
    await state();
    const rows = await auditActions();
    assert.deepEqual(rows.map((e) => [e.action, e.outcome]).slice(-5), [
      ['appliance.update_upload', 'ok'], ['appliance.update_install', 'started'], ['appliance.update_install', 'ok'],
      ['appliance.update_reboot', 'ok'], ['appliance.update_result', 'ok']]);
    assert.match(JSON.stringify(rows.at(-3)), /0\.2\.0/);
  });

  it('shows a fall-back after a reboot that came back in the old slot', async () => {
    helper.setRauc('');
    helper.reboot('boot-3');
    await upload(Buffer.alloc(1000, 5));
    await api('POST', '/api/v1/appliance/update/install', { token: admin });
    assert.equal((await installed()).outcome, 'waiting-reboot');
    helper.reboot('boot-4');
    helper.setRauc('BOOTED=A\nPRIMARY=rootfs.0\nB_STATUS=bad\nB_VERSION=0.2.0\n');
    const s = await state();
    assert.equal(s.outcome, 'fell-back');
    const rows = await auditActions();
    assert.deepEqual([rows.at(-1).action, rows.at(-1).outcome], ['appliance.update_result', 'failed']);
  });
});

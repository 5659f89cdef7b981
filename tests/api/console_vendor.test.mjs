// API tests of vendor access (/api/v1/vendor*) against the real console and
// the real privileged helper (files only: the key is made, medbox-firewall
// is a fake that records its arguments; the tunnel itself is tested in
// appliance/setuphelper/tests/vendor_wireguard_netns_test.sh):
//   MEDBOX_BUILD_DIR=build node --test tests/api/console_vendor.test.mjs
// What is tested: off by default, roles (admins change, auditors read, the
// rest and the vendor itself are refused), validation naming the field, the
// maximum duration, vendor sign-in refused outside a window and accepted
// inside, every vendor request audited and listed live, closing removes the
// window and ends the vendor's tokens, approval by a second admin after a
// restart with console.vendor.require_approval, and the audit rows.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSuite, strongPassword } from '../lib/harness.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';

const VENDOR_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

describe('console vendor access', () => {
  let suite;
  let helper;
  let admin;
  let auditor;
  let nurse;
  const vendorUser = { username: 'acme-support', password: strongPassword() };
  const api = (method, p, opts) => suite.api('console', method, p, opts);
  const vendorLogin = () => api('POST', '/api/v1/auth/login', { body: vendorUser });
  const firewallLog = () => {
    const f = path.join(helper.root, 'firewall.log');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
  };
  const audit = async () => {
    const r = await api('GET', '/api/v1/audit?after=0&limit=500', { token: await suite.adminToken() });
    assert.equal(r.status, 200, r.text);
    return r.json.entries;
  };

  before(async () => {
    suite = await startSuite({
      services: ['console'],
      settings: { console: { 'console.vendor.max_window_minutes': '60', 'console.vendor.endpoint': 'vpn.example-hospital.cn:51820' } },
    });
    helper = await startSetupHelper({ socket: suite.helperSocket() });
    admin = await suite.adminToken();
    auditor = (await suite.createStaff(['auditor'])).token;
    nurse = (await suite.createStaff(['nurse'])).token;
    // The vendor account is made directly: createStaff would open a window for it.
    const r = await api('POST', '/api/v1/users', {
      token: admin,
      body: { username: vendorUser.username, displayName: 'ACME support', password: vendorUser.password, roles: ['vendor'], mustChangePassword: false },
    });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await suite?.stop();
    await helper?.stop();
  });

  it('is off by default and shows the key the helper made on the appliance', async () => {
    const s = await api('GET', '/api/v1/vendor', { token: auditor });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.window, null);
    assert.equal(s.json.peer, null);
    assert.equal(s.json.maxWindowMinutes, 60);
    assert.equal(s.json.appliance.endpoint, 'vpn.example-hospital.cn:51820');
    assert.match(s.json.appliance.publicKey, /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/);
    const keyFile = path.join(helper.root, 'etc/medbox/vendor/wireguard.key');
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.notEqual(fs.readFileSync(keyFile, 'utf8').trim(), s.json.appliance.publicKey);
    assert.ok(!JSON.stringify(s.json).includes(fs.readFileSync(keyFile, 'utf8').trim()), 'the private key never leaves the helper');
    expectError(await api('GET', '/api/v1/vendor', { token: nurse }), 403, 'forbidden');
  });

  it('refuses the vendor sign-in outside a window, after checking the password', async () => {
    expectError(await vendorLogin(), 403, 'forbidden');
    expectError(await api('POST', '/api/v1/auth/login', { body: { ...vendorUser, password: 'wrong-Passw0rd!' } }), 401, 'bad_credentials');
    assert.ok((await audit()).some((a) => a.action === 'vendor.signin_refused' && a.actor === `staff:${vendorUser.username}`));
  });

  it('validates the vendor key and the window, and only admins change anything', async () => {
    expectError(await api('PUT', '/api/v1/vendor/peer', { token: admin, body: { publicKey: 'AAAA', address: '10.8.0.2' } }), 400, 'invalid_field', 'publicKey');
    expectError(await api('PUT', '/api/v1/vendor/peer', { token: admin, body: { publicKey: VENDOR_KEY, address: '10.8.0.1' } }), 400, 'invalid_field', 'address');
    expectError(await api('PUT', '/api/v1/vendor/peer', { token: auditor, body: { publicKey: VENDOR_KEY, address: '10.8.0.2' } }), 403, 'forbidden');
    expectError(await api('POST', '/api/v1/vendor/windows', { token: admin, body: { minutes: 30, reason: 'PACS upgrade', ticket: 'SD-1' } }), 409, 'conflict');
    const p = await api('PUT', '/api/v1/vendor/peer', { token: admin, body: { publicKey: VENDOR_KEY, address: '10.8.0.2' } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.peer.publicKey, VENDOR_KEY);
    expectError(await api('POST', '/api/v1/vendor/windows', { token: admin, body: { minutes: 61, reason: 'PACS upgrade', ticket: 'SD-1' } }), 400, 'invalid_field', 'minutes');
    expectError(await api('POST', '/api/v1/vendor/windows', { token: admin, body: { minutes: 30, reason: 'PACS upgrade', ticket: 'SD 1' } }), 400, 'invalid_field', 'ticket');
    expectError(await api('POST', '/api/v1/vendor/windows', { token: admin, body: { minutes: 30, reason: 'PACS upgrade', ticket: 'SD-1', extra: 1 } }), 400, 'unknown_field');
    expectError(await api('POST', '/api/v1/vendor/windows', { token: auditor, body: { minutes: 30, reason: 'PACS upgrade', ticket: 'SD-1' } }), 403, 'forbidden');
    assert.equal(firewallLog(), '');
  });

  it('opens a window: the vendor signs in, every request is audited and followed live, closing ends it all', async () => {
    const o = await api('POST', '/api/v1/vendor/windows', { token: admin, body: { minutes: 30, reason: 'PACS viewer upgrade', ticket: 'SD-2026-0042' } });
    assert.equal(o.status, 200, o.text);
    assert.equal(o.json.window.state, 'open');
    assert.equal(o.json.window.endsAtMs - o.json.window.openedAtMs, 30 * 60_000);
    assert.match(firewallLog(), /^window open 10\.8\.0\.2\/32 --seconds 1800$/m);
    expectError(await api('POST', '/api/v1/vendor/windows', { token: admin, body: { minutes: 30, reason: 'again', ticket: 'SD-3' } }), 409, 'conflict');
    expectError(await api('PUT', '/api/v1/vendor/peer', { token: admin, body: { publicKey: VENDOR_KEY, address: '10.8.0.3' } }), 409, 'conflict');

    const l = await vendorLogin();
    assert.equal(l.status, 200, l.text);
    const vendor = l.json.token;
    assert.equal((await api('GET', '/api/v1/me', { token: vendor })).status, 200);
    for (const p of ['/api/v1/users', '/api/v1/audit', '/api/v1/vendor', '/api/v1/directory', '/api/v1/appliance/audit?service=console']) {
      expectError(await api('GET', p, { token: vendor }), 403, 'forbidden');
    }
    expectError(await api('POST', `/api/v1/vendor/windows/${o.json.window.id}/close`, { token: vendor }), 403, 'forbidden');
    const a = await api('GET', '/api/v1/vendor/activity?after=0', { token: auditor });
    assert.equal(a.status, 200, a.text);
    const seen = a.json.items.map((i) => `${i.user} ${i.method} ${i.path} ${i.status}`);
    assert.ok(seen.includes(`${vendorUser.username} GET /api/v1/me 200`), seen.join('\n'));
    assert.ok(seen.includes(`${vendorUser.username} GET /api/v1/users 403`), seen.join('\n'));
    assert.ok(seen.includes(`${vendorUser.username} POST /api/v1/vendor/windows/${o.json.window.id}/close 403`), seen.join('\n'));
    assert.equal(a.json.items.length, 7);
    const more = await api('GET', `/api/v1/vendor/activity?after=${a.json.next}`, { token: auditor });
    assert.equal(more.json.items.length, 0);
    const rows = (await audit()).filter((r) => r.action === 'vendor.request');
    assert.equal(rows.length, 7);
    assert.ok(rows.every((r) => r.actor === `staff:${vendorUser.username}`));
    assert.ok(rows.some((r) => r.target === 'GET /api/v1/users' && r.outcome === 'denied'));

    expectError(await api('POST', `/api/v1/vendor/windows/${o.json.window.id}/close`, { token: auditor }), 403, 'forbidden');
    const c = await api('POST', `/api/v1/vendor/windows/${o.json.window.id}/close`, { token: admin });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.window, null);
    assert.equal(c.json.recent[0].closeReason, 'closed');
    assert.match(firewallLog(), /^window close 10\.8\.0\.2\/32$/m);
    expectError(await api('GET', '/api/v1/me', { token: vendor }), 401, 'unauthenticated');
    expectError(await vendorLogin(), 403, 'forbidden');
    const actions = (await audit()).map((r) => r.action);
    for (const want of ['vendor.peer_register', 'vendor.window_request', 'vendor.window_open', 'vendor.window_close']) assert.ok(actions.includes(want), want);
  });

  it('with approval required, a second admin opens it (console restarted: the setting is read at start)', async () => {
    suite.settings.console['console.vendor.require_approval'] = 'true';
    await suite.restart('console');
    const first = await suite.adminToken();
    const second = (await suite.createStaff(['admin'])).token;
    const o = await api('POST', '/api/v1/vendor/windows', { token: first, body: { minutes: 10, reason: 'log collection', ticket: 'SD-7' } });
    assert.equal(o.status, 200, o.text);
    assert.equal(o.json.window.state, 'awaiting_approval');
    expectError(await vendorLogin(), 403, 'forbidden');
    expectError(await api('POST', `/api/v1/vendor/windows/${o.json.window.id}/approve`, { token: first }), 403, 'forbidden');
    const before = firewallLog();
    assert.ok(!before.includes('--seconds 600'));
    const a = await api('POST', `/api/v1/vendor/windows/${o.json.window.id}/approve`, { token: second });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.window.state, 'open');
    assert.match(firewallLog(), /^window open 10\.8\.0\.2\/32 --seconds 600$/m);
    assert.equal((await vendorLogin()).status, 200);
    const c = await api('POST', `/api/v1/vendor/windows/${o.json.window.id}/close`, { token: second });
    assert.equal(c.status, 200, c.text);
  });
});

// API tests of the first-boot setup wizard (/api/v1/setup*) against the real
// console and the real privileged helper, which writes under a temporary
// root (tests/lib/setupHelper.mjs):
//   MEDBOX_BUILD_DIR=build node --test tests/api/console_setup.test.mjs
// What is tested: changes refused until setup is done (409 naming the
// wizard), each step's validation naming the field, TOTP required for the
// admin step, apply refused until every step is saved, the files the helper
// wrote, the firewall applied with --confirm-within and confirmed, the audit
// rows, the roles (only admins), and an appliance started without the wizard.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';
import { totp } from '../lib/totp.mjs';

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

const STEPS = {
  hostname: { hostname: 'medbox-01.hospital.local' },
  hospital: { name: '第一人民医院' },
  time: { servers: ['10.10.2.1', 'ntp.hospital.local'] },
  network: {
    interfaces: [
      { name: 'mgmt0', mode: 'static', address: '10.10.9.20/24', gateway: '10.10.9.1', dns: ['10.10.2.53'] },
      { name: 'lan0', mode: 'dhcp' },
      { name: 'dmz0', mode: 'dhcp' },
    ],
  },
  certificate: { mode: 'self-signed' },
  firewall: {
    model: 'frontend',
    adminSubnets: ['10.10.9.0/24'],
    peers: [{ name: 'his', address: '10.10.2.10', tcp: [2575, 8080] }],
    staff: ['10.10.3.0/24'],
  },
};

describe('console setup wizard', () => {
  let suite;
  let helper;
  let admin;
  const api = (method, path, opts) => suite.api('console', method, path, opts);

  before(async () => {
    helper = await startSetupHelper();
    suite = await startSuite({
      services: ['console'],
      settings: { console: { ...helper.settings, 'console.setup_confirm_seconds': '30' } },
    });
    admin = await suite.adminToken();
  });
  after(async () => {
    await suite?.stop();
    await helper?.stop();
  });

  it('starts armed and refuses other changes until setup is done', async () => {
    const s = await api('GET', '/api/v1/setup', { token: admin });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.required, true);
    assert.equal(s.json.completed, false);
    assert.equal(s.json.next, 'admin');
    assert.deepEqual(s.json.nics.map((n) => [n.name, n.role, n.management]), [['mgmt0', 'mgmt', true], ['dmz0', 'dmz', false], ['lan0', 'lan', false]]);
    assert.match(s.json.certificate.sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const r = await api('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'nurse1', displayName: 'N', password: 'Str0ng-Passw0rd!', roles: ['nurse'] },
    });
    expectError(r, 409, 'conflict');
    assert.match(r.json.error.message, /setup wizard/);
    expectError(await api('POST', '/api/v1/appliance/units/booking/restart', { token: admin }), 409, 'conflict');
    // Reads go on.
    assert.equal((await api('GET', '/api/v1/users', { token: admin })).status, 200);
  });

  it('validates each step and names the field', async () => {
    const put = (step, body) => api('PUT', `/api/v1/setup/steps/${step}`, { token: admin, body });
    expectError(await put('hostname', { hostname: 'bad_name' }), 400, 'invalid_field', 'hostname');
    expectError(await put('hostname', {}), 400, 'missing_field', 'hostname');
    expectError(await put('time', { servers: ['ntp server'] }), 400, 'invalid_field', 'servers[0]');
    expectError(await put('network', { interfaces: [{ name: 'eth9', mode: 'dhcp' }] }), 400, 'invalid_field', 'interfaces[0].name');
    expectError(
      await put('network', { interfaces: [{ name: 'mgmt0', mode: 'static', address: '10.10.9.20/24', gateway: '10.10.8.1' }] }),
      400, 'invalid_field', 'interfaces[0].gateway');
    expectError(await put('firewall', { ...STEPS.firewall, adminSubnets: ['10.10.9.5/24'] }), 400, 'invalid_field', 'adminSubnets[0]');
    expectError(await put('certificate', { mode: 'upload', certificate: 'not a certificate', key: 'x' }), 400, 'invalid_field');
    expectError(await put('nothing', {}), 404, 'not_found');
    expectError(await api('POST', '/api/v1/setup/apply', { token: admin }), 409, 'conflict', 'admin');
  });

  it('needs TOTP on the admin account for the admin step', async () => {
    expectError(await api('PUT', '/api/v1/setup/steps/admin', { token: admin }), 409, 'conflict', 'totp');
    const e = await api('POST', '/api/v1/auth/totp/enroll', { token: admin });
    assert.equal(e.status, 200, e.text);
    const c = await api('POST', '/api/v1/auth/totp/confirm', { token: admin, body: { code: totp(e.json.secret) } });
    assert.equal(c.status, 200, c.text);
    const r = await api('PUT', '/api/v1/setup/steps/admin', { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.next, 'hostname');
  });

  it('saves every step, applies through the helper and completes on confirm', async () => {
    for (const [step, body] of Object.entries(STEPS)) {
      const r = await api('PUT', `/api/v1/setup/steps/${step}`, { token: admin, body });
      assert.equal(r.status, 200, `${step}: ${r.text}`);
    }
    const csr = await api('POST', '/api/v1/setup/csr', { token: admin, body: { names: ['10.10.9.20'] } });
    assert.equal(csr.status, 200, csr.text);
    assert.match(csr.json.csr, /^-----BEGIN CERTIFICATE REQUEST-----/);

    const a = await api('POST', '/api/v1/setup/apply', { token: admin });
    assert.equal(a.status, 200, a.text);
    assert.ok(Date.parse(a.json.confirmBefore) > Date.now());
    assert.equal(helper.read('etc/hostname'), 'medbox-01.hospital.local\n');
    assert.match(helper.read('etc/systemd/timesyncd.conf.d/50-medbox.conf'), /^NTP=10\.10\.2\.1 ntp\.hospital\.local$/m);
    const mgmt = helper.read('etc/systemd/network/50-medbox-management.network');
    assert.match(mgmt, /^Name=mgmt0$/m);
    assert.match(mgmt, /^Address=10\.10\.9\.20\/24$/m);
    assert.match(mgmt, /^Gateway=10\.10\.9\.1$/m);
    assert.match(helper.read('etc/systemd/network/50-medbox-lan0.network'), /^DHCP=yes$/m);
    const profile = JSON.parse(helper.read('etc/medbox/firewall/wizard.json'));
    assert.equal(profile.model, 'frontend');
    assert.deepEqual(profile.interfaces, { dmz: 'dmz0', lan: 'lan0', management: 'mgmt0' });
    assert.deepEqual(profile.lan.peers, STEPS.firewall.peers);
    assert.deepEqual(profile.management.admin_subnets, ['10.10.9.0/24']);
    assert.match(helper.read('firewall.log'), /^apply \S+\/etc\/medbox\/firewall\/wizard\.json --confirm-within 30$/m);
    assert.equal((await api('GET', '/api/v1/setup', { token: admin })).json.confirmBefore, a.json.confirmBefore);

    const c = await api('POST', '/api/v1/setup/confirm', { token: admin });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.completed, true);
    assert.equal(c.json.completedBy, 'admin');
    assert.match(helper.read('firewall.log'), /^confirm$/m);

    const audit = await api('GET', '/api/v1/audit?limit=1000', { token: admin });
    const actions = audit.json.entries.filter((e) => e.action.startsWith('setup.')).map((e) => `${e.action} ${e.target}`);
    assert.deepEqual(actions, [
      'setup.armed setup', 'setup.step setup:admin', 'setup.step setup:hostname', 'setup.step setup:hospital',
      'setup.step setup:time', 'setup.step setup:network', 'setup.step setup:certificate', 'setup.step setup:firewall',
      'setup.csr setup:certificate', 'setup.apply setup', 'setup.complete setup',
    ]);
    // Done: changes are taken, the wizard is closed.
    expectError(await api('PUT', '/api/v1/setup/steps/hostname', { token: admin, body: STEPS.hostname }), 409, 'conflict');
    expectError(await api('POST', '/api/v1/setup/apply', { token: admin }), 409, 'conflict');
  });

  it('is for admins only', async () => {
    for (const role of ['auditor', 'nurse', 'it_engineer', 'vendor']) {
      const token = await suite.staffToken([role]);
      expectError(await api('GET', '/api/v1/setup', { token }), 403, 'forbidden');
      expectError(await api('PUT', '/api/v1/setup/steps/hostname', { token, body: STEPS.hostname }), 403, 'forbidden');
      expectError(await api('POST', '/api/v1/setup/apply', { token }), 403, 'forbidden');
      expectError(await api('POST', '/api/v1/setup/confirm', { token }), 403, 'forbidden');
    }
    expectError(await api('GET', '/api/v1/setup'), 401, 'unauthenticated');
  });
});

describe('console without the setup wizard', () => {
  let suite;
  before(async () => {
    // The harness's console has a configured bootstrap password (like
    // scripts/up.sh): console.setup_wizard=auto leaves the wizard off.
    suite = await startSuite({ services: ['console'] });
  });
  after(async () => {
    await suite?.stop();
  });

  it('says no setup is required and takes changes at once', async () => {
    const admin = await suite.adminToken();
    const s = await suite.api('console', 'GET', '/api/v1/setup', { token: admin });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.required, false);
    const nurse = await suite.createStaff(['nurse']);
    assert.ok(nurse.id > 0);
    expectError(await suite.api('console', 'PUT', '/api/v1/setup/steps/hostname', { token: admin, body: { hostname: 'x' } }), 409, 'conflict');
  });
});

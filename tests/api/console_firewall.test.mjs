// The console's firewall page and time panel API (/api/v1/appliance/firewall*,
// /api/v1/appliance/time*) against the real console, the real privileged
// helper and the real medbox-firewall with real nftables, in network
// namespaces this test makes (root needed; skipped otherwise):
//   MEDBOX_BUILD_DIR=build node --test tests/api/console_firewall.test.mjs
// Namespace "appliance": the helper (and the firewall it runs), mgmt0 joined
// by a veth to namespace "admin" (10.77.9.0/24), dmz0 and lan0 (veths with
// their peer in the same namespace: no dummy module here), a TCP
// listener on 22. The console itself runs on the host and reaches the
// helper by its Unix socket, as on the appliance.
// What is tested: roles (auditor reads only; the vendor: api_vendor_roles); bad drafts and
// arguments refused with the field named; diff and dry run; apply + confirm
// (refused over a connection opened before the apply) stays (probes from the admin namespace, `nft list ruleset`); apply of a
// profile that locks the admin network out, not confirmed: locked out, then
// the previous ruleset comes back by itself within the window (probes,
// ruleset, state, audit rows); the time panel from a fake timedatectl and
// the servers through the helper's time verb.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSuite } from '../lib/harness.mjs';
import { startSetupHelper } from '../lib/setupHelper.mjs';
import { writeFakeTimedatectl } from '../lib/fake_timedatectl.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const netnsTools = path.join(here, '../../appliance/firewall/tests/netns');
const isRoot = process.getuid?.() === 0;
const tag = `fwp${process.pid % 100000}`;
const APPL = `${tag}-appl`;
const ADMIN = `${tag}-admin`;
const CONFIRM = 10; // the helper's shortest window

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', ...opts });
const inNs = (ns, ...argv) => sh('ip', ['netns', 'exec', ns, ...argv]);

function profile(adminSubnets) {
  return {
    model: 'frontend',
    interfaces: { dmz: 'dmz0', lan: 'lan0', management: 'mgmt0' },
    management: { admin_subnets: adminSubnets },
    lan: { peers: [{ name: 'his', address: '10.10.2.10', tcp: [8080], inbound: ['mllp'] }], staff: ['10.10.3.0/24'] },
  };
}
const GOOD = profile(['10.77.9.0/24']);
const LOCKOUT = profile(['10.99.0.0/24']);

// "open" or "filtered": SSH on the appliance's management address, from the admin network.
function probeSsh() {
  return inNs(ADMIN, 'python3', path.join(netnsTools, 'probe.py'), 'tcp', '10.77.9.1', '22').trim().split(/\s+/)[1];
}
const ruleset = () => inNs(APPL, 'nft', 'list', 'ruleset');

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

describe('console firewall page and time panel', { skip: !isRoot && 'needs root (network namespaces)' }, () => {
  let suite;
  let helper;
  let listener;
  let admin;
  let auditor;
  let fakeTime;
  const api = (method, p, opts) => suite.api('console', method, p, opts);

  before(async () => {
    for (const ns of [APPL, ADMIN]) sh('ip', ['netns', 'add', ns]);
    sh('ip', ['link', 'add', 'mgmt0', 'netns', APPL, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ADMIN]);
    inNs(APPL, 'sh', '-c', 'ip link set lo up && ip link set mgmt0 up && ip addr add 10.77.9.1/24 dev mgmt0 && ' +
      'for n in dmz0 lan0; do ip link add $n type veth peer name $n-p && ip link set $n up; done');
    inNs(ADMIN, 'sh', '-c', 'ip link set lo up && ip link set eth0 up && ip addr add 10.77.9.2/24 dev eth0');
    const log = path.join(os.tmpdir(), `${tag}-listen.log`);
    listener = spawn('ip', ['netns', 'exec', APPL, 'python3', path.join(netnsTools, 'listen.py'), '--log', log, '--tcp', '22'], {
      stdio: 'ignore',
    });
    // listen.py writes "ready" to its log once it listens.
    for (let i = 0; i < 100 && !(fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('ready')); i++)
      await new Promise((r) => setTimeout(r, 50));
    helper = await startSetupHelper({ realFirewall: true, netns: APPL });
    fakeTime = writeFakeTimedatectl(helper.root, { synchronized: false, stratum: 3, offset: '+1.5s', poll: '1min 4s', packets: 2 });
    suite = await startSuite({
      services: ['console'],
      settings: {
        console: {
          ...helper.settings,
          'console.setup_wizard': 'off',
          'console.firewall_confirm_seconds': String(CONFIRM),
          'console.timedatectl': fakeTime,
        },
      },
    });
    admin = await suite.adminToken();
    auditor = await suite.staffToken(['auditor']);
  });

  after(async () => {
    await suite?.stop();
    await helper?.stop();
    listener?.kill('SIGTERM');
    for (const ns of [APPL, ADMIN]) {
      try {
        // the listener and any revert waiter still asleep in there
        for (const pid of sh('ip', ['netns', 'pids', ns]).split(/\s+/).filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
        sh('ip', ['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  });

  it('starts with no saved profile and the admin network open (no table yet)', async () => {
    const s = await api('GET', '/api/v1/appliance/firewall', { token: admin });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.active, null);
    assert.equal(s.json.running, null);
    assert.equal(s.json.pending, null);
    assert.equal(s.json.confirmSeconds, CONFIRM);
    assert.equal(probeSsh(), 'open');
  });

  it('lets auditors read and refuses them every change', async () => {
    assert.equal((await api('GET', '/api/v1/appliance/firewall', { token: auditor })).status, 200);
    assert.equal((await api('GET', '/api/v1/appliance/time', { token: auditor })).status, 200);
    assert.equal((await api('POST', '/api/v1/appliance/firewall/diff', { token: auditor, body: { profile: GOOD } })).status, 200);
    for (const [method, p, body] of [
      ['POST', '/api/v1/appliance/firewall/check', { profile: GOOD }],
      ['POST', '/api/v1/appliance/firewall/apply', { profile: GOOD }],
      ['POST', '/api/v1/appliance/firewall/confirm', undefined],
      ['POST', '/api/v1/appliance/firewall/revert', undefined],
      ['PUT', '/api/v1/appliance/time/servers', { servers: ['10.10.2.1'] }],
    ]) {
      expectError(await api(method, p, { token: auditor, body }), 403, 'forbidden');
    }
    // The vendor role on these routes: api_vendor_roles (every documented
    // operation); a vendor account here would need a vendor window, which
    // this test's real firewall profile has no zone for.
    expectError(await api('GET', '/api/v1/appliance/firewall'), 401, 'unauthenticated');
  });

  it('refuses bad drafts with the key path as the field, before anything reaches nftables', async () => {
    const before = ruleset();
    const bad = structuredClone(GOOD);
    bad.management.admin_subnets = ['10.77.9.1/24'];
    let r = await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: bad } });
    expectError(r, 400, 'invalid_field', 'profile.management.admin_subnets[0]');
    assert.match(r.json.error.message, /did you mean 10\.77\.9\.0\/24/);
    const port = structuredClone(GOOD);
    port.lan.peers[0].tcp = [70000];
    r = await api('POST', '/api/v1/appliance/firewall/diff', { token: admin, body: { profile: port } });
    expectError(r, 400, 'invalid_field', 'profile.lan.peers[0].tcp[0]');
    const unknown = { ...structuredClone(GOOD), zone51: {} };
    expectError(await api('POST', '/api/v1/appliance/firewall/check', { token: admin, body: { profile: unknown } }), 400, 'invalid_field', 'profile.zone51');
    expectError(await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: GOOD, confirmSeconds: 5 } }), 400, 'invalid_field', 'confirmSeconds');
    expectError(await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: {} }), 400, 'missing_field', 'profile');
    expectError(await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: 'x' } }), 400, 'invalid_field', 'profile');
    expectError(await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: GOOD, force: true } }), 400, 'unknown_field', 'force');
    expectError(await api('POST', '/api/v1/appliance/firewall/confirm', { token: admin }), 409, 'conflict');
    assert.equal(ruleset(), before, 'the ruleset must not change');
  });

  it('diffs a draft and dry-runs it with nftables', async () => {
    let r = await api('POST', '/api/v1/appliance/firewall/diff', { token: admin, body: { profile: GOOD } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.removed, 0); // nothing saved yet: all new
    assert.ok(r.json.lines.some((l) => l.op === '+' && l.text.includes('10.77.9.0/24')), r.text);
    r = await api('POST', '/api/v1/appliance/firewall/check', { token: admin, body: { profile: GOOD } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.valid, true, r.json.output);
    assert.doesNotMatch(ruleset(), /table inet medbox/, 'a dry run changes nothing');
  });

  it('applies, confirms from a later request, and keeps the ruleset past the window', async () => {
    let r = await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: GOOD } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.confirmSeconds, CONFIRM);
    let s = await api('GET', '/api/v1/appliance/firewall', { token: admin });
    assert.ok(s.json.pending, s.text);
    assert.match(ruleset(), /10\.77\.9\.0\/24/);
    // Another apply waits for this one.
    expectError(await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: GOOD } }), 409, 'conflict');
    // The keep-alive connection the apply went over is refused (and closed):
    // open connections survive a lock-out, only a new one proves anything.
    r = await api('POST', '/api/v1/appliance/firewall/confirm', { token: admin });
    expectError(r, 409, 'conflict', 'connection');
    assert.match(r.headers.connection, /close/i);
    for (let i = 0; i < 20 && r.json?.error?.field === 'connection'; i++)
      r = await api('POST', '/api/v1/appliance/firewall/confirm', { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.pending, null);
    assert.equal(r.json.lastOutcome, 'confirmed');
    assert.deepEqual(r.json.active.management.admin_subnets, ['10.77.9.0/24']);
    assert.equal(r.json.appliedBy, suite.adminUsername);
    await new Promise((res) => setTimeout(res, (CONFIRM + 2) * 1000));
    assert.equal(probeSsh(), 'open');
    assert.match(ruleset(), /10\.77\.9\.0\/24/);
    s = await api('GET', '/api/v1/appliance/firewall', { token: admin });
    assert.equal(s.json.lastOutcome, 'confirmed');
    assert.match(s.json.running.comment, /medbox model=frontend/);
    assert.deepEqual(s.json.running.zones.map((z) => z.zone).sort(), ['dmz', 'lan', 'management']);
    assert.ok(helper.exists('etc/medbox/firewall/active.json'));
  });

  it('shows the diff against the running profile', async () => {
    const r = await api('POST', '/api/v1/appliance/firewall/diff', { token: auditor, body: { profile: LOCKOUT } });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.lines.some((l) => l.op === '-' && l.text.includes('10.77.9.0/24')), r.text);
    assert.ok(r.json.lines.some((l) => l.op === '+' && l.text.includes('10.99.0.0/24')), r.text);
    assert.ok(r.json.lines.some((l) => l.op === '@'), 'unchanged lines are skipped');
  });

  it('a lock-out not confirmed comes back by itself within the window', async () => {
    const runningBefore = ruleset();
    const applied = Date.now();
    let r = await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: LOCKOUT, confirmSeconds: CONFIRM } });
    assert.equal(r.status, 200, r.text);
    assert.equal(probeSsh(), 'filtered', 'the admin network is locked out');
    assert.match(ruleset(), /10\.99\.0\.0\/24/);
    // The dropped SYNs are counted on the management zone's counter.
    const locked = await api('GET', '/api/v1/appliance/firewall', { token: auditor });
    assert.ok(locked.json.running.zones.find((z) => z.zone === 'management').in >= 1, locked.text);
    assert.equal(locked.json.running.zones.find((z) => z.zone === 'dmz').in, 0, locked.text);
    // Nobody confirms. The firewall's waiter reverts at the deadline.
    let s;
    for (;;) {
      await new Promise((res) => setTimeout(res, 500));
      s = await api('GET', '/api/v1/appliance/firewall', { token: auditor });
      if (s.json.pending === null) break;
      assert.ok(Date.now() - applied < (CONFIRM + 10) * 1000, 'no revert within the window');
    }
    const took = (Date.now() - applied) / 1000;
    assert.ok(took >= CONFIRM - 1 && took < CONFIRM + 5, `reverted after ${took} s`);
    assert.equal(s.json.lastOutcome, 'reverted');
    assert.deepEqual(s.json.active.management.admin_subnets, ['10.77.9.0/24'], 'the saved profile is still the old one');
    assert.equal(probeSsh(), 'open', 'the admin network is back in');
    assert.doesNotMatch(ruleset(), /10\.99\.0\.0\/24/);
    assert.match(ruleset(), /10\.77\.9\.0\/24/);
    // A confirm now is too late.
    expectError(await api('POST', '/api/v1/appliance/firewall/confirm', { token: admin }), 409, 'conflict');
    // Same rules as before the apply (counters aside).
    const strip = (x) => x.replace(/packets \d+ bytes \d+/g, '');
    assert.equal(strip(ruleset()), strip(runningBefore));
    r = await api('GET', '/api/v1/audit?limit=1000', { token: admin });
    const rows = r.json.entries.filter((e) => e.action.startsWith('firewall.'));
    const me = suite.adminUsername;
    assert.deepEqual(rows.map((e) => `${e.action} ${e.outcome} ${e.actor}`).sort(), [
      `firewall.apply ok staff:${me}`,
      `firewall.apply ok staff:${me}`,
      `firewall.check ok staff:${me}`,
      `firewall.confirm ok staff:${me}`,
      'firewall.revert ok system:medbox-firewall',
    ]);
  });

  it('an admin may revert a waiting change at once', async () => {
    let r = await api('POST', '/api/v1/appliance/firewall/apply', { token: admin, body: { profile: LOCKOUT } });
    assert.equal(r.status, 200, r.text);
    assert.equal(probeSsh(), 'filtered');
    r = await api('POST', '/api/v1/appliance/firewall/revert', { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.pending, null);
    assert.equal(r.json.lastOutcome, 'reverted-by-admin');
    assert.equal(probeSsh(), 'open');
    expectError(await api('POST', '/api/v1/appliance/firewall/revert', { token: admin }), 409, 'conflict');
  });

  it('reads the NTP state and sets the servers through the helper', async () => {
    let r = await api('GET', '/api/v1/appliance/time', { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.available, true);
    assert.equal(r.json.synchronized, false);
    assert.equal(r.json.warning, true);
    assert.equal(r.json.offsetUs, 1_500_000);
    assert.equal(r.json.stratum, 3);
    assert.equal(r.json.pollIntervalUs, 64_000_000);
    assert.deepEqual(r.json.systemServers, ['10.10.2.1', 'ntp.hospital.local']);
    assert.equal(r.json.server, '10.10.2.1 (10.10.2.1)');
    expectError(await api('PUT', '/api/v1/appliance/time/servers', { token: admin, body: { servers: ['ntp.ok', 'bad host!'] } }), 400, 'invalid_field', 'servers[1]');
    expectError(await api('PUT', '/api/v1/appliance/time/servers', { token: admin, body: { servers: [] } }), 400, 'invalid_field', 'servers');
    r = await api('PUT', '/api/v1/appliance/time/servers', { token: admin, body: { servers: ['10.10.2.1', 'ntp2.hospital.local'] } });
    assert.equal(r.status, 200, r.text);
    assert.match(helper.read('etc/systemd/timesyncd.conf.d/50-medbox.conf'), /NTP=10\.10\.2\.1 ntp2\.hospital\.local/);
    r = await api('GET', '/api/v1/audit?limit=1000', { token: admin });
    assert.ok(r.json.entries.some((e) => e.action === 'time.servers' && e.outcome === 'ok' && JSON.stringify(e.detail).includes('ntp2.hospital.local')), r.text);
  });
});

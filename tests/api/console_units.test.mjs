// API tests of the console's unit control (/api/v1/appliance/units) against
// the real binary, where there is no systemd to talk to: the system bus is
// pointed at a socket that does not exist, as on a build machine.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/console_units.test.mjs
// What is tested here: who may call what (401/403 for every endpoint and
// role), names that are not medbox units refused with 403 before any bus
// access, the console's refusal to stop or restart itself (409), 503 instead
// of a crash without systemd, and the audit rows of every start/stop/restart.
// The same endpoints against a real systemd, polkit and journal are tested in
// tests/nspawn/units_test.sh.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite } from '../lib/harness.mjs';

const ALL_ROLES = ['admin', 'scheduler', 'registrar', 'nurse', 'doctor', 'quality', 'auditor', 'it_agent', 'it_engineer', 'backup_operator', 'vendor'];
const READERS = ['admin', 'auditor'];
const NO_BUS = 'unix:path=/nonexistent/medbox-test/system_bus_socket';
const BASE = '/api/v1/appliance/units';
const VERBS = ['start', 'stop', 'restart'];

function expectError(r, status, code) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
}

describe('console unit control without systemd', () => {
  let suite;
  let admin;
  const api = (method, path, opts) => suite.api('console', method, path, opts);
  const auditAfter = async (seq) => {
    const r = await api('GET', `/api/v1/audit?after=${seq}&limit=1000`, { token: admin });
    assert.equal(r.status, 200, r.text);
    return r.json.entries.filter((e) => e.action.startsWith('unit.'));
  };
  const lastSeq = async () => {
    const r = await api('GET', '/api/v1/audit?limit=1000', { token: admin });
    return r.json.nextAfter;
  };

  before(async () => {
    suite = await startSuite({ services: ['console'], env: { DBUS_SYSTEM_BUS_ADDRESS: NO_BUS } });
    admin = await suite.adminToken();
  });
  after(async () => {
    await suite?.stop();
  });

  describe('access', () => {
    const reads = [
      ['GET', BASE],
      ['GET', `${BASE}/booking`],
      ['GET', `${BASE}/medbox-booking.service?lines=5`],
    ];
    const writes = VERBS.map((v) => ['POST', `${BASE}/booking/${v}`]);

    it('every endpoint answers 401 without a token or with a bad one', async () => {
      for (const [method, path] of [...reads, ...writes]) {
        expectError(await api(method, path), 401, 'unauthenticated');
        expectError(await api(method, path, { token: 'not.a.token' }), 401, 'unauthenticated');
      }
    });

    it('reading is for admin and auditor only: 403 for every other role, a must-change token and service tokens', async () => {
      for (const role of ALL_ROLES.filter((r) => !READERS.includes(r))) {
        const t = await suite.staffToken([role]);
        for (const [method, path] of reads) expectError(await api(method, path, { token: t }), 403, 'forbidden');
      }
      const mustChange = await suite.createStaff(['admin']);
      const reset = await api('POST', `/api/v1/users/${mustChange.id}/password`, { token: admin, body: { password: mustChange.password + 'x' } });
      assert.equal(reset.status, 200, reset.text);
      const marker = await suite.login(mustChange.username, mustChange.password + 'x');
      const service = suite.serviceToken('booking');
      for (const t of [marker, service]) {
        for (const [method, path] of [...reads, ...writes]) expectError(await api(method, path, { token: t }), 403, 'forbidden');
      }
    });

    it('start, stop and restart are for admin only: 403 for every other role, auditor included', async () => {
      for (const role of ALL_ROLES.filter((r) => r !== 'admin')) {
        const t = await suite.staffToken([role]);
        for (const [method, path] of writes) expectError(await api(method, path, { token: t }), 403, 'forbidden');
      }
      // Role denials happen in the router, before the handler: no audit row.
    });

    it('admin and auditor get past the role check (503: no systemd here)', async () => {
      for (const role of READERS) {
        const t = role === 'admin' ? admin : await suite.staffToken([role]);
        for (const [method, path] of reads) {
          const r = await api(method, path, { token: t });
          expectError(r, 503, 'unavailable');
        }
      }
    });
  });

  describe('journal pages (GET .../units/{name}/journal)', () => {
    const J = `${BASE}/booking/journal`;
    it('is for admin and auditor only, and needs no system bus', async () => {
      expectError(await api('GET', J), 401, 'unauthenticated');
      for (const role of ALL_ROLES.filter((r) => !READERS.includes(r))) {
        expectError(await api('GET', J, { token: await suite.staffToken([role]) }), 403, 'forbidden');
      }
      expectError(await api('GET', J, { token: suite.serviceToken('booking') }), 403, 'forbidden');
      for (const role of READERS) {
        const t = role === 'admin' ? admin : await suite.staffToken([role]);
        const r = await api('GET', `${J}?priority=3&since=2026-12-03T08:00:00%2B08:00&q=error&limit=50`, { token: t });
        assert.equal(r.status, 200, r.text);
        assert.ok(Array.isArray(r.json.lines), r.text);
        assert.equal(typeof r.json.more, 'boolean', r.text);
        assert.equal(typeof r.json.scanLimited, 'boolean', r.text);
      }
    });

    it('refuses bad filters and cursors with 400 naming the field, and other units with 403', async () => {
      const bad = [
        ['priority=8', 'priority'],
        ['priority=x', 'priority'],
        ['since=yesterday', 'since'],
        ['until=2026-12-03T08:00:00', 'until'],
        [`q=${'a'.repeat(201)}`, 'q'],
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
      ];
      for (const [query, field] of bad) {
        const r = await api('GET', `${J}?${query}`, { token: admin });
        expectError(r, 400, 'invalid_field');
        assert.equal(r.json.error.field, field, r.text);
      }
      for (const query of ['before=garbage', 'after=s%3D1%0A_PID%3D1', 'before=s%3D1&after=s%3D1']) {
        expectError(await api('GET', `${J}?${query}`, { token: admin }), 400, 'invalid_field');
      }
      expectError(await api('GET', `${BASE}/ssh.service/journal`, { token: admin }), 403, 'forbidden');
      assert.ok(suite.running('console'));
    });
  });

  describe('resource samples (GET /api/v1/appliance/samples)', () => {
    const S = '/api/v1/appliance/samples';
    it('has the host\'s memory and disk from the first sample on, for admin and auditor only', async () => {
      let r;
      for (let i = 0; i < 50; i++) {  // the first sample is taken as the console starts
        r = await api('GET', S, { token: await suite.staffToken(['auditor']) });
        if (r.json?.metrics?.['mem.used_bytes']) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(r.status, 200, r.text);
      const used = r.json.metrics['mem.used_bytes'];
      const total = r.json.metrics['mem.total_bytes'];
      assert.ok(used?.length >= 1 && total?.length >= 1, r.text);
      assert.ok(used[0][1] > 0 && used[0][1] <= total[0][1], r.text);
      assert.ok(r.json.metrics['disk.total_bytes:/']?.[0]?.[1] > 0, r.text);
      const disk = await api('GET', `${S}?metric=disk.`, { token: admin });
      assert.deepEqual(Object.keys(disk.json.metrics).filter((m) => !m.startsWith('disk.')), [], disk.text);
      for (const role of ['nurse', 'vendor', 'backup_operator']) {
        expectError(await api('GET', S, { token: await suite.staffToken([role]) }), 403, 'forbidden');
      }
    });

    it('refuses bad windows with 400 naming the field', async () => {
      for (const [query, field] of [['since=yesterday', 'since'], ['until=2026-12-03', 'until'],
        ['since=2026-12-03T10:00:00Z&until=2026-12-03T09:00:00Z', 'since'],
        ['since=2020-01-01T00:00:00Z', 'since']]) {
        const r = await api('GET', `${S}?${query}`, { token: admin });
        expectError(r, 400, 'invalid_field');
        assert.equal(r.json.error.field, field, r.text);
      }
    });
  });

  describe('without a system bus', () => {
    it('answers 503 "systemd is not reachable" with the reason, for every endpoint, and keeps running', async () => {
      const list = await api('GET', BASE, { token: admin });
      expectError(list, 503, 'unavailable');
      assert.match(list.json.error.message, /^systemd is not reachable: cannot connect to the system bus at /);
      assert.ok(list.json.error.message.includes('/nonexistent/medbox-test/system_bus_socket'), list.text);
      expectError(await api('GET', `${BASE}/booking?lines=200`, { token: admin }), 503, 'unavailable');
      for (const v of VERBS) expectError(await api('POST', `${BASE}/booking/${v}`, { token: admin }), 503, 'unavailable');
      const health = await api('GET', '/healthz');
      assert.equal(health.status, 200, health.text);
      assert.ok(suite.running('console'));
    });

    it('audits each failed action with actor, unit and outcome', async () => {
      const seq = await lastSeq();
      expectError(await api('POST', `${BASE}/booking/restart`, { token: admin }), 503, 'unavailable');
      const rows = await auditAfter(seq);
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0].actor, 'staff:admin');
      assert.equal(rows[0].action, 'unit.restart');
      assert.equal(rows[0].target, 'unit:medbox-booking.service');
      assert.equal(rows[0].outcome, 'failed');
      assert.equal(rows[0].detail.requested, 'booking');
      assert.equal(rows[0].detail.reason, 'no-bus');
    });
  });

  describe('names', () => {
    it('refuses units that are not medbox\'s with 403 and a clear message, before the bus, and audits it', async () => {
      const refused = [
        'systemd-journald.service',
        'ssh.service',
        'dbus.service',
        'medbox.target',
        'medbox-booking.socket',
        'medbox-x@.service',
        'Medbox-booking.service',
        'medbox-booking.service%20x',
        `medbox-${'a'.repeat(300)}.service`,
        'medbox-a%5Cx2f.service',
      ];
      const seq = await lastSeq();
      for (const name of refused) {
        for (const v of VERBS) {
          const r = await api('POST', `${BASE}/${name}/${v}`, { token: admin });
          // 403, not 503: the refusal does not depend on systemd being there.
          expectError(r, 403, 'forbidden');
        }
        expectError(await api('GET', `${BASE}/${name}`, { token: admin }), 403, 'forbidden');
      }
      const journald = await api('POST', `${BASE}/systemd-journald.service/stop`, { token: admin });
      assert.match(journald.json.error.message, /"systemd-journald.service" is not a medbox unit/);
      assert.match(journald.json.error.message, /only medbox-\*\.service and medbox-\*\.timer units may be managed/);

      const rows = await auditAfter(seq);
      assert.equal(rows.length, refused.length * VERBS.length + 1);
      for (const row of rows) {
        assert.equal(row.outcome, 'denied', JSON.stringify(row));
        assert.equal(row.actor, 'staff:admin');
        assert.equal(row.target, 'unit:?');
        assert.equal(row.detail.reason, 'not-a-medbox-unit');
      }
      assert.equal(rows.at(-1).action, 'unit.stop');
      assert.equal(rows.at(-1).detail.requested, 'systemd-journald.service');
      // A hostile name is cut and kept printable in the audit row.
      assert.ok(rows.every((r) => r.detail.requested.length <= 103 && /^[\x20-\x7e]*$/.test(r.detail.requested)));
    });

    it('a path cannot be smuggled into the name', async () => {
      for (const path of [`${BASE}/..%2F..%2Fssh.service/stop`, `${BASE}/%2e%2e/stop`]) {
        const r = await api('POST', path, { token: admin });
        assert.ok([403, 404].includes(r.status), `${path}: ${r.status} ${r.text}`);
        assert.notEqual(r.status, 503, 'must not reach the bus');
      }
    });

    it('accepts the short and the full form of a medbox unit (503 here: they got past the name check)', async () => {
      for (const name of ['booking', 'medbox-booking', 'medbox-booking.service', 'medbox-backup.timer', 'medbox-x@a.b.service']) {
        expectError(await api('GET', `${BASE}/${name}`, { token: admin }), 503, 'unavailable');
      }
    });

    it('refuses to stop or restart the console itself with 409, in every spelling, before the bus, and audits it', async () => {
      const seq = await lastSeq();
      for (const name of ['console', 'medbox-console', 'medbox-console.service']) {
        for (const v of ['stop', 'restart']) {
          const r = await api('POST', `${BASE}/${name}/${v}`, { token: admin });
          expectError(r, 409, 'conflict');
          assert.match(r.json.error.message, new RegExp(`the console does not ${v} its own unit .*medboxctl ${v} console`));
        }
      }
      // Starting it is not refused (a no-op when it runs): here it needs the bus.
      expectError(await api('POST', `${BASE}/console/start`, { token: admin }), 503, 'unavailable');
      const rows = await auditAfter(seq);
      assert.equal(rows.length, 7);
      for (const row of rows.slice(0, 6)) {
        assert.equal(row.outcome, 'denied');
        assert.equal(row.target, 'unit:medbox-console.service');
        assert.equal(row.detail.reason, 'self');
      }
      assert.equal(rows[6].action, 'unit.start');
      assert.equal(rows[6].outcome, 'failed');
    });

    it('validates lines (1..200) and refuses a body', async () => {
      for (const q of ['lines=0', 'lines=201', 'lines=x', 'lines=-1']) {
        expectError(await api('GET', `${BASE}/booking?${q}`, { token: admin }), 400, 'invalid_field');
      }
      expectError(await api('POST', `${BASE}/booking/start`, { token: admin, body: { now: true } }), 400, 'unknown_field');
    });

    it('enable and disable are not offered over the web console', async () => {
      for (const v of ['enable', 'disable']) {
        const r = await api('POST', `${BASE}/booking/${v}`, { token: admin });
        expectError(r, 404, 'not_found');
      }
    });
  });

  it('the audit chain still verifies', async () => {
    const r = await api('GET', '/api/v1/audit/verify', { token: admin });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.ok, true, r.text);
  });
});

// The audit viewer's API in the console (GET /api/v1/appliance/audit and
// /audit/chains) against a real booking: rows and filters passed through to
// booking's /api/v1/system/audit (compared with what booking answers
// itself), CSV, the hash chain verified through booking's
// /api/v1/system/integrity?parts=audit, a tampered row found, a service
// that does not answer (503), bad input (400), and roles.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/console_audit.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startSuite } from '../lib/harness.mjs';

const A = '/api/v1/appliance/audit';
const CHAINS = '/api/v1/appliance/audit/chains';
const ALL_ROLES = ['admin', 'scheduler', 'registrar', 'nurse', 'doctor', 'quality', 'auditor', 'it_agent', 'it_engineer', 'backup_operator', 'vendor'];
const READERS = ['admin', 'auditor'];

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

describe('console audit viewer over every service', () => {
  let suite;
  let auditor;
  let admin;
  const consoleApi = (method, p, opts) => suite.api('console', method, p, opts);

  before(async () => {
    suite = await startSuite({ services: ['console', 'booking'] });
    suite.settings.console = { 'console.peers.booking.url': suite.url('booking') };
    await suite.restart('console');
    auditor = await suite.staffToken(['auditor']);
    admin = await suite.adminToken();
    // Rows in booking's log: departments made by two actors, one refused.
    const scheduler = await suite.staffToken(['scheduler'], { username: 'sched-audit' });
    for (const [code, token] of [['AUD1', scheduler], ['AUD2', admin], ['AUD3', scheduler]]) {
      const r = await suite.api('booking', 'POST', '/api/v1/departments', { token, body: { code, name: `审计 ${code}`, location: 'Room=1' } });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(async () => {
    await suite?.stop();
  });

  it('passes the filters through: the same rows as booking answers itself', async () => {
    const queries = [
      'limit=1000',
      'action=booking.department_create&limit=1000',
      'actor=staff:sched-audit&limit=1000',
      'q=AUD2&limit=1000',
      'outcome=ok&action=booking.&limit=2',
      `since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=1000`,
      `until=${encodeURIComponent('2000-01-01T00:00:00Z')}`,
      'order=desc&limit=2',
      'order=desc&before=3&limit=1000',
      'order=desc&actor=staff:sched-audit',
      // Values are sent on encoded: quotes, '&', '=', '#', spaces, Chinese stay text.
      `q=${encodeURIComponent('"code":"AUD1"')}`,
      `q=${encodeURIComponent('x&actor=staff:admin')}`,
      `q=${encodeURIComponent('审计 #1 %')}&actor=${encodeURIComponent('staff:sched-audit')}`,
    ];
    for (const q of queries) {
      const own = await suite.api('booking', 'GET', `/api/v1/system/audit?${q}`, { token: auditor });
      assert.equal(own.status, 200, own.text);
      const via = await consoleApi('GET', `${A}?service=booking&${q}`, { token: auditor });
      assert.equal(via.status, 200, via.text);
      assert.equal(via.json.service, 'booking');
      assert.deepEqual(via.json.entries, own.json.entries, q);
      assert.equal(via.json.nextAfter, own.json.nextAfter, q);
      assert.equal(via.json.nextBefore, own.json.nextBefore, q);
    }
    const mine = await consoleApi('GET', `${A}?service=booking&actor=staff:sched-audit&limit=1000`, { token: auditor });
    assert.deepEqual(mine.json.entries.map((e) => e.target.startsWith('department:') && e.actor), ['staff:sched-audit', 'staff:sched-audit']);
    const quoted = await consoleApi('GET', `${A}?service=booking&q=${encodeURIComponent('"code":"AUD1"')}`, { token: auditor });
    assert.equal(quoted.json.entries.length, 1, quoted.text);
    const injected = await consoleApi('GET', `${A}?service=booking&q=${encodeURIComponent('x&actor=staff:admin')}`, { token: auditor });
    assert.equal(injected.json.entries.length, 0, 'the text is not split into more parameters');
    const text = await consoleApi('GET', `${A}?service=booking&q=AUD2`, { token: auditor });
    assert.equal(text.json.entries.length, 1, text.text);
    assert.equal(text.json.entries[0].actor, 'staff:admin');
    // Newest first, paged back with before.
    const newest = await consoleApi('GET', `${A}?service=booking&order=desc&limit=2`, { token: auditor });
    assert.ok(newest.json.entries[0].seq > newest.json.entries[1].seq, newest.text);
    const older = await consoleApi('GET', `${A}?service=booking&order=desc&limit=2&before=${newest.json.nextBefore}`, { token: auditor });
    assert.equal(older.json.entries[0].seq, newest.json.entries[1].seq - 1, older.text);
    const mineNewest = await consoleApi('GET', `${A}?service=console&order=desc&limit=1`, { token: auditor });
    assert.equal(mineNewest.json.nextBefore, mineNewest.json.entries[0].seq);
    // Paging by sequence number.
    const first = await consoleApi('GET', `${A}?service=booking&limit=2`, { token: auditor });
    assert.equal(first.json.entries.length, 2);
    const next = await consoleApi('GET', `${A}?service=booking&limit=2&after=${first.json.nextAfter}`, { token: auditor });
    assert.equal(next.json.entries[0].seq, first.json.entries[1].seq + 1, next.text);
  });

  it("reads the console's own log locally", async () => {
    const r = await consoleApi('GET', `${A}?service=console&action=user.&limit=1000`, { token: auditor });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.entries.length > 0 && r.json.entries.every((e) => e.action.startsWith('user.')), r.text);
    assert.equal(r.json.chain.known, true);
    assert.equal(r.json.chain.ok, true);
  });

  it("exports the service's CSV", async () => {
    const own = await suite.api('booking', 'GET', '/api/v1/system/audit?format=csv&limit=1000&action=booking.department', { token: auditor });
    const via = await consoleApi('GET', `${A}?service=booking&format=csv&limit=1000&action=booking.department`, { token: auditor });
    assert.equal(via.status, 200, via.text);
    assert.match(via.headers['content-type'], /^text\/csv/);
    assert.match(via.headers['content-disposition'], /attachment; filename="booking-audit\.csv"/);
    assert.equal(via.text, own.text);
    assert.equal(via.text.trim().split('\r\n').length, 4, via.text);
    const mine = await consoleApi('GET', `${A}?service=console&format=csv&limit=3`, { token: admin });
    assert.match(mine.headers['content-disposition'], /console-audit\.csv/);
    assert.equal(mine.text.split('\r\n')[0], 'seq,at,actor,action,target,outcome,detail,hash');
  });

  it('refuses bad input with 400 naming the field', async () => {
    expectError(await consoleApi('GET', A, { token: auditor }), 400, 'missing_field', 'service');
    for (const [q, code, field] of [
      ['service=nope', 'invalid_field', 'service'],
      ['service=../booking', 'invalid_field', 'service'],
      [`service=${'b'.repeat(100)}`, 'invalid_field', 'service'],
      ['service=booking&outcome=maybe', 'invalid_field', 'outcome'],
      ['service=booking&since=today', 'invalid_field', 'since'],
      ['service=booking&since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'invalid_field', 'until'],
      ['service=booking&limit=0', 'invalid_field', 'limit'],
      ['service=booking&limit=1001', 'invalid_field', 'limit'],
      ['service=booking&after=-1', 'invalid_field', 'after'],
      ['service=booking&format=xml', 'invalid_field', 'format'],
      ['service=booking&order=up', 'invalid_field', 'order'],
      ['service=booking&before=3', 'invalid_field', 'before'],
      ['service=booking&order=desc&after=1', 'invalid_field', 'after'],
      ['service=booking&order=desc&before=0', 'invalid_field', 'before'],
      [`service=booking&q=${'x'.repeat(201)}`, 'invalid_field', 'q'],
      [`service=booking&actor=${'a'.repeat(201)}`, 'invalid_field', 'actor'],
    ]) {
      expectError(await consoleApi('GET', `${A}?${q}`, { token: auditor }), 400, code, field);
    }
  });

  it('says clearly when a service does not answer (503), and the chains list says it per service', async () => {
    const r = await consoleApi('GET', `${A}?service=portal`, { token: auditor });
    expectError(r, 503, 'unavailable');
    assert.match(r.json.error.message, /^portal is not answering/);
    const c = await consoleApi('GET', CHAINS, { token: auditor });
    assert.equal(c.status, 200, c.text);
    const by = Object.fromEntries(c.json.chains.map((x) => [x.service, x]));
    assert.equal(c.json.chains[0].service, 'console');
    assert.equal(by.console.ok, true);
    assert.equal(by.booking.known, true);
    assert.equal(by.booking.ok, true);
    assert.ok(by.booking.rows >= 3, c.text);
    assert.equal(by.portal.known, false);
    assert.match(by.portal.error, /not answering/);
  });

  it('is for admins and auditors only', async () => {
    for (const p of [`${A}?service=booking`, CHAINS]) {
      expectError(await consoleApi('GET', p), 401, 'unauthenticated');
      for (const role of ALL_ROLES.filter((x) => !READERS.includes(x))) {
        expectError(await consoleApi('GET', p, { token: await suite.staffToken([role]) }), 403, 'forbidden');
      }
      expectError(await consoleApi('GET', p, { token: suite.serviceToken('booking') }), 403, 'forbidden');
      for (const role of READERS) assert.equal((await consoleApi('GET', p, { token: await suite.staffToken([role]) })).status, 200);
    }
  });

  // Last: it breaks booking's chain for good.
  it("shows booking's chain broken at the row changed in its database file", async () => {
    const rows = (await consoleApi('GET', `${A}?service=booking&q=AUD2`, { token: auditor })).json.entries;
    const seq = rows[0].seq;
    execFileSync('sqlite3', [path.join(suite.dataDir, 'booking.db'), `UPDATE audit_log SET target = 'department:999' WHERE seq = ${seq}`]);
    const r = await consoleApi('GET', `${A}?service=booking&limit=1000`, { token: auditor });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.chain.known, true);
    assert.equal(r.json.chain.ok, false);
    assert.equal(r.json.chain.firstBadSeq, seq);
    assert.equal(r.json.chain.rows, seq - 1);
    assert.match(r.json.chain.reason, new RegExp(`row ${seq} was changed`));
    // The changed row is shown as it is now: the viewer marks it, not hides it.
    assert.equal(r.json.entries.find((e) => e.seq === seq).target, 'department:999');
    const c = await consoleApi('GET', CHAINS, { token: admin });
    const booking = c.json.chains.find((x) => x.service === 'booking');
    assert.equal(booking.ok, false);
    assert.equal(booking.firstBadSeq, seq);
  });
});

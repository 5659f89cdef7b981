// Staff token revocation across services, against the real console and
// booking binaries: logout, an admin disabling a user, a password change;
// the console's revocation list and who may read it; booking restarted after
// a revocation, and booking while the console is down.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/revocation.test.mjs
// Booking polls every 200 ms here (auth.revocation_poll_ms; 5 s by default),
// so "within a bounded wait" is a few seconds at most.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, hasService } from '../lib/harness.mjs';

const POLL_MS = 200;
const BOUND_MS = 5_000; // many polls, on a slow and busy test machine

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

function expectRevoked(r) {
  expectError(r, 401, 'unauthenticated');
  assert.match(r.json.error.message, /revoked/, r.text);
}

const claims = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('staff token revocation', { skip: !hasService('booking') || !hasService('console') ? 'medbox-booking or medbox-console not built' : false }, () => {
  let suite;
  const consoleApi = (method, path, opts) => suite.api('console', method, path, opts);
  const bookingApi = (method, path, opts) => suite.api('booking', method, path, opts);
  // Any catalogue read booking admits for a nurse.
  const onBooking = (token) => bookingApi('GET', '/api/v1/departments', { token });

  // Asks booking until it answers 401 (or the bound passes); returns the last answer and how long it took.
  async function untilBookingRefuses(token) {
    const t0 = Date.now();
    let r;
    do {
      r = await onBooking(token);
      if (r.status === 401) break;
      await sleep(50);
    } while (Date.now() - t0 < BOUND_MS);
    return { r, ms: Date.now() - t0 };
  }

  async function auditEntries(action) {
    const r = await consoleApi('GET', '/api/v1/audit?limit=1000', { token: await suite.adminToken() });
    assert.equal(r.status, 200, r.text);
    return r.json.entries.filter((e) => e.action === action);
  }

  before(async () => {
    suite = await startSuite({
      services: ['console', 'booking'],
      // notice: the poller says when it follows the console again
      settings: { booking: { 'auth.revocation_poll_ms': String(POLL_MS), 'log.level': 'notice' } },
    });
  });
  after(async () => {
    await suite?.stop();
  });

  it('staff tokens carry a jti', async () => {
    const s = await suite.createStaff(['nurse']);
    const c = claims(s.token);
    assert.match(c.jti, /^[0-9a-f]{32}$/);
    assert.ok(Number.isInteger(c.iat));
    assert.notEqual(claims(await suite.login(s.username, s.password)).jti, c.jti);
  });

  it('after logout the token is refused by the console at once and by booking within the poll', async () => {
    const s = await suite.createStaff(['nurse']);
    const second = await suite.login(s.username, s.password); // another session of the same user
    assert.equal((await consoleApi('GET', '/api/v1/me', { token: s.token })).status, 200);
    assert.equal((await onBooking(s.token)).status, 200); // verified and cached by booking

    const out = await consoleApi('POST', '/api/v1/auth/logout', { token: s.token });
    assert.equal(out.status, 204, out.text);
    assert.equal(out.text, '');
    expectRevoked(await consoleApi('GET', '/api/v1/me', { token: s.token }));
    const { r, ms } = await untilBookingRefuses(s.token);
    expectRevoked(r);
    assert.ok(ms < BOUND_MS, `booking refused it after ${ms} ms`);
    // Only that token: the user's other session goes on, on both services.
    assert.equal((await consoleApi('GET', '/api/v1/me', { token: second })).status, 200);
    assert.equal((await onBooking(second)).status, 200);
    // Logging out twice: the token is no longer a token.
    expectRevoked(await consoleApi('POST', '/api/v1/auth/logout', { token: s.token }));

    const rows = (await auditEntries('auth.logout')).filter((e) => e.actor === `staff:${s.username}`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].target, `user:${s.username}`);
    assert.equal(rows[0].outcome, 'ok');
  });

  it('logout takes a staff token and no body', async () => {
    expectError(await consoleApi('POST', '/api/v1/auth/logout', {}), 401, 'unauthenticated');
    expectError(await consoleApi('POST', '/api/v1/auth/logout', { token: suite.serviceToken('booking') }), 403, 'forbidden');
    const s = await suite.createStaff(['nurse']);
    expectError(await consoleApi('POST', '/api/v1/auth/logout', { token: s.token, body: { all: true } }), 400, 'unknown_field', 'all');
    assert.equal((await consoleApi('GET', '/api/v1/me', { token: s.token })).status, 200);
  });

  it('when an admin disables a user, booking refuses that user\'s token; another user\'s still works', async () => {
    const victim = await suite.createStaff(['nurse']);
    const bystander = await suite.createStaff(['nurse']);
    assert.equal((await onBooking(victim.token)).status, 200);
    assert.equal((await onBooking(bystander.token)).status, 200);

    const admin = await suite.adminToken();
    const p = await consoleApi('PATCH', `/api/v1/users/${victim.id}`, { token: admin, body: { enabled: false } });
    assert.equal(p.status, 200, p.text);
    expectRevoked(await consoleApi('GET', '/api/v1/me', { token: victim.token }));
    const { r, ms } = await untilBookingRefuses(victim.token);
    expectRevoked(r);
    assert.ok(ms < BOUND_MS, `booking refused it after ${ms} ms`);
    assert.equal((await onBooking(bystander.token)).status, 200);
    assert.equal((await consoleApi('GET', '/api/v1/me', { token: bystander.token })).status, 200);

    const revoke = (await auditEntries('auth.revoke')).find((e) => e.target === `user:${victim.username}`);
    assert.ok(revoke, 'auth.revoke is audited');
    assert.equal(revoke.actor, 'staff:admin');
    assert.equal(revoke.detail.reason, 'disabled');
  });

  it('a password change ends the other tokens; the token it answers works on booking', async () => {
    const s = await suite.createStaff(['nurse']);
    const newPassword = `${s.password}-2`;
    const ch = await consoleApi('POST', '/api/v1/auth/password', { token: s.token, body: { oldPassword: s.password, newPassword } });
    assert.equal(ch.status, 200, ch.text);
    expectRevoked((await untilBookingRefuses(s.token)).r);
    assert.equal((await onBooking(ch.json.token)).status, 200);
    assert.equal((await consoleApi('GET', '/api/v1/me', { token: ch.json.token })).status, 200);
  });

  describe('GET /api/v1/auth/revocations', () => {
    it('answers a service the entries after a seq, oldest first, and where to go on', async () => {
      const s = await suite.createStaff(['doctor']);
      const all = await consoleApi('GET', '/api/v1/auth/revocations', { token: suite.serviceToken('portal') });
      assert.equal(all.status, 200, all.text);
      const before = all.json.highestSeq;
      assert.equal(all.json.nextAfter, before);
      assert.equal((await consoleApi('POST', '/api/v1/auth/logout', { token: s.token })).status, 204);

      const r = await consoleApi('GET', `/api/v1/auth/revocations?after=${before}`, { token: suite.serviceToken('booking') });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.entries.length, 1, r.text);
      const [e] = r.json.entries;
      assert.equal(e.seq, before + 1);
      assert.equal(e.kind, 'token');
      assert.equal(e.jti, claims(s.token).jti);
      assert.ok(e.expiresMs >= claims(s.token).exp * 1000, r.text);
      assert.equal(r.json.highestSeq, before + 1);
      assert.equal(r.json.nextAfter, before + 1);
      assert.ok(all.json.entries.every((x, i, a) => i === 0 || a[i - 1].seq < x.seq));
      assert.ok(all.json.entries.some((x) => x.kind === 'subject' && typeof x.subject === 'string' && Number.isInteger(x.cutoffMs)));

      const none = await consoleApi('GET', `/api/v1/auth/revocations?after=${before + 1}`, { token: suite.serviceToken('booking') });
      assert.deepEqual(none.json.entries, []);
      assert.equal(none.json.nextAfter, before + 1);
    });

    it('refuses a missing token and staff tokens, the admin\'s included', async () => {
      expectError(await consoleApi('GET', '/api/v1/auth/revocations', {}), 401, 'unauthenticated');
      expectError(await consoleApi('GET', '/api/v1/auth/revocations', { token: await suite.adminToken() }), 403, 'forbidden');
      const nurse = await suite.createStaff(['nurse']);
      expectError(await consoleApi('GET', '/api/v1/auth/revocations', { token: nurse.token }), 403, 'forbidden');
    });

    it('answers 400 naming `after` for a bad value', async () => {
      const token = suite.serviceToken('booking');
      for (const bad of ['-1', 'abc', '1.5', '', '0x10', '99999999999999999999']) {
        expectError(await consoleApi('GET', `/api/v1/auth/revocations?after=${encodeURIComponent(bad)}`, { token }), 400, 'invalid_field', 'after');
      }
    });
  });

  it('booking restarted after a revocation refuses the token from its first request', async () => {
    const s = await suite.createStaff(['nurse']);
    await suite.stop('booking');
    assert.equal((await consoleApi('POST', '/api/v1/auth/logout', { token: s.token })).status, 204);
    await suite.start('booking');
    expectRevoked(await onBooking(s.token));
  });

  it('with the console down, booking keeps the last list, says how old it is, and logs it once', async () => {
    const revoked = await suite.createStaff(['nurse']);
    const valid = await suite.createStaff(['nurse']);
    assert.equal((await consoleApi('POST', '/api/v1/auth/logout', { token: revoked.token })).status, 204);
    expectRevoked((await untilBookingRefuses(revoked.token)).r);

    await suite.stop('console');
    await sleep(10 * POLL_MS);
    expectRevoked(await onBooking(revoked.token));
    assert.equal((await onBooking(valid.token)).status, 200);
    const metrics = (await bookingApi('GET', '/metrics', {})).text;
    const age = Number(/^medbox_auth_revocation_list_age_seconds (\S+)$/m.exec(metrics)?.[1]);
    assert.ok(age >= 1, `list age ${age} s with the console down\n${metrics}`);
    assert.match(metrics, /^medbox_auth_revocation_entries [1-9]/m);
    assert.match(metrics, /^medbox_auth_revocation_poll_failures_total [1-9]/m);
    const warnings = suite.stderr('booking').match(/cannot fetch token revocations/g) ?? [];
    assert.equal(warnings.length, 1, suite.stderr('booking'));

    // The console comes back (same port): booking follows again.
    await suite.start('console');
    const later = await suite.createStaff(['nurse']);
    assert.equal((await consoleApi('POST', '/api/v1/auth/logout', { token: later.token })).status, 204);
    expectRevoked((await untilBookingRefuses(later.token)).r);
    assert.match(suite.stderr('booking'), /followed again/);
  });
});

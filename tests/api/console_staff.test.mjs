// API tests of staff and roles against the real console: password rules
// (admins change them, audited; the history refuses an old password),
// sessions (listed, ended on every route by its tokens' jti, own vs all),
// recovery codes at the TOTP step (single use, audited), and the roles:
// an auditor reads everything and changes nothing; the vendor sees no
// staff's personal data.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/console_staff.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, strongPassword, randomUsername } from '../lib/harness.mjs';
import { totp } from '../lib/totp.mjs';

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

describe('console staff and roles API', () => {
  let suite;
  let admin;
  const api = (method, path, opts) => suite.api('console', method, path, opts);
  const login = (body, headers) => api('POST', '/api/v1/auth/login', { body, headers });
  // Every audit row (the console's own log), oldest first.
  const audit = async () => {
    const rows = [];
    let after = 0;
    for (;;) {
      const r = await api('GET', `/api/v1/audit?after=${after}&limit=500`, { token: await suite.adminToken() });
      assert.equal(r.status, 200, r.text);
      rows.push(...r.json.entries);
      if (r.json.entries.length < 500) return rows;
      after = r.json.nextAfter;
    }
  };
  const rules = async () => (await api('GET', '/api/v1/settings/password-rules', { token: admin })).json;
  const ruleValues = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'bounds'));

  before(async () => {
    suite = await startSuite({ services: ['console'] });
    admin = await suite.adminToken();
  });
  after(async () => {
    await suite?.stop();
  });

  describe('password rules', () => {
    it('admins change them, each change audited; bad values refused', async () => {
      const before = await rules();
      assert.deepEqual(ruleValues(before), { minLength: 10, minClasses: 3, historyCount: 5, maxAgeDays: 90, lockoutThreshold: 5, lockoutMinutes: 15 });
      assert.deepEqual(before.bounds.minLength, { min: 10, max: 64 });
      const next = { ...ruleValues(before), minLength: 14, maxAgeDays: 60 };
      const r = await api('PUT', '/api/v1/settings/password-rules', { token: admin, body: next });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(ruleValues(r.json), next);
      assert.deepEqual(ruleValues(await rules()), next);
      const row = (await audit()).filter((a) => a.action === 'settings.password_rules').at(-1);
      assert.equal(row.actor, 'staff:admin');
      assert.deepEqual(row.detail.minLength, { from: 10, to: 14 });
      assert.deepEqual(row.detail.maxAgeDays, { from: 90, to: 60 });

      // A password shorter than 14 is refused now, for a new account too.
      expectError(await api('POST', '/api/v1/users', { token: admin, body: { username: randomUsername('pr'), displayName: 'P', password: 'Abc-12345-xy', roles: ['nurse'] } }), 400, 'invalid_field', 'password');

      expectError(await api('PUT', '/api/v1/settings/password-rules', { token: admin, body: { ...next, minLength: 6 } }), 400, 'invalid_field', 'minLength');
      expectError(await api('PUT', '/api/v1/settings/password-rules', { token: admin, body: { ...next, historyCount: 0 } }), 400, 'invalid_field', 'historyCount');
      const { lockoutMinutes, ...missing } = next;
      assert.ok(lockoutMinutes);
      expectError(await api('PUT', '/api/v1/settings/password-rules', { token: admin, body: missing }), 400, 'missing_field', 'lockoutMinutes');
      expectError(await api('PUT', '/api/v1/settings/password-rules', { token: admin, body: { ...next, extra: 1 } }), 400, 'unknown_field');
      // Every member of staff reads them (the password page shows them), none but admins change them.
      const nurse = await suite.createStaff(['nurse']);
      assert.deepEqual(ruleValues((await api('GET', '/api/v1/settings/password-rules', { token: nurse.token })).json), next);
      expectError(await api('PUT', '/api/v1/settings/password-rules', { token: nurse.token, body: next }), 403, 'forbidden');
      assert.deepEqual(ruleValues(await rules()), next);
      // Back to the defaults for the other tests.
      assert.equal((await api('PUT', '/api/v1/settings/password-rules', { token: admin, body: ruleValues(before) })).status, 200);
    });

    it('a password change may not go back to a recent one', async () => {
      const s = await suite.createStaff(['nurse']);
      const second = strongPassword();
      const c1 = await api('POST', '/api/v1/auth/password', { token: s.token, body: { oldPassword: s.password, newPassword: second } });
      assert.equal(c1.status, 200, c1.text);
      expectError(
        await api('POST', '/api/v1/auth/password', { token: c1.json.token, body: { oldPassword: second, newPassword: s.password } }),
        400,
        'invalid_field',
        'newPassword',
      );
    });
  });

  describe('sessions', () => {
    it('lists who is signed in, from where and with what; a user sees their own', async () => {
      const nurse = await suite.createStaff(['nurse']);
      const other = await suite.createStaff(['doctor']);
      const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
      const second = await login({ username: nurse.username, password: nurse.password }, { 'User-Agent': ua });
      assert.equal(second.status, 200, second.text);

      const own = await api('GET', '/api/v1/sessions', { token: second.json.token });
      assert.equal(own.status, 200, own.text);
      assert.equal(own.json.sessions.length, 2); // createStaff's sign-in and this one
      assert.ok(own.json.sessions.every((s) => s.username === nurse.username));
      const mine = own.json.sessions.find((s) => s.current);
      assert.equal(mine.userAgent, 'Chrome 120 · Linux');
      assert.equal(mine.address, '127.0.0.1');
      assert.ok(Date.parse(mine.startedAt) <= Date.parse(mine.lastUsedAt));

      const all = await api('GET', '/api/v1/sessions', { token: admin });
      const names = new Set(all.json.sessions.map((s) => s.username));
      assert.ok(names.has(nurse.username) && names.has(other.username) && names.has('admin'));
      const auditor = await suite.createStaff(['auditor']);
      assert.ok((await api('GET', '/api/v1/sessions', { token: auditor.token })).json.sessions.some((s) => s.username === other.username));

      // A refresh carries the session on: still two, last use moved.
      const ref = await api('POST', '/api/v1/auth/refresh', { token: second.json.token });
      assert.equal(ref.status, 200, ref.text);
      const after = (await api('GET', '/api/v1/sessions', { token: ref.json.token })).json.sessions;
      assert.equal(after.length, 2);
      assert.equal(after.find((s) => s.current).id, mine.id);
    });

    it('ending a session revokes its tokens; only admins end other users\' sessions; audited', async () => {
      const nurse = await suite.createStaff(['nurse']);
      const other = await suite.createStaff(['nurse']);
      const auditor = await suite.createStaff(['auditor']);
      const refreshed = (await api('POST', '/api/v1/auth/refresh', { token: nurse.token })).json.token;
      const id = (await api('GET', '/api/v1/sessions', { token: refreshed })).json.sessions[0].id;

      expectError(await api('POST', `/api/v1/sessions/${id}/end`, { token: other.token }), 403, 'forbidden');
      expectError(await api('POST', `/api/v1/sessions/${id}/end`, { token: auditor.token }), 403, 'forbidden');
      assert.equal((await api('GET', '/api/v1/me', { token: nurse.token })).status, 200);

      const end = await api('POST', `/api/v1/sessions/${id}/end`, { token: admin });
      assert.equal(end.status, 200, end.text);
      assert.ok(end.json.endedAt);
      // Both tokens of the session, the first and the refreshed one, end.
      expectError(await api('GET', '/api/v1/me', { token: nurse.token }), 401, 'unauthenticated');
      expectError(await api('GET', '/api/v1/me', { token: refreshed }), 401, 'unauthenticated');
      // The other user's session is untouched.
      assert.equal((await api('GET', '/api/v1/me', { token: other.token })).status, 200);
      expectError(await api('POST', `/api/v1/sessions/${id}/end`, { token: admin }), 404, 'not_found');
      const rows = (await audit()).filter((a) => a.action === 'session.end' && a.target === `user:${nurse.username}`);
      assert.deepEqual(rows.map((r) => [r.actor, r.outcome]), [[`staff:${other.username}`, 'denied'], [`staff:${auditor.username}`, 'denied'], ['staff:admin', 'ok']]);
      assert.equal(rows[2].detail.tokens, 2);

      // Its own: any user may end it (signing out there).
      const ownId = (await api('GET', '/api/v1/sessions', { token: other.token })).json.sessions[0].id;
      assert.equal((await api('POST', `/api/v1/sessions/${ownId}/end`, { token: other.token })).status, 200);
      expectError(await api('GET', '/api/v1/me', { token: other.token }), 401, 'unauthenticated');
      expectError(await api('POST', '/api/v1/sessions/abc/end', { token: admin }), 404, 'not_found');
    });

    it('logout takes the session off the list', async () => {
      const nurse = await suite.createStaff(['nurse']);
      assert.equal((await api('POST', '/api/v1/auth/logout', { token: nurse.token })).status, 204);
      const all = (await api('GET', '/api/v1/sessions', { token: admin })).json.sessions;
      assert.ok(!all.some((s) => s.username === nurse.username));
    });
  });

  describe('recovery codes', () => {
    it('ten codes at enrolment, each good once at the TOTP step, each use audited', async () => {
      const s = await suite.createStaff(['doctor']);
      const e = await api('POST', '/api/v1/auth/totp/enroll', { token: s.token });
      assert.equal(e.status, 200, e.text);
      const c = await api('POST', '/api/v1/auth/totp/confirm', { token: s.token, body: { code: totp(e.json.secret) } });
      assert.equal(c.status, 200, c.text);
      assert.equal(c.headers['cache-control'], 'no-store');
      const codes = c.json.recoveryCodes;
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      for (const code of codes) assert.match(code, /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);

      const creds = { username: s.username, password: s.password };
      expectError(await login(creds), 401, 'bad_credentials', 'totp');
      // Typed loosely: small letters, spaces instead of dashes.
      const ok = await login({ ...creds, recoveryCode: codes[0].toLowerCase().replaceAll('-', ' ') });
      assert.equal(ok.status, 200, ok.text);
      expectError(await login({ ...creds, recoveryCode: codes[0] }), 401, 'bad_credentials', 'totp');
      expectError(await login({ ...creds, recoveryCode: 'AAAA-AAAA-AAAA-AAAA' }), 401, 'bad_credentials', 'totp');
      expectError(await login({ ...creds, recoveryCode: 'not a code!' }), 401, 'bad_credentials', 'totp');
      // A wrong password is not rescued by a right code.
      expectError(await login({ ...creds, password: 'Wrong-Pass-123', recoveryCode: codes[1] }), 401, 'bad_credentials');
      const rows = (await audit()).filter((a) => a.target === `user:${s.username}`);
      const used = rows.filter((a) => a.action === 'auth.recovery_code_used');
      assert.equal(used.length, 1);
      assert.equal(used[0].detail.left, 9);
      assert.equal(rows.filter((a) => a.action === 'auth.login' && a.detail?.recoveryCode === true).length, 1);

      // Another code works (and the success clears the failure count before the lockout).
      assert.equal((await login({ ...creds, recoveryCode: codes[2] })).status, 200);
      // A new list: the old codes end.
      const n = await api('POST', '/api/v1/auth/totp/recovery-codes', { token: ok.json.token });
      assert.equal(n.status, 200, n.text);
      expectError(await login({ ...creds, recoveryCode: codes[1] }), 401, 'bad_credentials', 'totp');
      assert.equal((await login({ ...creds, recoveryCode: n.json.recoveryCodes[0] })).status, 200);
    });

    it('no codes without an active factor', async () => {
      const s = await suite.createStaff(['nurse']);
      expectError(await api('POST', '/api/v1/auth/totp/recovery-codes', { token: s.token }), 409, 'conflict');
    });
  });

  describe('roles', () => {
    it('an auditor reads accounts, sessions and rules, and every change is refused', async () => {
      const auditor = await suite.createStaff(['auditor']);
      const target = await suite.createStaff(['nurse']);
      const t = auditor.token;
      const list = await api('GET', '/api/v1/users?limit=500', { token: t });
      assert.equal(list.status, 200, list.text);
      assert.ok(list.json.users.some((u) => u.username === target.username));
      assert.equal((await api('GET', `/api/v1/users/${target.id}`, { token: t })).status, 200);
      assert.equal((await api('GET', `/api/v1/users/${target.id}/directory`, { token: t })).status, 200);
      assert.equal((await api('GET', '/api/v1/settings/password-rules', { token: t })).status, 200);
      assert.equal((await api('GET', '/api/v1/sessions', { token: t })).status, 200);

      const sessionId = (await api('GET', '/api/v1/sessions', { token: target.token })).json.sessions[0].id;
      const changes = [
        ['POST', '/api/v1/users', { username: randomUsername('aud'), displayName: 'X', password: strongPassword(), roles: ['nurse'] }],
        ['PATCH', `/api/v1/users/${target.id}`, { roles: ['admin'] }],
        ['PATCH', `/api/v1/users/${target.id}`, { enabled: false }],
        ['POST', `/api/v1/users/${target.id}/password`, { password: strongPassword() }],
        ['POST', `/api/v1/users/${target.id}/unlock`],
        ['PUT', `/api/v1/users/${target.id}/directory`, { department: '信息科' }],
        ['PUT', '/api/v1/settings/password-rules', ruleValues(await rules())],
        ['POST', `/api/v1/sessions/${sessionId}/end`],
      ];
      const before = (await audit()).filter((a) => a.outcome === 'ok').length;
      const usersBefore = (await api('GET', '/api/v1/users?limit=500', { token: admin })).json;
      for (const [method, path, body] of changes) expectError(await api(method, path, { token: t, body }), 403, 'forbidden');
      assert.deepEqual((await api('GET', '/api/v1/users?limit=500', { token: admin })).json, usersBefore);
      assert.equal((await audit()).filter((a) => a.outcome === 'ok').length, before);
      assert.equal((await api('GET', '/api/v1/me', { token: target.token })).status, 200);
    });

    it('the vendor reads no staff data: not the accounts, not the directory, only its own sessions', async () => {
      const vendor = await suite.createStaff(['vendor']);
      const target = await suite.createStaff(['nurse']);
      for (const path of ['/api/v1/users', `/api/v1/users/${target.id}`, `/api/v1/users/${target.id}/directory`, '/api/v1/directory', '/api/v1/directory/departments']) {
        expectError(await api('GET', path, { token: vendor.token }), 403, 'forbidden');
      }
      const s = await api('GET', '/api/v1/sessions', { token: vendor.token });
      assert.equal(s.status, 200, s.text);
      assert.ok(s.json.sessions.length >= 1 && s.json.sessions.every((x) => x.username === vendor.username));
    });
  });
});

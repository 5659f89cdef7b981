// API tests of the console (staff identity) against the real binary.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/console.test.mjs
// The lock's time rule (unlock when the period ends) is tested with a manual
// clock in services/console/tests/AccountsTest.cpp; here it is the admin unlock.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startSuite, hasService, serviceBinary, signJwt, strongPassword, randomUsername } from '../lib/harness.mjs';
import { totp } from '../lib/totp.mjs';

const NON_ADMIN_ROLES = ['scheduler', 'registrar', 'nurse', 'doctor', 'quality', 'auditor', 'it_agent', 'it_engineer', 'backup_operator', 'vendor'];

function expectError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}


describe('console API', () => {
  let suite;
  let admin;
  const passwordsUsed = [];

  const api = (method, path, opts) => suite.api('console', method, path, opts);
  const login = (username, password, totpCode) =>
    api('POST', '/api/v1/auth/login', { body: totpCode === undefined ? { username, password } : { username, password, totp: totpCode } });
  const staff = async (roles, opts) => {
    const s = await suite.createStaff(roles, opts);
    passwordsUsed.push(s.password);
    return s;
  };
  // The audit's length, but the rows of the vendor's own requests: every
  // request a vendor token makes is audited (vendor.request), refused ones
  // too, so a refusal to the vendor adds one of those and nothing else.
  const auditRows = async () => {
    const r = await api('GET', '/api/v1/audit/verify', { token: admin });
    assert.equal(r.status, 200, r.text);
    let vendorRows = 0;
    for (let after = 0; ; ) {
      const page = await api('GET', `/api/v1/audit?after=${after}&limit=500`, { token: admin });
      assert.equal(page.status, 200, page.text);
      vendorRows += page.json.entries.filter((e) => e.action === 'vendor.request').length;
      if (page.json.entries.length < 500) break;
      after = page.json.nextAfter;
    }
    return r.json.rows - vendorRows;
  };
  // Everything an admin can see: users (full, unmasked, one by one) and the audit length.
  const snapshot = async () => {
    const list = await api('GET', '/api/v1/users?limit=500', { token: admin });
    assert.equal(list.status, 200, list.text);
    const users = [];
    for (const u of list.json.users) users.push((await api('GET', `/api/v1/users/${u.id}`, { token: admin })).json);
    return { users, audit: await auditRows() };
  };

  before(async () => {
    suite = await startSuite({ services: ['console'] });
    passwordsUsed.push(suite.adminPassword);
    admin = await suite.adminToken();
  });
  after(async () => {
    await suite?.stop();
  });

  describe('login', () => {
    it('answers a token, its expiry, the roles and the must-change flag', async () => {
      const r = await login('admin', suite.adminPassword);
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      const exp = Date.parse(r.json.expiresAt);
      assert.ok(exp > Date.now() + 800_000 && exp < Date.now() + 1_000_000, `expiresAt ${r.json.expiresAt} ~ 900 s ahead`);
      assert.deepEqual(r.json.roles, ['admin']);
      assert.equal(r.json.mustChangePassword, false);
      const claims = JSON.parse(Buffer.from(r.json.token.split('.')[1], 'base64url').toString());
      assert.equal(claims.sub, 'admin');
      assert.equal(claims.typ, 'staff');
      const header = JSON.parse(Buffer.from(r.json.token.split('.')[0], 'base64url').toString());
      assert.equal(header.kid, 'console');
      assert.equal(header.alg, 'ES256');
    });

    it('accepts the user name in any case', async () => {
      const s = await staff(['nurse']);
      const r = await login(s.username.toUpperCase(), s.password);
      assert.equal(r.status, 200, r.text);
    });

    it('does not reveal whether a user exists, and spends the same KDF time', async () => {
      const s = await staff(['nurse']);
      const timed = async (username) => {
        const t0 = process.hrtime.bigint();
        const r = await login(username, 'Wrong-Pass-123');
        return { r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
      };
      const known = [];
      const unknown = [];
      for (let i = 0; i < 3; i++) {
        known.push(await timed(s.username));
        unknown.push(await timed(randomUsername('nobody')));
      }
      for (const { r } of [...known, ...unknown]) expectError(r, 401, 'bad_credentials');
      assert.equal(known[0].r.text, unknown[0].r.text, 'identical error body');
      const median = (a) => a.map((x) => x.ms).sort((x, y) => x - y)[1];
      // Without the dummy KDF run an unknown name answers in ~1 ms against
      // tens of ms: a generous ratio keeps this robust on a busy machine.
      assert.ok(median(unknown) > 0.25 * median(known), `unknown ${median(unknown)} ms vs known ${median(known)} ms`);
      // Three failures then a success: the count starts again.
      assert.equal((await login(s.username, s.password)).status, 200);
    });

    it('refuses a malformed user name the same way', async () => {
      expectError(await login('Not A Name!', 'Wrong-Pass-123'), 401, 'bad_credentials');
    });

    it('locks after 5 failures with the unlock time; an admin unlocks', async () => {
      const s = await staff(['registrar']);
      for (let i = 1; i <= 4; i++) expectError(await login(s.username, `Wrong-Pass-${i}x`), 401, 'bad_credentials');
      const locked = await login(s.username, 'Wrong-Pass-5x');
      expectError(locked, 423, 'locked');
      const until = Date.parse(locked.json.error.lockedUntil);
      assert.ok(until > Date.now() + 14 * 60_000 && until < Date.now() + 16 * 60_000, locked.text);
      assert.ok(Number(locked.headers['retry-after']) > 800, `Retry-After ${locked.headers['retry-after']}`);
      assert.match(locked.json.error.message, /locked until/);
      // Even the right password is refused while locked.
      expectError(await login(s.username, s.password), 423, 'locked');
      const u = await api('GET', `/api/v1/users/${s.id}`, { token: admin });
      assert.equal(u.json.locked, true);
      assert.equal(u.json.lockedUntil, locked.json.error.lockedUntil);

      const un = await api('POST', `/api/v1/users/${s.id}/unlock`, { token: admin });
      assert.equal(un.status, 200, un.text);
      assert.equal(un.json.locked, false);
      assert.equal((await login(s.username, s.password)).status, 200);
    });

    it('locks unknown names too, so a lock reveals nothing', async () => {
      const name = randomUsername('ghost');
      for (let i = 1; i <= 4; i++) expectError(await login(name, 'Wrong-Pass-123'), 401, 'bad_credentials');
      expectError(await login(name, 'Wrong-Pass-123'), 423, 'locked');
    });

    it('refuses a disabled user, and refresh for them', async () => {
      const s = await staff(['nurse']);
      const p = await api('PATCH', `/api/v1/users/${s.id}`, { token: admin, body: { enabled: false } });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.json.enabled, false);
      expectError(await login(s.username, s.password), 401, 'bad_credentials');
      expectError(await api('POST', '/api/v1/auth/refresh', { token: s.token }), 401, 'unauthenticated');
    });
  });

  describe('tokens', () => {
    it('a role change ends the token; the next login and refresh carry the roles re-read', async () => {
      const s = await staff(['scheduler']);
      const p = await api('PATCH', `/api/v1/users/${s.id}`, { token: admin, body: { roles: ['scheduler', 'registrar'] } });
      assert.equal(p.status, 200, p.text);
      // The old token carries the old roles: revoked, so it cannot be refreshed either.
      const old = await api('POST', '/api/v1/auth/refresh', { token: s.token });
      expectError(old, 401, 'unauthenticated');
      assert.match(old.json.error.message, /revoked/);
      const again = await login(s.username, s.password);
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.json.roles, ['registrar', 'scheduler']);
      const r = await api('POST', '/api/v1/auth/refresh', { token: again.json.token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.roles, ['registrar', 'scheduler']);
      const claims = JSON.parse(Buffer.from(r.json.token.split('.')[1], 'base64url').toString());
      assert.deepEqual(claims.roles, ['registrar', 'scheduler']);
      const me = await api('GET', '/api/v1/me', { token: r.json.token });
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.username, s.username);
      assert.equal(me.json.displayName, s.user.displayName, '/me shows the full display name');
    });

    it('refuses a staff token signed by any key but the console\'s', async () => {
      const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: 'console', sub: 'admin', aud: 'medbox', typ: 'staff', roles: ['admin'], iat: now, exp: now + 300 };
      const forged = signJwt({ alg: 'ES256', typ: 'JWT', kid: 'console' }, claims, privateKey);
      expectError(await api('GET', '/api/v1/users', { token: forged }), 401, 'unauthenticated');
      // A peer service's own (trusted) key must not mint staff tokens either.
      suite.serviceToken('portal'); // publishes trust/portal.pub.pem
      const fromPortal = signJwt({ alg: 'ES256', typ: 'JWT', kid: 'portal' }, { ...claims, iss: 'portal' }, suite.serviceKey('portal'));
      const r = await api('GET', '/api/v1/users', { token: fromPortal });
      assert.ok([401, 403].includes(r.status), `staff claims from a service key: ${r.status} ${r.text}`);
      expectError(await api('GET', '/api/v1/users', { token: 'not.a.token' }), 401, 'unauthenticated');
    });

    it('a must-change token opens only the password change, then a full token', async () => {
      const username = randomUsername('mc');
      const password = strongPassword();
      passwordsUsed.push(password);
      const c = await api('POST', '/api/v1/users', {
        token: admin,
        body: { username, displayName: 'Must Change', password, roles: ['admin'] },
      });
      assert.equal(c.status, 201, c.text);
      assert.equal(c.json.mustChangePassword, true, 'admin-set passwords must be changed by default');
      const l = await login(username, password);
      assert.equal(l.status, 200, l.text);
      assert.equal(l.json.mustChangePassword, true);
      assert.deepEqual(l.json.roles, ['admin']);
      const t = l.json.token;
      const refused = await api('GET', '/api/v1/users', { token: t });
      expectError(refused, 403, 'forbidden');
      assert.match(refused.json.error.message, /^change your password first/, 'says what to do, not which roles');
      expectError(await api('POST', '/api/v1/auth/totp/enroll', { token: t }), 403, 'forbidden');
      assert.equal((await api('GET', '/api/v1/me', { token: t })).status, 200);
      assert.equal((await api('GET', '/api/v1/roles', { token: t })).status, 200);
      const newPassword = strongPassword();
      passwordsUsed.push(newPassword);
      const ch = await api('POST', '/api/v1/auth/password', { token: t, body: { oldPassword: password, newPassword } });
      assert.equal(ch.status, 200, ch.text);
      assert.equal(ch.json.mustChangePassword, false);
      assert.equal((await api('GET', '/api/v1/users', { token: ch.json.token })).status, 200);
      expectError(await login(username, password), 401, 'bad_credentials');
      assert.equal((await login(username, newPassword)).status, 200);
    });
  });

  describe('admin API', () => {
    it('creates, reads, lists (names masked), updates, resets and unlocks', async () => {
      const username = randomUsername('crud');
      const password = strongPassword();
      passwordsUsed.push(password);
      const c = await api('POST', '/api/v1/users', {
        token: admin,
        body: { username, displayName: '王小明', password, roles: ['nurse', 'nurse'], mustChangePassword: false },
      });
      assert.equal(c.status, 201, c.text);
      assert.equal(c.headers.location, `/api/v1/users/${c.json.id}`);
      assert.deepEqual(c.json.roles, ['nurse']);
      assert.equal(c.json.displayName, '王小明');
      assert.equal(c.json.enabled, true);
      assert.equal(c.json.totpEnabled, false);
      assert.equal(c.json.lastLoginAt, null);
      assert.equal(JSON.stringify(c.json).includes(password), false, 'no password or hash in the answer');
      assert.equal('passwordHash' in c.json, false);

      expectError(await api('POST', '/api/v1/users', { token: admin, body: { username, displayName: 'x', password, roles: ['nurse'] } }), 409, 'conflict', 'username');

      const g = await api('GET', `/api/v1/users/${c.json.id}`, { token: admin });
      assert.equal(g.status, 200);
      assert.equal(g.json.displayName, '王小明');
      const list = await api('GET', '/api/v1/users?limit=500', { token: admin });
      const inList = list.json.users.find((u) => u.id === c.json.id);
      assert.ok(inList);
      assert.notEqual(inList.displayName, '王小明', 'list views mask personal names');
      assert.match(inList.displayName, /^王/);
      const page = await api('GET', '/api/v1/users?limit=1', { token: admin });
      assert.equal(page.json.users.length, 1);
      assert.equal(page.json.nextAfter, page.json.users[0].id);

      const p = await api('PATCH', `/api/v1/users/${c.json.id}`, { token: admin, body: { displayName: '王大明', roles: ['doctor'] } });
      assert.equal(p.status, 200, p.text);
      assert.deepEqual(p.json.roles, ['doctor']);
      assert.equal(p.json.displayName, '王大明');

      const newPassword = strongPassword();
      passwordsUsed.push(newPassword);
      const rs = await api('POST', `/api/v1/users/${c.json.id}/password`, { token: admin, body: { password: newPassword } });
      assert.equal(rs.status, 200, rs.text);
      assert.equal(rs.json.mustChangePassword, true);
      const l = await login(username, newPassword);
      assert.equal(l.status, 200);
      assert.equal(l.json.mustChangePassword, true);

      expectError(await api('GET', '/api/v1/users/999999', { token: admin }), 404, 'not_found');
      expectError(await api('GET', '/api/v1/users/abc', { token: admin }), 404, 'not_found');
      expectError(await api('PATCH', '/api/v1/users/999999', { token: admin, body: { enabled: true } }), 404, 'not_found');
      expectError(await api('POST', '/api/v1/users/999999/unlock', { token: admin }), 404, 'not_found');
      expectError(await api('POST', '/api/v1/users/999999/password', { token: admin, body: { password: newPassword } }), 404, 'not_found');
    });

    it('GET /roles lists the catalogue to any staff member', async () => {
      const s = await staff(['vendor']);
      const r = await api('GET', '/api/v1/roles', { token: s.token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.roles.map((x) => x.name).sort(), ['admin', ...NON_ADMIN_ROLES].sort());
      for (const role of r.json.roles) {
        assert.ok(role.description.length > 0);
        assert.ok(Array.isArray(role.services) && role.services.length > 0);
      }
    });
  });

  describe('access', () => {
    let target;
    before(async () => {
      target = await staff(['nurse']);
    });

    const adminRoutes = () => [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users', { username: randomUsername('deny'), displayName: 'Denied', password: strongPassword(), roles: ['nurse'] }],
      ['GET', `/api/v1/users/${target.id}`],
      ['PATCH', `/api/v1/users/${target.id}`, { roles: ['admin'] }],
      ['POST', `/api/v1/users/${target.id}/password`, { password: strongPassword() }],
      ['POST', `/api/v1/users/${target.id}/unlock`],
    ];
    const auditRoutes = [
      ['GET', '/api/v1/audit'],
      ['GET', '/api/v1/audit/verify'],
    ];
    const staffRoutes = () => [
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/roles'],
      ['POST', '/api/v1/auth/refresh'],
      ['POST', '/api/v1/auth/password', { oldPassword: target.password, newPassword: strongPassword() }],
      ['POST', '/api/v1/auth/totp/enroll'],
      ['POST', '/api/v1/auth/totp/confirm', { code: '123456' }],
    ];

    it('every endpoint but login answers 401 without a token, and nothing changes', async () => {
      const before = await snapshot();
      for (const [method, path, body] of [...adminRoutes(), ...auditRoutes, ...staffRoutes()]) {
        const r = await api(method, path, { body });
        expectError(r, 401, 'unauthenticated');
        assert.equal(r.headers['www-authenticate'], 'Bearer', `${method} ${path}`);
      }
      assert.deepEqual(await snapshot(), before);
    });

    it('admin endpoints answer 403 to every other role and to service tokens, and nothing changes', async () => {
      const before = await snapshot();
      const tokens = [];
      for (const role of NON_ADMIN_ROLES) tokens.push([role, (await staff([role])).token]);
      tokens.push(['all non-admin roles', (await staff(NON_ADMIN_ROLES)).token]);
      tokens.push(['service portal', suite.serviceToken('portal')]);
      const mid = await snapshot();
      for (const [who, token] of tokens) {
        for (const [method, path, body] of adminRoutes()) {
          // Auditors read accounts (console_staff.test.mjs); they change nothing.
          if (method === 'GET' && (who === 'auditor' || who === 'all non-admin roles')) continue;
          const r = await api(method, path, { token, body });
          assert.equal(r.status, 403, `${who}: ${method} ${path} -> ${r.status} ${r.text}`);
          assert.equal(r.json.error.code, 'forbidden');
        }
      }
      assert.deepEqual(await snapshot(), mid);
      assert.equal(mid.users.length, before.users.length + tokens.length - 1);
    });

    it('audit endpoints admit auditor and admin only', async () => {
      const auditor = await staff(['auditor']);
      for (const [method, path] of auditRoutes) {
        assert.equal((await api(method, path, { token: auditor.token })).status, 200, path);
        assert.equal((await api(method, path, { token: admin })).status, 200, path);
        for (const role of NON_ADMIN_ROLES.filter((r) => r !== 'auditor').slice(0, 3)) {
          const s = await staff([role]);
          expectError(await api(method, path, { token: s.token }), 403, 'forbidden');
        }
        expectError(await api(method, path, { token: suite.serviceToken('portal') }), 403, 'forbidden');
      }
    });

    it('self-service endpoints refuse service tokens', async () => {
      for (const [method, path, body] of staffRoutes()) {
        expectError(await api(method, path, { token: suite.serviceToken('portal'), body }), 403, 'forbidden');
      }
    });
  });

  describe('bad input changes nothing', () => {
    let user; // for self-service endpoints
    let target; // for admin endpoints on a user
    before(async () => {
      user = await staff(['nurse']);
      target = await staff(['nurse']);
    });

    // For each endpoint: a valid body, the required fields, and a wrong-typed
    // value per field. Each defective variant must answer 400 naming the field.
    const bodyEndpoints = () => [
      {
        name: 'login', method: 'POST', path: '/api/v1/auth/login', token: null,
        valid: { username: user.username, password: 'Wrong-Pass-123' },
        required: ['username', 'password'],
        wrong: { username: 42, password: true, totp: 123456 },
      },
      {
        name: 'change password', method: 'POST', path: '/api/v1/auth/password', token: user.token,
        valid: { oldPassword: user.password, newPassword: strongPassword() },
        required: ['oldPassword', 'newPassword'],
        wrong: { oldPassword: 1, newPassword: ['x'] },
      },
      {
        name: 'totp confirm', method: 'POST', path: '/api/v1/auth/totp/confirm', token: user.token,
        valid: { code: '123456' },
        required: ['code'],
        wrong: { code: 123456 },
      },
      {
        name: 'create user', method: 'POST', path: '/api/v1/users', token: admin,
        valid: { username: randomUsername('bad'), displayName: 'X', password: strongPassword(), roles: ['nurse'] },
        required: ['username', 'displayName', 'password', 'roles'],
        wrong: { username: 7, displayName: {}, password: 5, roles: 'nurse', enabled: 'yes', mustChangePassword: 1 },
      },
      {
        name: 'update user', method: 'PATCH', path: `/api/v1/users/${target.id}`, token: admin,
        valid: { displayName: 'Changed' },
        required: [],
        wrong: { displayName: 5, roles: { a: 1 }, enabled: 'false', totpEnabled: 0 },
      },
      {
        name: 'reset password', method: 'POST', path: `/api/v1/users/${target.id}/password`, token: admin,
        valid: { password: strongPassword() },
        required: ['password'],
        wrong: { password: 123 },
      },
    ];
    const noBodyEndpoints = () => [
      ['POST', '/api/v1/auth/refresh', user.token],
      ['POST', '/api/v1/auth/totp/enroll', user.token],
      ['POST', `/api/v1/users/${target.id}/unlock`, admin],
    ];

    it('missing, wrong-typed and unknown fields answer 400 naming the field', async () => {
      const before = await snapshot();
      for (const ep of bodyEndpoints()) {
        const send = (body) => api(ep.method, ep.path, { token: ep.token, body });
        for (const f of ep.required) {
          const body = { ...ep.valid };
          delete body[f];
          expectError(await send(body), 400, 'missing_field', f);
        }
        for (const [f, v] of Object.entries(ep.wrong)) {
          expectError(await send({ ...ep.valid, [f]: v }), 400, 'invalid_field', f);
        }
        expectError(await send({ ...ep.valid, bogus: 1 }), 400, 'unknown_field', 'bogus');
        expectError(await api(ep.method, ep.path, { token: ep.token, rawBody: '{"username":' }), 400, 'bad_request');
        expectError(await api(ep.method, ep.path, { token: ep.token, rawBody: '[1,2]' }), 400, 'bad_request');
        expectError(await api(ep.method, ep.path, { token: ep.token, rawBody: '' }), 400, 'bad_request');
        expectError(
          await api(ep.method, ep.path, { token: ep.token, rawBody: JSON.stringify(ep.valid), headers: { 'content-type': 'text/plain' } }),
          415,
          'unsupported_media_type',
        );
      }
      for (const [method, path, token] of noBodyEndpoints()) {
        expectError(await api(method, path, { token, body: { bogus: 1 } }), 400, 'unknown_field', 'bogus');
      }
      assert.deepEqual(await snapshot(), before);
      assert.equal((await login(user.username, user.password)).status, 200, 'the failures above were not counted');
    });

    it('values that break a rule answer 400 naming the field', async () => {
      const before = await snapshot();
      const create = (patch) =>
        api('POST', '/api/v1/users', {
          token: admin,
          body: { username: randomUsername('rule'), displayName: 'Rule', password: strongPassword(), roles: ['nurse'], ...patch },
        });
      expectError(await create({ username: 'Upper' }), 400, 'invalid_field', 'username');
      expectError(await create({ username: 'ab' }), 400, 'invalid_field', 'username');
      expectError(await create({ username: '9lives' }), 400, 'invalid_field', 'username');
      expectError(await create({ username: 'a'.repeat(33) }), 400, 'invalid_field', 'username');
      expectError(await create({ displayName: 'x'.repeat(65) }), 400, 'invalid_field', 'displayName');
      expectError(await create({ displayName: '   ' }), 400, 'invalid_field', 'displayName');
      expectError(await create({ roles: [] }), 400, 'invalid_field', 'roles');
      expectError(await create({ roles: ['root'] }), 400, 'invalid_field', 'roles');
      expectError(await create({ roles: ['must_change_password'] }), 400, 'invalid_field', 'roles');
      expectError(await create({ roles: [1] }), 400, 'invalid_field', 'roles[0]');
      expectError(await create({ password: 'short1A' }), 400, 'invalid_field', 'password');
      expectError(await create({ password: 'alllowercaseletters' }), 400, 'invalid_field', 'password');
      expectError(await create({ username: 'weakling', password: 'Weakling-2026' }), 400, 'invalid_field', 'password');

      expectError(await api('PATCH', `/api/v1/users/${target.id}`, { token: admin, body: {} }), 400, 'bad_request');
      expectError(await api('PATCH', `/api/v1/users/${target.id}`, { token: admin, body: { roles: ['nurse', 'boss'] } }), 400, 'invalid_field', 'roles');
      expectError(await api('PATCH', `/api/v1/users/${target.id}`, { token: admin, body: { totpEnabled: true } }), 400, 'invalid_field', 'totpEnabled');
      expectError(await api('POST', `/api/v1/users/${target.id}/password`, { token: admin, body: { password: 'weak' } }), 400, 'invalid_field', 'password');

      expectError(
        await api('POST', '/api/v1/auth/password', { token: user.token, body: { oldPassword: user.password, newPassword: 'weak' } }),
        400, 'invalid_field', 'newPassword',
      );
      expectError(
        await api('POST', '/api/v1/auth/password', { token: user.token, body: { oldPassword: user.password, newPassword: user.password } }),
        400, 'invalid_field', 'newPassword',
      );
      expectError(await api('GET', '/api/v1/users?limit=abc', { token: admin }), 400, 'invalid_field', 'limit');
      expectError(await api('GET', '/api/v1/users?limit=0', { token: admin }), 400, 'invalid_field', 'limit');
      expectError(await api('GET', '/api/v1/audit?after=-1', { token: admin }), 400, 'invalid_field', 'after');
      expectError(await api('GET', '/api/v1/audit?limit=100000', { token: admin }), 400, 'invalid_field', 'limit');
      assert.deepEqual(await snapshot(), before);
    });

    it('a wrong old password is refused naming the field and counts toward the lockout', async () => {
      const s = await staff(['nurse']);
      expectError(
        await api('POST', '/api/v1/auth/password', { token: s.token, body: { oldPassword: 'Wrong-Pass-123', newPassword: strongPassword() } }),
        401, 'bad_credentials', 'oldPassword',
      );
      for (let i = 0; i < 4; i++) await login(s.username, 'Wrong-Pass-123');
      expectError(await login(s.username, s.password), 423, 'locked');
    });
  });

  describe('TOTP second factor', () => {
    it('enrol, confirm with an independently computed code, then login needs it', async () => {
      const s = await staff(['doctor']);
      const e = await api('POST', '/api/v1/auth/totp/enroll', { token: s.token });
      assert.equal(e.status, 200, e.text);
      assert.match(e.json.secret, /^[A-Z2-7]{32}$/);
      assert.equal(e.headers['cache-control'], 'no-store');
      const uri = new URL(e.json.uri);
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.searchParams.get('secret'), e.json.secret);
      assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
      assert.equal(uri.searchParams.get('digits'), '6');
      assert.equal(uri.searchParams.get('period'), '30');

      expectError(await api('POST', '/api/v1/auth/totp/confirm', { token: s.token, body: { code: '000000' === totp(e.json.secret) ? '111111' : '000000' } }), 401, 'bad_credentials', 'code');
      const now = Date.now() / 1000;
      const c = await api('POST', '/api/v1/auth/totp/confirm', { token: s.token, body: { code: totp(e.json.secret, now) } });
      assert.equal(c.status, 200, c.text);
      assert.equal((await api('GET', '/api/v1/me', { token: s.token })).json.totpEnabled, true);
      expectError(await api('POST', '/api/v1/auth/totp/enroll', { token: s.token }), 409, 'conflict');

      expectError(await login(s.username, s.password), 401, 'bad_credentials', 'totp');
      const wrong = String((Number(totp(e.json.secret, now + 30)) + 1) % 1_000_000).padStart(6, '0');
      expectError(await login(s.username, s.password, wrong), 401, 'bad_credentials', 'totp');
      // The next step's code (within the ±1 step window, not used yet).
      const next = totp(e.json.secret, now + 30);
      const ok = await login(s.username, s.password, next);
      assert.equal(ok.status, 200, ok.text);
      expectError(await login(s.username, s.password, next), 401, 'bad_credentials', 'totp'); // good once

      // An admin removes a lost second factor.
      const p = await api('PATCH', `/api/v1/users/${s.id}`, { token: admin, body: { totpEnabled: false } });
      assert.equal(p.json.totpEnabled, false);
      assert.equal((await login(s.username, s.password)).status, 200);
    });
  });

  describe('audit', () => {
    it('records logins, failures, lockouts and account changes; never a password; the chain verifies', async () => {
      // Every audited action, done here so the test stands alone.
      const s = await staff(['nurse']);
      const id = s.id;
      for (let i = 0; i < 5; i++) await login(s.username, 'Wrong-Pass-123'); // failures + lockout
      await login(s.username, s.password); // denied while locked
      await api('POST', `/api/v1/users/${id}/unlock`, { token: admin });
      await api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { roles: ['nurse', 'doctor'] } });
      const reset = strongPassword();
      await api('POST', `/api/v1/users/${id}/password`, { token: admin, body: { password: reset } });
      const l = await login(s.username, reset);
      const changed = strongPassword();
      const ch = await api('POST', '/api/v1/auth/password', { token: l.json.token, body: { oldPassword: reset, newPassword: changed } });
      assert.equal(ch.status, 200, ch.text);
      await api('POST', '/api/v1/auth/refresh', { token: ch.json.token });
      const e = await api('POST', '/api/v1/auth/totp/enroll', { token: ch.json.token });
      await api('POST', '/api/v1/auth/totp/confirm', { token: ch.json.token, body: { code: totp(e.json.secret) } });
      passwordsUsed.push(reset, changed);

      const auditor = await staff(['auditor']);
      const entries = [];
      let after = 0;
      for (;;) {
        const r = await api('GET', `/api/v1/audit?after=${after}&limit=1000`, { token: auditor.token });
        assert.equal(r.status, 200, r.text);
        entries.push(...r.json.entries);
        if (r.json.entries.length < 1000) break;
        after = r.json.nextAfter;
      }
      const target = `user:${s.username}`;
      const has = (action, outcome, pred = () => true) =>
        entries.some((x) => x.action === action && x.outcome === outcome && x.target === target && pred(x));
      assert.ok(entries.some((x) => x.action === 'user.bootstrap' && x.actor === 'system' && x.target === 'user:admin'));
      assert.ok(has('user.create', 'ok', (x) => x.actor === 'staff:admin'));
      assert.ok(has('auth.login', 'ok', (x) => x.actor === `staff:${s.username}`));
      assert.ok(has('auth.login_failed', 'failed', (x) => x.actor === 'anonymous' && x.detail.reason === 'bad_password'));
      assert.ok(has('auth.lockout', 'denied'));
      assert.ok(has('auth.login_failed', 'denied', (x) => x.detail.reason === 'locked'));
      assert.ok(has('user.unlock', 'ok', (x) => x.actor === 'staff:admin' && x.detail.wasLocked === true));
      assert.ok(has('user.update', 'ok', (x) => x.actor === 'staff:admin' && x.detail.roles.includes('doctor')));
      assert.ok(has('user.password_reset', 'ok', (x) => x.actor === 'staff:admin'));
      assert.ok(has('auth.password_change', 'ok', (x) => x.actor === `staff:${s.username}`));
      assert.ok(has('auth.refresh', 'ok'));
      assert.ok(has('auth.totp_enroll', 'ok'));
      assert.ok(has('auth.totp_confirm', 'ok'));
      for (let i = 1; i < entries.length; i++) {
        assert.equal(entries[i].seq, entries[i - 1].seq + 1);
        assert.equal(entries[i].prevHash, entries[i - 1].hash);
      }
      const text = JSON.stringify(entries);
      for (const pw of [...passwordsUsed, s.password, auditor.password]) {
        assert.equal(text.includes(pw), false, 'a password leaked into the audit log');
      }
      assert.equal(text.includes('scrypt$'), false, 'a password hash leaked into the audit log');

      const v = await api('GET', '/api/v1/audit/verify', { token: auditor.token });
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.ok, true, v.text);
      assert.ok(v.json.rows >= entries.length);
    });
  });

  describe('staff directory', () => {
    it('admins set entries; every signed-in member of staff finds them; the vendor and services do not', async () => {
      const eng = await staff(['it_engineer'], { displayName: '王工程师' });
      const put = await api('PUT', `/api/v1/users/${eng.id}/directory`, {
        token: admin, body: { department: '信息科', title: '网络工程师', skills: 'VPN, 交换机', extension: ' 8021 ' },
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.json.extension, '8021');
      const nurse = await staff(['nurse']);
      const found = await api('GET', `/api/v1/directory?q=${encodeURIComponent('交换机')}`, { token: nurse.token });
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.json.entries.map((e) => [e.displayName, e.department, e.extension]), [['王工程师', '信息科', '8021']]);
      assert.equal(found.json.nextOffset, null);
      const deps = await api('GET', '/api/v1/directory/departments', { token: nurse.token });
      assert.ok(deps.json.departments.includes('信息科'), deps.text);
      const vendor = await staff(['vendor']);
      for (const t of [vendor.token, suite.serviceToken('booking')]) {
        expectError(await api('GET', '/api/v1/directory', { token: t }), 403, 'forbidden');
      }
      expectError(await api('GET', '/api/v1/directory'), 401, 'unauthenticated');
      const auditor = await staff(['auditor']);
      expectError(await api('PUT', `/api/v1/users/${eng.id}/directory`, { token: auditor.token, body: { title: 'x' } }), 403, 'forbidden');
      expectError(await api('PUT', `/api/v1/users/${eng.id}/directory`, { token: admin, body: { extension: 'call me' } }), 400, 'invalid_field', 'extension');
      expectError(await api('PUT', `/api/v1/users/${eng.id}/directory`, { token: admin, body: { phone: '13812345678' } }), 400, 'unknown_field');
      expectError(await api('PUT', '/api/v1/users/999999/directory', { token: admin, body: {} }), 404, 'not_found');
      // The refused changes changed nothing.
      const after = await api('GET', `/api/v1/users/${eng.id}/directory`, { token: admin });
      assert.deepEqual([after.json.title, after.json.extension], ['网络工程师', '8021']);
      const rows = (await api('GET', '/api/v1/audit?limit=1000', { token: admin })).json.entries.filter((e) => e.action === 'user.directory');
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.deepEqual(rows[0].detail.changed, ['department', 'title', 'skills', 'extension']);
    });
  });

  describe('OpenAPI', () => {
    it('GET /openapi.json documents every console route with its access', async () => {
      const r = await api('GET', '/openapi.json');
      assert.equal(r.status, 200);
      assert.match(r.json.openapi, /^3\./);
      const routes = [
        ['post', '/api/v1/auth/login'], ['post', '/api/v1/auth/refresh'], ['post', '/api/v1/auth/password'],
        ['post', '/api/v1/auth/logout'], ['get', '/api/v1/auth/revocations'],
        ['post', '/api/v1/auth/totp/enroll'], ['post', '/api/v1/auth/totp/confirm'], ['get', '/api/v1/me'],
        ['get', '/api/v1/roles'], ['get', '/api/v1/users'], ['post', '/api/v1/users'], ['get', '/api/v1/users/{id}'],
        ['patch', '/api/v1/users/{id}'], ['post', '/api/v1/users/{id}/password'], ['post', '/api/v1/users/{id}/unlock'],
        ['get', '/api/v1/audit'], ['get', '/api/v1/audit/verify'],
      ];
      for (const [m, p] of routes) {
        const op = r.json.paths[p]?.[m];
        assert.ok(op, `${m.toUpperCase()} ${p} missing from openapi.json`);
        assert.ok(op['x-medbox-access'], `${m.toUpperCase()} ${p} has no x-medbox-access`);
      }
      // Auditors read accounts; changes stay admin's.
      assert.equal(r.json.paths['/api/v1/users'].get['x-medbox-access'], 'staff:auditor|admin');
      assert.equal(r.json.paths['/api/v1/users'].post['x-medbox-access'], 'staff:admin');
    });
  });

  describe('other services', () => {
    it('booking accepts a console staff token (GET /api/v1/departments as scheduler)', async (t) => {
      if (!hasService('booking')) {
        t.skip(`booking is not built yet (${serviceBinary('booking')}): cross-service token check skipped`);
        return;
      }
      await suite.start('booking');
      const s = await staff(['scheduler']);
      const r = await suite.api('booking', 'GET', '/api/v1/departments', { token: s.token });
      assert.equal(r.status, 200, r.text);
      expectError(await suite.api('booking', 'GET', '/api/v1/departments', {}), 401, 'unauthenticated');
      await suite.stop('booking');
    });
  });
});

describe('console API: the last admin and restarts (own suite)', () => {
  let suite;
  before(async () => {
    suite = await startSuite({ services: ['console'] });
  });
  after(async () => {
    await suite?.stop();
  });

  it('the last enabled admin cannot disable or demote themselves', async () => {
    const admin = await suite.adminToken();
    const me = await suite.api('console', 'GET', '/api/v1/me', { token: admin });
    const id = me.json.id;
    expectError(await suite.api('console', 'PATCH', `/api/v1/users/${id}`, { token: admin, body: { enabled: false } }), 409, 'conflict', 'enabled');
    expectError(await suite.api('console', 'PATCH', `/api/v1/users/${id}`, { token: admin, body: { roles: ['auditor'] } }), 409, 'conflict', 'roles');
    const still = await suite.api('console', 'GET', `/api/v1/users/${id}`, { token: admin });
    assert.equal(still.json.enabled, true);
    assert.deepEqual(still.json.roles, ['admin']);

    // With a second enabled admin, the first may step down; then the second is the last.
    const second = await suite.createStaff(['admin']);
    const down = await suite.api('console', 'PATCH', `/api/v1/users/${id}`, { token: admin, body: { roles: ['auditor'] } });
    assert.equal(down.status, 200, down.text);
    expectError(await suite.api('console', 'PATCH', `/api/v1/users/${second.id}`, { token: second.token, body: { enabled: false } }), 409, 'conflict', 'enabled');
    const back = await suite.api('console', 'PATCH', `/api/v1/users/${id}`, { token: second.token, body: { roles: ['admin'] } });
    assert.equal(back.status, 200, back.text);
    const audit = await suite.api('console', 'GET', '/api/v1/audit?limit=1000', { token: second.token });
    assert.ok(audit.json.entries.some((e) => e.action === 'user.update' && e.outcome === 'denied' && e.detail.reason === 'last_enabled_admin'));
  });

  it('accounts, keys and the audit chain survive a restart; the bootstrap runs once', async () => {
    const s = await suite.createStaff(['nurse']);
    await suite.restart('console');
    // The token from before the restart is still valid (same key).
    assert.equal((await suite.api('console', 'GET', '/api/v1/me', { token: s.token })).status, 200);
    assert.equal((await suite.api('console', 'POST', '/api/v1/auth/login', { body: { username: s.username, password: s.password } })).status, 200);
    const admin = await suite.adminToken();
    const audit = await suite.api('console', 'GET', '/api/v1/audit?limit=1000', { token: admin });
    assert.equal(audit.json.entries.filter((e) => e.action === 'user.bootstrap').length, 1);
    const v = await suite.api('console', 'GET', '/api/v1/audit/verify', { token: admin });
    assert.equal(v.json.ok, true, v.text);
  });
});

describe('console start-up', () => {
  it('refuses a bootstrap password the policy refuses, naming the key, without echoing it', async () => {
    await assert.rejects(
      startSuite({ services: ['console'], settings: { console: { 'console.bootstrap_admin_password': 'weakpass' } } }),
      (e) => /console\.bootstrap_admin_password/.test(e.message) && !e.message.includes('weakpass'),
    );
  });

  it('refuses an out-of-range setting naming the key', async () => {
    await assert.rejects(
      startSuite({ services: ['console'], settings: { console: { 'console.lockout_threshold': '0' } } }),
      /console\.lockout_threshold/,
    );
  });
});

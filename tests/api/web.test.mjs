// The web foundation through the real binaries (docs/web.md): pages served
// from the embedded files (caching, gzip, content types, hostile paths),
// the staff cookie with its CSRF check on the console and on booking (one
// sign-in for every staff service), bearer clients unaffected.
//   MEDBOX_BUILD_DIR=build node --test tests/api/web.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { startSuite, hasService } from '../lib/harness.mjs';

const COOKIE = '__Host-medbox-staff';

// Sends one raw request line (paths node's client refuses to send) and
// returns the status code.
function rawStatus(port, target) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      s.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let got = '';
    s.setEncoding('latin1');
    s.on('data', (d) => {
      got += d;
    });
    s.on('end', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`no status line in ${JSON.stringify(got.slice(0, 200))}`));
    });
    s.on('error', reject);
  });
}

function cookieOf(r) {
  const set = [].concat(r.headers['set-cookie'] ?? []);
  const line = set.find((c) => c.startsWith(`${COOKIE}=`));
  assert.ok(line, `no ${COOKIE} in ${JSON.stringify(set)}`);
  return { line, value: line.slice(COOKIE.length + 1).split(';')[0] };
}

describe('web foundation', { skip: !hasService('booking') && 'booking is not built' }, () => {
  let suite;
  before(async () => {
    suite = await startSuite({ services: ['console', 'booking'], settings: { console: { 'web.time_zone': 'Europe/Berlin' } } });
  });
  after(() => suite?.stop());

  describe('pages', () => {
    it('serves the sign-in page at / with its type, a strict CSP, an ETag and no-cache', async () => {
      const r = await suite.api('console', 'GET', '/', { headers: { accept: 'text/html' } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(r.text, /<script type="module" src="\/js\/signin.js">/);
      const csp = r.headers['content-security-policy'];
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self';/);
      assert.match(csp, /style-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.match(r.headers['strict-transport-security'], /max-age=/);
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.match(r.headers.etag, /^"[0-9a-f]{32}"$/);
    });

    it('answers 304 without a body when the ETag still matches, 200 when it does not', async () => {
      const first = await suite.api('console', 'GET', '/shared/ui.css');
      assert.equal(first.status, 200);
      assert.equal(first.headers['content-type'], 'text/css; charset=utf-8');
      const again = await suite.api('console', 'GET', '/shared/ui.css', { headers: { 'if-none-match': first.headers.etag } });
      assert.equal(again.status, 304);
      assert.equal(again.raw.length, 0);
      assert.equal(again.headers.etag, first.headers.etag);
      const stale = await suite.api('console', 'GET', '/shared/ui.css', { headers: { 'if-none-match': '"0000"' } });
      assert.equal(stale.status, 200);
    });

    it('sends the gzip made at build time to clients that accept it, the plain bytes to others', async () => {
      const plain = await suite.api('console', 'GET', '/shared/components/table.js');
      assert.equal(plain.status, 200);
      assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.headers.vary, 'Accept-Encoding');
      const gz = await suite.api('console', 'GET', '/shared/components/table.js', { headers: { 'accept-encoding': 'gzip, br' } });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.ok(gz.raw.length < plain.raw.length * 0.9, `gzip ${gz.raw.length} vs ${plain.raw.length}`);
      assert.equal(zlib.gunzipSync(gz.raw).toString('utf8'), plain.text);
      assert.equal(gz.headers.etag, plain.headers.etag);
      const refused = await suite.api('console', 'GET', '/shared/components/table.js', { headers: { 'accept-encoding': 'gzip;q=0' } });
      assert.equal(refused.headers['content-encoding'], undefined);
    });

    it('serves the shared files, the vendored chart library and the texts from every service', async () => {
      for (const svc of ['console', 'booking']) {
        for (const [p, type] of [
          ['/shared/i18n/zh-CN.json', 'application/json'],
          ['/shared/i18n.js', 'text/javascript; charset=utf-8'],
          ['/vendor/uplot/uPlot.esm.js', 'text/javascript; charset=utf-8'],
          ['/vendor/uqr/index.mjs', 'text/javascript; charset=utf-8'],
        ]) {
          const r = await suite.api(svc, 'GET', p);
          assert.equal(r.status, 200, `${svc} ${p}`);
          assert.equal(r.headers['content-type'], type, `${svc} ${p}`);
        }
      }
      const zh = await suite.api('console', 'GET', '/shared/i18n/zh-CN.json');
      assert.equal(zh.json['shell.signOut'], '退出登录');
    });

    it('tells pages the hospital time zone', async () => {
      const r = await suite.api('console', 'GET', '/api/v1/web/settings');
      assert.equal(r.status, 200);
      assert.equal(r.json.timeZone, 'Europe/Berlin');
      const b = await suite.api('booking', 'GET', '/api/v1/web/settings');
      assert.equal(b.json.timeZone, 'Asia/Shanghai');
    });

    it('keeps openapi.json on its own route and answers 404 for what is not embedded', async () => {
      assert.equal((await suite.api('console', 'GET', '/openapi.json')).status, 200);
      assert.equal((await suite.api('console', 'GET', '/nope.html')).status, 404);
      assert.equal((await suite.api('console', 'POST', '/index.html', { body: {} })).status, 404);
      assert.equal((await suite.api('console', 'HEAD', '/index.html')).status, 200);
    });

    it('refuses hostile paths without reaching any file', async () => {
      const port = suite.port('console');
      const hostile = [
        '/../../../../etc/passwd',
        '/shared/../../etc/passwd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/shared/%2e%2e/%2e%2e/etc/passwd',
        '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
        '/shared/..%2f..%2fetc%2fpasswd',
        '/index.html%00.css',
        '/shared/ui.css%00',
        '/shared\\..\\..\\etc\\passwd',
        '/shared%5c..%5c..%5cetc%5cpasswd',
        '/./index.html',
        '//etc/passwd',
        '/.git/config',
        '/shared/%ff%fe',
        '/%zz',
        `/${'a/'.repeat(300)}index.html`,
        `/${'x'.repeat(7000)}`,
      ];
      for (const p of hostile) {
        const status = await rawStatus(port, p);
        assert.ok([400, 404, 414].includes(status), `${p.slice(0, 60)}: ${status}`);
      }
      // The same files by their honest names are there.
      assert.equal(await rawStatus(port, '/index.html'), 200);
      assert.equal(await rawStatus(port, '/shared/ui.css'), 200);
    });

    it('answers a folder with its index.html', async () => {
      const slash = await suite.api('console', 'GET', '/');
      const index = await suite.api('console', 'GET', '/index.html');
      assert.equal(slash.text, index.text);
    });
  });

  describe('staff cookie and CSRF', () => {
    let staff;
    let browser; // { cookie, csrf } of a cookie sign-in
    before(async () => {
      staff = await suite.createStaff(['scheduler']);
      const r = await suite.api('console', 'POST', '/api/v1/auth/login', {
        body: { username: staff.username, password: staff.password, session: 'cookie' },
      });
      assert.equal(r.status, 200, r.text);
      const c = cookieOf(r);
      browser = { cookie: `${COOKIE}=${c.value}`, csrf: r.json.csrfToken, line: c.line, json: r.json };
    });

    it('sets a __Host- cookie that is Secure, HttpOnly and SameSite=Strict, and keeps the token out of the body', async () => {
      assert.match(browser.line, /; Path=\//);
      assert.match(browser.line, /; Secure/);
      assert.match(browser.line, /; HttpOnly/);
      assert.match(browser.line, /; SameSite=Strict/);
      assert.doesNotMatch(browser.line, /Domain=/i);
      assert.equal(browser.json.token, undefined);
      assert.match(browser.json.csrfToken, /^[A-Za-z0-9_-]{43}$/);
      assert.ok(Date.parse(browser.json.sessionEndsAt) > Date.parse(browser.json.expiresAt) - 1000);
    });

    it('signs the user in on another service with the same cookie (one sign-in)', async () => {
      const r = await suite.api('booking', 'GET', '/api/v1/session', { headers: { cookie: browser.cookie } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.username, staff.username);
      assert.deepEqual(r.json.roles, ['scheduler']);
      assert.equal(r.json.cookie, true);
      assert.equal(r.json.csrfToken, browser.csrf, 'every service derives the same CSRF value');
      const d = await suite.api('booking', 'GET', '/api/v1/departments', { headers: { cookie: browser.cookie } });
      assert.equal(d.status, 200, d.text);
    });

    it('refuses a change made with the cookie but without the right CSRF header, on every service', async () => {
      const body = { code: `W${Date.now() % 100000}`, name: '网页测试科' };
      const none = await suite.api('booking', 'POST', '/api/v1/departments', { headers: { cookie: browser.cookie }, body });
      assert.equal(none.status, 403, none.text);
      assert.match(none.json.error.message, /X-CSRF-Token/);
      const wrong = await suite.api('booking', 'POST', '/api/v1/departments', {
        headers: { cookie: browser.cookie, 'x-csrf-token': `${browser.csrf.slice(0, -2)}AA` },
        body,
      });
      assert.equal(wrong.status, 403, wrong.text);
      const logout = await suite.api('console', 'POST', '/api/v1/auth/logout', { headers: { cookie: browser.cookie } });
      assert.equal(logout.status, 403, 'a forged sign-out is refused too');
      const ok = await suite.api('booking', 'POST', '/api/v1/departments', {
        headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf },
        body,
      });
      assert.equal(ok.status, 201, ok.text);
    });

    it('leaves bearer clients alone: no CSRF header needed, a cookie beside it ignored', async () => {
      const r = await suite.api('console', 'POST', '/api/v1/auth/refresh', {
        token: staff.token,
        headers: { cookie: `${COOKIE}=not.a.token` },
      });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.token);
      assert.equal(r.headers['set-cookie'], undefined);
    });

    it('ignores the cookie on public routes, so a stale one never blocks the sign-in', async () => {
      const r = await suite.api('console', 'POST', '/api/v1/auth/login', {
        headers: { cookie: `${COOKIE}=not.a.token` },
        body: { username: staff.username, password: staff.password },
      });
      assert.equal(r.status, 200, r.text);
      const page = await suite.api('console', 'GET', '/', { headers: { cookie: `${COOKIE}=not.a.token` } });
      assert.equal(page.status, 200);
      const api = await suite.api('console', 'GET', '/api/v1/me', { headers: { cookie: `${COOKIE}=not.a.token` } });
      assert.equal(api.status, 401);
    });

    it('refreshes the cookie with the CSRF header, keeping the session start', async () => {
      const r = await suite.api('console', 'POST', '/api/v1/auth/refresh', {
        headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf },
      });
      assert.equal(r.status, 200, r.text);
      const c = cookieOf(r);
      assert.notEqual(c.value, browser.cookie.split('=')[1]);
      assert.equal(r.json.sessionEndsAt, browser.json.sessionEndsAt, 'a refresh does not extend the maximum age');
      const s = await suite.api('console', 'GET', '/api/v1/session', { headers: { cookie: `${COOKIE}=${c.value}` } });
      assert.equal(s.json.csrfToken, r.json.csrfToken);
      browser = { ...browser, cookie: `${COOKIE}=${c.value}`, csrf: r.json.csrfToken };
    });

    it('renews the cookie from a page of another service, through the console (idle limit)', async () => {
      const none = await suite.api('booking', 'POST', '/api/v1/session/refresh', { headers: { cookie: browser.cookie } });
      assert.equal(none.status, 403, 'a change: the CSRF header is required');
      const bearer = await suite.api('booking', 'POST', '/api/v1/session/refresh', { token: staff.token });
      assert.equal(bearer.status, 400, 'API clients refresh at the console');
      const r = await suite.api('booking', 'POST', '/api/v1/session/refresh', {
        headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf },
      });
      assert.equal(r.status, 200, r.text);
      const c = cookieOf(r);
      assert.match(c.line, /; HttpOnly; SameSite=Strict/);
      assert.equal(r.json.sessionEndsAt, browser.json.sessionEndsAt);
      const s = await suite.api('console', 'GET', '/api/v1/session', { headers: { cookie: `${COOKIE}=${c.value}` } });
      assert.equal(s.status, 200, s.text);
      assert.equal(s.json.csrfToken, r.json.csrfToken);
      browser = { ...browser, cookie: `${COOKIE}=${c.value}`, csrf: r.json.csrfToken };
    });

    it('signs out everywhere: the cookie is cleared and refused by the other services', async () => {
      const r = await suite.api('console', 'POST', '/api/v1/auth/logout', {
        headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrf },
      });
      assert.equal(r.status, 204, r.text);
      assert.match(cookieOf(r).line, /Max-Age=0/);
      const me = await suite.api('console', 'GET', '/api/v1/session', { headers: { cookie: browser.cookie } });
      assert.equal(me.status, 401);
      // Booking follows the console's revocation list (auth.revocation_poll_ms).
      const deadline = Date.now() + 15_000;
      let status;
      do {
        status = (await suite.api('booking', 'GET', '/api/v1/session', { headers: { cookie: browser.cookie } })).status;
        if (status === 401) break;
        await new Promise((res) => setTimeout(res, 250));
      } while (Date.now() < deadline);
      assert.equal(status, 401);
    });

    it('refuses an unknown session kind at login', async () => {
      const r = await suite.api('console', 'POST', '/api/v1/auth/login', {
        body: { username: staff.username, password: staff.password, session: 'jar' },
      });
      assert.equal(r.status, 400);
      assert.equal(r.json.error.field, 'session');
    });
  });
});

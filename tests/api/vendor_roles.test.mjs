// The vendor role across every service (issue 12: "the vendor role is
// refused on every endpoint that returns patient data, in every service"):
// a real vendor token, signed in inside an open vendor window, is sent to
// every operation each running service documents in its /openapi.json
// (the route table: RoutesTest keeps the two in step), and every one must
// answer 403 -- except the console's few endpoints about the caller's own
// account, listed below, none of which returns patient or staff data. A
// service that later admits the vendor somewhere fails here until the
// operation is reviewed and listed.
//   MEDBOX_BUILD_DIR=build node --test tests/api/vendor_roles.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, hasService } from '../lib/harness.mjs';

// The caller's own account, session and token; the role catalogue and the
// password rules (shown to whoever must choose a password).
const VENDOR_MAY = new Set([
  'console POST /api/v1/auth/refresh',
  'console POST /api/v1/auth/password',
  'console POST /api/v1/auth/logout',
  'console POST /api/v1/auth/totp/enroll',
  'console POST /api/v1/auth/totp/confirm',
  'console POST /api/v1/auth/totp/recovery-codes',
  'console GET /api/v1/me',
  'console GET /api/v1/roles',
  'console GET /api/v1/settings/password-rules',
  'console GET /api/v1/sessions',
  'console POST /api/v1/sessions/{id}/end',
  // Every service: the caller's own browser session (core; docs/web.md).
  '* GET /api/v1/session',
  '* POST /api/v1/session/refresh',
]);
const mayCall = (service, op) => VENDOR_MAY.has(`${service} ${op}`) || VENDOR_MAY.has(`* ${op}`);
// "staff:a|b service:x", "staff:*": does the staff part admit the vendor role?
const admitsVendor = (access) =>
  access
    .split(' ')
    .filter((part) => part.startsWith('staff:'))
    .some((part) => part.slice(6).split('|').some((r) => r === 'vendor' || r === '*'));

const SERVICES = ['console', 'booking', 'hisbridge'].filter((s) => hasService(s));

describe('the vendor role in every service', () => {
  let suite;
  let vendor;

  before(async () => {
    suite = await startSuite({
      services: SERVICES,
      settings: { hisbridge: ['hisbridge.mllp.port=0', 'hisbridge.mllp.host=127.0.0.1', 'hisbridge.his.port=0', 'hisbridge.his.host=127.0.0.1'] },
    });
    // The harness opens a vendor window for it (Suite.openVendorWindow).
    vendor = await suite.createStaff(['vendor']);
  });
  after(async () => {
    await suite?.stop();
  });

  for (const service of SERVICES) {
    it(`${service}: every documented operation refuses the vendor but the listed own-account ones`, async () => {
      const doc = await suite.api(service, 'GET', '/openapi.json');
      assert.equal(doc.status, 200, doc.text);
      let checked = 0;
      for (const [p, ops] of Object.entries(doc.json.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
          const access = op['x-medbox-access'] ?? '';
          const what = `${method.toUpperCase()} ${p}`;
          const key = `${service} ${what}`;
          // Public operations (sign-in, health, the document itself) take no token.
          if (access === 'anyone') continue;
          assert.equal(admitsVendor(access), mayCall(service, what), `${key}: documented access "${access}"`);
          if (mayCall(service, what)) continue;
          // Path parameters get a plausible value: the access check comes first.
          const url = p.replace(/\{[^}]+\}/g, '1');
          const r = await suite.api(service, method.toUpperCase(), url, { token: vendor.token, body: method === 'get' || method === 'delete' ? undefined : {} });
          assert.equal(r.status, 403, `${key} answered ${r.status} to the vendor: ${r.text.slice(0, 200)}`);
          checked += 1;
        }
      }
      assert.ok(checked > 3, `${service}: only ${checked} operations checked`);
    });
  }
});

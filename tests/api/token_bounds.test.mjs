// The bounds a service puts on tokens beyond their signature, through the
// real booking binary and its settings (docs/security.md, "Tokens"): a
// service token may live at most auth.service_token_max_seconds, a token
// whose jti is in auth.refused_token_ids is refused, and the answer says
// "invalid token" without the reason (which goes to the log).
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/token_bounds.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, hasService, signJwt } from '../lib/harness.mjs';

const MAX_SECONDS = 120;
const LEAKED = 'a-leaked-token-id';

describe('token bounds', { skip: !hasService('booking') ? 'medbox-booking not built' : false }, () => {
  let suite;
  before(async () => {
    suite = await startSuite({
      services: ['booking'],
      settings: { booking: { 'auth.service_token_max_seconds': String(MAX_SECONDS), 'auth.refused_token_ids': `other, ${LEAKED}` } },
    });
  });
  after(async () => {
    if (suite) await suite.stop();
  });

  // A portal token as the portal signs them, with the given lifetime and jti.
  const portalToken = (lifetime, jti) => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { alg: 'ES256', typ: 'JWT', kid: 'portal' },
      { iss: 'portal', sub: 'portal', aud: 'medbox', typ: 'service', roles: ['service'], iat: now, exp: now + lifetime, jti },
      suite.serviceKey('portal'),
    );
  };
  const read = (token) => suite.api('booking', 'GET', '/api/v1/departments', { token });
  const expectRefused = (r) => {
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json?.error?.code, 'unauthenticated', r.text);
    assert.equal(r.json.error.message, 'invalid token', 'the reason is logged, not told');
  };

  it('accepts a service token within the configured lifetime', async () => {
    const r = await read(portalToken(MAX_SECONDS, 'fresh-1'));
    assert.equal(r.status, 200, r.text);
  });

  it('refuses one that would live a second longer', async () => {
    expectRefused(await read(portalToken(MAX_SECONDS + 1, 'fresh-2')));
  });

  it('refuses a token whose id is listed as refused', async () => {
    expectRefused(await read(portalToken(60, LEAKED)));
  });
});

// API tests of the hisbridge service against the real binary (with the real
// console for staff tokens): its row, health, and the OpenAPI document. The
// HL7 listener's tests: hisbridge_mllp.test.mjs.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/hisbridge.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, hasService, serviceTable } from '../lib/harness.mjs';

const SKIP = !hasService('hisbridge') || !hasService('console') ? 'medbox-hisbridge or medbox-console is not built' : false;

describe('hisbridge API', { skip: SKIP }, () => {
  let suite;
  const api = (method, path, opts) => suite.api('hisbridge', method, path, opts);

  before(async () => {
    // MLLP on a free port of the kernel's choosing: this test does not use it.
    suite = await startSuite({ services: ['console', 'hisbridge'], settings: { hisbridge: ['hisbridge.mllp.port=0', 'hisbridge.mllp.host=127.0.0.1', 'hisbridge.his.port=0', 'hisbridge.his.host=127.0.0.1'] } });
  });
  after(async () => {
    if (suite) await suite.stop();
  });

  it('has a row in the table of services', () => {
    const row = serviceTable().find((r) => r.name === 'hisbridge');
    assert.ok(row, 'no hisbridge row in build/medbox-services.json');
    assert.equal(row.port, 8445);
    assert.equal(row.user, 'medbox-hisbridge');
  });

  it('answers /healthz without a token', async () => {
    const r = await api('GET', '/healthz');
    assert.equal(r.status, 200, r.text);
  });

  it('documents every route in GET /openapi.json', async () => {
    const r = await api('GET', '/openapi.json');
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.openapi, /^3\./);
    assert.equal(r.json.paths['/api/v1/messages'].get['x-medbox-access'], 'staff:admin|auditor');
    assert.ok(r.json.paths['/api/v1/messages/{id}'].get);
  });
});

// API tests of the hisbridge service against the real binary (with the real
// console for staff tokens):
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/hisbridge.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSuite, hasService, serviceTable } from '../lib/harness.mjs';

const SKIP = !hasService('hisbridge') || !hasService('console') ? 'medbox-hisbridge or medbox-console is not built' : false;

describe('hisbridge API', { skip: SKIP }, () => {
  let suite;
  const tok = {};
  const api = (method, path, opts) => suite.api('hisbridge', method, path, opts);

  before(async () => {
    suite = await startSuite({ services: ['console', 'hisbridge'] });
    tok.admin = await suite.staffToken(['admin']);
    tok.doctor = await suite.staffToken(['doctor']);
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
    assert.equal(r.json.paths['/api/v1/notes'].post['x-medbox-access'], 'staff:admin');
    assert.ok(r.json.paths['/api/v1/notes/{id}'].get);
  });

  it('adds a note, lists it and reads it back', async () => {
    const created = await api('POST', '/api/v1/notes', { token: tok.admin, body: { text: '  printer on ward 3  ' } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.text, 'printer on ward 3');
    assert.equal(created.headers.location, `/api/v1/notes/${created.json.id}`);
    const list = await api('GET', '/api/v1/notes?limit=5', { token: tok.admin });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items[0].id, created.json.id);
    const one = await api('GET', created.headers.location, { token: tok.admin });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.json, created.json);
  });

  it('refuses bad input with the field named, and unknown notes with 404', async () => {
    const tooLong = await api('POST', '/api/v1/notes', { token: tok.admin, body: { text: 'x'.repeat(501) } });
    assert.equal(tooLong.status, 400, tooLong.text);
    assert.equal(tooLong.json.error.code, 'invalid_field');
    assert.equal(tooLong.json.error.field, 'text');
    const unknown = await api('POST', '/api/v1/notes', { token: tok.admin, body: { text: 'a', colour: 'red' } });
    assert.equal(unknown.status, 400, unknown.text);
    const badLimit = await api('GET', '/api/v1/notes?limit=0', { token: tok.admin });
    assert.equal(badLimit.json?.error?.field, 'limit', badLimit.text);
    const missing = await api('GET', '/api/v1/notes/999999', { token: tok.admin });
    assert.equal(missing.status, 404, missing.text);
  });

  it('admits admins only', async () => {
    assert.equal((await api('GET', '/api/v1/notes')).status, 401);
    assert.equal((await api('GET', '/api/v1/notes', { token: tok.doctor })).status, 403);
  });
});

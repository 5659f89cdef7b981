// The console's view of the other services (GET /api/v1/appliance/services)
// against a real booking: readiness, the outbox backlog through booking's
// /api/v1/system/backlog with the console's service token, the certificate
// from the trust folder (expiry and the fingerprint node computes itself),
// and a service that stops answering.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/console_overview.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startSuite } from '../lib/harness.mjs';

const S = '/api/v1/appliance/services';

describe('console overview of the services', () => {
  let suite;
  let auditor;
  const services = async () => {
    const r = await suite.api('console', 'GET', S, { token: auditor });
    assert.equal(r.status, 200, r.text);
    return r.json.services;
  };
  // Polls until `pred` holds for booking's entry (the console checks every 5 s here).
  const bookingWhen = async (pred) => {
    let last;
    for (let i = 0; i < 100; i++) {
      last = (await services()).find((s) => s.name === 'booking');
      if (last && pred(last)) return last;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.fail(`booking never reached the expected state: ${JSON.stringify(last)}`);
  };

  before(async () => {
    suite = await startSuite({ services: ['console', 'booking'], settings: { booking: { 'booking.demo_data': 'true' } } });
    // The console learns booking's test port: restart it with the peer URL.
    suite.settings.console = { 'console.peers.booking.url': suite.url('booking'), 'console.peer_check_seconds': '5' };
    await suite.restart('console');
    auditor = await suite.staffToken(['auditor']);
  });
  after(async () => {
    await suite?.stop();
  });

  it('shows booking ready, its backlog and its certificate; the console first', async () => {
    const booking = await bookingWhen((s) => s.ready);
    assert.equal(booking.error, null, JSON.stringify(booking));
    assert.ok(Array.isArray(booking.backlog), JSON.stringify(booking));
    const pem = fs.readFileSync(path.join(suite.dataDir, 'trust', 'booking.crt'));
    const x509 = new crypto.X509Certificate(pem);
    assert.equal(booking.certificate.sha256, x509.fingerprint256);
    assert.equal(Date.parse(booking.certificate.notAfter), Date.parse(x509.validTo));
    assert.ok(booking.certificate.daysLeft >= 396, JSON.stringify(booking.certificate));
    assert.equal(booking.certificate.selfSigned, true);
    const all = await services();
    assert.equal(all[0].name, 'console');
    assert.equal(all[0].ready, true);
    // Services not running here answer nothing, and say so.
    const portal = all.find((s) => s.name === 'portal');
    assert.equal(portal.ready, false);
    assert.match(portal.error, /^not answering/);
  });

  it('counts what booking queued for the HIS bridge', async () => {
    // A booking queues booking.created for hisbridge, which does not run here.
    const portal = suite.serviceToken('portal');
    const deps = await suite.api('booking', 'GET', '/api/v1/departments', { token: portal });
    const dept = deps.json.items[0].id;
    const date = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = await suite.api('booking', 'GET', `/api/v1/schedules?department=${dept}&from=${date}&to=${date}`, { token: portal });
    assert.equal(list.status, 200, list.text);
    let booked = false;
    for (const sch of list.json.items) {
      const one = await suite.api('booking', 'GET', `/api/v1/schedules/${sch.id}`, { token: portal });
      const slot = one.json.slots?.find((s) => s.remaining > 0 && s.bookable);
      if (!slot) continue;
      const r = await suite.api('booking', 'POST', '/api/v1/appointments', {
        token: portal,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: { slotId: slot.id, patient: { name: '张三', documentType: 'resident_id', documentNumber: '11010519491231002X', phone: '13812345678' } },
      });
      assert.equal(r.status, 201, r.text);
      booked = true;
      break;
    }
    assert.ok(booked, 'no bookable slot tomorrow in the demo data');
    const booking = await bookingWhen((s) => s.backlog?.some((b) => b.destination === 'hisbridge' && b.pending >= 1));
    const his = booking.backlog.find((b) => b.destination === 'hisbridge');
    assert.ok(his.oldestAgeSeconds >= 0, JSON.stringify(his));
  });

  it('says so when booking stops answering, and is refused to other roles', async () => {
    await suite.stop('booking');
    const booking = await bookingWhen((s) => !s.ready);
    assert.match(booking.error, /^not answering/, JSON.stringify(booking));
    for (const role of ['nurse', 'vendor', 'registrar']) {
      const r = await suite.api('console', 'GET', S, { token: await suite.staffToken([role]) });
      assert.equal(r.status, 403, r.text);
    }
  });
});

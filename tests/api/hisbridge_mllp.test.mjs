// HL7 v2 over MLLP to the real medbox-hisbridge, sent by an independently
// written HL7 client from npm (simple-hl7, pinned in the root package.json,
// installed by scripts/deps.sh): ACK codes, the stored rows read back through
// GET /api/v1/messages, a duplicate control id applied once, a malformed
// message NAKed with an ERR segment and nothing stored.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/hisbridge_mllp.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { freePort } from '../lib/freePort.mjs';
import * as his from '../../tools/his-sim/his-sim.mjs';
import { startSuite, hasService } from '../lib/harness.mjs';

const require = createRequire(import.meta.url);
let hl7;
try {
  hl7 = require('simple-hl7');
} catch {
  // Not a skip: the suite must not pass quietly without its HL7 client.
  throw new Error('simple-hl7 is not installed in tests/api/node_modules: run scripts/deps.sh (npm ci --prefix tests/api)');
}

const SKIP = !hasService('hisbridge') || !hasService('console') ? 'medbox-hisbridge or medbox-console is not built' : false;

// A resident ID with a valid GB 11643 checksum.
const RESIDENT_ID = '11010519491231002X';

// One message over a fresh connection of the npm client; resolves to its parsed ACK.
export function sendHl7(port, msg) {
  return new Promise((resolve, reject) => {
    const client = hl7.Server.createTcpClient({ host: '127.0.0.1', port, keepalive: false });
    const timer = setTimeout(() => {
      client.close();
      reject(new Error('no ACK within 10 s'));
    }, 10_000);
    client.send(msg, (err, ack) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(ack);
    });
  });
}

// Messages are written as HL7 text and read by simple-hl7's own parser; its
// client encodes them again (toString) and frames them: our decoder meets an
// encoder it did not write.
const parser = new hl7.Parser({ segmentSeperator: '\r' });

function msh(type, controlId, app = 'HIS') {
  return `MSH|^~\\&|${app}|HOSP01|MEDBOX|HOSP01|20261203101500||${type}|${controlId}|P|2.5.1`;
}

function pid({ name = 'Zhang^San', card = 'C0098', patientId = 'P12345', residentId = RESIDENT_ID } = {}) {
  const ids = [`${patientId}^^^HIS^PI`];
  if (card) ids.push(`${card}^^^HIS^CARD`);
  if (residentId) ids.push(`${residentId}^^^CHN^NNCHN`);
  return `PID|1||${ids.join('~')}||${name}||19491231|M`;
}

function adt(event, controlId, opts = {}) {
  return parser.parse([msh(`ADT^${event}^ADT_A01`, controlId), `EVN|${event}|20261203101500`, pid(opts)].join('\r'));
}

function oru(controlId, { card = 'C0098', residentId = null, potassiumFlag = 'HH' } = {}) {
  return parser.parse(
    [
      msh('ORU^R01^ORU_R01', controlId, 'LIS'),
      pid({ card, residentId }),
      'OBR|1|PL100|FL200^LIS|CBC^Complete blood count^L|||20261203090000',
      `OBX|1|NM|K^Potassium^L||6.9|mmol/L|3.5-5.3|${potassiumFlag}|||F`,
      'OBX|2|NM|NA^Sodium^L||140|mmol/L|137-147|N|||F',
    ].join('\r'),
  );
}

const msa = (ack, n) => ack.getSegment('MSA').getField(n);

describe('hisbridge MLLP with an npm HL7 client', { skip: SKIP }, () => {
  let suite;
  let mllpPort;
  const tok = {};
  const api = (method, path, opts) => suite.api('hisbridge', method, path, opts);
  const messages = async (query) => {
    const r = await api('GET', `/api/v1/messages?${query}`, { token: tok.auditor });
    assert.equal(r.status, 200, r.text);
    return r.json.items;
  };

  before(async () => {
    mllpPort = await freePort();
    suite = await startSuite({
      services: ['console', 'hisbridge'],
      settings: { hisbridge: [`hisbridge.mllp.port=${mllpPort}`, 'hisbridge.mllp.host=127.0.0.1', 'hisbridge.his.port=0', 'hisbridge.his.host=127.0.0.1'] },
    });
    tok.auditor = await suite.staffToken(['auditor']);
    tok.admin = await suite.staffToken(['admin']);
    tok.doctor = await suite.staffToken(['doctor']);
    tok.vendor = await suite.staffToken(['vendor']);
  });
  after(async () => {
    if (suite) await suite.stop();
  });

  it('acknowledges ADT^A04 with AA and stores the patient', async () => {
    const ack = await sendHl7(mllpPort, adt('A04', 'NPM-ADT-1'));
    assert.equal(msa(ack, 1), 'AA');
    assert.equal(msa(ack, 2), 'NPM-ADT-1');
    const [row] = await messages('controlId=NPM-ADT-1');
    assert.equal(row.state, 'applied');
    assert.equal(row.type, 'ADT^A04');
    assert.equal(row.patientId, 'P12345');
    assert.equal(row.sender, 'HIS/HOSP01');
    const detail = await api('GET', `/api/v1/messages/${row.id}`, { token: tok.admin });
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.json.patient.name, 'ZhangSan');
    assert.equal(detail.json.patient.cardNumber, 'C0098');
    assert.equal(detail.json.patient.idNumber, RESIDENT_ID);
    assert.match(detail.json.body, /^MSH\|/);
  });

  it('applies a repeated control id once and acknowledges it AA again', async () => {
    const first = await sendHl7(mllpPort, adt('A08', 'NPM-DUP-1', { name: 'Li^Si' }));
    assert.equal(msa(first, 1), 'AA');
    const again = await sendHl7(mllpPort, adt('A08', 'NPM-DUP-1', { name: 'Wang^Wu' }));
    assert.equal(msa(again, 1), 'AA');
    assert.equal(msa(again, 2), 'NPM-DUP-1');
    const rows = await messages('controlId=NPM-DUP-1');
    assert.equal(rows.length, 1);
    const detail = await api('GET', `/api/v1/messages/${rows[0].id}`, { token: tok.admin });
    assert.equal(detail.json.patient.name, 'LiSi'); // the second copy was not applied
  });

  it('keeps ORU^R01 results with their flags, critical ones marked', async () => {
    const ack = await sendHl7(mllpPort, oru('NPM-ORU-1'));
    assert.equal(msa(ack, 1), 'AA');
    const [row] = await messages('controlId=NPM-ORU-1&type=ORU%5ER01');
    const detail = await api('GET', `/api/v1/messages/${row.id}`, { token: tok.auditor });
    const [report] = detail.json.reports;
    assert.equal(report.reportId, 'FL200');
    assert.equal(report.critical, true);
    assert.equal(report.cardNumber, 'C0098');
    assert.deepEqual(
      report.observations.map((o) => [o.code, o.value, o.flags.join('~'), o.critical]),
      [
        ['K', '6.9', 'HH', true],
        ['NA', '140', 'N', false],
      ],
    );
  });

  it('answers AE with an ERR segment for a result it cannot file, and keeps it as failed', async () => {
    const ack = await sendHl7(mllpPort, oru('NPM-ORU-BAD', { card: null }));
    assert.equal(msa(ack, 1), 'AE');
    const err = ack.getSegment('ERR');
    assert.ok(err, 'no ERR segment');
    assert.equal(err.getComponent(3, 1), '101');
    assert.equal(err.getComponent(2, 1), 'PID');
    assert.equal(err.getComponent(2, 3), '3');
    const [row] = await messages('controlId=NPM-ORU-BAD');
    assert.equal(row.state, 'failed');
    assert.equal(row.error.code, 'missing_field');
    assert.equal(row.error.location, 'PID-3');
    const detail = await api('GET', `/api/v1/messages/${row.id}`, { token: tok.auditor });
    assert.deepEqual(detail.json.reports, []);
  });

  it('NAKs a malformed message AR with an ERR segment and stores nothing', async () => {
    const before = (await messages('limit=500')).length;
    // Broken encoding characters: MSH-2 repeats '^'. The client frames whatever toString() gives.
    const broken = { toString: () => 'MSH|^^\\&|HIS|HOSP01|MEDBOX|HOSP01|20261203||ADT^A04|NPM-BAD-1|P|2.5.1\rPID|1' };
    const ack = await sendHl7(mllpPort, broken);
    assert.equal(msa(ack, 1), 'AR');
    const err = ack.getSegment('ERR');
    assert.ok(err, 'no ERR segment');
    assert.equal(err.getComponent(5, 1), 'bad_request');
    assert.match(err.getField(8), /MSH-2/);
    assert.equal((await messages('limit=500')).length, before);
    assert.deepEqual(await messages('controlId=NPM-BAD-1'), []);
  });

  it('searches by patient id, state and time', async () => {
    const byPatient = await messages('patientId=P12345');
    assert.ok(byPatient.length >= 3);
    assert.ok(byPatient.every((m) => m.patientId === 'P12345'));
    const failed = await messages('state=failed');
    assert.deepEqual(
      failed.map((m) => m.controlId),
      ['NPM-ORU-BAD'],
    );
    const future = await messages(`fromMs=${Date.now() + 3_600_000}`);
    assert.deepEqual(future, []);
    const bad = await api('GET', '/api/v1/messages?state=lost', { token: tok.auditor });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.field, 'state');
  });

  it('audits every search and every message read, without the patient id', async () => {
    const auditRows = async (action) => {
      const r = await api('GET', `/api/v1/system/audit?action=${action}&limit=1000`, { token: tok.auditor });
      assert.equal(r.status, 200, r.text);
      return r.json.entries;
    };
    const searchesBefore = (await auditRows('hisbridge.message_search')).length;
    const found = await messages('patientId=P12345');
    const searches = await auditRows('hisbridge.message_search');
    assert.equal(searches.length, searchesBefore + 1);
    const last = searches.at(-1);
    assert.match(last.actor, /^staff:/);
    assert.deepEqual(last.detail, { filters: ['patientId'], results: found.length });
    assert.ok(!JSON.stringify(last).includes('P12345'), JSON.stringify(last));
    const viewsBefore = (await auditRows('hisbridge.message_view')).length;
    const one = await api('GET', `/api/v1/messages/${found[0].id}`, { token: tok.admin });
    assert.equal(one.status, 200, one.text);
    const views = await auditRows('hisbridge.message_view');
    assert.equal(views.length, viewsBefore + 1);
    assert.equal(views.at(-1).target, `message:${found[0].id}`);
    // A message that does not exist was not read: no row.
    assert.equal((await api('GET', '/api/v1/messages/999999', { token: tok.admin })).status, 404);
    assert.equal((await auditRows('hisbridge.message_view')).length, viewsBefore + 1);
  });

  it('admits admins and auditors only', async () => {
    assert.equal((await api('GET', '/api/v1/messages')).status, 401);
    assert.equal((await api('GET', '/api/v1/messages', { token: tok.doctor })).status, 403);
    assert.equal((await api('GET', '/api/v1/messages/1', { token: tok.doctor })).status, 403);
    assert.equal((await api('GET', '/api/v1/messages/999999', { token: tok.admin })).status, 404);
  });

  it('keeps the failed result in the quarantine: auditors read, vendors are refused, an admin corrects and resends it', async () => {
    const auditRows = async (action) => (await api('GET', `/api/v1/system/audit?action=${action}&limit=1000`, { token: tok.auditor })).json.entries;
    const list = await api('GET', '/api/v1/quarantine', { token: tok.auditor });
    assert.equal(list.status, 200, list.text);
    const item = list.json.items.find((q) => q.kind === 'hl7' && q.key === 'NPM-ORU-BAD');
    assert.ok(item, JSON.stringify(list.json));
    assert.equal(item.location, 'PID-3');
    assert.equal(item.body, undefined, 'no body in the list');
    for (const who of ['vendor', 'doctor']) {
      assert.equal((await api('GET', '/api/v1/quarantine', { token: tok[who] })).status, 403, who);
      assert.equal((await api('GET', `/api/v1/quarantine/hl7/${item.id}`, { token: tok[who] })).status, 403, who);
    }
    const one = await api('GET', `/api/v1/quarantine/hl7/${item.id}`, { token: tok.auditor });
    assert.equal(one.status, 200, one.text);
    assert.equal((await auditRows('hisbridge.quarantine_view')).at(-1).target, `hl7:${item.id}`);
    // Auditors read only.
    assert.equal((await api('PUT', `/api/v1/quarantine/hl7/${item.id}`, { token: tok.auditor, body: { body: one.json.body } })).status, 403);
    assert.equal((await api('POST', `/api/v1/quarantine/hl7/${item.id}/resend`, { token: tok.auditor })).status, 403);
    assert.equal((await api('POST', `/api/v1/quarantine/hl7/${item.id}/discard`, { token: tok.auditor, body: { reason: 'x' } })).status, 403);
    // A correction that does not read is refused, naming what is wrong; nothing kept.
    const bad = await api('PUT', `/api/v1/quarantine/hl7/${item.id}`, { token: tok.admin, body: { body: 'MSH|nonsense' } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.field, 'body');
    assert.equal((await auditRows('hisbridge.quarantine_correct')).length, 0);
    // The visit card added to PID-3, CR line ends kept.
    const fixed = one.json.body
      .split('\r')
      .map((seg) => {
        if (!seg.startsWith('PID|')) return seg;
        const f = seg.split('|');
        f[3] = `${f[3]}~C0101^^^HIS^CARD`;
        return f.join('|');
      })
      .join('\r');
    const put = await api('PUT', `/api/v1/quarantine/hl7/${item.id}`, { token: tok.admin, body: { body: fixed } });
    assert.equal(put.status, 200, put.text);
    const resend = await api('POST', `/api/v1/quarantine/hl7/${item.id}/resend`, { token: tok.admin });
    assert.equal(resend.status, 200, resend.text);
    assert.equal(resend.json.state, 'applied');
    const detail = await api('GET', `/api/v1/messages/${item.id}`, { token: tok.auditor });
    assert.equal(detail.json.state, 'applied');
    assert.equal(detail.json.reports[0].cardNumber, 'C0101');
    assert.equal((await auditRows('hisbridge.quarantine_correct')).length, 1);
    const resent = await auditRows('hisbridge.quarantine_resend');
    assert.equal(resent.at(-1).target, `hl7:${item.id}`);
    assert.deepEqual(resent.at(-1).detail, { result: 'applied' });
    assert.ok(!(await api('GET', '/api/v1/quarantine', { token: tok.auditor })).json.items.some((q) => q.id === item.id && q.kind === 'hl7'));
    // The LIS's own resend of the original is now a duplicate: AA, not applied again.
    const again = await sendHl7(mllpPort, oru('NPM-ORU-BAD', { card: null }));
    assert.equal(msa(again, 1), 'AA');
    assert.equal((await api('GET', `/api/v1/messages/${item.id}`, { token: tok.auditor })).json.reports.length, 1);
  });

  it("takes the simulated LIS's results, critical ones marked", async () => {
    const acks = await his.sendResults(mllpPort);
    assert.deepEqual(acks.map((a) => a.ack), ['AA', 'AA', 'AA', 'AA']);
    for (const m of his.labResults()) {
      const [row] = await messages(`controlId=${encodeURIComponent(m.controlId)}`);
      assert.equal(row?.state, 'applied', m.controlId);
      const d = await api('GET', `/api/v1/messages/${row.id}`, { token: tok.auditor });
      assert.equal(d.json.reports[0].critical, m.critical, m.controlId);
    }
  });
});

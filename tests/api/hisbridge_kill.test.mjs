// SIGKILL the HIS bridge at 32 random moments in a stream of ORU^R01
// messages, restart it each time, and check what the issue asks: every
// message acknowledged AA before a kill is stored once; every one not
// acknowledged is sent again by the peer (as an interface engine does) and
// applied once. The peer here is a plain MLLP client that resends the same
// message (same MSH-10) until it gets AA.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/hisbridge_kill.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../lib/freePort.mjs';
import { startSuite, hasService } from '../lib/harness.mjs';
import { killRepeatedly } from '../lib/killLoop.mjs';

const SKIP = !hasService('hisbridge') || !hasService('console') ? 'medbox-hisbridge or medbox-console is not built' : false;
const KILLS = 32;

function oru(controlId, n) {
  return [
    `MSH|^~\\&|LIS|HOSP01|MEDBOX|HOSP01|20261203101500||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    `PID|1||P${n}^^^HIS^PI~C${n}^^^HIS^CARD||Zhang^San`,
    `OBR|1||FL${n}^LIS|GLU^Glucose^L|||20261203090000`,
    `OBX|1|NM|GLU^Glucose^L||${(n % 20) + 3}.1|mmol/L|3.9-6.1|${n % 7 === 0 ? 'HH' : 'N'}|||F`,
  ].join('\r');
}

// One MLLP connection; send() resolves to MSA-1 and MSA-2 of the ACK, or
// rejects when the connection ends first or no ACK comes in time.
class MllpPeer {
  constructor(port) {
    this.port = port;
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    this.waiter = null;
  }

  async connect() {
    for (;;) {
      try {
        await new Promise((resolve, reject) => {
          const s = net.connect({ host: '127.0.0.1', port: this.port }, () => resolve());
          s.once('error', reject);
          this.socket = s;
        });
        break;
      } catch {
        this.socket?.destroy();
        await sleep(20); // the bridge is restarting
      }
    }
    this.buffer = Buffer.alloc(0);
    this.socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      const end = this.buffer.indexOf('\x1c\x0d');
      if (end >= 0 && this.waiter) {
        const text = this.buffer.subarray(1, end).toString('utf8');
        this.buffer = this.buffer.subarray(end + 2);
        const msa = text.split('\r').find((s) => s.startsWith('MSA|'))?.split('|') ?? [];
        this.waiter.resolve({ code: msa[1], controlId: msa[2] });
        this.waiter = null;
      }
    });
    const fail = () => {
      this.waiter?.reject(new Error('connection ended'));
      this.waiter = null;
      this.socket = null;
    };
    this.socket.on('close', fail);
    this.socket.on('error', fail);
  }

  async send(message) {
    if (!this.socket) await this.connect();
    const answer = new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    const timer = sleep(5000).then(() => {
      throw new Error('no ACK in 5 s');
    });
    this.socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(message, 'utf8'), Buffer.from([0x1c, 0x0d])]));
    return Promise.race([answer, timer]);
  }

  close() {
    this.socket?.destroy();
  }
}

describe('hisbridge under SIGKILL', { skip: SKIP }, () => {
  let suite;
  let mllpPort;
  let auditor;

  before(async () => {
    mllpPort = await freePort();
    suite = await startSuite({
      services: ['console', 'hisbridge'],
      settings: { hisbridge: [`hisbridge.mllp.port=${mllpPort}`, 'hisbridge.mllp.host=127.0.0.1', 'hisbridge.his.port=0', 'hisbridge.his.host=127.0.0.1'] },
    });
    auditor = await suite.staffToken(['auditor']);
  });
  after(async () => {
    if (suite) await suite.stop();
  });

  it(`stores every acknowledged message once across ${KILLS} kills`, { timeout: 300_000 }, async () => {
    const acked = new Map(); // control id -> time of its AA
    const ackedBeforeKill = new Set();
    let resends = 0;
    let done = false;

    const sender = (async () => {
      const peer = new MllpPeer(mllpPort);
      for (let n = 1; !done || n % 10 !== 1; n++) {
        const controlId = `KILL-${String(n).padStart(5, '0')}`;
        for (;;) {
          try {
            const ack = await peer.send(oru(controlId, n));
            assert.equal(ack.controlId, controlId);
            if (ack.code === 'AA') break;
            // AR 207 while the database could not commit: send it again.
            assert.equal(ack.code, 'AR', `${controlId}: ${ack.code}`);
          } catch (e) {
            if (e.code === 'ERR_ASSERTION') throw e;
            peer.close();
            resends++;
          }
        }
        acked.set(controlId, Date.now());
      }
      peer.close();
    })();

    const kills = await killRepeatedly(suite, 'hisbridge', KILLS, () => {
      for (const id of acked.keys()) ackedBeforeKill.add(id);
    });
    done = true;
    await sender;

    assert.equal(kills, KILLS);
    assert.ok(ackedBeforeKill.size > 0, 'no message was acknowledged before a kill');
    // Read back every stored message, newest first, page by page.
    const stored = new Map();
    let beforeId = '';
    for (;;) {
      const r = await suite.api('hisbridge', 'GET', `/api/v1/messages?limit=500&type=ORU%5ER01${beforeId}`, { token: auditor });
      assert.equal(r.status, 200, r.text);
      for (const m of r.json.items) {
        assert.ok(!stored.has(m.controlId), `${m.controlId} stored twice`);
        stored.set(m.controlId, m);
      }
      if (r.json.nextBeforeId === null) break;
      beforeId = `&beforeId=${r.json.nextBeforeId}`;
    }
    for (const id of acked.keys()) {
      assert.ok(stored.has(id), `${id} was acknowledged AA but is not stored`);
      assert.equal(stored.get(id).state, 'applied', id);
    }
    assert.equal(stored.size, acked.size, 'a message that was never acknowledged is stored');
    // Applied once: exactly one report per message, checked on every message.
    for (const m of stored.values()) {
      const d = await suite.api('hisbridge', 'GET', `/api/v1/messages/${m.id}`, { token: auditor });
      assert.equal(d.json.reports.length, 1, `${m.controlId} has ${d.json.reports.length} reports`);
    }
    console.log(`# ${acked.size} messages acknowledged, ${ackedBeforeKill.size} of them before a kill; ${kills} kills, ${resends} resends`);
  });
});

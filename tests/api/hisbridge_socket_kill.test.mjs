// SIGKILL the HIS bridge at 32 random moments in a stream of requests on the
// HIS socket interface, restart it each time, and check what the issue asks:
// every request answered 0000 before a kill is stored once; every one not
// answered is sent again by the peer (same requestId, as the HIS's interface
// program does) and applied once: one his_request row and one message to
// booking per request, read from the bridge's database after it stopped.
//   MEDBOX_BUILD_DIR=/path/to/build node --test tests/api/hisbridge_socket_kill.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../lib/freePort.mjs';
import { startSuite, hasService } from '../lib/harness.mjs';
import { killRepeatedly } from '../lib/killLoop.mjs';
import * as his from '../../tools/his-sim/his-sim.mjs';

let sqlite = true;
try {
  execFileSync('sqlite3', ['-version']);
} catch {
  sqlite = false;
}
const SKIP = !hasService('hisbridge') ? 'medbox-hisbridge is not built' : !sqlite ? 'the sqlite3 shell is not installed' : false;
const KILLS = 32;

describe('hisbridge socket interface under SIGKILL', { skip: SKIP }, () => {
  let suite;
  let hisPort;

  before(async () => {
    hisPort = await freePort();
    suite = await startSuite({
      services: ['hisbridge'],
      settings: {
        hisbridge: [`hisbridge.his.port=${hisPort}`, 'hisbridge.his.host=127.0.0.1', 'hisbridge.mllp.enabled=false'],
      },
    });
  });
  after(async () => {
    if (suite) await suite.stop();
  });

  it(`stores every answered request once across ${KILLS} kills`, { timeout: 300_000 }, async () => {
    const answered = new Set();
    const answeredBeforeKill = new Set();
    let resends = 0;
    let done = false;

    const sender = (async () => {
      for (let n = 1; !done || n % 10 !== 1; n++) {
        const requestId = `KILL-${String(n).padStart(5, '0')}`;
        const data = { departments: [{ code: `K${n}`, name: `科室${n}` }] };
        for (;;) {
          let r = null;
          try {
            r = await his.send(hisPort, 'T102', data, { requestId, timeoutMs: 5000 });
          } catch {
            // refused while the bridge restarts
          }
          if (r?.answer) {
            assert.equal(r.answer.requestId, requestId);
            if (r.answer.code === '0000') break;
            // 9002 while the database could not commit: send it again.
            assert.equal(r.answer.code, '9002', `${requestId}: ${r.answer.code} ${r.answer.message}`);
          }
          resends++;
          await sleep(20);
        }
        answered.add(requestId);
      }
    })();

    const kills = await killRepeatedly(suite, 'hisbridge', KILLS, () => {
      for (const id of answered) answeredBeforeKill.add(id);
    });
    done = true;
    await sender;
    await suite.stop('hisbridge');

    assert.ok(answeredBeforeKill.size > 0, 'no request was answered before a kill');
    const db = path.join(suite.dataDir, 'hisbridge.db');
    const rows = (sql) =>
      execFileSync('sqlite3', ['-readonly', db, sql], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    const stored = rows("SELECT request_id || ' ' || state FROM his_request");
    const ids = stored.map((r) => r.split(' ')[0]);
    assert.equal(new Set(ids).size, ids.length, 'a request is stored twice');
    for (const row of stored) assert.match(row, / forwarded$/);
    for (const id of answered) assert.ok(ids.includes(id), `${id} was answered 0000 but is not stored`);
    assert.equal(ids.length, answered.size, 'a request that was never answered is stored');
    // Applied once: one message to booking per request.
    const forwarded = rows("SELECT json_extract(payload, '$.requestId') FROM outbox WHERE destination = 'booking'");
    assert.equal(forwarded.length, answered.size, 'messages to booking');
    assert.equal(new Set(forwarded).size, forwarded.length, 'a request was forwarded twice');
    console.log(`# ${answered.size} requests answered, ${answeredBeforeKill.size} of them before a kill; ${kills} kills, ${resends} resends`);
  });
});

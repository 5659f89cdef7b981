// The HL7 benchmark (docs/benchmarks.md, "HL7 over MLLP"): ORU^R01 results
// into the real medbox-hisbridge (started by the test harness on a temporary
// data folder), next to the ceiling measured in the same run.
//
//   1. ceiling: the sqlite3 shell committing one row per message (a row of the
//      message's size, WAL, synchronous=FULL: the durability of the clinical
//      tables, whose writer syncs the WAL before it answers), next to the
//      bridge's database;
//   2. throughput: 4 MLLP connections, each sending its next ORU^R01 as soon
//      as the ACK of the last arrives (one message in flight per connection,
//      as MLLP senders do), for BENCH_DURATION seconds; every ACK must be AA,
//      and the stored rows are counted in the database afterwards;
//   3. latency: 100 messages per second spread over the 4 connections for
//      BENCH_DURATION seconds, the time from the first byte sent to the ACK
//      read, p50 / p99 / max.
//
// A benchmark, not a test: it prints the figures and exits 0 whether targets
// are met or not (not when a run is invalid: an ACK other than AA, counts
// that do not add up). Needs sqlite3 and a build (MEDBOX_BUILD_DIR, ./build).
//   node bench/hl7.mjs
// Environment: BENCH_DURATION [10] seconds per run, BENCH_RATE [100] msg/s for the latency run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startSuite } from '../tests/lib/harness.mjs';
import { freePort } from '../tests/lib/freePort.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const CONNS = 4;
const say = (s) => process.stdout.write(`${s}\n`);

let seq = 0;
function oru() {
  const id = `B${process.pid}-${++seq}`;
  const card = `C${String(seq % 5000).padStart(6, '0')}`;
  return [
    `MSH|^~\\&|LIS|HOSP01|MEDBOX|HOSP01|20261203101500||ORU^R01^ORU_R01|${id}|P|2.5.1|||||CHN|UNICODE UTF-8`,
    `PID|1||P${seq}^^^HIS^PI~${card}^^^HIS^CARD||王^小明||19800101|M`,
    `OBR|1|PL${seq}|FL${seq}^LIS|CBC^血常规^L|||20261203090000|||||||||||||||20261203100000|||F`,
    'OBX|1|NM|WBC^白细胞^L||6.1|10*9/L|3.5-9.5|N|||F',
    'OBX|2|NM|HGB^血红蛋白^L||135|g/L|130-175|N|||F',
    'OBX|3|NM|PLT^血小板^L||210|10*9/L|125-350|N|||F',
    'OBX|4|NM|K^钾^L||4.2|mmol/L|3.5-5.3|N|||F',
  ].join('\r');
}

// One MLLP connection: send(message) resolves with [MSA-1, milliseconds] once its ACK is read.
function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let waiting = null;
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf(0x1c);
      if (end < 0 || !waiting) return;
      const ack = buf.subarray(1, end).toString();
      buf = buf.subarray(end + 2);
      const w = waiting;
      waiting = null;
      w.resolve([/MSA\|(\w+)/.exec(ack)?.[1], Number(process.hrtime.bigint() - w.t0) / 1e6]);
    });
    s.on('error', (e) => (waiting ? waiting.reject(e) : reject(e)));
    s.on('connect', () =>
      resolve({
        send(msg) {
          return new Promise((res, rej) => {
            waiting = { resolve: res, reject: rej, t0: process.hrtime.bigint() };
            s.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(msg), Buffer.from([0x1c, 0x0d])]));
          });
        },
        close: () => s.end(),
      }),
    );
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ---- 1. the ceiling -----------------------------------------------------------
function ceiling(dir, n) {
  const db = path.join(dir, 'ceiling.db');
  const row = oru().replace(/'/g, "''");
  let sql = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nCREATE TABLE m (id INTEGER PRIMARY KEY, body TEXT);\n";
  for (let i = 0; i < n; i++) sql += `BEGIN; INSERT INTO m (body) VALUES ('${row}'); COMMIT;\n`;
  const file = path.join(dir, 'ceiling.sql');
  fs.writeFileSync(file, sql);
  const t0 = process.hrtime.bigint();
  execFileSync('sqlite3', [db], { input: fs.readFileSync(file), stdio: ['pipe', 'ignore', 'inherit'] });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / s;
}

const mllpPort = await freePort();
const suite = await startSuite({
  services: ['hisbridge'],
  settings: { hisbridge: [`hisbridge.mllp.port=${mllpPort}`, 'hisbridge.mllp.host=127.0.0.1', 'hisbridge.his.enabled=false'] },
});
try {
  const dataDir = suite.dataDir; // the bridge's database is here too: same file system for both
  say(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const ceil = ceiling(dataDir, 3000);
  say(`ceiling: sqlite3 shell, one row per commit (WAL, synchronous=FULL): ${ceil.toFixed(0)} commits/s`);

  // ---- 2. throughput ---------------------------------------------------------
  const conns = await Promise.all(Array.from({ length: CONNS }, () => connect(mllpPort)));
  for (const c of conns) for (let i = 0; i < 20; i++) await c.send(oru()); // warm-up
  let sent = 0;
  let bad = 0;
  const end = Date.now() + DURATION * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    conns.map(async (c) => {
      while (Date.now() < end) {
        const [code] = await c.send(oru());
        sent++;
        if (code !== 'AA') bad++;
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (bad) throw new Error(`${bad} answers were not AA: the run is invalid`);
  say(`throughput: ${CONNS} MLLP connections, ORU^R01 with durable ACK: ${(sent / secs).toFixed(0)} msg/s (${sent} in ${secs.toFixed(1)} s), ${(sent / secs / ceil).toFixed(2)} of the ceiling`);

  // ---- 3. latency at a fixed rate ------------------------------------------------
  const lat = [];
  const total = RATE * DURATION;
  const start = Date.now();
  await Promise.all(
    conns.map(async (c, k) => {
      for (let i = k; i < total; i += CONNS) {
        const due = start + (i * 1000) / RATE;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const [code, ms] = await c.send(oru());
        if (code !== 'AA') throw new Error(`answer ${code}: the run is invalid`);
        lat.push(ms);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  say(`latency at ${RATE} msg/s over ${CONNS} connections (${lat.length} messages): p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms, max ${lat.at(-1).toFixed(2)} ms`);
  for (const c of conns) c.close();

  // Every AA stored once: the rows in the bridge's database.
  const stored = Number(execFileSync('sqlite3', [path.join(dataDir, 'hisbridge.db'), 'SELECT count(*) FROM hl7_message'], { encoding: 'utf8' }).trim());
  const expected = sent + lat.length + CONNS * 20;
  say(`stored: ${stored} messages for ${expected} AA answers${stored === expected ? '' : ' (MISMATCH: the run is invalid)'}`);
  if (stored !== expected) process.exitCode = 1;
} finally {
  await suite.stop();
}

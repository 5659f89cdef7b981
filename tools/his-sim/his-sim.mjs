#!/usr/bin/env node
// A simulated HIS for the seed documents' short-connection socket interface
// (docs/his-protocol.md): a believable data set (departments, doctors, a week
// of schedules) sent to medbox as T102, T103, T104, a stop-clinic notice
// (T105), and scripted faults on the connection (half frame, hang, drop mid
// frame, bad length header, malformed body). Plus the HIS's own listener
// for medbox's P2xx transactions with scripted answers (refuse, hang, slow,
// malformed, drop mid frame) and a scripted downtime; and the LIS, which
// sends results (a blood count, critical potassium and glucose, an X-ray
// report) over HL7 v2 / MLLP. Node 20, no npm packages.
//
// As a program (scripts/up.sh, or by hand):
//   node tools/his-sim/his-sim.mjs push --port 2576 [--host 127.0.0.1] [--charset GBK] [--from 2026-12-07]
//   node tools/his-sim/his-sim.mjs listen --port 2577 [--fault refuse|hang|slow|malformed|drop] [--downtime SECONDS [--sell-every N]]
//   node tools/his-sim/his-sim.mjs lis --port 2575 [--host 127.0.0.1]
// As a module (tests/api/hisbridge_socket.test.mjs): import { ... } from '../../tools/his-sim/his-sim.mjs'.
import net from 'node:net';
import { pathToFileURL } from 'node:url';

// ---- character sets -------------------------------------------------------
// UTF-8, or GBK / GB18030 for the two-byte range: decoded by the runtime's ICU
// (TextDecoder), encoded through the reverse of that same decoder, built once.
let gbkTable;
function gbkEncoder() {
  if (gbkTable) return gbkTable;
  gbkTable = new Map();
  const dec = new TextDecoder('gbk', { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const ch = dec.decode(Uint8Array.of(lead, trail));
        if (!gbkTable.has(ch)) gbkTable.set(ch, [lead, trail]);
      } catch {
        // not a character in GBK
      }
    }
  return gbkTable;
}

export function encode(text, charset = 'UTF-8') {
  if (charset.toUpperCase() === 'UTF-8') return Buffer.from(text, 'utf8');
  const table = gbkEncoder();
  const out = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (cp < 0x80) out.push(cp);
    else if (table.has(ch)) out.push(...table.get(ch));
    else throw new Error(`U+${cp.toString(16)} has no two-byte ${charset} form in this simulator`);
  }
  return Buffer.from(out);
}

export function decode(bytes, charset = 'UTF-8') {
  const name = charset.toUpperCase() === 'UTF-8' ? 'utf-8' : charset.toLowerCase();
  return new TextDecoder(name, { fatal: true }).decode(bytes);
}

// ---- framing -------------------------------------------------------------
export function frame(body) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  if (bytes.length > 99_999_999) throw new Error('frame too long');
  return Buffer.concat([Buffer.from(String(bytes.length).padStart(8, '0'), 'ascii'), bytes]);
}

// Reads one frame from a socket: resolves to the body bytes, or null when the
// peer closes first or nothing whole arrives within timeoutMs.
export function readFrame(socket, timeoutMs) {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const done = (v) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      resolve(v);
    };
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 8) return;
      const head = buf.subarray(0, 8).toString('ascii');
      if (!/^[0-9]{8}$/.test(head)) return done(null);
      const n = Number(head);
      if (buf.length >= 8 + n) done(buf.subarray(8, 8 + n));
    };
    const onClose = () => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

let seq = 0;
export function newRequestId(prefix = 'HIS') {
  return `${prefix}-${Date.now().toString(36)}-${(++seq).toString(36)}`;
}

export function requestBody(txn, data, requestId = newRequestId()) {
  return JSON.stringify({ version: 1, txn, requestId, sentAt: new Date().toISOString(), data });
}

// ---- HIS -> medbox ---------------------------------------------------------
// One short connection: connect, send, read the answer, close. fault (for
// tests): 'half' sends half the frame and waits, 'drop' sends half and closes,
// 'badHeader' sends a length that is not digits, 'raw' sends `body` as is.
// Resolves to { answer (parsed JSON or null), closed (the other side closed),
// bytes (the answer's raw body) }.
export function send(port, txn, data, opts = {}) {
  const { host = '127.0.0.1', charset = 'UTF-8', requestId = newRequestId(), fault = null, timeoutMs = 15_000 } = opts;
  const body = opts.body ?? requestBody(txn, data, requestId);
  const bytes = encode(body, charset);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, async () => {
      const whole = frame(bytes);
      if (fault === 'half' || fault === 'drop') socket.write(whole.subarray(0, Math.floor(whole.length / 2)));
      else if (fault === 'badHeader') socket.write(Buffer.concat([Buffer.from('0000x012'), bytes]));
      else socket.write(whole);
      if (fault === 'drop') {
        socket.destroy();
        return resolve({ answer: null, closed: true, bytes: null });
      }
      const got = await readFrame(socket, timeoutMs);
      const closed = got !== null || socket.readableEnded || socket.destroyed;
      socket.destroy();
      if (got === null) return resolve({ answer: null, closed, bytes: null });
      let answer = null;
      try {
        answer = JSON.parse(decode(got, charset));
      } catch {
        // left null: the caller asserts on it
      }
      resolve({ answer, closed, bytes: got });
    });
    socket.on('error', reject);
  });
}

// ---- the data set --------------------------------------------------------
export const departments = [
  { code: 'NK', name: '内科', nameEn: 'Internal medicine', location: '门诊楼2楼' },
  { code: 'WK', name: '外科', nameEn: 'Surgery', location: '门诊楼3楼' },
  { code: 'EK', name: '儿科', nameEn: 'Paediatrics', location: '门诊楼1楼' },
  { code: 'FK', name: '妇产科', nameEn: 'Obstetrics and gynaecology', location: '门诊楼4楼' },
];

export const doctors = [
  { code: 'D001', departmentCode: 'NK', name: '张伟', title: 'chief', specialty: '心血管' },
  { code: 'D002', departmentCode: 'NK', name: '王芳', title: 'attending', specialty: '消化' },
  { code: 'D003', departmentCode: 'WK', name: '李强', title: 'associate_chief', specialty: '普外' },
  { code: 'D004', departmentCode: 'EK', name: '刘洋', title: 'attending', specialty: '儿童呼吸' },
  { code: 'D005', departmentCode: 'FK', name: '陈静', title: 'chief', specialty: '产科' },
];

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

// A week of schedules from `from` (YYYY-MM-DD, default tomorrow, UTC dates):
// every doctor on weekdays, mornings and (for some) afternoons.
export function weekOfSchedules(from) {
  const start = from ? new Date(`${from}T00:00:00Z`) : new Date(Date.now() + 86_400_000);
  const out = [];
  for (let i = 0; i < 7; i++) {
    const day = new Date(start.getTime() + i * 86_400_000);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    doctors.forEach((d, n) => {
      const date = isoDay(day);
      out.push({
        scheduleCode: `${d.code}-${date}-AM`, doctorCode: d.code, date, session: 'morning', start: '08:00',
        end: '12:00', slotMinutes: 30, capacity: 16, room: `${d.departmentCode}-${101 + n}`,
        feeCents: d.title === 'chief' ? 5000 : 1500,
      });
      if (n % 2 === 0)
        out.push({
          scheduleCode: `${d.code}-${date}-PM`, doctorCode: d.code, date, session: 'afternoon', start: '14:00',
          end: '17:00', slotMinutes: 30, capacity: 12, room: `${d.departmentCode}-${101 + n}`,
          feeCents: d.title === 'chief' ? 5000 : 1500,
        });
    });
  }
  return out;
}

// Sends the catalogue and the week in order; resolves to the answers.
export async function pushAll(port, opts = {}) {
  const answers = [];
  for (const [txn, data] of [
    ['T102', { departments }],
    ['T103', { doctors }],
    ['T104', { schedules: weekOfSchedules(opts.from) }],
  ]) {
    const r = await send(port, txn, data, opts);
    answers.push({ txn, ...r });
    if (r.answer?.code !== '0000') break;
  }
  return answers;
}

// ---- medbox -> HIS: the HIS's own listener ------------------------------------
// Answers each P2xx request with 0000, or by the fault in effect (settable
// while it runs): refuse (2001 slot taken), busy (9001), hang (never answers),
// slow (answers after slowMs), malformed (not JSON), drop (half an answer,
// then closes). Keeps every request it read, in order, in `log`.
// Scripted downtime: state.downtime(ms, { sellEvery, sellAtMost }) stops
// answering for ms (requests are read and logged, never answered);
// meanwhile the HIS "sells" the slot of every sellEvery-th distinct P201 it
// saw (at most sellAtMost of them) to someone else, so after the downtime
// those bookings are refused with 2001 (slots in state.sold). Others are
// answered as usual.
export function listen({ port = 0, host = '127.0.0.1', charset = 'UTF-8', fault = null, slowMs = 3000 } = {}) {
  const state = { fault, log: [], server: null, port: 0, downUntil: 0, sellEvery: 2, seenDown: new Set(), sold: new Set() };
  const slotKey = (req) => {
    const d = req?.data ?? {};
    return `${d.scheduleId ?? ''}|${d.date ?? ''}|${d.slotStart ?? d.slotId ?? ''}`;
  };
  state.downtime = (ms, { sellEvery = 2, sellAtMost = Infinity } = {}) => {
    state.downUntil = Date.now() + ms;
    state.sellEvery = sellEvery;
    state.sellAtMost = sellAtMost;
    state.seenDown.clear();
  };
  state.server = net.createServer(async (socket) => {
    socket.on('error', () => {});
    const got = await readFrame(socket, 10_000);
    if (got === null) return socket.destroy();
    let req;
    try {
      req = JSON.parse(decode(got, charset));
    } catch {
      req = null;
    }
    const down = Date.now() < state.downUntil;
    state.log.push({ at: Date.now(), request: req, fault: down ? 'downtime' : state.fault });
    const answer = (code, message) =>
      frame(encode(JSON.stringify({ version: 1, txn: req?.txn ?? '', requestId: req?.requestId ?? '', code, message, data: {} }), charset));
    if (down) {
      // Not answering; a booking seen now may have its slot sold at the counter meanwhile.
      if (req?.txn === 'P201' && !state.seenDown.has(req.requestId)) {
        state.seenDown.add(req.requestId);
        if (state.seenDown.size % state.sellEvery === 0 && state.sold.size < state.sellAtMost) state.sold.add(slotKey(req));
      }
      return; // holds the connection until the caller gives up
    }
    if (req?.txn === 'P201' && state.sold.has(slotKey(req))) return socket.end(answer('2001', '号源已被他人预约'));
    switch (state.fault) {
      case 'hang':
        return; // holds the connection until the caller gives up
      case 'malformed':
        return socket.end(frame('this is not JSON'));
      case 'drop': {
        const a = answer('0000', 'ok');
        socket.write(a.subarray(0, Math.floor(a.length / 2)));
        return socket.destroy();
      }
      case 'refuse':
        return socket.end(answer('2001', '号源已被HIS占用'));
      case 'busy':
        return socket.end(answer('9001', 'busy'));
      case 'slow':
        return setTimeout(() => socket.end(answer('0000', 'ok')), slowMs);
      default:
        return socket.end(answer(req ? '0000' : '1001', req ? 'ok' : 'malformed'));
    }
  });
  return new Promise((resolve) =>
    state.server.listen(port, host, () => {
      state.port = state.server.address().port;
      resolve(state);
    }),
  );
}

// ---- the LIS over MLLP: results into medbox ----------------------------------
// Patients of the simulated hospital with visit cards, and their results:
// a blood count, electrolytes with a critical potassium (HH), a critical low
// glucose (LL), a chest X-ray report (text). HL7 v2.5.1, UTF-8 (MSH-18).
export const labPatients = [
  { id: 'P1001', card: 'C1001', family: '张', given: '三', birth: '19800101', sex: 'M' },
  { id: 'P1002', card: 'C1002', family: '李', given: '四', birth: '19920315', sex: 'F' },
  { id: 'P1003', card: 'C1003', family: '王', given: '小明', birth: '20150607', sex: 'M' },
];

export function labResults(stamp = '20261203100000') {
  const msh = (id) => `MSH|^~\\&|LIS|HOSP01|MEDBOX|HOSP01|${stamp}||ORU^R01^ORU_R01|${id}|P|2.5.1|||||CHN|UNICODE UTF-8`;
  const pid = (p) => `PID|1||${p.id}^^^HIS^PI~${p.card}^^^HIS^CARD||${p.family}^${p.given}||${p.birth}|${p.sex}`;
  const [a, b, c] = labPatients;
  return [
    { controlId: `LIS-${stamp}-1`, critical: false, text: [msh(`LIS-${stamp}-1`), pid(a), 'OBR|1|PL1|FL1^LIS|CBC^血常规^L|||20261203090000|||||||||||||||20261203100000|||F', 'OBX|1|NM|WBC^白细胞^L||6.1|10*9/L|3.5-9.5|N|||F', 'OBX|2|NM|HGB^血红蛋白^L||135|g/L|130-175|N|||F'] },
    { controlId: `LIS-${stamp}-2`, critical: true, text: [msh(`LIS-${stamp}-2`), pid(b), 'OBR|1|PL2|FL2^LIS|LYTE^电解质^L|||20261203090000|||||||||||||||20261203100000|||F', 'OBX|1|NM|K^钾^L||6.9|mmol/L|3.5-5.3|HH|||F', 'OBX|2|NM|NA^钠^L||140|mmol/L|137-147|N|||F'] },
    { controlId: `LIS-${stamp}-3`, critical: true, text: [msh(`LIS-${stamp}-3`), pid(c), 'OBR|1|PL3|FL3^LIS|GLU^血糖^L|||20261203090000|||||||||||||||20261203100000|||F', 'OBX|1|NM|GLU^葡萄糖^L||2.1|mmol/L|3.9-6.1|LL|||F'] },
    { controlId: `LIS-${stamp}-4`, critical: false, text: [msh(`LIS-${stamp}-4`), pid(a), 'OBR|1|PL4|FL4^RIS|CXR^胸部正位片^L|||20261203090000|||||||||||||||20261203100000|||F', 'OBX|1|TX|IMP^印象^L||双肺纹理清晰，心影不大。||||||F'] },
  ].map((m) => ({ ...m, text: m.text.join('\r') }));
}

// One MLLP connection to medbox's listener; sends each message and waits for
// its ACK. Resolves to [{controlId, ack: MSA-1}].
export function sendResults(port, { host = '127.0.0.1', messages = labResults(), timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const out = [];
    let buf = Buffer.alloc(0);
    let i = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no ACK in time'));
    }, timeoutMs);
    const next = () => {
      if (i === messages.length) {
        clearTimeout(timer);
        socket.end();
        return resolve(out);
      }
      socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(messages[i].text, 'utf8'), Buffer.from([0x1c, 0x0d])]));
    };
    socket.on('connect', next);
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf(0x1c);
      if (end < 0) return;
      const ack = buf.subarray(1, end).toString('utf8');
      buf = buf.subarray(end + 2);
      out.push({ controlId: messages[i].controlId, ack: /MSA\|(\w+)/.exec(ack)?.[1] ?? null });
      i++;
      next();
    });
  });
}

// ---- command line ----------------------------------------------------------
function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cmd = process.argv[2];
  if (cmd === 'push') {
    const port = Number(arg('port', '2576'));
    const answers = await pushAll(port, { host: arg('host', '127.0.0.1'), charset: arg('charset', 'UTF-8'), from: arg('from') });
    for (const a of answers) console.log(`${a.txn}: ${a.answer ? `${a.answer.code} ${a.answer.message}` : 'no answer'}`);
    process.exit(answers.every((a) => a.answer?.code === '0000') ? 0 : 1);
  } else if (cmd === 'listen') {
    const s = await listen({ port: Number(arg('port', '2577')), host: arg('host', '127.0.0.1'), charset: arg('charset', 'UTF-8'), fault: arg('fault', null) });
    console.log(`his-sim listening on ${s.port} (fault: ${s.fault ?? 'none'})`);
    // --downtime SECONDS [--sell-every N]: down from the start for that long.
    if (arg('downtime')) s.downtime(Number(arg('downtime')) * 1000, { sellEvery: Number(arg('sell-every', '2')) });
    setInterval(() => {
      while (s.log.length) console.log(JSON.stringify(s.log.shift()));
    }, 500);
  } else if (cmd === 'lis') {
    const acks = await sendResults(Number(arg('port', '2575')), { host: arg('host', '127.0.0.1') });
    for (const a of acks) console.log(`${a.controlId}: ${a.ack}`);
    process.exit(acks.every((a) => a.ack === 'AA') ? 0 : 1);
  } else {
    console.error('usage: his-sim.mjs push --port 2576 [--charset GBK] [--from YYYY-MM-DD] | listen --port 2577 [--fault refuse|busy|hang|slow|malformed|drop] [--downtime SECONDS [--sell-every N]] | lis --port 2575 [--host H]');
    process.exit(2);
  }
}

// Storage failures against the real binary: a read-only database folder is a
// clear error at start (exit 73, the path named), and a full disk during a
// booking answers 503 "storage is full; nothing was changed", changes nothing,
// keeps the service alive, and booking works again once space is freed.
// Needs root (mounts small tmpfs file systems).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSuite, hasService, serviceBinary } from '../lib/harness.mjs';

const skip = process.getuid?.() !== 0 ? 'needs root to mount tmpfs' : !hasService('booking') || !hasService('console') ? 'services not built' : false;

const OFFSET_MIN = 480;
const DAY_MS = 86_400_000;
const localDate = (ms = Date.now()) => new Date(ms + OFFSET_MIN * 60_000).toISOString().slice(0, 10);
const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function residentId(n) {
  const birth = new Date(Date.UTC(1960, 0, 1) + n * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
  const body = `310104${birth}${String(n % 1000).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * W[i];
  return body + '10X98765432'[sum % 11];
}

function mountTmpfs(dir, options) {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
}
function unmount(dir) {
  spawnSync('umount', ['-l', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

describe('storage failures', { skip }, () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'medbox-storage-'));
  after(() => {
    for (const d of ['ro', 'small']) unmount(path.join(base, d));
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('refuses to start on a read-only database folder, naming the file', () => {
    const ro = path.join(base, 'ro');
    mountTmpfs(ro, 'size=1m,ro');
    const data = path.join(base, 'data');
    const r = spawnSync(serviceBinary('booking'), ['--set', `data.dir=${data}`, '--set', 'http.port=0', '--set', `db.path=${ro}/booking.db`], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { PATH: process.env.PATH },
    });
    assert.equal(r.status, 73, `exit ${r.status}, stderr: ${r.stderr}`);
    assert.match(r.stderr, /database error: cannot open database .*ro\/booking\.db/);
    assert.ok(!fs.existsSync(path.join(ro, 'booking.db')));
  });

  describe('a disk that fills up while booking', () => {
    let suite, portal, scheduler, schedule;
    const small = path.join(base, 'small');
    const filler = path.join(small, 'filler');

    before(async () => {
      mountTmpfs(small, 'size=4m');
      suite = await startSuite({ services: ['console', 'booking'], settings: { booking: { 'db.path': `${small}/booking.db` } } });
      portal = suite.serviceToken('portal');
      scheduler = await suite.staffToken(['scheduler']);
      const dep = await suite.api('booking', 'POST', '/api/v1/departments', { token: scheduler, body: { name: '急诊科', code: 'ER' } });
      assert.equal(dep.status, 201, dep.text);
      const doc = await suite.api('booking', 'POST', '/api/v1/doctors', { token: scheduler, body: { departmentId: dep.json.id, name: '王磊', title: 'attending' } });
      assert.equal(doc.status, 201, doc.text);
      const s = await suite.api('booking', 'POST', '/api/v1/schedules', {
        token: scheduler,
        body: { doctorId: doc.json.id, date: addDays(localDate(), 1), session: 'morning', startTime: '08:00', endTime: '12:00', slotMinutes: 240, room: 'R-09', capacity: 500 },
      });
      assert.equal(s.status, 201, s.text);
      schedule = s.json;
    });
    after(async () => {
      if (suite) await suite.stop();
    });

    const book = (n) =>
      suite.api('booking', 'POST', '/api/v1/appointments', {
        token: portal,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: { slotId: schedule.slots[0].id, patient: { name: '赵敏', documentType: 'resident_id', documentNumber: residentId(n), phone: '13700001111' } },
      });
    const booked = async () => (await suite.api('booking', 'GET', `/api/v1/schedules/${schedule.id}`, { token: portal })).json.booked;

    it('answers 503 without changing anything, stays up, and recovers when space is freed', async () => {
      assert.equal((await book(1)).status, 201);
      // Fill every free byte of the file system.
      const fd = fs.openSync(filler, 'w');
      const chunk = Buffer.alloc(64 * 1024, 7);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (e) {
        assert.equal(e.code, 'ENOSPC');
      }
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(512, 7));
      } catch (e) {
        assert.equal(e.code, 'ENOSPC');
      }
      fs.closeSync(fd);

      // SQLite reuses WAL space it already has, so some bookings may still
      // fit; keep booking until the disk refuses one. Every answer must be a
      // 201 (really stored) or a 503 (nothing stored) — never a 500 or a crash.
      let ok = 1;
      let refused = null;
      for (let n = 2; n < 400 && !refused; n++) {
        const r = await book(n);
        if (r.status === 201) ok++;
        else refused = r;
      }
      assert.ok(refused, 'the full disk never refused a booking');
      assert.equal(refused.status, 503, refused.text);
      assert.equal(refused.json.error.code, 'unavailable');
      assert.match(refused.json.error.message, /storage is full; nothing was changed/);
      assert.equal((await suite.api('booking', 'GET', '/healthz')).status, 200);
      assert.equal(await booked(), ok, 'the refused booking must not be counted');

      fs.rmSync(filler);
      const again = await book(1000);
      assert.equal(again.status, 201, again.text);
      assert.equal(await booked(), ok + 1);
      const integrity = await suite.api('booking', 'GET', '/api/v1/system/integrity', { token: await suite.adminToken() });
      assert.equal(integrity.json.databaseOk, true, integrity.text);
      assert.equal(integrity.json.audit.ok, true, integrity.text);
    });
  });
});

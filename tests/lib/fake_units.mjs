// A stand-in for the console's unit API (/api/v1/appliance/units...) inside
// a browser test, answered by Playwright's page.route: on a build machine
// there is no systemd (not PID 1, no system bus), so the real API answers
// 503 there. The real API is tested against a real systemd, polkit and
// journal in tests/nspawn/units_test.sh and for roles, names and refusals in
// tests/api/console_units.test.mjs; this fake keeps to the shapes and the
// paging rules documented in docs/console.md ("Units") so the page can be
// driven through its states. It records every request it answered.
const UNITS = '/api/v1/appliance/units';

export function fakeSystemd({ lines = 150, now = Date.now() } = {}) {
  const since = new Date(now - 3 * 3600_000).toISOString();
  const units = [
    { name: 'medbox-booking.service', description: 'medbox booking (appointments and queue)', activeState: 'active', subState: 'running', activeSince: since, memoryBytes: 48 * 1048576, self: false },
    { name: 'medbox-console.service', description: 'medbox console', activeState: 'active', subState: 'running', activeSince: since, memoryBytes: 31 * 1048576, self: true },
    { name: 'medbox-hisbridge.service', description: 'medbox HIS bridge', activeState: 'failed', subState: 'failed', activeSince: null, memoryBytes: null, self: false },
    { name: 'medbox-backup.timer', description: 'medbox nightly backup', activeState: 'active', subState: 'waiting', activeSince: since, memoryBytes: null, self: false },
  ].map((u) => ({ loadState: 'loaded', unitFileState: 'enabled', mainPid: null, restarts: 0, ...u }));
  // The journal of medbox-booking.service, oldest first; cursors in order.
  const journal = [];
  const add = (message, priority = 6, at = Date.now()) => {
    const n = journal.length + 1;
    journal.push({ time: new Date(at).toISOString(), priority, identifier: 'medbox-booking', pid: 4242, message, cursor: `s=fake;i=${n}` });
  };
  for (let i = 0; i < lines; i++) {
    const p = i % 25 === 7 ? 3 : i % 10 === 3 ? 4 : 6;
    const text = p === 3 ? `outbox: delivery to hisbridge failed: timeout after 5 s (attempt ${i})` : p === 4 ? `slow request ${i}: GET /api/v1/schedules took 812 ms` : `request ${i} served`;
    add(text, p, now - (lines - i) * 60_000);
  }
  // One long line that must wrap, not widen the page.
  add(`checkpoint ${'wal-frames=1024;'.repeat(20)}`, 5, now - 30_000);
  const requests = [];

  function page(q) {
    const max = Number(q.get('priority') ?? 7);
    const text = (q.get('q') ?? '').toLowerCase();
    const sinceMs = q.get('since') ? Date.parse(q.get('since')) : -Infinity;
    const untilMs = q.get('until') ? Date.parse(q.get('until')) : Infinity;
    const limit = Number(q.get('limit') ?? 100);
    const match = journal.filter((l) => l.priority <= max && l.message.toLowerCase().includes(text) && Date.parse(l.time) >= sinceMs && Date.parse(l.time) < untilMs);
    const at = (c) => journal.findIndex((l) => l.cursor === c);
    if (q.get('after')) {
      const from = at(q.get('after'));
      const newer = match.filter((l) => at(l.cursor) > from);
      return { lines: newer.slice(0, limit), more: newer.length > limit };
    }
    const before = q.get('before') ? at(q.get('before')) : Infinity;
    const older = match.filter((l) => at(l.cursor) < before);
    return { lines: older.slice(-limit), more: older.length > limit };
  }

  async function handle(route, request) {
    const url = new URL(request.url());
    const rest = url.pathname.slice(UNITS.length);
    requests.push({ method: request.method(), path: url.pathname, query: url.searchParams, csrf: request.headers()['x-csrf-token'] ?? null });
    const json = (body, status = 200) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (request.method() === 'GET' && rest === '') return json({ units });
    const m = /^\/([^/]+)(?:\/(journal|start|stop|restart))?$/.exec(rest);
    const unit = m && units.find((u) => u.name === decodeURIComponent(m[1]));
    if (!unit) return json({ error: { code: 'not_found', message: 'no such unit' } }, 404);
    if (m[2] === 'journal') {
      const p = page(url.searchParams);
      return json({ ...p, scanLimited: false, resumeCursor: null, journalError: null });
    }
    if (request.method() === 'POST' && m[2]) {
      if (!request.headers()['x-csrf-token']) return json({ error: { code: 'forbidden', message: 'missing or wrong X-CSRF-Token' } }, 403);
      if (unit.self && m[2] !== 'start') return json({ error: { code: 'conflict', message: 'the console does not restart its own unit' } }, 409);
      unit.activeState = m[2] === 'stop' ? 'inactive' : 'active';
      unit.subState = m[2] === 'stop' ? 'dead' : 'running';
      unit.activeSince = m[2] === 'stop' ? null : new Date().toISOString();
      if (m[2] !== 'stop') unit.restarts += 1;
      return json({ action: m[2], unit });
    }
    return json({ ...unit, fragmentPath: null, journal: [], journalError: null });
  }

  return {
    units,
    journal,
    requests,
    add,
    // Routes the unit API of one page to this fake.
    async install(page) {
      await page.route((u) => u.pathname === UNITS || u.pathname.startsWith(`${UNITS}/`), handle);
    },
    journalRequests() {
      return requests.filter((r) => r.path.endsWith('/journal'));
    },
  };
}

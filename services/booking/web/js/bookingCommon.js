// What booking's staff pages share: the hospital's date today, queue numbers
// as the wall shows them, today's rooms, and a poller that backs off while
// the service does not answer.
import { api } from '/shared/api.js';
import { hospitalTimeZone } from '/shared/i18n.js';

// YYYY-MM-DD in the hospital's time zone (booking's clinic dates).
export function hospitalToday(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: hospitalTimeZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function addDays(date, n) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

// The Monday of the week holding date.
export function mondayOf(date) {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

// 7 -> "007": three digits, as the tickets and the wall show it.
export function queueLabel(n) {
  return n === null || n === undefined ? '—' : String(n).padStart(3, '0');
}

// "08:30" out of "2026-01-05T08:30:00+08:00" (already hospital time).
export function clockOf(iso) {
  return iso ? iso.slice(11, 16) : '';
}

export function yuan(cents) {
  return (cents / 100).toFixed(2);
}

// Rooms with an open session today, sorted, each with its departments and doctors.
export async function roomsToday() {
  const { items } = await api('GET', `/api/v1/schedules?date=${hospitalToday()}`);
  const rooms = new Map();
  for (const s of items) {
    if (s.status !== 'open') continue;
    const r = rooms.get(s.room) ?? { room: s.room, doctors: [], department: s.department };
    r.doctors.push(s.doctor.name);
    rooms.set(s.room, r);
  }
  return [...rooms.values()].sort((a, b) => a.room.localeCompare(b.room));
}

// Calls read() every ms; on failure waits longer (up to 10 s) and tells
// onError, so a restarting service is not hammered. Returns stop().
export function poll(read, ms, onError = () => {}) {
  let timer = null;
  let wait = ms;
  let stopped = false;
  const tick = async () => {
    try {
      await read();
      wait = ms;
    } catch (e) {
      wait = Math.min(wait * 2, 10_000);
      onError(e);
    }
    if (!stopped) timer = setTimeout(tick, wait);
  };
  timer = setTimeout(tick, ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

// Which roles each page is for (the API's Access in src/Routes.cpp decides;
// this only keeps links to pages a role cannot use out of sight).
export const PAGE_ROLES = {
  schedule: ['scheduler', 'admin'],
  desk: ['registrar'],
  nurse: ['nurse', 'doctor'],
};

// Test data for booking's API and browser tests: hospital dates and times
// (booking.utc_offset_minutes default, China), valid resident ID numbers and
// a session around now.
export const OFFSET_MIN = 480;
export const DAY_MS = 86_400_000;

export const localDate = (ms = Date.now()) => new Date(ms + OFFSET_MIN * 60_000).toISOString().slice(0, 10);
export const localMinute = (ms = Date.now()) => {
  const d = new Date(ms + OFFSET_MIN * 60_000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
};
export const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
export const hhmm = (min) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
// The Monday of the week holding date.
export const mondayOf = (date) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

// A session today around now: slots [b-30,b) [b,b+30) [b+30,b+60) [b+60,b+90)
// with b = now rounded down to 5 minutes. The first two have started; the last
// two are bookable, their check-in is open, and the last one is inside the
// 120-minute cancellation cutoff. null near midnight.
export function todayWindow() {
  const b = Math.floor(localMinute() / 5) * 5;
  if (b - 30 < 0 || b + 90 > 23 * 60 + 55) return null;
  return { start: hhmm(b - 30), end: hhmm(b + 90), bookable: [hhmm(b + 30), hhmm(b + 60)] };
}
export const NEAR_MIDNIGHT = 'a session around now would cross midnight (hospital time); the rule is covered by the unit tests';

// 18-digit resident IDs with a correct GB 11643 check character, distinct per n.
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function residentId(n) {
  const birth = new Date(Date.UTC(1950, 0, 1) + n * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
  const body = `110105${birth}${String(n % 1000).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * W[i];
  return body + '10X98765432'[sum % 11];
}

import zlib from 'node:zlib';

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

// A real PNG of width x height in one colour (a doctor's "photo" the browser
// can decode): signature, IHDR, one IDAT, IEND.
export function solidPng(width, height, [r, g, b] = [40, 110, 180]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// <input type="datetime-local"> holds a wall time without a zone; the
// appliance's pages mean the hospital's time zone (web.time_zone), not the
// browser's. This turns such a value into an instant (ISO 8601, UTC).
import { hospitalTimeZone } from '/shared/i18n.js';

// Minutes the zone is ahead of UTC at the instant `ms`.
function offsetMinutes(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

// "2026-12-03T08:30" in the hospital's zone -> "2026-12-03T00:30:00.000Z"; '' stays ''.
export function zonedToIso(value, timeZone = hospitalTimeZone()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value ?? '');
  if (!m) return '';
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // Twice: the offset at the guess may differ from the one at the answer (DST).
  let ms = wall - offsetMinutes(wall, timeZone) * 60000;
  ms = wall - offsetMinutes(ms, timeZone) * 60000;
  return new Date(ms).toISOString();
}

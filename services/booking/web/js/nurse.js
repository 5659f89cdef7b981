// Nurse station (护士站; docs/booking.md, "Pages"): one room's queue today,
// live. The page polls GET /api/v1/rooms/{room}/queue every 2 s; the answer
// carries an ETag, so an unchanged queue costs a 304 (see the docs for why
// polling rather than server-sent events). Call next, recall and pass are
// large buttons for a tablet at the nurse's desk.
import { applyTexts, formatDateTime, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { toast } from '/shared/components/toast.js';
import { textFor } from '/shared/components/form.js';
import { poll, queueLabel, roomsToday } from '/js/bookingCommon.js';

await startPage();
const POLL_MS = 2000;
const select = document.getElementById('room');
const buttons = { next: document.getElementById('call-next'), recall: document.getElementById('recall'), pass: document.getElementById('pass') };
let queue = null;
let rooms = [];
let busy = false;

function roomFromHash() {
  return new URLSearchParams(window.location.hash.slice(1)).get('room');
}

function renderRooms() {
  select.replaceChildren(
    ...rooms.map((r) =>
      Object.assign(document.createElement('option'), { value: r.room, textContent: `${r.room} · ${r.department.name} · ${r.doctors.join('、')}` }),
    ),
  );
  const wanted = roomFromHash();
  if (wanted && rooms.some((r) => r.room === wanted)) select.value = wanted;
  document.getElementById('no-rooms').hidden = rooms.length > 0;
}

function item(p) {
  const li = document.createElement('li');
  const n = document.createElement('span');
  n.className = 'queue-number small';
  n.textContent = queueLabel(p.queueNo);
  const name = document.createElement('span');
  name.textContent = p.patientName;
  li.append(n, name);
  if (p.passCount > 0) {
    const b = document.createElement('span');
    b.className = 'badge warn';
    b.textContent = t('nurse.passedTimes', { count: p.passCount });
    li.append(b);
  }
  return li;
}

function render() {
  const q = queue;
  const cur = q?.current ?? null;
  document.getElementById('current-number').textContent = cur ? queueLabel(cur.queueNo) : '—';
  document.getElementById('current-name').textContent = cur ? cur.patientName : t('nurse.nobodyCalled');
  document.getElementById('current-calls').textContent = cur ? t('nurse.calls', { count: cur.callCount }) : '';
  const waiting = (q?.waiting ?? []).filter((p) => p.passCount === 0);
  const passed = (q?.waiting ?? []).filter((p) => p.passCount > 0);
  const fill = (id, list) => {
    const ol = document.getElementById(id);
    if (list.length === 0) {
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = t('nurse.none');
      ol.replaceChildren(li);
    } else {
      ol.replaceChildren(...list.map(item));
    }
    document.getElementById(`${id}-count`).textContent = `(${list.length})`;
  };
  fill('waiting', waiting);
  fill('passed', passed);
  buttons.next.disabled = busy || !q || q.waiting.length === 0;
  buttons.recall.disabled = busy || !cur;
  buttons.pass.disabled = busy || !cur;
  document.getElementById('updated').textContent = q ? t('nurse.updated', { time: formatDateTime(new Date(), { timeStyle: 'medium' }) }) : '';
  const link = document.getElementById('screen-link');
  link.hidden = !select.value;
  link.href = `/screen.html#room=${encodeURIComponent(select.value)}`;
}

async function load() {
  if (!select.value) {
    queue = null;
    render();
    return;
  }
  queue = await api('GET', `/api/v1/rooms/${encodeURIComponent(select.value)}/queue`);
  render();
}

async function act(which, path, done) {
  busy = true;
  render();
  try {
    queue = await api('POST', `/api/v1/rooms/${encodeURIComponent(select.value)}/queue/${path}`);
    toast(done(queue), 'ok');
  } catch (e) {
    toast(textFor(e), 'bad');
  } finally {
    busy = false;
    render();
  }
}

buttons.next.addEventListener('click', () =>
  act('next', 'call-next', (q) => t('nurse.called', { number: queueLabel(q.current?.queueNo), name: q.current?.patientName ?? '' })),
);
buttons.recall.addEventListener('click', () =>
  act('recall', 'recall', (q) => t('nurse.recalled', { number: queueLabel(q.current?.queueNo) })),
);
buttons.pass.addEventListener('click', () => {
  const number = queueLabel(queue?.current?.queueNo);
  act('pass', 'pass', () => t('nurse.passedOne', { number }));
});
select.addEventListener('change', () => {
  window.location.hash = `room=${encodeURIComponent(select.value)}`;
  load();
});
onLangChange(() => {
  applyTexts();
  render();
});

rooms = await roomsToday();
renderRooms();
await load();
poll(load, POLL_MS, () => {
  document.getElementById('updated').textContent = t('nurse.offline');
});

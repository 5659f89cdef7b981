// Waiting-room screen (候诊叫号屏; docs/booking.md, "Waiting-room screen"):
// the TV on the wall, no sign-in. /screen.html#room=A2-01 or
// #department=3. It reads only the public display routes, which answer the
// number called, the room and the masked name (张*三), and polls them twice a
// second (ETag: unchanged costs a 304) so a call shows within a second.
// Spoken calls (speechSynthesis, Chinese) need a click first: browsers do
// not let a page speak on its own.
import { applyTexts, currentLang, formatDateTime, initI18n, languageButton, onLangChange, t } from '/shared/i18n.js';
import { queueLabel } from '/js/bookingCommon.js';

const POLL_MS = 500;
await initI18n();
const params = new URLSearchParams(window.location.hash.slice(1));
const room = params.get('room');
const department = params.get('department');
const roomsEl = document.getElementById('rooms');
const note = document.getElementById('note');
const speechButton = document.getElementById('speech');
document.getElementById('lang').append(languageButton());
let view = null; // {department: {name, nameEn} | null, rooms: [RoomDisplay]}
let speak = false;
const lastCall = new Map(); // room -> "queueNo/callCount" already announced
let failing = false;

function showNote(key) {
  note.hidden = !key;
  note.textContent = key ? t(key) : '';
}

function roomCard(r) {
  const card = document.createElement('section');
  card.className = 'screen-room';
  card.dataset.room = r.room;
  const head = document.createElement('h2');
  head.textContent = t('screen.roomLabel', { room: r.room });
  const number = document.createElement('div');
  number.className = 'screen-number';
  const name = document.createElement('div');
  name.className = 'screen-name';
  const line = document.createElement('p');
  line.className = 'screen-line';
  if (r.current) {
    number.textContent = queueLabel(r.current.queueNo);
    name.textContent = r.current.name;
    line.textContent = t('screen.please', { number: queueLabel(r.current.queueNo), name: r.current.name, room: r.room });
  } else {
    number.textContent = '—';
    line.textContent = t(r.open ? 'screen.waitingForCall' : 'screen.closed');
  }
  const waiting = document.createElement('p');
  waiting.className = 'screen-waiting';
  waiting.textContent = r.open ? t('screen.waitingCount', { count: r.waitingCount }) : '';
  const recall = document.createElement('p');
  recall.className = 'screen-recall';
  if (r.current && r.current.callCount > 1) recall.textContent = t('screen.recalled', { count: r.current.callCount });
  card.append(head, number, name, line, recall, waiting);
  return card;
}

function render() {
  document.getElementById('clock').textContent = formatDateTime(new Date(), { timeStyle: 'short' });
  if (!view) return;
  const d = view.department;
  const title = d ? (currentLang() === 'en' && d.nameEn ? d.nameEn : d.name) : t('screen.roomTitle', { room });
  document.getElementById('screen-title').textContent = title;
  document.title = `${title} – medbox`;
  roomsEl.replaceChildren(...view.rooms.map(roomCard));
  roomsEl.classList.toggle('many', view.rooms.length > 1);
  if (view.rooms.length === 0) showNote('screen.noRooms');
}

// Announces each new call and each recall once (callCount grows on recall).
function announce() {
  for (const r of view.rooms) {
    const key = r.current ? `${r.current.queueNo}/${r.current.callCount}` : '';
    const before = lastCall.get(r.room);
    lastCall.set(r.room, key);
    if (!speak || !r.current || before === undefined || before === key) continue;
    // Always Chinese: the hospital's waiting room, whatever the screen's text language.
    const u = new SpeechSynthesisUtterance(`请 ${queueLabel(r.current.queueNo)} 号 ${r.current.name} 到 ${r.room} 诊室就诊`);
    u.lang = 'zh-CN';
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }
}

async function read(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'omit' });
  if (!r.ok) {
    const e = new Error(`HTTP ${r.status}`);
    e.status = r.status;
    throw e;
  }
  return r.json();
}

async function load() {
  if (room) {
    view = { department: null, rooms: [await read(`/api/v1/display/rooms/${encodeURIComponent(room)}`)] };
  } else {
    const d = await read(`/api/v1/display/departments/${encodeURIComponent(department)}`);
    view = { department: d.department, rooms: d.rooms };
  }
  if (failing) showNote(null);
  failing = false;
  render();
  announce();
}

async function tick() {
  try {
    await load();
  } catch (e) {
    failing = true;
    showNote(e.status === 404 ? 'screen.unknown' : 'screen.offline');
  }
  setTimeout(tick, failing ? 5000 : POLL_MS);
}

speechButton.hidden = !('speechSynthesis' in window);
speechButton.addEventListener('click', () => {
  speak = !speak;
  speechButton.setAttribute('aria-pressed', String(speak));
  speechButton.dataset.i18n = speak ? 'screen.speechOff' : 'screen.speechOn';
  applyTexts(speechButton.parentElement);
  // The click is the user gesture that unlocks speech: say something short now.
  if (speak) window.speechSynthesis.speak(Object.assign(new SpeechSynthesisUtterance('语音播报已开启'), { lang: 'zh-CN' }));
});
onLangChange(() => {
  applyTexts();
  render();
});

if (!room && !/^\d{1,12}$/.test(department ?? '')) {
  showNote('screen.choose');
} else {
  await tick();
  setInterval(() => {
    document.getElementById('clock').textContent = formatDateTime(new Date(), { timeStyle: 'short' });
  }, 10_000);
}

// Scheduling office (排班管理; docs/booking.md, "Pages"): a department's week
// of sessions per doctor, a week from a template (copy last week), changes
// of capacity, room and fee, release times, stop a session (停诊) with the
// patients it affects and the notices queued for them, and the doctors'
// profiles.
import { applyTexts, currentLang, formatDateTime, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { bindForm, textFor } from '/shared/components/form.js';
import { badge } from '/shared/components/badge.js';
import { toast } from '/shared/components/toast.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { dataTable } from '/shared/components/table.js';
import { addDays, hospitalToday, mondayOf, yuan } from '/js/bookingCommon.js';

await startPage();
const SESSIONS = ['morning', 'afternoon', 'evening'];
const TITLES = ['chief', 'associate_chief', 'attending', 'resident'];
const ACTIVE = ['booked', 'checked_in', 'called'];
const depSelect = document.getElementById('department');
let departments = [];
let doctors = [];
let week = mondayOf(hospitalToday());
let days = []; // [{date, items}]
let selected = null; // the schedule shown below the grid
let affected = [];
let stoppedResult = null;
let editing = null; // the doctor in the form ({id: null} for a new one)

const depName = (d) => (currentLang() === 'en' && d.nameEn ? d.nameEn : d.name);
const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
const weekday = (date) => formatDateTime(`${date}T12:00:00Z`, { weekday: 'short', month: 'numeric', day: 'numeric' });

function renderDepartments() {
  const keep = depSelect.value;
  depSelect.replaceChildren(...departments.filter((d) => d.active).map((d) => option(String(d.id), depName(d))));
  if (keep) depSelect.value = keep;
}

const depTable = dataTable({
  caption: () => t('sched.departments'),
  pageSize: 10,
  columns: [
    { key: 'code', label: () => t('sched.col.code'), sort: true },
    { key: 'name', label: () => t('sched.col.name'), sort: true, render: depName },
    { key: 'location', label: () => t('sched.col.location') },
    { key: 'active', label: () => t('sched.col.state'), render: (d) => badge(t(d.active ? 'sched.active' : 'sched.inactive'), d.active ? 'ok' : 'idle') },
    { key: 'id', label: () => t('sched.col.actions'), render: toggleButton },
  ],
});

// Departments are deactivated, never deleted: their sessions leave the lists, bookings stand.
function toggleButton(d) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.dataset.department = String(d.id);
  b.textContent = t(d.active ? 'sched.deactivate' : 'sched.activate');
  b.addEventListener('click', async () => {
    if (d.active) {
      const ok = await confirmDialog({ title: t('sched.deactivateTitle', { name: depName(d) }), message: t('sched.deactivateText'), confirm: t('sched.deactivate'), danger: true });
      if (!ok) return;
    }
    try {
      const { id, code, name, nameEn, location, description, sortOrder } = d;
      await api('PUT', `/api/v1/departments/${id}`, { code, name, nameEn, location, description, sortOrder, active: !d.active });
      await loadDepartments();
      await loadWeek();
    } catch (e) {
      toast(textFor(e), 'bad');
    }
  });
  return b;
}

async function loadDepartments() {
  ({ items: departments } = await api('GET', '/api/v1/departments?includeInactive=true'));
  renderDepartments();
  depTable.setRows(departments);
}
document.getElementById('departments').append(depTable.element);

function chip(s) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `session-chip ${s.status}`;
  b.dataset.schedule = String(s.id);
  const main = document.createElement('span');
  main.className = 'chip-main';
  main.textContent = t(`session.${s.session}`);
  const room = document.createElement('span');
  room.className = 'chip-room';
  room.textContent = s.room;
  const count = document.createElement('span');
  count.className = 'chip-count';
  count.textContent = t('sched.bookedOf', { booked: formatNumber(s.booked), capacity: formatNumber(s.capacity) });
  b.append(main, room, count);
  if (s.status !== 'open') b.append(badge(t(`sched.status.${s.status}`), s.status === 'stopped' ? 'bad' : 'idle'));
  b.setAttribute('aria-pressed', String(selected?.id === s.id));
  b.addEventListener('click', () => select(s.id));
  return b;
}

function renderGrid() {
  document.getElementById('week-label').textContent = t('sched.weekOf', { from: week, to: addDays(week, 6) });
  const head = document.getElementById('grid-head');
  const doctorTh = document.createElement('th');
  doctorTh.textContent = t('sched.doctor');
  head.replaceChildren(
    doctorTh,
    ...days.map((d) => {
      const th = document.createElement('th');
      th.textContent = weekday(d.date);
      const release = d.items[0]?.releaseAt;
      if (release) {
        const small = document.createElement('div');
        small.className = 'release';
        small.textContent = t('sched.releaseAt', { time: formatDateTime(release, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) });
        th.append(small);
      }
      return th;
    }),
  );
  const body = document.getElementById('grid-body');
  body.replaceChildren(
    ...doctors.map((doc) => {
      const tr = document.createElement('tr');
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = `${doc.name} `;
      const title = document.createElement('span');
      title.className = 'muted';
      title.textContent = t(`title.${doc.title}`);
      name.append(title);
      tr.append(name);
      for (const d of days) {
        const td = document.createElement('td');
        td.dataset.label = weekday(d.date);
        const mine = d.items.filter((s) => s.doctor.id === doc.id).sort((a, b) => SESSIONS.indexOf(a.session) - SESSIONS.indexOf(b.session));
        td.append(...mine.map(chip));
        tr.append(td);
      }
      return tr;
    }),
  );
  document.getElementById('release-note').textContent = t('sched.releaseRule');
}

function fact(dl, key, value) {
  const dt = document.createElement('dt');
  dt.textContent = t(key);
  const dd = document.createElement('dd');
  if (value instanceof Node) dd.append(value);
  else dd.textContent = value;
  dl.append(dt, dd);
}

function renderSession() {
  const box = document.getElementById('session');
  box.hidden = !selected;
  if (!selected) return;
  const s = selected;
  document.getElementById('session-title').textContent = t('sched.sessionTitle', { doctor: s.doctor.name, date: s.date, session: t(`session.${s.session}`) });
  const dl = document.getElementById('session-facts');
  dl.replaceChildren();
  fact(dl, 'sched.hours', `${s.startTime}-${s.endTime}`);
  fact(dl, 'sched.room', s.room);
  fact(dl, 'sched.fee', `¥${yuan(s.feeCents)}`);
  fact(dl, 'sched.booked', t('sched.bookedOf', { booked: formatNumber(s.booked), capacity: formatNumber(s.capacity) }));
  fact(dl, 'sched.release', `${formatDateTime(s.releaseAt)} · ${t(s.released ? 'sched.released' : 'sched.notReleased')}`);
  fact(dl, 'sched.state', badge(t(`sched.status.${s.status}`), s.status === 'open' ? 'ok' : s.status === 'stopped' ? 'bad' : 'idle'));
  if (s.stopReason) fact(dl, 'sched.reason', s.stopReason);
  const open = s.status === 'open';
  document.getElementById('change').hidden = !open;
  document.getElementById('stop').hidden = !open;
  const change = document.getElementById('change');
  change.elements.capacity.value = s.capacity;
  change.elements.room.value = s.room;
  change.elements.feeCents.value = yuan(s.feeCents);
  const list = document.getElementById('affected');
  document.getElementById('affected-lead').textContent = t(affected.length ? 'sched.affected' : 'sched.noneAffected', { count: formatNumber(affected.length) });
  list.replaceChildren(
    ...affected.map((a) => {
      const li = document.createElement('li');
      li.textContent = `${a.slotStart}-${a.slotEnd} · ${a.patient.name} · ${a.patient.phone} · ${t(`status.${a.status}`)}`;
      return li;
    }),
  );
  const note = document.getElementById('stopped-note');
  note.hidden = !stoppedResult || stoppedResult.id !== s.id;
  if (!note.hidden) {
    const lead = document.createElement('span');
    lead.textContent = t('sched.stoppedNote', { count: formatNumber(stoppedResult.cancelled) });
    const ul = document.createElement('ul');
    ul.className = 'stopped-list';
    ul.id = 'notified';
    ul.append(
      ...stoppedResult.patients.map((a) => {
        const li = document.createElement('li');
        li.textContent = t('sched.notified', { time: `${a.slotStart}-${a.slotEnd}`, name: a.patient.name, phone: a.patient.phone });
        return li;
      }),
    );
    note.replaceChildren(lead, ul);
  }
}

async function select(id) {
  if (selected?.id !== id) document.getElementById('stop').reset();
  selected = await api('GET', `/api/v1/schedules/${id}`);
  const { items } = await api('GET', `/api/v1/schedules/${id}/appointments`);
  affected = items.filter((a) => ACTIVE.includes(a.status));
  renderGrid();
  renderSession();
  document.getElementById('session').scrollIntoView({ block: 'nearest' });
}

function renderDoctors() {
  const box = document.getElementById('doctors');
  box.replaceChildren(
    ...doctors.map((d) => {
      const card = document.createElement('article');
      card.className = 'doctor-card';
      const photo = document.createElement('div');
      photo.className = 'doctor-photo';
      photo.setAttribute('aria-hidden', 'true');
      // Only photos this service holds load under the page's CSP (img-src 'self').
      if (d.photoUrl && d.photoUrl.startsWith('/api/')) {
        const img = document.createElement('img');
        img.src = d.photoUrl;
        img.alt = '';
        photo.append(img);
      } else {
        photo.textContent = [...d.name][0] ?? '';
      }
      const text = document.createElement('div');
      const h = document.createElement('h3');
      h.textContent = d.name;
      const title = document.createElement('p');
      title.className = 'muted';
      title.textContent = [t(`title.${d.title}`), d.specialty].filter(Boolean).join(' · ');
      const intro = document.createElement('p');
      intro.className = 'doctor-intro';
      intro.textContent = d.introduction;
      const edit = document.createElement('button');
      edit.type = 'button';
      edit.className = 'secondary';
      edit.textContent = t('sched.editDoctor');
      edit.dataset.doctor = String(d.id);
      edit.addEventListener('click', () => editDoctor(d));
      text.append(h, title, intro, edit);
      card.append(photo, text);
      return card;
    }),
  );
}

function editDoctor(d) {
  editing = d;
  const box = document.getElementById('doctor-edit');
  box.hidden = false;
  document.getElementById('doctor-edit-title').textContent = d.id ? t('sched.editDoctorTitle', { name: d.name }) : t('sched.addDoctorTitle', { department: depName(departments.find((x) => String(x.id) === depSelect.value) ?? { name: '' }) });
  const f = document.getElementById('doctor-form');
  f.elements.name.value = d.name;
  const sel = f.elements.title;
  sel.replaceChildren(...TITLES.map((x) => option(x, t(`title.${x}`))));
  sel.value = d.title;
  f.elements.specialty.value = d.specialty;
  f.elements.introduction.value = d.introduction;
  f.elements.photo.value = '';
  box.scrollIntoView({ block: 'nearest' });
}

let loadSeq = 0;
async function loadWeek() {
  const dep = depSelect.value;
  if (!dep) return;
  // Quick clicks through the weeks: only the last request's answer is drawn.
  const seq = ++loadSeq;
  const dates = [...Array(7).keys()].map((i) => addDays(week, i));
  const [docs, ...lists] = await Promise.all([
    api('GET', `/api/v1/doctors?department=${dep}`),
    ...dates.map((date) => api('GET', `/api/v1/schedules?date=${date}&department=${dep}`)),
  ]);
  if (seq !== loadSeq) return;
  doctors = docs.items;
  days = dates.map((date, i) => ({ date, items: lists[i].items }));
  if (selected && !days.some((d) => d.items.some((s) => s.id === selected.id))) selected = null;
  renderGrid();
  renderSession();
  renderDoctors();
}

bindForm(document.getElementById('change'), async (v) => {
  const fee = Math.round(Number(v.feeCents) * 100);
  selected = await api('PUT', `/api/v1/schedules/${selected.id}`, { capacity: Number(v.capacity), room: v.room.trim(), feeCents: fee });
  toast(t('sched.saved'), 'ok');
  await loadWeek();
});

bindForm(document.getElementById('stop'), async (v) => {
  const ok = await confirmDialog({
    title: t('sched.stopTitle'),
    message: t('sched.stopText', { count: formatNumber(affected.length) }),
    confirm: t('sched.stopSubmit'),
    danger: true,
  });
  if (!ok) return;
  const r = await api('POST', `/api/v1/schedules/${selected.id}/stop`, { reason: v.reason.trim() });
  stoppedResult = { id: r.id, cancelled: r.cancelledAppointments, patients: affected };
  selected = r;
  toast(t('sched.stoppedNote', { count: formatNumber(r.cancelledAppointments) }), 'ok');
  await loadWeek();
});

// A photo is scaled down in the browser (at most PHOTO_PX on its longer
// side, JPEG) so that it stays well under the API's 60 KiB.
const PHOTO_PX = 320;
const PHOTO_MAX_INPUT = 10 * 1024 * 1024;
async function scaledPhoto(file) {
  if (!['image/jpeg', 'image/png', 'image/webp'].includes(file.type)) throw { code: 'invalid_field', field: 'photo', message: t('sched.photoType') };
  if (file.size > PHOTO_MAX_INPUT) throw { code: 'invalid_field', field: 'photo', message: t('sched.photoLarge') };
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw { code: 'invalid_field', field: 'photo', message: t('sched.photoUnreadable') };
  }
  const scale = Math.min(1, PHOTO_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
}

bindForm(document.getElementById('doctor-form'), async (v) => {
  const d = editing;
  const file = document.getElementById('doctor-photo').files[0];
  const photo = file ? await scaledPhoto(file) : null; // refused before anything is saved
  const fields = { departmentId: d.departmentId, name: v.name.trim(), title: v.title, specialty: v.specialty.trim(), introduction: v.introduction.trim() };
  if (d.id) {
    const photoUrl = photo ? (await api('PUT', `/api/v1/doctors/${d.id}/photo`, photo)).photoUrl : d.photoUrl;
    editing = await api('PUT', `/api/v1/doctors/${d.id}`, { ...fields, photoUrl, active: d.active });
  } else {
    editing = await api('POST', '/api/v1/doctors', fields);
    if (photo) await api('PUT', `/api/v1/doctors/${editing.id}/photo`, photo);
  }
  document.getElementById('doctor-edit').hidden = true;
  toast(t('sched.saved'), 'ok');
  await loadWeek();
});
document.getElementById('add-doctor').addEventListener('click', () =>
  editDoctor({ id: null, departmentId: Number(depSelect.value), name: '', title: 'attending', specialty: '', introduction: '', photoUrl: '', active: true }),
);
document.getElementById('doctor-close').addEventListener('click', () => {
  document.getElementById('doctor-edit').hidden = true;
});

document.getElementById('copy-week').addEventListener('click', async () => {
  const from = addDays(week, -7);
  const ok = await confirmDialog({ title: t('sched.copyTitle'), message: t('sched.copyText', { from, to: week }), confirm: t('sched.copyWeek') });
  if (!ok) return;
  try {
    const r = await api('POST', '/api/v1/schedules/copy-week', { fromWeek: from, toWeek: week, departmentId: Number(depSelect.value) });
    toast(t('sched.copied', { created: formatNumber(r.created.length), skipped: formatNumber(r.skipped.length) }), 'ok');
    await loadWeek();
  } catch (e) {
    toast(textFor(e), 'bad');
  }
});
document.getElementById('prev-week').addEventListener('click', () => {
  week = addDays(week, -7);
  loadWeek();
});
document.getElementById('next-week').addEventListener('click', () => {
  week = addDays(week, 7);
  loadWeek();
});
depSelect.addEventListener('change', () => {
  selected = null;
  loadWeek();
});
onLangChange(() => {
  applyTexts();
  renderDepartments();
  depTable.refresh();
  renderGrid();
  renderSession();
  renderDoctors();
  if (editing && !document.getElementById('doctor-edit').hidden) editDoctor(editing);
});

bindForm(document.getElementById('department-form'), async (v) => {
  await api('POST', '/api/v1/departments', { code: v.code.trim(), name: v.name.trim(), nameEn: v.nameEn.trim(), location: v.location.trim() });
  document.getElementById('department-form').reset();
  toast(t('sched.saved'), 'ok');
  await loadDepartments();
});

await loadDepartments();
await loadWeek();

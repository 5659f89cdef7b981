// Registration desk (挂号窗口; docs/booking.md, "Pages"): find a patient's
// appointments by document (POST /api/v1/appointments/search: the number
// stays out of URLs), book in person (the desk channel: the online no-show
// block does not apply), cancel, check in, and print the slip.
import { applyTexts, currentLang, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { bindForm, textFor } from '/shared/components/form.js';
import { dataTable } from '/shared/components/table.js';
import { badge } from '/shared/components/badge.js';
import { toast } from '/shared/components/toast.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { hospitalToday, queueLabel, yuan } from '/js/bookingCommon.js';

await startPage();
const DOC_TYPES = ['resident_id', 'passport', 'other'];
const STATE_KIND = { booked: 'ok', checked_in: 'ok', called: 'warn', completed: 'idle', cancelled: 'idle', stopped: 'bad', no_show: 'bad', unserved: 'idle' };
const findForm = document.getElementById('find');
const bookForm = document.getElementById('book');
const depSelect = document.getElementById('book-department');
const dateInput = document.getElementById('book-date');
const schedSelect = document.getElementById('book-schedule');
const slotSelect = document.getElementById('book-slot');
let departments = [];
let schedules = [];
let slots = [];
let rows = [];
let lastSearch = null; // {documentType, documentNumber}: kept in memory only
let slipData = null;

// 张三丰 -> 张*丰 (as the waiting-room screen shows it): the slip is paper
// left on counters.
function wallName(name) {
  const c = [...name];
  if (c.length <= 1) return '*';
  return c.length === 2 ? `${c[0]}*` : `${c[0]}${'*'.repeat(c.length - 2)}${c[c.length - 1]}`;
}

function option(value, text) {
  return Object.assign(document.createElement('option'), { value, textContent: text });
}

function renderDocTypes() {
  for (const id of ['find-type', 'book-type']) {
    const s = document.getElementById(id);
    const keep = s.value || 'resident_id';
    s.replaceChildren(...DOC_TYPES.map((d) => option(d, t(`desk.doc.${d}`))));
    s.value = keep;
  }
}

function renderDepartments() {
  const keep = depSelect.value;
  depSelect.replaceChildren(...departments.map((d) => option(String(d.id), currentLang() === 'en' && d.nameEn ? d.nameEn : d.name)));
  if (keep) depSelect.value = keep;
}

function renderSchedules() {
  const keep = schedSelect.value;
  const open = schedules.filter((s) => s.status === 'open');
  schedSelect.replaceChildren(
    ...(open.length === 0
      ? [option('', t('desk.noSchedules'))]
      : open.map((s) =>
          option(
            String(s.id),
            t('desk.scheduleOption', {
              session: t(`session.${s.session}`),
              doctor: s.doctor.name,
              title: t(`title.${s.doctor.title}`),
              room: s.room,
              fee: yuan(s.feeCents),
              remaining: formatNumber(s.remaining),
            }),
          ),
        )),
  );
  if (keep && open.some((s) => String(s.id) === keep)) schedSelect.value = keep;
}

function renderSlots() {
  const keep = slotSelect.value;
  slotSelect.replaceChildren(
    ...(slots.length === 0
      ? [option('', '—')]
      : slots.map((s) => {
          const o = option(String(s.id), t('desk.slotOption', { start: s.startTime, end: s.endTime, remaining: formatNumber(s.remaining) }));
          o.disabled = s.remaining === 0;
          return o;
        })),
  );
  const firstFree = slots.find((s) => s.remaining > 0);
  slotSelect.value = keep && slots.some((s) => String(s.id) === keep && s.remaining > 0) ? keep : firstFree ? String(firstFree.id) : '';
}

async function loadSchedules() {
  if (!depSelect.value || !dateInput.value) return;
  ({ items: schedules } = await api('GET', `/api/v1/schedules?date=${dateInput.value}&department=${depSelect.value}`));
  renderSchedules();
  await loadSlots();
}

async function loadSlots() {
  slots = schedSelect.value ? (await api('GET', `/api/v1/schedules/${schedSelect.value}`)).slots.filter((s) => s.bookable || s.remaining === 0) : [];
  renderSlots();
}

function actionsCell(a) {
  const box = document.createElement('div');
  box.className = 'row-actions';
  const add = (key, kind, handler) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = kind;
    b.textContent = t(key);
    b.dataset.action = key;
    b.addEventListener('click', handler);
    box.append(b);
  };
  if (a.status === 'booked') add('desk.checkIn', '', () => checkIn(a));
  if (a.status === 'booked' && a.cancellable) add('desk.cancel', 'secondary', () => cancel(a));
  if (a.status === 'checked_in' || a.status === 'called') add('desk.slip', 'secondary', () => showSlip(a));
  return box;
}

const table = dataTable({
  caption: () => t('desk.results'),
  pageSize: 10,
  columns: [
    { key: 'date', label: () => t('desk.col.date'), sort: true, render: (a) => `${a.date} ${a.slotStart}-${a.slotEnd}` },
    { key: 'department', label: () => t('desk.col.department'), render: (a) => `${a.department.name} · ${a.doctor.name}` },
    { key: 'room', label: () => t('desk.col.room') },
    { key: 'patient', label: () => t('desk.col.patient'), render: (a) => a.patient.name },
    { key: 'status', label: () => t('desk.col.status'), render: (a) => badge(t(`status.${a.status}`), STATE_KIND[a.status] ?? 'idle') },
    { key: 'queueNo', label: () => t('desk.col.queue'), render: (a) => queueLabel(a.queueNo) },
    { key: 'id', label: () => t('desk.col.actions'), render: actionsCell },
  ],
});
document.getElementById('results').append(table.element);

function renderRows() {
  table.setRows(rows);
  document.getElementById('results-note').textContent = lastSearch ? t('desk.found', { count: formatNumber(rows.length) }) : t('desk.resultsHint');
}

async function search(doc) {
  lastSearch = doc;
  ({ items: rows } = await api('POST', '/api/v1/appointments/search', doc));
  renderRows();
}

async function refresh() {
  if (lastSearch) await search(lastSearch);
}

async function checkIn(a) {
  try {
    const done = await api('POST', `/api/v1/appointments/${a.id}/check-in`);
    toast(t('desk.checkedIn', { number: queueLabel(done.queueNo) }), 'ok');
    showSlip(done);
    await refresh();
  } catch (e) {
    toast(textFor(e), 'bad');
  }
}

async function cancel(a) {
  const ok = await confirmDialog({
    title: t('desk.cancelTitle'),
    message: t('desk.cancelText', { date: a.date, time: a.slotStart, doctor: a.doctor.name }),
    confirm: t('desk.cancel'),
    cancel: t('desk.keep'),
    danger: true,
  });
  if (!ok) return;
  try {
    await api('POST', `/api/v1/appointments/${a.id}/cancel`);
    toast(t('desk.cancelled'), 'ok');
    await refresh();
    await loadSchedules();
  } catch (e) {
    toast(textFor(e), 'bad');
  }
}

function renderSlip() {
  const a = slipData;
  const slip = document.getElementById('slip');
  slip.hidden = !a;
  if (!a) return;
  document.getElementById('slip-queue').textContent = queueLabel(a.queueNo);
  document.getElementById('slip-room').textContent = a.room;
  document.getElementById('slip-time').textContent = `${a.date} ${a.slotStart}-${a.slotEnd}`;
  document.getElementById('slip-department').textContent = a.department.name;
  document.getElementById('slip-doctor').textContent = t('desk.doctorWithTitle', { name: a.doctor.name, title: t(`title.${a.doctor.title}`) });
  document.getElementById('slip-name').textContent = a.patient.name.includes('*') ? a.patient.name : wallName(a.patient.name);
}

function showSlip(a) {
  slipData = a;
  renderSlip();
  document.getElementById('slip').scrollIntoView({ block: 'nearest' });
}

bindForm(findForm, async (v) => {
  await search({ documentType: v.documentType, documentNumber: v.documentNumber.trim() });
});

bindForm(bookForm, async (v) => {
  if (!v.slotId) throw { code: 'missing_field', field: 'slotId', message: t('desk.chooseSlot') }; // shown under the slot list
  const patient = {
    name: v['patient.name'].trim(),
    documentType: v['patient.documentType'],
    documentNumber: v['patient.documentNumber'].trim(),
    phone: v['patient.phone'].trim(),
  };
  // One Idempotency-Key per click (a retry by the network layer books once);
  // a second click is refused by the one-booking-per-session rule.
  const body = await api('POST', '/api/v1/appointments', { slotId: Number(v.slotId), patient }, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
  toast(t('desk.booked', { time: `${body.date} ${body.slotStart}`, doctor: body.doctor.name }), 'ok');
  bookForm.reset();
  renderDocTypes();
  dateInput.value = v.date;
  depSelect.value = v.departmentId;
  await search({ documentType: patient.documentType, documentNumber: patient.documentNumber });
  await loadSchedules();
});

depSelect.addEventListener('change', loadSchedules);
dateInput.addEventListener('change', loadSchedules);
schedSelect.addEventListener('change', loadSlots);
document.getElementById('print').addEventListener('click', () => window.print());
onLangChange(() => {
  applyTexts();
  renderDocTypes();
  renderDepartments();
  renderSchedules();
  renderSlots();
  table.refresh();
  renderRows();
  renderSlip();
});

renderDocTypes();
dateInput.value = hospitalToday();
({ items: departments } = await api('GET', '/api/v1/departments'));
renderDepartments();
await loadSchedules();

// The HIS bridge's operations page (docs/hisbridge.md, "Operating the
// bridge"): partners up or down with their figures, the quarantine (admins
// inspect, correct, resend, discard; auditors read), the reconciliation
// report after HIS downtime (admins and schedulers handle it), and the
// message search with one message's decoded fields and raw text. Every read
// of a message is audited by the API; lists show no patient data unmasked.
import { applyTexts, formatDateTime, formatNumber, hasText, onLangChange, t } from '/shared/i18n.js';
import { api, ApiError } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { dataTable } from '/shared/components/table.js';
import { bindForm, showError } from '/shared/components/form.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { toast } from '/shared/components/toast.js';

const session = await startPage();
const roles = new Set(session.roles ?? []);
const isAdmin = roles.has('admin');
const canReconcile = isAdmin || roles.has('scheduler');
const canInspect = isAdmin || roles.has('auditor');
for (const el of document.querySelectorAll('.admin-only')) el.hidden = !isAdmin;

const $ = (id) => document.getElementById(id);
const when = (iso) => (iso ? formatDateTime(iso, { dateStyle: 'short', timeStyle: 'medium' }) : '');
const text = (s, cls) => {
  const span = document.createElement('span');
  if (cls) span.className = cls;
  span.textContent = s ?? '';
  return span;
};
function button(label, onClick, kind = 'secondary') {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = kind;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
// A cell of buttons that keep their words on one line.
function actions(...buttons) {
  const cell = document.createElement('div');
  cell.className = 'row-actions';
  cell.append(...buttons);
  return cell;
}
function failed(err) {
  const known = err instanceof ApiError && hasText(`error.${err.code}`);
  toast(known ? `${t(`error.${err.code}`)} ${err.message}` : String(err.message ?? err), 'bad', 8000);
}

// --- partners ----------------------------------------------------------------

const partnersTable = dataTable({
  caption: () => t('his.partners'),
  pageSize: 10,
  columns: [
    { key: 'name', label: () => t('his.p.name'), sort: true },
    { key: 'protocol', label: () => t('his.p.protocol'), render: (p) => t(`his.protocol.${p.protocol}`) },
    {
      key: 'up',
      label: () => t('his.p.state'),
      render: (p) => (p.up === null ? badge(t('his.p.receiving'), 'idle') : p.up ? badge(t('his.p.up'), 'ok') : badge(t('his.p.down', { since: when(p.downSince) }), 'bad')),
    },
    { key: 'queueDepth', label: () => t('his.p.queue'), sort: true, numeric: true, render: (p) => formatNumber(p.queueDepth) },
    { key: 'oldestAgeSeconds', label: () => t('his.p.oldest'), sort: true, numeric: true, render: (p) => formatNumber(Math.round(p.oldestAgeSeconds)) },
    { key: 'messagesPerSecond', label: () => t('his.p.rate'), sort: true, numeric: true, render: (p) => formatNumber(p.messagesPerSecond, { maximumFractionDigits: 2 }) },
    { key: 'failures', label: () => t('his.p.failures'), sort: true, numeric: true, render: (p) => formatNumber(p.failures) },
  ],
});
$('partners').append(partnersTable.element);

async function loadPartners() {
  if (!canInspect) return;
  try {
    partnersTable.setRows((await api('GET', '/api/v1/partners')).items);
  } catch (e) {
    failed(e);
  }
}

// --- quarantine --------------------------------------------------------------

let current = null; // the quarantined item in the editor
const quarantineTable = dataTable({
  caption: () => t('his.quarantine'),
  pageSize: 10,
  columns: [
    { key: 'type', label: () => t('his.q.type'), sort: true, render: (q) => `${t(`his.kind.${q.kind}`)} ${q.type}` },
    { key: 'from', label: () => t('his.q.from'), sort: true },
    { key: 'key', label: () => t('his.q.key'), render: (q) => text(q.key, 'mono') },
    { key: 'reason', label: () => t('his.q.reason'), render: (q) => text(q.location ? `${q.location}: ${q.reason}` : q.reason) },
    { key: 'attempts', label: () => t('his.q.attempts'), numeric: true },
    { key: 'updatedAt', label: () => t('his.q.updated'), sort: true, render: (q) => when(q.updatedAt) },
    { key: 'open', label: () => t('his.q.open'), render: (q) => actions(button(t('his.q.inspect'), () => inspect(q))) },
  ],
});
$('quarantine').append(quarantineTable.element);

async function loadQuarantine() {
  if (!canInspect) return;
  try {
    quarantineTable.setRows((await api('GET', '/api/v1/quarantine')).items);
  } catch (e) {
    failed(e);
  }
}

async function inspect(q) {
  try {
    current = await api('GET', `/api/v1/quarantine/${q.kind}/${q.id}`);
  } catch (e) {
    return failed(e);
  }
  $('q-editor').hidden = false;
  $('q-editor-title').textContent = t('his.q.editing', { type: current.type, key: current.key });
  $('q-reason').textContent = current.location ? `${current.location}: ${current.reason}` : current.reason;
  // HL7 segments end in CR; the text box shows one per line (the parser takes LF too).
  $('q-body').value = current.body.replace(/\r\n?/g, '\n');
  $('q-body').readOnly = !isAdmin;
  $('q-discard-reason').value = '';
  $('q-body').focus();
}

function closeEditor() {
  current = null;
  $('q-editor').hidden = true;
}
$('q-close').addEventListener('click', closeEditor);

bindForm($('q-form'), async () => {
  if (!current) return;
  const body = current.kind === 'hl7' ? $('q-body').value.replace(/\n/g, '\r') : $('q-body').value;
  try {
    await api('PUT', `/api/v1/quarantine/${current.kind}/${current.id}`, { body });
  } catch (e) {
    // The parser's own words name the segment and field at fault.
    if (e instanceof ApiError && e.field?.startsWith('body')) return showError($('q-form'), { ...e, field: 'body' }, t('his.q.badBody', { message: e.message }));
    throw e;
  }
  toast(t('his.q.saved'), 'ok');
});

$('q-resend').addEventListener('click', async () => {
  if (!current) return;
  try {
    const r = await api('POST', `/api/v1/quarantine/${current.kind}/${current.id}/resend`);
    if (r.state === 'failed') {
      toast(t('his.q.stillFailing', { reason: r.reason }), 'bad', 8000);
      $('q-reason').textContent = r.reason;
    } else {
      toast(t(`his.q.resent.${r.state}`), 'ok');
      closeEditor();
    }
  } catch (e) {
    failed(e);
  }
  loadQuarantine();
  loadPartners();
});

bindForm($('q-discard-form'), async (values) => {
  if (!current) return;
  if (!(await confirmDialog({ title: t('his.q.discardTitle'), message: t('his.q.discardText', { key: current.key }), confirm: t('his.q.discard'), danger: true }))) return;
  await api('POST', `/api/v1/quarantine/${current.kind}/${current.id}/discard`, { reason: values.reason });
  toast(t('his.q.discarded'), 'ok');
  closeEditor();
  loadQuarantine();
});

// --- reconciliation ----------------------------------------------------------

const STATE_KIND = { conflict: 'bad', cancelled: 'idle', resolved: 'ok', pending: 'warn' };
let action = null; // {item, verb} awaiting its note
const reconTable = dataTable({
  caption: () => t('his.recon'),
  pageSize: 10,
  columns: [
    { key: 'state', label: () => t('his.r.state'), sort: true, render: (k) => badge(t(`his.r.state.${k.state}`), STATE_KIND[k.state] ?? 'idle') },
    { key: 'patient', label: () => t('his.r.patient'), render: (k) => `${k.patient.name} ${k.patient.documentNumber}` },
    { key: 'slot', label: () => t('his.r.slot'), render: (k) => [k.slot.date, t(`his.session.${k.slot.session}`), k.slot.slotStart, k.slot.department, k.slot.doctor].filter(Boolean).join(' ') },
    { key: 'his', label: () => t('his.r.his'), render: (k) => text(`${k.his.code} ${k.his.message}`) },
    { key: 'note', label: () => t('his.r.handled'), render: (k) => (k.handledBy ? `${k.handledBy}: ${k.note ?? ''}` : '') },
    {
      key: 'act',
      label: () => t('his.r.actions'),
      render: (k) => {
        if (k.state !== 'conflict' || !canReconcile) return actions();
        return actions(
          button(t('his.r.cancel'), () => ask(k, 'cancel')),
          button(t('his.r.resolve'), () => ask(k, 'resolve')),
          button(t('his.r.resend'), () => resendConflict(k)),
        );
      },
    },
  ],
});
$('recon').append(reconTable.element);

async function loadRecon() {
  try {
    reconTable.setRows((await api('GET', '/api/v1/reconciliation')).items);
  } catch (e) {
    failed(e);
  }
}

function ask(item, verb) {
  action = { item, verb };
  $('r-form').hidden = false;
  $('r-title').textContent = t(`his.r.${verb}Title`, { appointment: item.appointmentId });
  $('r-note').value = '';
  $('r-note').focus();
}
$('r-close').addEventListener('click', () => {
  action = null;
  $('r-form').hidden = true;
});
bindForm($('r-form'), async (values) => {
  if (!action) return;
  await api('POST', `/api/v1/reconciliation/${action.item.id}/${action.verb}`, { note: values.note });
  toast(t(`his.r.done.${action.verb}`), 'ok');
  action = null;
  $('r-form').hidden = true;
  loadRecon();
});
async function resendConflict(k) {
  try {
    await api('POST', `/api/v1/reconciliation/${k.id}/resend`);
    toast(t('his.r.done.resend'), 'ok');
  } catch (e) {
    failed(e);
  }
  loadRecon();
}

// --- search and one message ------------------------------------------------

const SOURCES = { hl7: ['received', 'applied', 'failed'], in: ['forwarded', 'stored', 'applied', 'failed'], out: ['pending', 'acknowledged', 'refused', 'quarantined', 'conflict', 'cancelled', 'resolved', 'discarded'] };
const SINCE = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, all: 0 };
function fillSelects() {
  const source = $('s-source');
  const keep = source.value || 'hl7';
  source.replaceChildren(...Object.keys(SOURCES).map((s) => new Option(t(`his.s.source.${s}`), s)));
  source.value = keep;
  const state = $('s-state');
  const keepState = state.value;
  state.replaceChildren(new Option(t('his.s.any'), ''), ...SOURCES[source.value].map((s) => new Option(t(`his.state.${s}`), s)));
  state.value = SOURCES[source.value].includes(keepState) ? keepState : '';
  const since = $('s-since');
  const keepSince = since.value || 'day';
  since.replaceChildren(...Object.keys(SINCE).map((s) => new Option(t(`his.s.since.${s}`), s)));
  since.value = keepSince;
  $('s-patient').disabled = source.value !== 'hl7';
}
$('s-source').addEventListener('change', fillSelects);

const resultsTable = dataTable({
  caption: () => t('his.search'),
  pageSize: 20,
  columns: [
    { key: 'at', label: () => t('his.m.at'), sort: true, render: (m) => when(m.receivedAt ?? m.createdAt) },
    { key: 'type', label: () => t('his.s.type'), sort: true, render: (m) => m.type ?? m.txn },
    { key: 'key', label: () => t('his.s.key'), render: (m) => text(m.controlId ?? m.requestId, 'mono') },
    { key: 'from', label: () => t('his.q.from'), render: (m) => m.sender ?? (m.direction === 'out' ? 'medbox → HIS' : '') },
    { key: 'state', label: () => t('his.s.state'), sort: true, render: (m) => badge(t(`his.state.${m.state}`), m.state === 'failed' || m.state === 'quarantined' || m.state === 'conflict' ? 'bad' : m.state === 'pending' ? 'warn' : 'ok') },
    { key: 'open', label: () => t('his.q.open'), render: (m) => actions(button(t('his.m.view'), () => view(m))) },
  ],
});
$('results').append(resultsTable.element);

bindForm($('s-form'), async (values) => {
  const q = new URLSearchParams({ limit: '200' });
  const source = values.source;
  if (values.state) q.set('state', values.state);
  if (SINCE[values.since]) q.set('fromMs', String(Date.now() - SINCE[values.since]));
  let path;
  if (source === 'hl7') {
    if (values.patientId) q.set('patientId', values.patientId);
    if (values.key) q.set('controlId', values.key);
    if (values.type) q.set('type', values.type);
    path = '/api/v1/messages';
  } else {
    q.set('direction', source);
    if (values.key) q.set('requestId', values.key);
    if (values.type) q.set('txn', values.type);
    path = '/api/v1/his/messages';
  }
  const r = await api('GET', `${path}?${q}`);
  resultsTable.setRows(r.items.map((m) => ({ ...m, source })));
  $('m-view').hidden = true;
});

function field(dl, label, value) {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value ?? '—';
  dl.append(dt, dd);
}

async function view(m) {
  let d;
  try {
    d = m.source === 'hl7' ? await api('GET', `/api/v1/messages/${m.id}`) : await api('GET', `/api/v1/his/messages/${m.id}?direction=${m.source}`);
  } catch (e) {
    return failed(e);
  }
  $('m-view').hidden = false;
  $('m-title').textContent = `${d.type ?? d.txn} ${d.controlId ?? d.requestId}`;
  const dl = $('m-fields');
  dl.replaceChildren();
  field(dl, t('his.s.state'), t(`his.state.${d.state}`));
  if (m.source === 'hl7') {
    field(dl, t('his.q.from'), d.sender);
    field(dl, t('his.m.peer'), d.peer);
    field(dl, t('his.m.charset'), d.charset);
    field(dl, t('his.s.patient'), d.patientId);
    if (d.error) field(dl, t('his.q.reason'), `${d.error.location ?? ''} ${d.error.code} ${d.error.message ?? ''}`);
    if (d.patient) field(dl, t('his.m.patient'), [d.patient.name, d.patient.sex, d.patient.birthDate, d.patient.idNumber, d.patient.cardNumber].filter(Boolean).join(' · '));
  } else {
    field(dl, t('his.m.answer'), `${d.answerCode ?? ''} ${d.answerMessage ?? ''}`);
    field(dl, t('his.q.reason'), d.error);
  }
  field(dl, t('his.q.attempts'), String(d.attempts));
  field(dl, t('his.q.updated'), when(d.updatedAt));
  const reports = $('m-reports');
  reports.replaceChildren();
  for (const r of d.reports ?? []) {
    const h = document.createElement('h4');
    h.textContent = `${r.serviceName || r.serviceCode} (${r.reportId})${r.critical ? ` · ${t('his.m.critical')}` : ''}`;
    const ul = document.createElement('ul');
    for (const o of r.observations) {
      const li = document.createElement('li');
      li.textContent = `${o.name || o.code}: ${o.value} ${o.units ?? ''} ${o.referenceRange ? `(${o.referenceRange})` : ''} ${o.flags.join(' ')}`;
      if (o.critical) li.className = 'his-reason';
      ul.append(li);
    }
    reports.append(h, ul);
  }
  $('m-raw').textContent = m.source === 'hl7' ? d.body.replace(/\r/g, '\n') : d.body;
}
$('m-close').addEventListener('click', () => {
  $('m-view').hidden = true;
});

// --- start -------------------------------------------------------------------

applyTexts();
fillSelects();
onLangChange(() => {
  fillSelects();
  for (const tbl of [partnersTable, quarantineTable, reconTable, resultsTable]) tbl.refresh();
});
await Promise.all([loadPartners(), loadQuarantine(), loadRecon()]);

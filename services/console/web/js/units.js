// Units and logs (docs/console.md, "Units and logs page"): medbox's systemd
// units with state, since when and memory; start, stop, restart for admins
// after a confirm dialog (auditors read only: no buttons, the API refuses
// too); a unit's journal, newest first, with priority, time and text
// filters, "older" paging by cursor and live following (polls by cursor
// while the toggle is on and the page is visible).
import { applyTexts, formatDateTime, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { dataTable } from '/shared/components/table.js';
import { toast } from '/shared/components/toast.js';
import { zonedToIso } from '/js/zonedInput.js';
import { unitStateBadge } from '/js/opsBadges.js';

await startPage();
const me = await api('GET', '/api/v1/me');
const isAdmin = me.roles.includes('admin');
const FOLLOW_MS = 2000;
const PAGE = 100;
const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

let units = [];
let busy = null; // the unit a job runs for: its buttons wait

// --- the units -------------------------------------------------------------

function nameCell(u) {
  const span = document.createElement('span');
  const name = document.createElement('span');
  name.className = 'unit-name';
  name.textContent = u.name;
  const desc = document.createElement('span');
  desc.className = 'unit-desc';
  desc.textContent = u.description ?? '';
  span.append(name, desc);
  return span;
}

function memoryCell(u) {
  return u.memoryBytes === null || u.memoryBytes === undefined ? '—' : `${formatNumber(u.memoryBytes / 1048576, { maximumFractionDigits: 1 })} MiB`;
}

// What each action does to the hospital, in the confirm dialog.
function consequence(verb, u) {
  const key = u.name.endsWith('.timer') ? `units.consequence.timer.${verb}` : `units.consequence.${verb}`;
  return t(key, { unit: u.name, description: u.description || u.name });
}

async function act(verb, u) {
  const ok = await confirmDialog({
    title: t(`units.confirm.${verb}`, { unit: u.name }),
    message: consequence(verb, u),
    confirm: t(`units.action.${verb}`),
    danger: verb !== 'start',
  });
  if (!ok) return;
  busy = u.name;
  renderUnits();
  try {
    const r = await api('POST', `/api/v1/appliance/units/${encodeURIComponent(u.name)}/${verb}`);
    units = units.map((x) => (x.name === r.unit.name ? r.unit : x));
    toast(t(`units.done.${verb}`, { unit: u.name, state: t(`units.state.${r.unit.activeState}`) }), 'ok');
  } catch (e) {
    toast(t('units.failed', { unit: u.name, message: e.message }), 'bad', 8000);
    await loadUnits().catch(() => {});
  } finally {
    busy = null;
    renderUnits();
  }
}

function actionsCell(u) {
  const div = document.createElement('div');
  div.className = 'row-actions';
  const logs = document.createElement('button');
  logs.type = 'button';
  logs.className = 'secondary';
  logs.textContent = t('units.logs');
  logs.dataset.unit = u.name;
  logs.dataset.action = 'logs';
  logs.addEventListener('click', () => {
    unitSelect.value = u.name;
    readNewest();
    document.getElementById('journal-title').scrollIntoView();
  });
  div.append(logs);
  if (!isAdmin) return div;
  const running = u.activeState === 'active' || u.activeState === 'activating' || u.activeState === 'reloading';
  for (const verb of ['start', 'stop', 'restart']) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = t(`units.action.${verb}`);
    b.dataset.unit = u.name;
    b.dataset.action = verb;
    // The console never stops or restarts itself (the API answers 409).
    b.disabled = busy !== null || (verb === 'start' && running) || (verb !== 'start' && (u.self || !running));
    if (u.self && verb !== 'start') b.title = t('units.selfHint');
    b.addEventListener('click', () => act(verb, u));
    div.append(b);
  }
  return div;
}

const table = dataTable({
  caption: () => t('units.units'),
  pageSize: 20,
  columns: [
    { key: 'name', label: () => t('units.col.unit'), sort: true, render: nameCell },
    { key: 'activeState', label: () => t('units.col.state'), sort: true, render: unitStateBadge },
    { key: 'activeSince', label: () => t('units.col.since'), sort: true, render: (u) => (u.activeSince ? formatDateTime(u.activeSince) : '—') },
    { key: 'memoryBytes', label: () => t('units.col.memory'), sort: true, numeric: true, render: memoryCell },
    { key: 'actions', label: () => t('units.col.actions'), render: actionsCell },
  ],
});
document.getElementById('units').append(table.element);

function renderUnits() {
  table.setRows(units);
  document.getElementById('units-lead').textContent = t(isAdmin ? 'units.leadAdmin' : 'units.leadReader');
}

async function loadUnits() {
  const err = document.getElementById('units-error');
  try {
    units = (await api('GET', '/api/v1/appliance/units')).units;
    err.hidden = true;
  } catch (e) {
    units = [];
    err.hidden = false;
    err.textContent = t('units.listFailed', { message: e.message });
  }
  renderUnits();
  const keep = unitSelect.value;
  unitSelect.replaceChildren(...units.map((u) => Object.assign(document.createElement('option'), { value: u.name, textContent: u.name })));
  if (keep && units.some((u) => u.name === keep)) unitSelect.value = keep;
}

// --- the journal -----------------------------------------------------------

const unitSelect = document.getElementById('j-unit');
const prioritySelect = document.getElementById('j-priority');
const form = document.getElementById('journal-filter');
const follow = document.getElementById('j-follow');
const older = document.getElementById('j-older');
const list = document.getElementById('j-lines');
let lines = []; // newest first
let olderCursor = null; // where "older" continues
let filter = null; // the filter the shown lines were read with
let timer = null;

function renderPriorities() {
  const keep = prioritySelect.value || '7';
  prioritySelect.replaceChildren(
    ...PRIORITIES.map((p, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: t(i === 7 ? 'units.priorityAll' : 'units.priorityUpTo', { word: t(`units.prio.${p}`) }) })),
  );
  prioritySelect.value = keep;
}

function priorityKind(p) {
  return p <= 3 ? 'bad' : p === 4 ? 'warn' : 'idle';
}

function lineItem(l, fresh) {
  const li = document.createElement('li');
  const kind = priorityKind(l.priority);
  if (kind !== 'idle') li.className = `p-${kind}`;
  if (fresh) li.classList.add('fresh');
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = formatDateTime(l.time, { dateStyle: 'short', timeStyle: 'medium' });
  const prio = badge(t(`units.prio.${PRIORITIES[l.priority] ?? 'info'}`), kind);
  const msg = document.createElement('span');
  msg.className = 'msg';
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = `${l.identifier}${l.pid ? `[${l.pid}]` : ''}: `;
  msg.append(who, document.createTextNode(l.message));
  li.append(time, prio, msg);
  return li;
}

let freshCount = 0;
function renderLines() {
  list.replaceChildren(...lines.map((l, i) => lineItem(l, i < freshCount)));
  older.hidden = olderCursor === null;
  const state = document.getElementById('j-state');
  if (!filter) state.textContent = '';
  else if (lines.length === 0) state.textContent = t('units.noLines');
  else state.textContent = t(follow.checked ? 'units.countFollowing' : 'units.count', { count: formatNumber(lines.length), unit: filter.unit });
}

function params(extra) {
  const p = new URLSearchParams({ priority: filter.priority, limit: String(PAGE) });
  if (filter.since) p.set('since', filter.since);
  if (filter.until) p.set('until', filter.until);
  if (filter.q) p.set('q', filter.q);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p;
}

async function page(extra) {
  const r = await api('GET', `/api/v1/appliance/units/${encodeURIComponent(filter.unit)}/journal?${params(extra)}`);
  const note = document.getElementById('j-error');
  note.hidden = !r.journalError;
  note.textContent = r.journalError ? t('units.journalError', { message: r.journalError }) : '';
  return r;
}

function olderFrom(r, oldestLine) {
  if (r.scanLimited && r.resumeCursor) return r.resumeCursor;
  return r.more && oldestLine ? oldestLine.cursor : null;
}

async function readNewest() {
  filter = {
    unit: unitSelect.value,
    priority: prioritySelect.value,
    since: zonedToIso(document.getElementById('j-since').value),
    until: zonedToIso(document.getElementById('j-until').value),
    q: document.getElementById('j-text').value.trim(),
  };
  if (!filter.unit) return;
  try {
    const r = await page({});
    lines = r.lines.slice().reverse();
    freshCount = 0;
    olderCursor = olderFrom(r, r.lines[0]);
  } catch (e) {
    lines = [];
    olderCursor = null;
    toast(t('units.journalFailed', { message: e.message }), 'bad', 8000);
  }
  renderLines();
  schedule();
}

older.addEventListener('click', async () => {
  try {
    const r = await page({ before: olderCursor });
    lines = lines.concat(r.lines.slice().reverse());
    olderCursor = olderFrom(r, r.lines[0]);
  } catch (e) {
    toast(t('units.journalFailed', { message: e.message }), 'bad', 8000);
  }
  renderLines();
});

// Following: ask for what came after the newest line shown; a full page
// means more is waiting, so ask again at once.
async function poll() {
  timer = null;
  if (!follow.checked || document.hidden || !filter) return;
  try {
    let more = true;
    const before = lines.length;
    while (more && follow.checked) {
      const newest = lines[0];
      const r = await page(newest ? { after: newest.cursor } : {});
      const got = newest ? r.lines : r.lines.filter((l) => !lines.some((x) => x.cursor === l.cursor));
      lines = got.slice().reverse().concat(lines);
      more = newest ? r.more || r.scanLimited : false;
    }
    freshCount = lines.length - before;
    renderLines();
  } catch (e) {
    follow.checked = false;
    toast(t('units.followStopped', { message: e.message }), 'bad', 8000);
    renderLines();
  }
  schedule();
}

function schedule() {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (follow.checked && !document.hidden && filter) timer = setTimeout(poll, FOLLOW_MS);
}

follow.addEventListener('change', () => {
  // The "until" bound and following contradict each other: following wins.
  if (follow.checked) {
    document.getElementById('j-until').value = '';
    if (filter) filter.until = '';
  }
  if (follow.checked && !filter) readNewest();
  else {
    renderLines();
    schedule();
  }
});
document.addEventListener('visibilitychange', () => (document.hidden ? schedule() : poll()));
form.addEventListener('submit', (e) => {
  e.preventDefault();
  readNewest();
});

function render() {
  document.title = t('units.pageTitle');
  renderPriorities();
  table.refresh();
  renderUnits();
  renderLines();
  applyTexts(document.getElementById('main'));
}

renderPriorities();
await loadUnits();
if (units.length > 0) {
  const want = new URLSearchParams(location.hash.slice(1)).get('unit');
  if (want && units.some((u) => u.name === want)) unitSelect.value = want;
  await readNewest();
}
onLangChange(render);

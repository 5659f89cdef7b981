// The audit viewer (docs/console.md, "Audit viewer"): every medbox
// service's audit log through the console (GET /api/v1/appliance/audit),
// with filters, newest or oldest first, paging by sequence number, each row's place in the verified
// hash chain, the row where a chain breaks marked, and the service's CSV.
// For admins and auditors (the API refuses everyone else).
import { applyTexts, formatDateTime, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api, ApiError } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { dataTable } from '/shared/components/table.js';
import { toast } from '/shared/components/toast.js';
import { zonedToIso } from '/js/zonedInput.js';
import { chainBadge } from '/js/opsBadges.js';

await startPage();
const PAGE = 200;
const form = document.getElementById('audit-filter');
const serviceSelect = document.getElementById('a-service');
const outcomeSelect = document.getElementById('a-outcome');
const orderSelect = document.getElementById('a-order');
const more = document.getElementById('a-more');
let chains = [];
let rows = [];
let chain = null; // the shown service's chain, verified with the first page
let next = null; // where the next page starts: {after} or {before}
let query = null;

// --- chain state -----------------------------------------------------------

// One row's standing against the chain as verified with this page.
function rowState(r) {
  if (!chain?.known) return 'unknown';
  if (chain.ok) return r.seq <= chain.rows ? 'intact' : 'unverified';
  if (chain.firstBadSeq === 0) return 'unknown';
  if (r.seq < chain.firstBadSeq) return 'intact';
  return r.seq === chain.firstBadSeq ? 'broken' : 'after';
}

const ROW_KIND = { intact: 'ok', broken: 'bad', after: 'warn', unverified: 'idle', unknown: 'idle' };

const chainsTable = dataTable({
  caption: () => t('audit.chains'),
  pageSize: 10,
  columns: [
    { key: 'service', label: () => t('audit.col.service'), sort: true },
    { key: 'ok', label: () => t('audit.col.chain'), render: chainBadge },
    {
      key: 'open',
      label: () => t('audit.col.open'),
      render: (c) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'secondary';
        b.textContent = t('audit.open');
        b.dataset.service = c.service;
        b.addEventListener('click', () => {
          serviceSelect.value = c.service;
          load();
        });
        return b;
      },
    },
  ],
});
document.getElementById('chains').append(chainsTable.element);

// --- rows ------------------------------------------------------------------

function detailCell(r) {
  const span = document.createElement('span');
  span.className = 'audit-detail';
  span.textContent = r.detail === null || r.detail === undefined ? '' : typeof r.detail === 'string' ? r.detail : JSON.stringify(r.detail);
  return span;
}

function outcomeCell(r) {
  return badge(t(`audit.outcome.${r.outcome}`), r.outcome === 'ok' ? 'ok' : r.outcome === 'denied' ? 'warn' : 'bad');
}

const rowsTable = dataTable({
  caption: () => t('audit.rows'),
  pageSize: 25,
  rowClass: (r) => (rowState(r) === 'broken' ? 'broken' : null),
  columns: [
    { key: 'seq', label: () => t('audit.col.seq'), sort: true, numeric: true },
    { key: 'at', label: () => t('audit.col.at'), sort: true, render: (r) => formatDateTime(r.at, { dateStyle: 'short', timeStyle: 'medium' }) },
    { key: 'actor', label: () => t('audit.col.actor'), sort: true },
    { key: 'action', label: () => t('audit.col.action'), sort: true },
    { key: 'target', label: () => t('audit.col.target') },
    { key: 'outcome', label: () => t('audit.col.outcome'), render: outcomeCell },
    { key: 'chain', label: () => t('audit.col.chain'), render: (r) => badge(t(`audit.row.${rowState(r)}`), ROW_KIND[rowState(r)]) },
    { key: 'detail', label: () => t('audit.col.detail'), render: detailCell },
  ],
});
document.getElementById('rows').append(rowsTable.element);

// The service's reason (core/audit/AuditLog.cpp, verify) in the page's
// language; an unknown one as the service wrote it.
const REASONS = [
  [/was changed after it was written/, 'changed'],
  [/missing \(deleted\)/, 'deleted'],
  [/does not link to row/, 'relinked'],
  [/were deleted at the end/, 'truncated'],
  [/differs from the anchor/, 'rewritten'],
  [/anchor file/, 'anchor'],
];
function reasonText(c) {
  const hit = REASONS.find(([re]) => re.test(c.reason ?? ''));
  return hit ? t(`audit.reason.${hit[1]}`, { seq: formatNumber(c.firstBadSeq) }) : c.reason;
}

function renderChainLine() {
  const line = document.getElementById('chain-line');
  line.replaceChildren();
  if (!chain) return;
  const label = document.createElement('strong');
  label.textContent = t('audit.chainOf', { service: query.service });
  line.append(label, chainBadge(chain));
  if (chain.known && !chain.ok) {
    const reason = document.createElement('span');
    reason.className = 'reason';
    reason.textContent = reasonText(chain);
    reason.title = chain.reason; // the service's own words
    line.append(reason);
    if (chain.firstBadSeq > 0) {
      const go = document.createElement('button');
      go.type = 'button';
      go.className = 'secondary';
      go.id = 'go-broken';
      go.textContent = t('audit.goBroken', { seq: formatNumber(chain.firstBadSeq) });
      go.addEventListener('click', goBroken);
      line.append(go);
    }
  } else if (!chain.known) {
    const why = document.createElement('span');
    why.textContent = chain.error;
    line.append(why);
  }
}

function renderRows() {
  rowsTable.setRows(rows);
  renderChainLine();
  const count = document.getElementById('a-count');
  count.textContent = query ? t(next === null ? 'audit.count' : 'audit.countMore', { count: formatNumber(rows.length) }) : '';
  more.hidden = next === null;
}

function readForm() {
  return {
    service: serviceSelect.value,
    since: zonedToIso(document.getElementById('a-since').value),
    until: zonedToIso(document.getElementById('a-until').value),
    actor: document.getElementById('a-actor').value.trim(),
    action: document.getElementById('a-action').value.trim(),
    q: document.getElementById('a-text').value.trim(),
    outcome: outcomeSelect.value,
    order: orderSelect.value || 'desc',
  };
}

function params(q, extra = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...extra })) if (v !== '' && v !== null && v !== undefined) p.set(k, String(v));
  return p;
}

// A page of the form's filter from `from` ({after} or {before}; {} from the
// start); append: the next page of the rows shown.
async function load(from = {}, { append = false } = {}) {
  if (!append) query = readForm();
  try {
    const r = await api('GET', `/api/v1/appliance/audit?${params(query, { ...from, limit: PAGE })}`);
    if (!append) {
      chain = r.chain;
      rows = r.entries;
      // The chain's state as just verified goes into the summary too.
      chains = chains.map((c) => (c.service === r.chain.service ? r.chain : c));
      chainsTable.setRows(chains);
    } else rows = rows.concat(r.entries);
    next = r.nextBefore !== null && r.nextBefore !== undefined ? { before: r.nextBefore } : r.nextAfter !== null && r.nextAfter !== undefined ? { after: r.nextAfter } : null;
  } catch (e) {
    toast(e instanceof ApiError && e.field ? t('audit.badFilter', { field: t(`audit.${e.field === 'q' ? 'text' : e.field}`), message: e.message }) : t('audit.failed', { message: e.message }), 'bad', 8000);
    return;
  }
  renderRows();
}

// From the row before the broken one on, oldest first, with the broken row's page shown.
async function goBroken() {
  orderSelect.value = 'asc';
  const from = Math.max(0, chain.firstBadSeq - 2);
  await load(from > 0 ? { after: from } : {});
  rowsTable.showRow((r) => r.seq === chain.firstBadSeq);
  document.querySelector('tr.broken')?.scrollIntoView({ block: 'center' });
}

// The service's own CSV, through the console, saved as a file: fetched
// (the filter stays out of the browser's history), then handed over.
async function downloadCsv() {
  const q = readForm();
  const r = await fetch(`/api/v1/appliance/audit?${params(q, { format: 'csv', limit: 1000 })}`, { credentials: 'same-origin' });
  if (!r.ok) {
    let message = `HTTP ${r.status}`;
    try {
      message = (await r.json()).error?.message ?? message;
    } catch {
      // not JSON: keep the status
    }
    toast(t('audit.failed', { message }), 'bad', 8000);
    return;
  }
  const blob = await r.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${q.service}-audit.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function renderChoices() {
  const keep = outcomeSelect.value;
  outcomeSelect.replaceChildren(
    ...['', 'ok', 'denied', 'failed'].map((o) => Object.assign(document.createElement('option'), { value: o, textContent: t(o ? `audit.outcome.${o}` : 'audit.outcome.any') })),
  );
  outcomeSelect.value = keep;
  const keepOrder = orderSelect.value || 'desc';
  orderSelect.replaceChildren(...['desc', 'asc'].map((o) => Object.assign(document.createElement('option'), { value: o, textContent: t(`audit.order.${o}`) })));
  orderSelect.value = keepOrder;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  load();
});
more.addEventListener('click', () => load(next, { append: true }));
document.getElementById('a-csv').addEventListener('click', downloadCsv);

function render() {
  document.title = t('audit.pageTitle');
  renderChoices();
  chainsTable.refresh();
  rowsTable.refresh();
  renderRows();
  applyTexts(document.getElementById('main'));
}

renderChoices();
chains = (await api('GET', '/api/v1/appliance/audit/chains')).chains;
chainsTable.setRows(chains);
serviceSelect.replaceChildren(...chains.map((c) => Object.assign(document.createElement('option'), { value: c.service, textContent: c.service })));
const want = new URLSearchParams(location.hash.slice(1)).get('service');
if (want && chains.some((c) => c.service === want)) serviceSelect.value = want;
await load();
onLangChange(render);

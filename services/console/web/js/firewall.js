// The firewall page (docs/console.md, "Firewall page"): the running profile
// (model, zones with their NIC, allowed sources and drops, the HIS/LIS
// peers), who applied it and when; for admins a draft of the allowed sources
// and peers, checked by the firewall's own parser (errors under the field
// the key path names), its diff against the running ruleset, a dry run
// (nft -c) and apply with automatic revert: a countdown, and a confirm that
// is a new request after the apply (a lock-out cannot send it). Not
// confirmed, the previous ruleset comes back by itself and the page says so.
import { applyTexts, formatDateTime, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { clearErrors, showError } from '/shared/components/form.js';
import { dataTable } from '/shared/components/table.js';
import { toast } from '/shared/components/toast.js';

await startPage();
const me = await api('GET', '/api/v1/me');
const isAdmin = me.roles.includes('admin');
const INBOUND = ['mllp', 'his', 'servicedesk'];
const ANYONE = ['0.0.0.0/0', '::/0'];

let state = null;
let draft = null; // the profile being edited (a copy of the running one)
let ticker = null;

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

// --- the running profile ----------------------------------------------------

function dropsOf(zone) {
  return state.running?.zones?.find((z) => z.zone === zone) ?? null;
}

// Who may reach the appliance in each zone, in the profile's own words.
function sourcesOf(p, zone) {
  switch (zone) {
    case 'management':
      return p.management?.admin_subnets ?? [];
    case 'dmz':
      return p.dmz?.portal_from ?? ANYONE;
    case 'lan':
      return [...(p.lan?.staff ?? []), ...(p.lan?.peers ?? []).filter((x) => x.inbound?.length).map((x) => `${x.name} ${x.address}`)];
    case 'gap':
      return p.gap?.device ? [p.gap.device] : [];
    case 'ha':
      return p.ha?.peer ? [p.ha.peer] : [];
    case 'vendor':
      return (state.running?.windows ?? []).map((w) => w.network);
    default:
      return [];
  }
}

function renderFacts() {
  const facts = $('facts');
  facts.replaceChildren();
  const add = (label, value) => facts.append(el('dt', { textContent: label }), el('dd', {}, value));
  const p = state.active;
  add(t('firewall.active.model'), p ? t(`firewall.model.${p.model}`) : t('firewall.active.none'));
  add(t('firewall.active.running'), state.running ? state.running.comment || '—' : badge(t('firewall.active.noTable'), 'bad'));
  add(t('firewall.active.appliedAt'), state.appliedAt ? formatDateTime(state.appliedAt) : '—');
  add(t('firewall.active.appliedBy'), state.appliedBy ?? t('firewall.active.outside'));
  if (state.running) {
    const d = state.running.drops;
    add(t('firewall.active.drops'), t('firewall.active.dropsValue', { input: formatNumber(d.input), forward: formatNumber(d.forward), output: formatNumber(d.output) }));
  }
}

let zonesTable = null;
let peersTable = null;

function renderZones() {
  const p = state.active ?? { interfaces: {} };
  const rows = Object.entries(p.interfaces ?? {}).map(([zone, nic]) => ({
    zone,
    nic,
    sources: sourcesOf(p, zone),
    in: dropsOf(zone)?.in ?? null,
    out: dropsOf(zone)?.out ?? null,
  }));
  zonesTable ??= dataTable({
    columns: [
      { key: 'zone', label: () => t('firewall.zones.zone'), sort: true, render: (r) => t(`firewall.zone.${r.zone}`) },
      { key: 'nic', label: () => t('firewall.zones.nic'), sort: true },
      { key: 'sources', label: () => t('firewall.zones.sources'), render: (r) => el('span', { className: 'sources', textContent: r.sources.length ? r.sources.join(', ') : t('firewall.zones.nobody') }) },
      { key: 'in', label: () => t('firewall.zones.droppedIn'), numeric: true, sort: true, render: (r) => (r.in === null ? '—' : formatNumber(r.in)) },
      { key: 'out', label: () => t('firewall.zones.droppedOut'), numeric: true, sort: true, render: (r) => (r.out === null ? '—' : formatNumber(r.out)) },
    ],
    caption: () => t('firewall.zones.title'),
  });
  zonesTable.setRows(rows);
  $('zones').replaceChildren(zonesTable.element);

  const peers = [...(p.lan?.peers ?? []), ...(p.gap ? [{ name: 'gap-device', address: p.gap.device, tcp: p.gap.tcp, udp: p.gap.udp, inbound: p.gap.inbound }] : [])];
  peersTable ??= dataTable({
    columns: [
      { key: 'name', label: () => t('firewall.peers.name'), sort: true },
      { key: 'address', label: () => t('firewall.peers.address'), sort: true, render: (r) => el('span', { className: 'sources', textContent: r.address }) },
      { key: 'tcp', label: () => t('firewall.peers.tcp'), render: (r) => (r.tcp ?? []).join(', ') || '—' },
      { key: 'udp', label: () => t('firewall.peers.udp'), render: (r) => (r.udp ?? []).join(', ') || '—' },
      { key: 'inbound', label: () => t('firewall.peers.inbound'), render: (r) => (r.inbound ?? []).map((s) => t(`firewall.inbound.${s}`)).join(', ') || '—' },
    ],
    caption: () => t('firewall.peers.title'),
  });
  peersTable.setRows(peers);
  $('peers').replaceChildren(peersTable.element);
}

// --- apply, countdown, confirm ---------------------------------------------

function secondsLeft() {
  return Math.max(0, Math.ceil((Date.parse(state.pending.confirmBefore) - Date.now()) / 1000));
}

function renderPending() {
  const card = $('pending-card');
  clearInterval(ticker);
  ticker = null;
  if (!state.pending) {
    card.hidden = true;
    return;
  }
  card.hidden = false;
  $('pending-text').textContent = t('firewall.pending.text', { who: state.pending.appliedBy ?? '—', time: formatDateTime(state.pending.confirmBefore, { timeStyle: 'medium' }) });
  $('pending-actions').hidden = !isAdmin;
  const tick = async () => {
    const left = secondsLeft();
    $('countdown').textContent = t('firewall.pending.left', { seconds: formatNumber(left) });
    if (left === 0) {
      clearInterval(ticker);
      ticker = null;
      $('countdown').textContent = t('firewall.pending.waiting');
      await waitForRevert();
    }
  };
  tick();
  ticker = setInterval(tick, 1000);
}

// Past the deadline the firewall's own timer puts the old ruleset back; the
// page asks until it sees that (a new request each time).
let waiting = false;
async function waitForRevert() {
  if (waiting) return;
  waiting = true;
  try {
    for (let i = 0; i < 30 && state.pending; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      await load();
    }
  } finally {
    waiting = false;
  }
}

function renderOutcome() {
  const box = $('outcome');
  const o = state.lastOutcome;
  if (!o || o === 'pending') {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.className = `notice ${o === 'confirmed' ? 'ok' : 'bad'}`;
  box.textContent = t(`firewall.outcome.${o}`);
}

async function load() {
  try {
    state = await api('GET', '/api/v1/appliance/firewall');
    $('state-error').hidden = true;
  } catch (e) {
    $('state-error').textContent = t('firewall.stateFailed', { message: e.message });
    $('state-error').hidden = false;
    return;
  }
  renderFacts();
  renderZones();
  renderOutcome();
  renderPending();
  if (isAdmin && state.active && !draft) {
    draft = structuredClone(state.active);
    $('confirm-seconds').value = state.confirmSeconds;
    renderDraft();
  }
  $('draft-card').hidden = !isAdmin || !state.active;
}

$('confirm').addEventListener('click', async () => {
  $('confirm').disabled = true;
  try {
    // It must come over a connection opened after the apply: one only the
    // new ruleset could have let in. The console refuses older ones and
    // closes them; the browser opens a new one for the next try.
    for (let tries = 0; ; tries++) {
      try {
        state = await api('POST', '/api/v1/appliance/firewall/confirm');
        break;
      } catch (e) {
        if (e.field !== 'connection' || tries >= 8) throw e;
      }
    }
    toast(t('firewall.pending.confirmed'), 'ok');
  } catch (e) {
    toast(t('firewall.failed', { message: e.message }), 'bad', 8000);
  } finally {
    $('confirm').disabled = false;
    await load();
  }
});

$('revert').addEventListener('click', async () => {
  const ok = await confirmDialog({ title: t('firewall.pending.revertTitle'), message: t('firewall.pending.revertText'), confirm: t('firewall.pending.revert'), danger: true });
  if (!ok) return;
  try {
    await api('POST', '/api/v1/appliance/firewall/revert');
    toast(t('firewall.outcome.reverted-by-admin'), 'ok');
  } catch (e) {
    toast(t('firewall.failed', { message: e.message }), 'bad', 8000);
  }
  await load();
});

// --- the draft ----------------------------------------------------------------

// The lists an admin edits, by the profile's key path; inputs are named
// "profile.<path>[i]" so an error's field lands under its input.
function listSpecs() {
  const specs = [{ path: ['management', 'admin_subnets'], label: 'firewall.draft.adminSubnets' }];
  if (draft.model === 'frontend') specs.push({ path: ['lan', 'staff'], label: 'firewall.draft.lanStaff' });
  specs.push({ path: ['dmz', 'portal_from'], label: 'firewall.draft.portalFrom', hint: 'firewall.draft.portalFromHint' });
  return specs;
}

const getPath = (o, path) => path.reduce((x, k) => x?.[k], o);
function setPath(o, path, value) {
  let x = o;
  for (const k of path.slice(0, -1)) x = x[k] ??= {};
  if (value === undefined) delete x[path.at(-1)];
  else x[path.at(-1)] = value;
}

function field(name, labelText, value, { type = 'text', inputmode = null } = {}) {
  const id = `f-${name.replace(/[^a-z0-9]/gi, '-')}`;
  const input = el('input', { id, name, type, value: value ?? '', autocomplete: 'off', spellcheck: false });
  if (inputmode) input.inputMode = inputmode;
  return el('div', { className: 'field' }, el('label', { htmlFor: id, textContent: labelText }), input);
}

function removeButton(label, onClick) {
  const b = el('button', { type: 'button', className: 'secondary remove', textContent: t('firewall.draft.remove') });
  b.setAttribute('aria-label', label);
  b.addEventListener('click', () => {
    readDraft();
    onClick();
    renderDraft();
  });
  return b;
}

function renderDraft() {
  const lists = $('draft-lists');
  lists.replaceChildren();
  for (const spec of listSpecs()) {
    const key = spec.path.join('.');
    const values = getPath(draft, spec.path) ?? [];
    const set = el('fieldset', { className: 'list' }, el('legend', { textContent: t(spec.label) }));
    if (spec.hint) set.append(el('p', { className: 'muted', textContent: t(spec.hint) }));
    values.forEach((v, i) => {
      const f = field(`profile.${key}[${i}]`, t('firewall.draft.source', { n: i + 1 }), v);
      const remove = () => {
        const current = getPath(draft, spec.path); // as readDraft() just took it from the inputs
        current.splice(i, 1);
        if (!current.length && spec.path[0] === 'dmz') setPath(draft, spec.path, undefined); // anyone again
      };
      set.append(el('div', { className: 'list-row' }, f, removeButton(t('firewall.draft.removeSource', { value: v || i + 1 }), remove)));
    });
    const add = el('button', { type: 'button', className: 'secondary', textContent: t('firewall.draft.addSource') });
    add.addEventListener('click', () => {
      readDraft();
      setPath(draft, spec.path, [...(getPath(draft, spec.path) ?? []), '']);
      renderDraft();
      lists.querySelector(`[name="profile.${key}[${values.length}]"]`)?.focus();
    });
    set.append(el('div', { className: 'actions' }, add));
    lists.append(set);
  }
  const peers = $('draft-peers');
  peers.replaceChildren();
  $('add-peer').hidden = draft.model !== 'frontend';
  peers.parentElement.querySelector('h3').hidden = draft.model !== 'frontend';
  (draft.lan?.peers ?? []).forEach((p, i) => {
    const base = `profile.lan.peers[${i}]`;
    const row = el('div', { className: 'peer-row' },
      field(`${base}.name`, t('firewall.peers.name'), p.name),
      field(`${base}.address`, t('firewall.peers.address'), p.address),
      field(`${base}.tcp`, t('firewall.peers.tcp'), (p.tcp ?? []).join(', '), { inputmode: 'numeric' }),
      field(`${base}.udp`, t('firewall.peers.udp'), (p.udp ?? []).join(', '), { inputmode: 'numeric' }),
      removeButton(t('firewall.draft.removePeer', { name: p.name || i + 1 }), () => draft.lan.peers.splice(i, 1)));
    const inbound = el('div', { className: 'inbound' }, el('span', { className: 'muted', textContent: t('firewall.peers.inbound') }));
    for (const s of INBOUND) {
      const box = el('input', { type: 'checkbox', name: `${base}.inbound.${s}`, checked: (p.inbound ?? []).includes(s) });
      inbound.append(el('label', { className: 'toggle' }, box, ` ${t(`firewall.inbound.${s}`)}`));
    }
    row.append(inbound);
    peers.append(row);
  });
}

// Ports as the admin typed them: numbers where they are numbers, the text
// otherwise (the firewall's parser names the bad one).
function ports(text) {
  return text
    .split(/[\s,，]+/)
    .filter(Boolean)
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

function readDraft() {
  const form = $('draft');
  for (const spec of listSpecs()) {
    const key = spec.path.join('.');
    const inputs = [...form.querySelectorAll('input')].filter((i) => i.name.startsWith(`profile.${key}[`));
    if (inputs.length || getPath(draft, spec.path)) setPath(draft, spec.path, inputs.map((i) => i.value.trim()));
    if (spec.path[0] === 'dmz' && !inputs.length) setPath(draft, spec.path, undefined); // default: anyone
  }
  if (draft.model === 'frontend') {
    const peers = [];
    for (let i = 0; form.querySelector(`[name="profile.lan.peers[${i}].name"]`); i++) {
      const v = (k) => form.querySelector(`[name="profile.lan.peers[${i}].${k}"]`).value.trim();
      const p = { name: v('name'), address: v('address') };
      const tcp = ports(v('tcp'));
      const udp = ports(v('udp'));
      if (tcp.length) p.tcp = tcp;
      if (udp.length) p.udp = udp;
      const inbound = INBOUND.filter((s) => form.querySelector(`[name="profile.lan.peers[${i}].inbound.${s}"]`).checked);
      if (inbound.length) p.inbound = inbound;
      peers.push(p);
    }
    draft.lan = { ...(draft.lan ?? {}), peers };
  }
  return draft;
}

$('add-peer').addEventListener('click', () => {
  readDraft();
  draft.lan = { ...(draft.lan ?? {}), peers: [...(draft.lan?.peers ?? []), { name: '', address: '' }] };
  renderDraft();
  $('draft-peers').querySelector(`[name="profile.lan.peers[${draft.lan.peers.length - 1}].name"]`)?.focus();
});

// An error's key path names an input, or the list or port field it is in
// ("profile.lan.peers[0].tcp[1]" is the tcp field of that peer).
function showDraftError(e) {
  const form = $('draft');
  const parent = (x) => {
    const p = x.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
    return p === x ? null : p;
  };
  let f = e.field;
  while (f && !form.querySelector(`[name="${CSS.escape(f)}"]`)) f = parent(f);
  if (f && f !== 'profile') {
    // The firewall's message names the key path; keep it whole.
    showError(form, { ...e, field: f }, e.message);
  } else {
    showError(form, e, e.message);
  }
}

function showResult(title, summary, lines) {
  $('result').hidden = false;
  $('result-title').textContent = title;
  $('result-summary').textContent = summary;
  $('result-body').replaceChildren(...lines);
  $('result').scrollIntoView({ block: 'nearest' });
}

async function withDraft(button, work) {
  const form = $('draft');
  clearErrors(form);
  button.disabled = true;
  try {
    await work(readDraft());
  } catch (e) {
    if (e.field || e.status === 400) showDraftError(e);
    else toast(t('firewall.failed', { message: e.message }), 'bad', 8000);
  } finally {
    button.disabled = false;
  }
}

$('show-diff').addEventListener('click', () =>
  withDraft($('show-diff'), async (profile) => {
    const d = await api('POST', '/api/v1/appliance/firewall/diff', { profile });
    const lines = d.lines.map((l) =>
      el('span', { className: l.op === '+' ? 'add' : l.op === '-' ? 'del' : l.op === '@' ? 'skip' : '', textContent: l.op === '@' ? `… ${t('firewall.diff.skipped', { n: l.text.split(' ')[0] })}` : `${l.op} ${l.text}\n` }));
    showResult(t('firewall.diff.title'), d.added + d.removed === 0 ? t('firewall.diff.same') : t('firewall.diff.summary', { added: formatNumber(d.added), removed: formatNumber(d.removed) }), lines);
  }));

$('dry-run').addEventListener('click', () =>
  withDraft($('dry-run'), async (profile) => {
    const r = await api('POST', '/api/v1/appliance/firewall/check', { profile });
    showResult(t('firewall.dryRun.title'), r.valid ? t('firewall.dryRun.ok') : t('firewall.dryRun.refused'), [el('span', { textContent: r.output })]);
  }));

$('draft').addEventListener('submit', (ev) => {
  ev.preventDefault();
  withDraft($('apply'), async (profile) => {
    const seconds = Number($('confirm-seconds').value || state.confirmSeconds);
    const ok = await confirmDialog({ title: t('firewall.apply.title'), message: t('firewall.apply.text', { seconds: formatNumber(seconds) }), confirm: t('firewall.draft.apply'), danger: true });
    if (!ok) return;
    const body = { profile };
    if ($('confirm-seconds').value) body.confirmSeconds = /^\d+$/.test($('confirm-seconds').value) ? seconds : $('confirm-seconds').value;
    await api('POST', '/api/v1/appliance/firewall/apply', body);
    toast(t('firewall.apply.done'), 'ok');
    await load();
    $('pending-card').scrollIntoView({ block: 'start' });
  });
});

onLangChange(() => {
  applyTexts();
  if (!state) return;
  renderFacts();
  zonesTable?.refresh();
  peersTable?.refresh();
  renderOutcome();
  renderPending();
  if (draft) {
    readDraft();
    renderDraft();
  }
});

await load();
document.body.dataset.ready = 'true';

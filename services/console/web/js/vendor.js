// Vendor access (docs/console.md, "Vendor access"): the window's state with a
// countdown; admins open a window (minutes, ticket, reason), approve one
// another admin asked for, close it (confirm dialog); the appliance's
// WireGuard key and endpoint for the vendor's client and the vendor's
// registered key; every request of a vendor account, followed live while
// the page is visible. Auditors read: no form, no button (the API refuses too).
import { formatDateTime, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { bindForm } from '/shared/components/form.js';
import { dataTable } from '/shared/components/table.js';
import { toast } from '/shared/components/toast.js';

const session = await startPage();
const me = await api('GET', '/api/v1/me');
const isAdmin = me.roles.includes('admin');
const FOLLOW_MS = 2000;

let state = null;
let clockSkew = 0; // the console's clock minus the browser's, for the countdown
let afterSeq = 0;
const lines = [];

const STATE_KIND = { open: 'ok', awaiting_approval: 'warn', closed: 'idle' };

function fact(dl, label, value, mono = false) {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value ?? '—';
  if (mono) dd.className = 'mono';
  dl.append(dt, dd);
}

function remaining() {
  const w = state?.window;
  if (!w || w.state !== 'open') return null;
  return Math.max(0, w.endsAtMs - (Date.now() + clockSkew));
}

function clockText(ms) {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

function renderCountdown() {
  const left = remaining();
  const el = document.getElementById('countdown');
  el.textContent = left === null ? '' : t('vendor.left', { time: clockText(left) });
  // The window ended on the console's clock: fetch its new state.
  if (left === 0) load();
}

function button(id, text, onClick, kind = 'secondary') {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.className = kind;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

async function change(path, doneKey) {
  try {
    state = await api('POST', path);
    clockSkew = state.now - Date.now();
    toast(t(doneKey), 'ok');
  } catch (e) {
    toast(t('vendor.failed', { message: e.message }), 'bad', 8000);
  }
  render();
}

async function closeWindow(w) {
  const open = w.state === 'open';
  const ok = await confirmDialog({
    title: t(open ? 'vendor.confirmClose' : 'vendor.confirmCancel'),
    message: t(open ? 'vendor.confirmCloseText' : 'vendor.confirmCancelText'),
    confirm: t(open ? 'vendor.close' : 'vendor.cancel'),
    danger: true,
  });
  if (ok) await change(`/api/v1/vendor/windows/${w.id}/close`, open ? 'vendor.closed' : 'vendor.cancelled');
}

function renderWindow() {
  const w = state.window;
  const kind = w ? w.state : 'closed';
  document.getElementById('window-badge').replaceChildren(badge(t(`vendor.state.${kind}`), STATE_KIND[kind]));
  const facts = document.getElementById('window-facts');
  facts.replaceChildren();
  facts.hidden = !w;
  if (w) {
    fact(facts, t('vendor.ticket'), w.ticket);
    fact(facts, t('vendor.reason'), w.reason);
    fact(facts, t('vendor.requestedBy'), `${w.requestedBy} · ${formatDateTime(w.requestedAtMs)}`);
    if (w.approvedBy) fact(facts, t('vendor.approvedBy'), w.approvedBy);
    if (w.endsAtMs) fact(facts, t('vendor.endsAt'), formatDateTime(w.endsAtMs, { dateStyle: 'medium', timeStyle: 'medium' }));
    else fact(facts, t('vendor.minutes'), String(w.minutes));
  }
  const actions = document.getElementById('window-actions');
  actions.replaceChildren();
  if (isAdmin && w) {
    if (w.state === 'awaiting_approval' && w.requestedBy !== session.username)
      actions.append(button('approve-window', t('vendor.approve'), () => change(`/api/v1/vendor/windows/${w.id}/approve`, 'vendor.approved'), ''));
    if (w.state === 'awaiting_approval' && w.requestedBy === session.username)
      actions.append(Object.assign(document.createElement('p'), { className: 'muted', textContent: t('vendor.waitingForSecond') }));
    actions.append(button('close-window', t(w.state === 'open' ? 'vendor.close' : 'vendor.cancel'), () => closeWindow(w), 'danger'));
  }
  const form = document.getElementById('open-form');
  form.hidden = !isAdmin || !!w;
  const minutes = document.getElementById('minutes');
  minutes.max = String(state.maxWindowMinutes);
  if (!minutes.value) minutes.value = String(Math.min(60, state.maxWindowMinutes));
  document.getElementById('open-lead').textContent = !state.peer
    ? t('vendor.needPeer')
    : t(state.requireApproval ? 'vendor.openLeadApproval' : 'vendor.openLead', { max: state.maxWindowMinutes });
  const submit = document.getElementById('open-window');
  submit.textContent = t(state.requireApproval ? 'vendor.ask' : 'vendor.open');
  submit.disabled = !state.peer;
  renderCountdown();
}

function renderKeys() {
  const a = state.appliance;
  const facts = document.getElementById('appliance-facts');
  facts.replaceChildren();
  fact(facts, t('vendor.publicKey'), a.publicKey ?? t('vendor.noKey', { message: a.publicKeyError ?? '' }), true);
  fact(facts, t('vendor.endpoint'), a.endpoint || t('vendor.noEndpoint'), true);
  fact(facts, t('vendor.tunnel'), a.address, true);
  const p = state.peer;
  // What the vendor puts in its WireGuard client (wg-quick's format).
  const host = a.address.split('/')[0];
  document.getElementById('wg-config').textContent = [
    '[Interface]',
    `Address = ${p ? p.address : '…'}/32`,
    `PrivateKey = ${t('vendor.privateKeyNote')}`,
    '',
    '[Peer]',
    `PublicKey = ${a.publicKey ?? '…'}`,
    `Endpoint = ${a.endpoint || '…'}`,
    `AllowedIPs = ${host}/32`,
    'PersistentKeepalive = 25',
  ].join('\n');
  const peer = document.getElementById('peer-facts');
  peer.replaceChildren();
  if (p) {
    fact(peer, t('vendor.peerKey'), p.publicKey, true);
    fact(peer, t('vendor.peerAddress'), p.address, true);
    fact(peer, t('vendor.registeredBy'), `${p.registeredBy} · ${formatDateTime(p.registeredAtMs)}`);
  } else {
    fact(peer, t('vendor.peerKey'), t('vendor.noPeer'));
  }
  const form = document.getElementById('peer-form');
  form.hidden = !isAdmin || !!state.window;
  if (p && !form.dataset.filled) {
    form.publicKey.value = p.publicKey;
    form.address.value = p.address;
    form.dataset.filled = '1';
  }
}

const recent = dataTable({
  caption: () => t('vendor.recent'),
  pageSize: 10,
  columns: [
    { key: 'requestedAtMs', label: () => t('vendor.col.requested'), sort: true, render: (w) => formatDateTime(w.requestedAtMs) },
    { key: 'ticket', label: () => t('vendor.ticket'), sort: true },
    { key: 'minutes', label: () => t('vendor.minutes'), sort: true, numeric: true },
    { key: 'state', label: () => t('vendor.col.state'), render: (w) => badge(t(w.closeReason ? `vendor.reasonClosed.${w.closeReason}` : `vendor.state.${w.state}`), STATE_KIND[w.state]) },
    { key: 'requestedBy', label: () => t('vendor.col.people'), render: (w) => [w.requestedBy, w.approvedBy, w.closedBy].filter(Boolean).join(' / ') },
  ],
});
document.getElementById('recent').append(recent.element);

function render() {
  if (!state) return;
  renderWindow();
  renderKeys();
  recent.setRows(state.recent);
}

let loading = null;
async function load() {
  // The countdown asks every second once it reached zero: one request at a time.
  if (loading) return loading;
  loading = (async () => {
    try {
      state = await api('GET', '/api/v1/vendor');
      clockSkew = state.now - Date.now();
    } catch (e) {
      toast(t('vendor.failed', { message: e.message }), 'bad', 8000);
    }
    render();
  })();
  try {
    await loading;
  } finally {
    loading = null;
  }
}

// --- the vendor's requests, followed --------------------------------------

function renderActivity() {
  const list = document.getElementById('activity');
  list.replaceChildren(
    ...lines.map((r) => {
      const li = document.createElement('li');
      li.className = `vendor-line${r.fresh ? ' fresh' : ''}${r.status >= 400 ? ' p-warn' : ''}`;
      const time = Object.assign(document.createElement('span'), { className: 'time', textContent: formatDateTime(r.atMs, { dateStyle: 'short', timeStyle: 'medium' }) });
      const status = badge(String(r.status), r.status >= 400 ? 'warn' : 'ok');
      const msg = Object.assign(document.createElement('span'), { className: 'msg', textContent: `${r.user}  ${r.method} ${r.path}` });
      li.append(time, status, msg);
      return li;
    }),
  );
  document.getElementById('activity-state').textContent = t(lines.length ? 'vendor.following' : 'vendor.noActivity');
}

async function follow() {
  if (document.visibilityState !== 'visible') return;
  try {
    const a = await api('GET', `/api/v1/vendor/activity?after=${afterSeq}`);
    for (const l of lines) l.fresh = false;
    for (const r of a.items) lines.unshift({ ...r, fresh: afterSeq > 0 });
    lines.splice(200);
    afterSeq = a.next;
    renderActivity();
  } catch {
    // The next turn tries again; the state line keeps what it said.
  }
}

bindForm(document.getElementById('open-form'), async (v) => {
  state = await api('POST', '/api/v1/vendor/windows', { minutes: Number(v.minutes), ticket: v.ticket.trim(), reason: v.reason.trim() });
  clockSkew = state.now - Date.now();
  document.getElementById('open-form').reset();
  toast(t(state.window?.state === 'open' ? 'vendor.opened' : 'vendor.asked'), 'ok');
  render();
});

bindForm(document.getElementById('peer-form'), async (v) => {
  state = await api('PUT', '/api/v1/vendor/peer', { publicKey: v.publicKey.trim(), address: v.address.trim() });
  toast(t('vendor.peerSaved'), 'ok');
  render();
});

onLangChange(() => {
  render();
  renderActivity();
});
await load();
await follow();
setInterval(renderCountdown, 1000);
setInterval(follow, FOLLOW_MS);
// The state of the window may change elsewhere (another admin, expiry).
setInterval(() => document.visibilityState === 'visible' && load(), 15000);

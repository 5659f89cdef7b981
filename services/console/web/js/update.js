// Updates (docs/update.md, "From the console"): the A/B root slots as RAUC
// reports them, the last update and how its reboot went; admins upload a
// signed bundle in pieces, install it into the other slot (RAUC checks the
// signature, not this page), then reboot after a confirm dialog. Auditors
// see the state without buttons (the API refuses them too).
import { formatDateTime, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { dataTable } from '/shared/components/table.js';
import { toast } from '/shared/components/toast.js';

await startPage();
const me = await api('GET', '/api/v1/me');
const isAdmin = me.roles.includes('admin');
const POLL_MS = 1500;
// Under http.max_body_bytes (64 KiB) with room for nothing else: raw bytes only.
const PIECE = 60 * 1024;

let state = null;
let uploading = false;
let slotsTable = null;

const $ = (id) => document.getElementById(id);

function when(iso) {
  return iso ? formatDateTime(iso) : '—';
}

function slotState(s) {
  const span = document.createElement('span');
  span.className = 'badges';
  if (s.booted) span.append(badge(t('update.booted'), 'ok'));
  if (s.primary && !s.booted) span.append(badge(t('update.bootsNext'), 'warn'));
  if (!s.booted && !s.primary) span.append(badge(t('update.inactive'), 'idle'));
  return span;
}

function bootStatus(s) {
  if (s.bootStatus === 'good') return badge(t('update.good'), 'ok');
  if (s.bootStatus === 'bad') return badge(t('update.bad'), s.version ? 'bad' : 'idle');
  return badge(t('update.unknown'), 'idle');
}

function renderSlots() {
  const slots = state?.slots;
  $('slots-error').hidden = !state?.slotsError;
  $('slots-error').textContent = state?.slotsError ? t('update.slotsError', { message: state.slotsError }) : '';
  $('slots-lead').textContent = slots ? t('update.compatible', { compatible: slots.compatible || '—' }) : '';
  if (!slotsTable) {
    slotsTable = dataTable({
      caption: () => t('update.slots'),
      columns: [
        { key: 'bootname', label: () => t('update.col.slot'), render: (s) => `${s.bootname} (${s.name})` },
        { key: 'state', label: () => t('update.col.state'), render: slotState },
        { key: 'bootStatus', label: () => t('update.col.bootStatus'), render: bootStatus },
        { key: 'version', label: () => t('update.col.version'), render: (s) => s.version || t('update.empty') },
        { key: 'installedAt', label: () => t('update.col.installed'), render: (s) => when(s.installedAt) },
        { key: 'device', label: () => t('update.col.device') },
      ],
    });
    $('slots').append(slotsTable.element);
  }
  slotsTable.setRows(slots?.slots ?? []);
}

const OUTCOME_KIND = {
  none: 'idle',
  unknown: 'idle',
  'waiting-reboot': 'warn',
  'new-slot-unconfirmed': 'warn',
  'new-slot-good': 'ok',
  'fell-back': 'bad',
};

function renderLast() {
  const outcome = state?.outcome ?? 'none';
  const last = state?.last;
  const p = $('outcome');
  p.replaceChildren(badge(t(`update.outcome.${outcome}`), OUTCOME_KIND[outcome] ?? 'idle'), ' ',
    t(`update.outcomeText.${outcome}`, { slot: last?.slot ?? '', from: last?.from ?? '', version: last?.version || '—' }));
  const dl = $('last-facts');
  dl.replaceChildren();
  if (!last) return;
  for (const [key, value] of [['update.fact.version', last.version || '—'], ['update.fact.slot', `${last.from} → ${last.slot}`],
    ['update.fact.at', when(last.at)], ['update.fact.by', last.by]]) {
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

function renderInstall() {
  $('install-card').hidden = !isAdmin;
  if (!isAdmin || !state) return;
  const job = state.install;
  const installing = job.state === 'installing';
  $('upload').disabled = uploading || installing;
  $('install').hidden = !(state.upload.bundleBytes > 0) || installing;
  $('install').disabled = uploading;
  $('reboot').hidden = state.outcome !== 'waiting-reboot' || installing;
  if (!uploading) {
    $('upload-progress').hidden = true;
    $('upload-state').textContent = state.upload.bundleBytes > 0
      ? t('update.uploaded', { mib: formatNumber(state.upload.bundleBytes / 1048576, { maximumFractionDigits: 1 }) })
      : '';
  }
  const js = $('job-state');
  if (job.state === 'idle') js.replaceChildren();
  else js.replaceChildren(badge(t(`update.job.${job.state}`), { installing: 'warn', installed: 'ok', failed: 'bad' }[job.state]), ' ',
    job.state === 'failed' ? t('update.jobFailed') : t('update.jobSince', { at: when(job.startedAt) }));
  const out = job.state === 'failed' ? job.error : job.output;
  $('job-output').hidden = !out;
  $('job-output').textContent = out;
}

function render() {
  renderSlots();
  renderLast();
  renderInstall();
}

let pollTimer = null;
async function load() {
  state = await api('GET', '/api/v1/appliance/update');
  render();
  clearTimeout(pollTimer);
  if (state.install.state === 'installing') pollTimer = setTimeout(() => load().catch(showLoadError), POLL_MS);
}

function showLoadError(e) {
  toast(t('update.loadFailed', { message: e.message }), 'bad', 8000);
}

async function upload(file) {
  if (!file.name.endsWith('.raucb')) {
    toast(t('update.notBundle'), 'bad', 6000);
    return;
  }
  if (file.size > state.upload.maxBytes) {
    toast(t('update.tooLarge', { mib: formatNumber(state.upload.maxBytes / 1048576) }), 'bad', 6000);
    return;
  }
  uploading = true;
  renderInstall();
  const bar = $('upload-progress');
  bar.hidden = false;
  try {
    for (let offset = 0; offset < file.size; offset += PIECE) {
      await api('PUT', `/api/v1/appliance/update/bundle?offset=${offset}`, file.slice(offset, offset + PIECE));
      const done = Math.min(offset + PIECE, file.size);
      bar.value = Math.round((done * 100) / file.size);
      $('upload-state').textContent = t('update.uploading', { percent: formatNumber(bar.value) });
    }
    await api('POST', '/api/v1/appliance/update/bundle/done', { size: file.size });
    toast(t('update.uploadDone'), 'ok');
  } catch (e) {
    toast(t('update.uploadFailed', { message: e.message }), 'bad', 8000);
  } finally {
    uploading = false;
    document.title = t('update.pageTitle');
await load().catch(showLoadError);
  }
}

$('upload-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const file = $('bundle-file').files[0];
  if (file) upload(file);
});

$('install').addEventListener('click', async () => {
  const other = state.slots?.slots.find((s) => !s.booted);
  const ok = await confirmDialog({
    title: t('update.confirmInstall.title', { slot: other?.bootname ?? '?' }),
    message: t('update.confirmInstall.message', { slot: other?.bootname ?? '?' }),
    confirm: t('update.installButton'),
  });
  if (!ok) return;
  try {
    await api('POST', '/api/v1/appliance/update/install');
  } catch (e) {
    toast(t('update.installFailed', { message: e.message }), 'bad', 8000);
  }
  document.title = t('update.pageTitle');
await load().catch(showLoadError);
});

$('reboot').addEventListener('click', async () => {
  const ok = await confirmDialog({
    title: t('update.confirmReboot.title', { slot: state.last?.slot ?? '?' }),
    message: t('update.confirmReboot.message', { slot: state.last?.slot ?? '?', from: state.last?.from ?? '?' }),
    confirm: t('update.reboot'),
    danger: true,
  });
  if (!ok) return;
  try {
    await api('POST', '/api/v1/appliance/update/reboot');
    toast(t('update.rebooting'), 'ok', 15000);
  } catch (e) {
    toast(t('update.rebootFailed', { message: e.message }), 'bad', 8000);
  }
});

onLangChange(() => {
  document.title = t('update.pageTitle');
  slotsTable?.refresh();
  render();
});
document.title = t('update.pageTitle');
await load().catch(showLoadError);

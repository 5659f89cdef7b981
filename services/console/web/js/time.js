// The time panel (docs/console.md, "Time"): NTP state from timedated and
// systemd-timesyncd (synchronised, the server in use, stratum, offset, poll
// interval, last sync), a warning when unsynchronised or more than a second
// off, the configured servers; admins change them (the setup helper's time
// verb, audited).
import { applyTexts, formatDateTime, formatNumber, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { bindForm } from '/shared/components/form.js';
import { toast } from '/shared/components/toast.js';

await startPage();
const me = await api('GET', '/api/v1/me');
const isAdmin = me.roles.includes('admin');
let state = null;

const $ = (id) => document.getElementById(id);

// Microseconds as the largest unit that reads well ("1.2 ms", "3.4 s").
function span(us) {
  if (us === null || us === undefined) return '—';
  const a = Math.abs(us);
  const sign = us < 0 ? '−' : us > 0 ? '+' : '';
  if (a < 1000) return `${sign}${formatNumber(a)} µs`;
  if (a < 1e6) return `${sign}${formatNumber(a / 1000, { maximumFractionDigits: 3 })} ms`;
  if (a < 60e6) return `${sign}${formatNumber(a / 1e6, { maximumFractionDigits: 3 })} s`;
  return `${sign}${formatNumber(a / 60e6, { maximumFractionDigits: 1 })} min`;
}
const unsigned = (us) => (us === null || us === undefined ? '—' : span(Math.abs(us)).replace(/^[+−]/, ''));

function facts(dl, rows) {
  dl.replaceChildren();
  for (const [label, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.append(value);
    dl.append(dt, dd);
  }
}

function render() {
  const s = state;
  $('time-error').hidden = s.available;
  if (!s.available) $('time-error').textContent = t('time.unavailable', { message: s.error ?? '' });
  const b = !s.available
    ? badge(t('time.badge.unknown'), 'idle')
    : !s.synchronized
      ? badge(t('time.badge.unsynchronized'), 'bad')
      : s.warning
        ? badge(t('time.badge.offset'), 'warn')
        : badge(t('time.badge.synchronized'), 'ok');
  b.id = 'sync-state';
  $('sync-badge').replaceChildren(b);
  facts($('facts'), [
    [t('time.ntp'), s.ntpEnabled ? t('time.on') : t('time.off')],
    [t('time.server'), s.server ?? '—'],
    [t('time.stratum'), s.stratum ?? '—'],
    [t('time.offset'), span(s.offsetUs)],
    [t('time.delay'), unsigned(s.delayUs)],
    [t('time.jitter'), unsigned(s.jitterUs)],
    [t('time.poll'), unsigned(s.pollIntervalUs)],
    [t('time.packets'), s.packetCount ?? '—'],
    [t('time.lastSync'), s.lastSync ? formatDateTime(s.lastSync, { dateStyle: 'medium', timeStyle: 'medium' }) : '—'],
    [t('time.timezone'), s.timezone || '—'],
  ]);
  const list = (a) => (a?.length ? a.join(', ') : '—');
  facts($('server-facts'), [
    [t('time.system'), list(s.systemServers)],
    [t('time.link'), list(s.linkServers)],
    [t('time.fallback'), list(s.fallbackServers)],
  ]);
  $('servers-form').hidden = !isAdmin;
}

async function load() {
  state = await api('GET', '/api/v1/appliance/time');
  render();
  if (isAdmin && !$('servers').value) $('servers').value = (state.systemServers ?? []).join(' ');
}

$('refresh').addEventListener('click', () => load().catch((e) => toast(e.message, 'bad')));

bindForm($('servers-form'), async ({ servers }) => {
  const list = servers.split(/[\s,，]+/).filter(Boolean);
  try {
    await api('PUT', '/api/v1/appliance/time/servers', { servers: list });
  } catch (e) {
    // servers[1] is the second name in the one field.
    if (e.field?.startsWith('servers')) e.field = 'servers';
    throw e;
  }
  toast(t('time.saved'), 'ok');
  await load();
});

onLangChange(() => {
  applyTexts();
  if (state) render();
});

await load();
document.body.dataset.ready = 'true';

// The signed-in landing page: who is signed in, with which roles; for admins
// and auditors also the appliance (docs/console.md, "Overview"): each
// service's state, backlog and certificate, and charts of CPU, memory and
// disk use over the last hours, every medbox unit's state and every
// service's audit chain.
import { formatDateTime, formatNumber, hasText, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage, roleBadges } from '/shared/shell.js';
import { badge } from '/shared/components/badge.js';
import { dataTable } from '/shared/components/table.js';
import { lineChart } from '/shared/components/chart.js';
import { chainBadge, unitStateBadge } from '/js/opsBadges.js';

const session = await startPage();
const me = await api('GET', '/api/v1/me');
// A freshly installed appliance: the setup wizard first (docs/console.md, "Setup wizard").
if (me.roles.includes('admin')) {
  const setup = await api('GET', '/api/v1/setup');
  if (setup.required && !setup.completed) {
    window.location.replace('/setup.html');
    await new Promise(() => {});  // nothing more on a page being left
  }
}
// The appliance's state is for admins and auditors (the API says so too).
const seesAppliance = me.roles.some((r) => r === 'admin' || r === 'auditor');
const CERT_WARN_DAYS = 30;
// The directory is the hospital's staff's, not the vendor's (the API refuses it too).
document.getElementById('directory-card').hidden = me.roles.every((r) => r === 'vendor');
// Booking's staff pages (issue 13) are served by booking on its own port;
// the staff cookie is valid there too (docs/web.md). Each link for the roles
// that page is for.
{
  const { protocol, hostname } = window.location;
  const bookingBase = `${protocol}//${hostname}:${document.documentElement.dataset.bookingPort}`;
  const pages = { schedule: ['scheduler', 'admin'], desk: ['registrar'], nurse: ['nurse', 'doctor'] };
  let any = false;
  for (const [page, roles] of Object.entries(pages)) {
    const a = document.getElementById(`open-booking-${page}`);
    a.href = bookingBase + a.dataset.page;
    a.hidden = !me.roles.some((r) => roles.includes(r));
    any ||= !a.hidden;
  }
  document.getElementById('booking-card').hidden = !any;
}
// Staff and roles: admins change, auditors read (staff.html).
document.getElementById('staff-card').hidden = !seesAppliance;

let services = [];
let samples = null;
let servicesTable = null;
let units = null; // null: not read (unitsError says why)
let unitsError = null; // the ApiError
let chains = [];
let unitsTable = null;
let chainsTable = null;

function pending(s) {
  return (s.backlog ?? []).reduce((n, b) => n + b.pending, 0);
}

// The server's own words (e.g. "not answering: Connection refused") stay in
// the badge's tooltip; the badge says it in the page's language.
function stateBadge(s) {
  if (s.checkedAt === null) return badge(t('overview.state.unknown'), 'idle');
  if (s.ready) return badge(t('overview.state.ready'), 'ok');
  const b = badge(t(s.error?.startsWith('not answering') ? 'overview.state.unreachable' : 'overview.state.down'), 'bad');
  if (s.error) b.title = s.error;
  return b;
}

function backlogCell(s) {
  if (s.backlog === null) return document.createTextNode('—');
  if (s.backlog.length === 0) return document.createTextNode(t('overview.backlog.none'));
  const oldest = Math.max(...s.backlog.map((b) => b.oldestAgeSeconds));
  const text = t('overview.backlog.waiting', { count: formatNumber(pending(s)), minutes: formatNumber(Math.floor(oldest / 60)) });
  return badge(text, oldest > 600 ? 'bad' : 'warn');
}

function certCell(s) {
  if (!s.certificate) return document.createTextNode('—');
  const c = s.certificate;
  const kind = c.daysLeft < 7 ? 'bad' : c.daysLeft < CERT_WARN_DAYS ? 'warn' : 'ok';
  const b = badge(t('overview.cert.days', { days: formatNumber(c.daysLeft) }), kind);
  b.title = `SHA-256 ${c.sha256}`;
  return b;
}

function renderServices() {
  const rows = services.map((s) => ({ ...s, pendingCount: pending(s) }));
  if (!servicesTable) {
    servicesTable = dataTable({
      caption: () => t('overview.services'),
      pageSize: 10,
      columns: [
        { key: 'name', label: () => t('overview.col.service'), sort: true },
        { key: 'ready', label: () => t('overview.col.state'), render: stateBadge },
        { key: 'pendingCount', label: () => t('overview.col.backlog'), sort: true, numeric: true, render: backlogCell },
        { key: 'certificate', label: () => t('overview.col.certificate'), render: certCell },
      ],
    });
    document.getElementById('services').append(servicesTable.element);
  }
  servicesTable.setRows(rows);
  const checked = services.map((s) => s.checkedAt).filter(Boolean).sort().pop();
  document.getElementById('services-checked').textContent = checked ? t('overview.checkedAt', { time: formatDateTime(checked) }) : '';
}

function unitLink(u) {
  const a = document.createElement('a');
  a.href = `/units.html#unit=${encodeURIComponent(u.name)}`;
  a.textContent = u.name;
  return a;
}

function renderUnitsAndChains() {
  if (!unitsTable) {
    unitsTable = dataTable({
      caption: () => t('overview.units'),
      pageSize: 20,
      columns: [
        { key: 'name', label: () => t('units.col.unit'), sort: true, render: unitLink },
        { key: 'activeState', label: () => t('units.col.state'), sort: true, render: unitStateBadge },
        { key: 'activeSince', label: () => t('units.col.since'), render: (u) => (u.activeSince ? formatDateTime(u.activeSince) : '—') },
      ],
    });
    document.getElementById('units').append(unitsTable.element);
    chainsTable = dataTable({
      caption: () => t('overview.chains'),
      pageSize: 10,
      columns: [
        { key: 'service', label: () => t('overview.col.service'), sort: true },
        { key: 'ok', label: () => t('audit.col.chain'), render: chainBadge },
      ],
    });
    document.getElementById('chains').append(chainsTable.element);
  }
  const err = document.getElementById('units-error');
  err.hidden = units !== null;
  // The page's words for the kind of error; the server's own in the tooltip.
  const why = unitsError && hasText(`error.${unitsError.code}`) ? t(`error.${unitsError.code}`) : unitsError?.message ?? '';
  err.textContent = units === null ? t('overview.unitsUnavailable', { message: why }) : '';
  err.title = unitsError?.message ?? '';
  unitsTable.element.hidden = units === null;
  unitsTable.setRows(units ?? []);
  chainsTable.setRows(chains);
}

// Points [[ms, value], ...] of several metrics on one time axis (seconds).
function aligned(metrics, names, scale) {
  const times = [...new Set(names.flatMap((n) => (metrics[n] ?? []).map((p) => p[0])))].sort((a, b) => a - b);
  const series = names.map((n) => {
    const byTime = new Map((metrics[n] ?? []).map((p) => [p[0], p[1]]));
    return times.map((tm) => (byTime.has(tm) ? scale(n, byTime.get(tm)) : null));
  });
  return { times: times.map((ms) => ms / 1000), series };
}

async function renderCharts() {
  const m = samples.metrics;
  const cpuMem = aligned(m, ['cpu.busy', 'mem.used_bytes'], (n, v) => {
    if (n === 'cpu.busy') return Math.round(v * 1000) / 10;
    const total = m['mem.total_bytes']?.at(-1)?.[1];
    return total ? Math.round((v / total) * 1000) / 10 : null;
  });
  const mounts = Object.keys(m).filter((n) => n.startsWith('disk.used_bytes:')).map((n) => n.slice('disk.used_bytes:'.length));
  const disk = aligned(m, mounts.map((x) => `disk.used_bytes:${x}`), (n, v) => {
    const total = m[n.replace('used', 'total')]?.at(-1)?.[1];
    return total ? Math.round((v / total) * 1000) / 10 : null;
  });
  const empty = cpuMem.times.length === 0 && disk.times.length === 0;
  document.getElementById('charts-empty').hidden = !empty;
  for (const id of ['chart-cpu-mem', 'chart-disk']) document.getElementById(id).replaceChildren();
  if (empty) return;
  const window = [Date.parse(samples.since) / 1000, Date.parse(samples.until) / 1000];
  await lineChart(document.getElementById('chart-cpu-mem'), {
    times: cpuMem.times,
    xRange: window,
    yRange: [0, 100],
    series: [
      { label: t('overview.cpuPercent'), values: cpuMem.series[0] },
      { label: t('overview.memoryPercent'), values: cpuMem.series[1] },
    ],
  });
  await lineChart(document.getElementById('chart-disk'), {
    times: disk.times,
    xRange: window,
    yRange: [0, 100],
    series: mounts.map((x, i) => ({ label: t('overview.diskPercent', { mount: x }), values: disk.series[i] })),
  });
}

function render() {
  document.getElementById('username').textContent = me.username;
  document.getElementById('display-name').textContent = me.displayName;
  document.getElementById('roles').replaceChildren(...roleBadges(me.roles));
  document.getElementById('signed-in-at').textContent = session.signedInAt ? formatDateTime(session.signedInAt) : '';
  document.getElementById('expires-at').textContent = formatDateTime(session.expiresAt);
  document.title = t('overview.pageTitle');
  if (seesAppliance && samples) {
    renderServices();
    servicesTable.refresh();
    renderUnitsAndChains();
    unitsTable.refresh();
    chainsTable.refresh();
    renderCharts();
  }
}

if (seesAppliance) {
  [services, samples, units, chains] = await Promise.all([
    api('GET', '/api/v1/appliance/services').then((r) => r.services),
    api('GET', '/api/v1/appliance/samples'),
    // Without systemd (a build machine) the units are unknown, the rest is not.
    api('GET', '/api/v1/appliance/units').then(
      (r) => r.units,
      (e) => {
        unitsError = e;
        return null;
      },
    ),
    api('GET', '/api/v1/appliance/audit/chains').then((r) => r.chains),
  ]);
  document.getElementById('services-card').hidden = false;
  document.getElementById('units-card').hidden = false;
  document.getElementById('chains-card').hidden = false;
  document.getElementById('netops-card').hidden = false;
  document.getElementById('charts-card').hidden = false;
  // What the console does not show yet concerns those who run the appliance.
  document.getElementById('todo-card').hidden = false;
}
render();
onLangChange(render);

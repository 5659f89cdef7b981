// The first-boot setup wizard (docs/console.md, "Setup wizard"): one step at
// a time, each saved on the server (PUT /api/v1/setup/steps/{step}), so a
// reload or a second admin continues where it stopped; then apply and, from
// a new request within the window, confirm (the firewall reverts by itself
// otherwise).
import { formatDateTime, onLangChange, t } from '/shared/i18n.js';
import { api, ApiError } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { bindForm } from '/shared/components/form.js';
import { toast } from '/shared/components/toast.js';

await startPage();
let state = await api('GET', '/api/v1/setup');
let shown = null;  // the step on screen (may be an earlier, done one)
let countdown = null;
let tickNow = null;  // redraws the countdown (also on a language switch)

const STEPS = ['admin', 'hostname', 'hospital', 'time', 'network', 'certificate', 'firewall', 'apply'];
const $ = (id) => document.getElementById(id);
const data = (name) => state.steps.find((s) => s.name === name)?.data ?? null;
const list = (text) => text.split(/[\s,，]+/).map((s) => s.trim()).filter(Boolean);
const put = async (step, body) => {
  state = await api('PUT', `/api/v1/setup/steps/${step}`, body);
  show(state.next);
};

function renderSteps() {
  const ol = $('steps');
  ol.replaceChildren();
  for (const name of STEPS) {
    const li = document.createElement('li');
    const done = name === 'apply' ? state.completed : state.steps.find((s) => s.name === name)?.done;
    if (done) li.classList.add('done');
    if (name === shown) {
      li.classList.add('current');
      li.setAttribute('aria-current', 'step');
    }
    const reachable = done || name === state.next;
    const label = `${STEPS.indexOf(name) + 1}. ${t(`setup.step.${name}`)}${done ? ' ✓' : ''}`;
    if (reachable && !state.completed && name !== shown) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.addEventListener('click', () => show(name));
      li.append(b);
    } else {
      li.textContent = label;
    }
    ol.append(li);
  }
}

function show(name) {
  if (state.completed) name = 'done';
  shown = name;
  for (const s of document.querySelectorAll('section.step')) s.hidden = s.id !== `step-${name}`;
  fill(name);
  renderSteps();
  $(`step-${name}`).querySelector('input, select, textarea, button')?.focus();
}

// Puts the saved answer (or a sensible start) into the step's fields.
function fill(name) {
  const d = data(name);
  if (name === 'admin') fillAdmin();
  if (name === 'hostname') $('hostname').value = d?.hostname ?? '';
  if (name === 'hospital') $('hospital-name').value = d?.name ?? '';
  if (name === 'time') $('servers').value = (d?.servers ?? []).join('\n');
  if (name === 'network') fillNetwork(d);
  if (name === 'certificate') {
    $('fingerprint').textContent = state.certificate.sha256 ?? '—';
    const mode = d?.mode ?? 'self-signed';
    for (const r of document.querySelectorAll('#form-certificate input[name="mode"]')) r.checked = r.value === mode;
    $('upload-fields').hidden = mode !== 'upload';
  }
  if (name === 'firewall') {
    $('model').value = d?.model ?? 'frontend';
    $('adminSubnets').value = (d?.adminSubnets ?? []).join(', ');
    $('peers').value = (d?.peers ?? []).map((p) => `${p.name} ${p.address} ${p.tcp.join(',')}`).join('\n');
    $('staff').value = (d?.staff ?? []).join(', ');
    $('device').value = d?.device ?? '';
    $('tcp').value = (d?.tcp ?? []).join(', ');
    modelChanged();
  }
  if (name === 'apply') fillSummary();
  if (name === 'done') $('done-text').textContent = t('setup.done.text', { by: state.completedBy ?? '', at: formatDateTime(state.completedAt) });
}

// --- admin: TOTP with the existing /auth/totp API, then the step ---
let me = null;
async function fillAdmin() {
  me = await api('GET', '/api/v1/me');
  $('totp-on').hidden = !me.totpEnabled;
  $('totp-enrol').hidden = me.totpEnabled;
  $('totp-code-field').hidden = me.totpEnabled || $('totp-secret-box').hidden;
}
$('totp-start').addEventListener('click', async () => {
  try {
    const e = await api('POST', '/api/v1/auth/totp/enroll');
    $('totp-secret').textContent = e.secret.replace(/(.{4})/g, '$1 ').trim();
    $('totp-uri').textContent = e.uri;
    $('totp-secret-box').hidden = false;
    $('totp-start').hidden = true;
    $('totp-code-field').hidden = false;
    $('totp-code').focus();
  } catch (err) {
    toast(err.message, 'error');
  }
});
bindForm($('form-admin'), async (v) => {
  if (!me?.totpEnabled) {
    if (!v.code) throw new ApiError(400, { error: { code: 'invalid_field', field: 'code', message: t('setup.admin.totpNeeded') } });
    await api('POST', '/api/v1/auth/totp/confirm', { code: v.code });
  }
  await put('admin');
});

bindForm($('form-hostname'), (v) => put('hostname', { hostname: v.hostname.trim() }));
bindForm($('form-hospital'), (v) => put('hospital', { name: v.name.trim() }));
bindForm($('form-time'), (v) => put('time', { servers: list(v.servers) }));

// --- network: one fieldset per NIC of the hardware profile ---
function fillNetwork(d) {
  const box = $('nics');
  box.replaceChildren();
  state.nics.forEach((nic, i) => {
    const saved = d?.interfaces?.find((x) => x.name === nic.name);
    const fs = document.createElement('fieldset');
    fs.className = 'nic';
    const legend = document.createElement('legend');
    const role = document.createElement('span');
    role.dataset.i18n = `setup.network.role.${nic.role}`;
    role.textContent = t(role.dataset.i18n);
    legend.append(`${nic.name} – `, role);
    fs.append(legend);
    const field = (key, value, labelKey, type = 'input') => {
      const f = document.createElement('div');
      f.className = 'field';
      const id = `nic-${i}-${key}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.dataset.i18n = labelKey;  // relabelled on a language switch, values kept
      label.textContent = t(labelKey);
      const input = document.createElement(type);
      input.id = id;
      input.name = `interfaces[${i}].${key}`;
      if (type === 'select') {
        for (const m of ['dhcp', 'static']) {
          const o = document.createElement('option');
          o.value = m;
          o.dataset.i18n = `setup.network.${m}`;
          o.textContent = t(o.dataset.i18n);
          input.append(o);
        }
      } else {
        input.spellcheck = false;
        input.autocomplete = 'off';
      }
      input.value = value;
      f.append(label, input);
      fs.append(f);
      return { f, input };
    };
    const mode = field('mode', saved?.mode ?? 'dhcp', 'setup.network.mode', 'select');
    const statics = [
      field('address', saved?.address ?? '', 'setup.network.address'),
      field('gateway', saved?.gateway ?? '', 'setup.network.gateway'),
      field('dns', (saved?.dns ?? []).join(', '), 'setup.network.dns'),
    ];
    const sync = () => { for (const s of statics) s.f.hidden = mode.input.value !== 'static'; };
    mode.input.addEventListener('change', sync);
    sync();
    box.append(fs);
  });
}
bindForm($('form-network'), (v) => put('network', {
  interfaces: state.nics.map((nic, i) => {
    const mode = v[`interfaces[${i}].mode`];
    if (mode !== 'static') return { name: nic.name, mode };
    const o = { name: nic.name, mode, address: v[`interfaces[${i}].address`].trim(), dns: list(v[`interfaces[${i}].dns`]) };
    const gw = v[`interfaces[${i}].gateway`].trim();
    if (gw) o.gateway = gw;
    return o;
  }),
}));

// --- certificate ---
for (const r of document.querySelectorAll('#form-certificate input[name="mode"]')) {
  r.addEventListener('change', () => { $('upload-fields').hidden = r.value !== 'upload' || !r.checked; });
}
bindForm($('form-certificate'), (v) => put('certificate', v.mode === 'upload'
  ? { mode: 'upload', certificate: v.certificate, ...(v.key.trim() ? { key: v.key } : {}) }
  : { mode: 'self-signed' }));
bindForm($('form-csr'), async (v) => {
  const r = await api('POST', '/api/v1/setup/csr', { names: list(v.names) });
  $('csr-out').value = r.csr;
  $('csr-out').hidden = false;
});

// --- firewall ---
function modelChanged() {
  $('frontend-fields').hidden = $('model').value !== 'frontend';
  $('gap-fields').hidden = $('model').value !== 'gap';
}
$('model').addEventListener('change', modelChanged);
bindForm($('form-firewall'), (v) => {
  const body = { model: v.model, adminSubnets: list(v.adminSubnets) };
  if (v.model === 'frontend') {
    body.peers = v.peers.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
      const [name = '', address = '', ports = ''] = line.split(/\s+/);
      return { name, address, tcp: list(ports).map(Number) };
    });
    body.staff = list(v.staff);
  } else {
    body.device = v.device.trim();
    body.tcp = list(v.tcp).map(Number);
  }
  return put('firewall', body);
});

// --- summary, apply, confirm ---
function fillSummary() {
  const dl = $('summary');
  dl.replaceChildren();
  const row = (key, text) => {
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = text;
    dl.append(dt, dd);
  };
  row('setup.step.admin', `${data('admin')?.admin ?? ''} (TOTP)`);
  row('setup.step.hostname', data('hostname')?.hostname ?? '');
  row('setup.step.hospital', data('hospital')?.name ?? '');
  row('setup.step.time', (data('time')?.servers ?? []).join(', '));
  row('setup.step.network', (data('network')?.interfaces ?? [])
    .map((n) => `${n.name}: ${n.mode === 'static' ? n.address : 'DHCP'}`).join('; '));
  const c = data('certificate');
  row('setup.step.certificate', c ? `${t(c.mode === 'upload' ? 'setup.certificate.upload' : 'setup.certificate.keep')} · ${c.sha256}` : '');
  const f = data('firewall');
  row('setup.step.firewall', f ? `${t(`setup.firewall.${f.model}`)} · ${(f.peers ?? []).map((p) => `${p.name} ${p.address}`).join(', ') || f.device}` : '');
  if (state.confirmBefore) startCountdown(state.confirmBefore);
}

function startCountdown(until) {
  $('form-apply').hidden = true;
  $('form-confirm').hidden = false;
  clearInterval(countdown);
  const tick = () => {
    const left = Math.max(0, Math.round((Date.parse(until) - Date.now()) / 1000));
    $('countdown').textContent = t('setup.apply.countdown', { seconds: left });
    if (left === 0) {
      clearInterval(countdown);
      $('form-apply').hidden = false;
      $('form-confirm').hidden = true;
      toast(t('setup.apply.reverted'), 'error');
    }
  };
  tickNow = tick;
  tick();
  countdown = setInterval(tick, 1000);
}

bindForm($('form-apply'), async () => {
  const a = await api('POST', '/api/v1/setup/apply');
  startCountdown(a.confirmBefore);
  $('confirm').focus();
});
bindForm($('form-confirm'), async () => {
  state = await api('POST', '/api/v1/setup/confirm');
  clearInterval(countdown);
  show('done');
});

// The static texts follow by themselves (data-i18n); typed values stay.
onLangChange(() => {
  renderSteps();
  if (shown === 'apply') fillSummary();
  if (shown === 'done') fill('done');
  if (!$('form-confirm').hidden) tickNow?.();
});
show(state.completed ? 'done' : state.next);

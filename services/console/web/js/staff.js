// Staff and roles (docs/console.md, "Staff and roles"): accounts with their
// roles, department and state; creating one (a one-time password shown
// once), editing roles and the directory entry, disabling, unlocking,
// resetting the password; open sessions with "end session"; the password
// rules and lockout settings; the role catalogue. Admins change, auditors
// only read (the page shows them no buttons; the API refuses them anyway).
import { applyTexts, formatDateTime, formatNumber, hasText, onLangChange, t } from '/shared/i18n.js';
import { api, ApiError } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { dataTable } from '/shared/components/table.js';
import { bindForm, clearErrors } from '/shared/components/form.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { toast } from '/shared/components/toast.js';
import { badge } from '/shared/components/badge.js';

const session = await startPage();
const isAdmin = session.roles.includes('admin');
document.getElementById('read-only').hidden = isAdmin;
for (const el of document.querySelectorAll('.admin-only')) el.hidden = !isAdmin;
for (const el of document.querySelectorAll('#rules input')) el.disabled = !isAdmin;

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};
const button = (text, onClick, kind = 'secondary') => {
  const b = el('button', { type: 'button', className: kind, textContent: text });
  b.addEventListener('click', onClick);
  return b;
};

// ---- data ------------------------------------------------------------------
let roles = [];
let users = [];
let directory = new Map(); // user id -> directory entry

async function loadDirectory() {
  const map = new Map();
  let offset = 0;
  while (offset !== null) {
    const page = await api('GET', `/api/v1/directory?limit=200&offset=${offset}`);
    for (const e of page.entries) map.set(e.id, e);
    offset = page.nextOffset;
  }
  directory = map;
}

async function loadUsers() {
  const all = [];
  let after = 0;
  while (after !== null) {
    const page = await api('GET', `/api/v1/users?limit=500&after=${after}`);
    all.push(...page.users);
    after = page.nextAfter;
  }
  users = all;
}

// One state word per account, the most pressing first.
function stateOf(u) {
  if (!u.enabled) return 'disabled';
  if (u.locked) return 'locked';
  if (u.mustChangePassword) return 'mustChange';
  return 'active';
}
const STATE_KIND = { active: 'ok', locked: 'bad', disabled: 'idle', mustChange: 'warn' };

// A password the rules accept, from the browser's CSPRNG: shown once, the
// user must change it at the first sign-in.
function oneTimePassword(length) {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '-_.+'];
  const all = sets.join('');
  const pick = (s) => {
    const r = new Uint32Array(1);
    crypto.getRandomValues(r);
    return s[r[0] % s.length];
  };
  const chars = sets.map(pick);
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = Math.floor((crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32) * (i + 1));
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

// ---- users table -----------------------------------------------------------
const filter = document.getElementById('filter');
const roleFilter = document.getElementById('role-filter');
const departmentFilter = document.getElementById('department-filter');
const stateFilter = document.getElementById('state-filter');

const usersTable = dataTable({
  caption: () => t('staff.users'),
  pageSize: 20,
  columns: [
    { key: 'username', label: () => t('staff.col.username'), sort: true },
    { key: 'displayName', label: () => t('staff.col.name'), sort: true },
    { key: 'roles', label: () => t('staff.col.roles'), render: (u) => el('span', { className: 'badges' }, ...u.roles.map((r) => badge(t(`role.${r}`), 'idle'))) },
    { key: 'department', label: () => t('staff.col.department'), sort: true },
    { key: 'state', label: () => t('staff.col.state'), sort: true, render: (u) => badge(t(`staff.stateName.${u.state}`), STATE_KIND[u.state]) },
    { key: 'totpEnabled', label: () => t('staff.col.totp'), render: (u) => (u.totpEnabled ? t('staff.yes') : t('staff.no')) },
    ...(isAdmin ? [{ key: 'actions', label: () => t('staff.col.actions'), render: userActions }] : []),
  ],
});
document.getElementById('users').append(usersTable.element);

function userActions(u) {
  const box = el('div', { className: 'row-actions' });
  box.append(button(t('staff.edit'), () => openEdit(u)));
  if (u.locked) box.append(button(t('staff.unlock'), () => unlock(u)));
  box.append(button(t('staff.resetPassword'), () => resetPassword(u)));
  if (u.totpEnabled) box.append(button(t('staff.removeTotp'), () => removeTotp(u)));
  box.append(u.enabled ? button(t('staff.disable'), () => setEnabled(u, false), 'danger') : button(t('staff.enable'), () => setEnabled(u, true)));
  for (const b of box.children) b.dataset.user = u.username;
  return box;
}

function rows() {
  const q = document.getElementById('q').value.trim().toLowerCase();
  return users
    .map((u) => ({ ...u, department: directory.get(u.id)?.department ?? '', state: stateOf(u) }))
    .filter((u) => !q || u.username.includes(q) || u.displayName.toLowerCase().includes(q))
    .filter((u) => !roleFilter.value || u.roles.includes(roleFilter.value))
    .filter((u) => !departmentFilter.value || u.department === departmentFilter.value)
    .filter((u) => !stateFilter.value || u.state === stateFilter.value);
}

function renderUsers() {
  const r = rows();
  usersTable.setRows(r);
  document.getElementById('user-count').textContent = t('staff.userCount', { count: formatNumber(r.length), all: formatNumber(users.length) });
}

function options(select, list, allKey) {
  const keep = select.value;
  select.replaceChildren(el('option', { value: '', textContent: t(allKey) }), ...list.map(([v, text]) => el('option', { value: v, textContent: text })));
  select.value = keep;
}

function renderFilters() {
  options(roleFilter, roles.map((r) => [r.name, t(`role.${r.name}`)]), 'staff.allRoles');
  const departments = [...new Set([...directory.values()].map((e) => e.department).filter(Boolean))].sort();
  options(departmentFilter, departments.map((d) => [d, d]), 'staff.allDepartments');
  options(stateFilter, ['active', 'locked', 'mustChange', 'disabled'].map((s) => [s, t(`staff.stateName.${s}`)]), 'staff.allStates');
  document.getElementById('departments').replaceChildren(...departments.map((d) => el('option', { value: d })));
}

filter.addEventListener('input', renderUsers);
filter.addEventListener('submit', (e) => e.preventDefault());

// ---- one-time password -----------------------------------------------------
const secretDialog = document.getElementById('secret-dialog');
function showOnce(username, password) {
  document.getElementById('secret-lead').textContent = t('staff.oneTimeLead', { user: username });
  document.getElementById('secret-value').textContent = password;
  secretDialog.showModal();
  return new Promise((resolve) => {
    document.getElementById('secret-done').addEventListener(
      'click',
      () => {
        // Gone from the page once closed: it is shown this one time.
        document.getElementById('secret-value').textContent = '';
        secretDialog.close();
        resolve();
      },
      { once: true },
    );
  });
}

// ---- create and edit -------------------------------------------------------
const userDialog = document.getElementById('user-dialog');
const userForm = document.getElementById('user-form');
let editing = null; // the user being edited, or null when creating

function renderRoleBoxes(selected) {
  document.getElementById('role-boxes').replaceChildren(
    ...roles
      .filter((r) => r.available || selected.includes(r.name))
      .map((r) => {
        const box = el('input', { type: 'checkbox', name: 'role', value: r.name, checked: selected.includes(r.name), id: `role-${r.name}` });
        return el('label', { htmlFor: box.id }, box, t(`role.${r.name}`));
      }),
  );
}

function openDialog(user, entry) {
  editing = user;
  clearErrors(userForm);
  userForm.reset();
  document.getElementById('user-dialog-title').textContent = user ? t('staff.editTitle', { user: user.username }) : t('staff.newUser');
  document.getElementById('username-field').hidden = Boolean(user);
  document.getElementById('user-save').textContent = user ? t('staff.save') : t('staff.create');
  document.getElementById('displayName').value = user ? user.displayName : '';
  for (const k of ['department', 'title', 'extension', 'skills']) document.getElementById(k).value = entry?.[k] ?? '';
  renderRoleBoxes(user ? user.roles : []);
  userDialog.showModal();
  document.getElementById(user ? 'displayName' : 'username').focus();
}

async function openEdit(u) {
  // The single-user answers show the name unmasked (the list masks it).
  const [full, entry] = await Promise.all([api('GET', `/api/v1/users/${u.id}`), api('GET', `/api/v1/users/${u.id}/directory`)]);
  openDialog(full, entry);
}

document.getElementById('new-user').addEventListener('click', () => openDialog(null, null));
document.getElementById('user-cancel').addEventListener('click', () => userDialog.close());

// A check the page makes before asking the API: its own words under the
// field (a code without texts of its own, so form.js shows the message).
const invalid = (field, message) => new ApiError(400, { error: { code: 'page_check', field, message } });

bindForm(userForm, async (v) => {
  const chosen = [...userForm.querySelectorAll('input[name="role"]:checked')].map((b) => b.value);
  if (chosen.length === 0) throw invalid('roles', t('staff.needRole'));
  const entry = { department: v.department.trim(), title: v.title.trim(), extension: v.extension.trim(), skills: v.skills.trim() };
  let password = null;
  let user = editing;
  if (!user) {
    password = oneTimePassword(Math.max(16, rulesNow?.minLength ?? 16));
    user = await api('POST', '/api/v1/users', { username: v.username.trim(), displayName: v.displayName.trim(), password, roles: chosen });
  } else {
    const patch = {};
    if (v.displayName.trim() !== user.displayName) patch.displayName = v.displayName.trim();
    if ([...chosen].sort().join() !== [...user.roles].sort().join()) patch.roles = chosen;
    if (Object.keys(patch).length) await api('PATCH', `/api/v1/users/${user.id}`, patch);
  }
  await api('PUT', `/api/v1/users/${user.id}/directory`, entry);
  userDialog.close();
  toast(t(editing ? 'staff.saved' : 'staff.created', { user: user.username }), 'ok');
  await refreshAll();
  if (password) await showOnce(user.username, password);
});

// ---- row actions -----------------------------------------------------------
// An error for a toast, in the page's language where the texts have it.
function errorText(err) {
  if (err instanceof ApiError && err.code === 'conflict' && err.field) return t('staff.lastAdmin');
  if (err instanceof ApiError && hasText(`error.${err.code}`)) return t(`error.${err.code}`);
  return err.message;
}

async function act(work, doneKey, u) {
  try {
    await work();
    toast(t(doneKey, { user: u.username }), 'ok');
    await refreshAll();
  } catch (err) {
    toast(errorText(err), 'bad');
  }
}

async function unlock(u) {
  await act(() => api('POST', `/api/v1/users/${u.id}/unlock`), 'staff.unlocked', u);
}

async function setEnabled(u, enabled) {
  if (!enabled) {
    const ok = await confirmDialog({ title: t('staff.disableTitle', { user: u.username }), message: t('staff.disableText'), confirm: t('staff.disable'), danger: true });
    if (!ok) return;
  }
  await act(() => api('PATCH', `/api/v1/users/${u.id}`, { enabled }), enabled ? 'staff.enabled' : 'staff.disabled', u);
}

// A lost phone: the user enrols again on /totp.html at the next sign-in.
async function removeTotp(u) {
  const ok = await confirmDialog({ title: t('staff.removeTotpTitle', { user: u.username }), message: t('staff.removeTotpText'), confirm: t('staff.removeTotp'), danger: true });
  if (!ok) return;
  await act(() => api('PATCH', `/api/v1/users/${u.id}`, { totpEnabled: false }), 'staff.totpRemoved', u);
}

async function resetPassword(u) {
  const ok = await confirmDialog({ title: t('staff.resetTitle', { user: u.username }), message: t('staff.resetText'), confirm: t('staff.resetPassword'), danger: true });
  if (!ok) return;
  const password = oneTimePassword(Math.max(16, rulesNow?.minLength ?? 16));
  let done = false;
  await act(async () => {
    await api('POST', `/api/v1/users/${u.id}/password`, { password });
    done = true;
  }, 'staff.resetDone', u);
  if (done) await showOnce(u.username, password);
}

// ---- sessions --------------------------------------------------------------
let sessions = [];
const sessionsTable = dataTable({
  caption: () => t('staff.sessions'),
  pageSize: 10,
  columns: [
    { key: 'username', label: () => t('staff.col.username'), sort: true, render: (s) => (s.current ? `${s.username} (${t('staff.thisSession')})` : s.username) },
    { key: 'startedAt', label: () => t('staff.col.since'), sort: true, render: (s) => formatDateTime(s.startedAt) },
    { key: 'lastUsedAt', label: () => t('staff.col.lastUsed'), sort: true, render: (s) => formatDateTime(s.lastUsedAt) },
    { key: 'address', label: () => t('staff.col.address'), sort: true },
    { key: 'userAgent', label: () => t('staff.col.browser') },
    {
      key: 'end',
      label: () => t('staff.col.actions'),
      render: (s) => (isAdmin || s.username === session.username ? button(t('staff.endSession'), () => endSession(s), 'danger') : ''),
    },
  ],
});
document.getElementById('sessions').append(sessionsTable.element);

async function loadSessions() {
  sessions = (await api('GET', '/api/v1/sessions')).sessions;
  sessionsTable.setRows(sessions);
}

async function endSession(s) {
  const ok = await confirmDialog({
    title: t('staff.endTitle', { user: s.username }),
    message: t(s.current ? 'staff.endOwnText' : 'staff.endText'),
    confirm: t('staff.endSession'),
    danger: true,
  });
  if (!ok) return;
  try {
    await api('POST', `/api/v1/sessions/${s.id}/end`);
    if (s.current) {
      window.location.assign('/?signedOut=1');
      return;
    }
    toast(t('staff.ended', { user: s.username }), 'ok');
    await loadSessions();
  } catch (err) {
    toast(errorText(err), 'bad');
  }
}

// ---- password rules --------------------------------------------------------
const rulesForm = document.getElementById('rules');
let rulesNow = null;
const RULE_FIELDS = ['minLength', 'minClasses', 'historyCount', 'maxAgeDays', 'lockoutThreshold', 'lockoutMinutes'];

function renderRules(r) {
  rulesNow = r;
  for (const k of RULE_FIELDS) {
    const input = document.getElementById(k);
    input.value = r[k];
    input.min = r.bounds[k].min;
    input.max = r.bounds[k].max;
  }
}

bindForm(rulesForm, async (v) => {
  const body = {};
  for (const k of RULE_FIELDS) {
    const n = Number(v[k]);
    const { min, max } = rulesNow.bounds[k];
    if (v[k] === '' || !Number.isInteger(n) || n < min || n > max) throw invalid(k, t('staff.outOfBounds', { min, max }));
    body[k] = n;
  }
  const ok = await confirmDialog({ title: t('staff.rulesConfirmTitle'), message: t('staff.rulesConfirmText'), confirm: t('staff.saveRules') });
  if (!ok) return;
  renderRules(await api('PUT', '/api/v1/settings/password-rules', body));
  toast(t('staff.rulesSaved'), 'ok');
});

// ---- roles -----------------------------------------------------------------
const rolesTable = dataTable({
  caption: () => t('staff.roles'),
  pageSize: 20,
  columns: [
    { key: 'name', label: () => t('staff.col.role'), render: (r) => t(`role.${r.name}`) },
    { key: 'description', label: () => t('staff.col.mayDo'), render: (r) => t(`staff.roleText.${r.name}`) },
    { key: 'services', label: () => t('staff.col.services'), render: (r) => r.services.join(', ') },
    { key: 'available', label: () => t('staff.col.available'), render: (r) => badge(t(r.available ? 'staff.available' : 'staff.later'), r.available ? 'ok' : 'idle') },
  ],
});
document.getElementById('roles').append(rolesTable.element);

// ---- start -----------------------------------------------------------------
async function refreshAll() {
  await Promise.all([loadUsers(), loadDirectory(), loadSessions()]);
  renderFilters();
  renderUsers();
}

roles = (await api('GET', '/api/v1/roles')).roles;
rolesTable.setRows(roles);
renderRules(await api('GET', '/api/v1/settings/password-rules'));
await refreshAll();
onLangChange(() => {
  applyTexts();
  renderFilters();
  renderUsers();
  sessionsTable.refresh();
  rolesTable.refresh();
});
applyTexts();
document.body.dataset.ready = 'true';

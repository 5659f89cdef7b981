// The staff sign-in (the one front door of every staff page, docs/web.md):
// user name and password, then the one-time code when the account has a
// second factor; the lockout told with the time it ends. The console sets
// the session cookie; this page keeps only the CSRF value.
import { initI18n, languageButton, formatDateTime, onLangChange, t } from '/shared/i18n.js';
import { api, ApiError, setCsrf } from '/shared/api.js';
import { clearErrors, showError } from '/shared/components/form.js';

await initI18n();
document.getElementById('lang-row').append(languageButton());
if (new URLSearchParams(window.location.search).has('signedOut')) document.getElementById('signed-out').hidden = false;

const form = document.getElementById('signin');
const stepTotp = document.getElementById('step-totp');
const totp = document.getElementById('totp');
const submit = document.getElementById('submit');
const recovery = document.getElementById('recoveryCode');
const useRecovery = document.getElementById('use-recovery');
let recoveryMode = false; // a recovery code instead of the one-time code (lost phone)

function setRecoveryMode(on) {
  recoveryMode = on;
  totp.closest('.field').hidden = on;
  totp.disabled = on;
  document.getElementById('recovery-field').hidden = !on;
  recovery.disabled = !on;
  useRecovery.dataset.i18n = on ? 'signin.useTotp' : 'signin.useRecovery';
  useRecovery.textContent = t(useRecovery.dataset.i18n);
  clearErrors(form);
  (on ? recovery : totp).focus();
}
useRecovery.addEventListener('click', () => setRecoveryMode(!recoveryMode));
let lastError = null; // re-shown in the new language after a switch

function show(err) {
  lastError = err;
  clearErrors(form);
  if (err instanceof ApiError && err.status === 423) {
    const until = err.details.lockedUntil;
    showError(form, { code: 'locked' }, until ? t('signin.lockedUntil', { time: formatDateTime(until) }) : t('signin.locked'));
  } else if (err instanceof ApiError && err.code === 'bad_credentials' && err.field === 'totp') {
    showError(form, err, t('signin.totpWrong'));
  } else if (err instanceof ApiError && err.code === 'bad_credentials') {
    showError(form, { code: err.code }, t('signin.bad'));
  } else if (err instanceof ApiError) {
    showError(form, err);
  } else {
    showError(form, { code: 'network' }, t('error.network'));
  }
}
onLangChange(() => {
  if (lastError) show(lastError);
});

// An admin without a second factor enrols one first (docs/console.md,
// "Second factor"); on a fresh appliance the setup wizard does that in its
// first step ("Setup wizard"). Everybody else lands on the overview.
async function landingPage(s) {
  if (!s.roles.includes('admin')) return '/overview.html';
  const setup = await api('GET', '/api/v1/setup');
  if (setup.required && !setup.completed) return '/setup.html';
  const me = await api('GET', '/api/v1/me');
  return me.totpEnabled ? '/overview.html' : '/totp.html';
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const v = Object.fromEntries(new FormData(form).entries());
  const body = { username: v.username.trim(), password: v.password, session: 'cookie' };
  if (!body.username || !body.password) {
    show(new ApiError(400, { error: { code: 'missing_field', field: body.username ? 'password' : 'username' } }));
    return;
  }
  // The code only once its step is shown: an empty one would count as a wrong code.
  if (!stepTotp.hidden && !recoveryMode && v.totp) body.totp = v.totp.trim();
  if (!stepTotp.hidden && recoveryMode && v.recoveryCode) body.recoveryCode = v.recoveryCode.trim();
  submit.disabled = true;
  try {
    const s = await api('POST', '/api/v1/auth/login', body, { anonymous: true });
    setCsrf(s.csrfToken);
    window.location.assign(s.mustChangePassword ? '/password.html?forced=1' : await landingPage(s));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'bad_credentials' && err.field === 'totp' && stepTotp.hidden) {
      // Password right, second factor needed: the second step, not an error.
      lastError = null;
      clearErrors(form);
      stepTotp.hidden = false;
      totp.disabled = false;
      totp.focus();
    } else {
      show(err);
    }
  } finally {
    submit.disabled = false;
  }
});
document.getElementById('username').focus();

// Changing one's own password; forced after an admin set it (the sign-in
// then allows nothing else). The answer renews the session cookie: the
// user's other sessions end.
import { initI18n, languageButton, onLangChange, t } from '/shared/i18n.js';
import { api, ApiError, setCsrf } from '/shared/api.js';
import { requireSession, signOut } from '/shared/session.js';
import { bindForm } from '/shared/components/form.js';

await initI18n();
document.getElementById('lang-row').append(languageButton());
const session = await requireSession({ allowMustChange: true });
document.getElementById('forced').hidden = !session.mustChangePassword;
document.getElementById('cancel').addEventListener('click', signOut);

// The rules in force (an admin may have tightened them), in the page's language.
const rules = await api('GET', '/api/v1/settings/password-rules');
const rulesText = document.getElementById('rules');
const renderRules = () => {
  rulesText.textContent = t('password.rules', rules);
};
renderRules();
onLangChange(renderRules);

const form = document.getElementById('change');
bindForm(form, async (v) => {
  if (v.newPassword !== v.confirm) throw new ApiError(400, { error: { code: 'invalid_field', field: 'confirm', message: t('password.mismatch') } });
  const s = await api('POST', '/api/v1/auth/password', { oldPassword: v.oldPassword, newPassword: v.newPassword });
  setCsrf(s.csrfToken);
  window.location.assign('/overview.html');
});
document.getElementById('oldPassword').focus();

// Two-step verification (TOTP) for the signed-in user (docs/console.md,
// "Second factor"): start, scan the QR code (or type the secret), confirm
// with a first code, then the recovery codes, shown once. Admins without a
// factor are sent here by the overview after sign-in.
import { applyTexts, onLangChange, t } from '/shared/i18n.js';
import { api } from '/shared/api.js';
import { startPage } from '/shared/shell.js';
import { bindForm } from '/shared/components/form.js';
import { confirmDialog } from '/shared/components/dialog.js';
import { qrCode } from '/shared/components/qr.js';

await startPage();
const me = await api('GET', '/api/v1/me');
const show = (id) => {
  for (const s of ['step-start', 'step-scan', 'step-codes', 'step-active']) document.getElementById(s).hidden = s !== id;
};
// An admin must have a second factor: said plainly until it is on.
document.getElementById('required').hidden = !(me.roles.includes('admin') && !me.totpEnabled);

function showCodes(codes) {
  document.getElementById('codes').replaceChildren(...codes.map((c) => Object.assign(document.createElement('li'), { textContent: c })));
  document.getElementById('required').hidden = true;
  show('step-codes');
  document.getElementById('codes-title').focus?.();
}

document.getElementById('start').addEventListener('click', async () => {
  const e = await api('POST', '/api/v1/auth/totp/enroll');
  const box = document.getElementById('qr');
  box.replaceChildren(await qrCode(e.uri, { label: t('totp.qrLabel') }));
  // Groups of four, as authenticator apps show them for typing.
  document.getElementById('secret').textContent = e.secret.match(/.{1,4}/g).join(' ');
  show('step-scan');
  document.getElementById('code').focus();
});

bindForm(document.getElementById('confirm'), async (v) => {
  const r = await api('POST', '/api/v1/auth/totp/confirm', { code: v.code.trim() });
  document.getElementById('secret').textContent = '';
  document.getElementById('qr').replaceChildren();
  showCodes(r.recoveryCodes);
});

document.getElementById('new-codes').addEventListener('click', async () => {
  const ok = await confirmDialog({ title: t('totp.newCodesTitle'), message: t('totp.newCodesText'), confirm: t('totp.newCodes') });
  if (!ok) return;
  showCodes((await api('POST', '/api/v1/auth/totp/recovery-codes')).recoveryCodes);
});

show(me.totpEnabled ? 'step-active' : 'step-start');
onLangChange(() => applyTexts());
applyTexts();
document.body.dataset.ready = 'true';

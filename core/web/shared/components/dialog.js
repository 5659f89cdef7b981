// Confirm dialog on the native <dialog> (focus is trapped and Esc cancels
// by the browser). Resolves true on confirm, false on cancel or Esc.
//   if (await confirmDialog({ title, message, confirm: t('unit.restart'), danger: true })) ...
import { t } from '../i18n.js';

export function confirmDialog({ title, message, confirm, cancel, danger = false }) {
  return new Promise((resolve) => {
    const d = document.createElement('dialog');
    d.className = 'confirm';
    const id = `dlg-${Math.random().toString(36).slice(2)}`;
    d.setAttribute('aria-labelledby', `${id}-t`);
    d.setAttribute('aria-describedby', `${id}-m`);
    const h = document.createElement('h2');
    h.id = `${id}-t`;
    h.textContent = title;
    const p = document.createElement('p');
    p.id = `${id}-m`;
    p.textContent = message;
    const actions = document.createElement('div');
    actions.className = 'actions';
    const no = document.createElement('button');
    no.type = 'button';
    no.className = 'secondary';
    no.textContent = cancel ?? t('common.cancel');
    const yes = document.createElement('button');
    yes.type = 'button';
    if (danger) yes.className = 'danger';
    yes.textContent = confirm ?? t('common.confirm');
    actions.append(no, yes);
    d.append(h, p, actions);
    document.body.append(d);
    const done = (v) => {
      d.close();
      d.remove();
      resolve(v);
    };
    no.addEventListener('click', () => done(false));
    yes.addEventListener('click', () => done(true));
    d.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    d.showModal();
    no.focus(); // the safe choice has the focus
  });
}

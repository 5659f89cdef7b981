// Toast: a short message in the corner that goes by itself; read out by
// screen readers (role=status, polite), errors assertively (role=alert).
let region = null;

export function toast(message, kind = 'info', ms = 4000) {
  if (!region) {
    region = document.createElement('div');
    region.className = 'toasts';
    document.body.append(region);
  }
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.setAttribute('role', kind === 'bad' ? 'alert' : 'status');
  el.textContent = message;
  region.append(el);
  setTimeout(() => el.remove(), ms);
  return el;
}

// Forms with the API's errors shown where they belong: an ApiError whose
// field names an input (name="...") is shown under it (aria-invalid,
// aria-describedby); any other error above the form (role=alert).
// Messages come from the texts: "error.<code>.<field>", then "error.<code>",
// then the API's own message.
import { hasText, t } from '../i18n.js';

export function textFor(err) {
  const keys = err.field ? [`error.${err.code}.${err.field}`, `error.${err.code}`] : [`error.${err.code}`];
  const key = keys.find((k) => hasText(k));
  return key ? t(key) : err.message;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field .error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  const top = form.querySelector('.form-error');
  if (top) {
    top.hidden = true;
    top.textContent = '';
  }
}

// Shows err (an ApiError, or {message}) on the form; returns the element it went to.
export function showError(form, err, message = null) {
  const text = message ?? textFor(err);
  const input = err.field ? form.querySelector(`[name="${CSS.escape(err.field)}"]`) : null;
  if (input) {
    const e = document.createElement('div');
    e.className = 'error';
    e.id = `${input.id || input.name}-error`;
    e.textContent = text;
    input.closest('.field').append(e);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', e.id);
    input.focus();
    return e;
  }
  let top = form.querySelector('.form-error');
  if (!top) {
    top = document.createElement('div');
    top.className = 'form-error';
    form.prepend(top);
  }
  top.setAttribute('role', 'alert');
  top.textContent = text;
  top.hidden = false;
  return top;
}

// Runs submit(values) on submit with the button disabled meanwhile; an
// error it throws is shown on the form.
export function bindForm(form, submit) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const buttons = form.querySelectorAll('button[type="submit"]');
    for (const b of buttons) b.disabled = true;
    try {
      await submit(Object.fromEntries(new FormData(form).entries()));
    } catch (err) {
      showError(form, err);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
}

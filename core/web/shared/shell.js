// The frame of every signed-in staff page: the top bar (product, who is
// signed in, language, sign-out) above the page's <main>. Texts come from
// the shared resource files.
import { applyTexts, initI18n, languageButton, onLangChange, t } from './i18n.js';
import { requireSession, keepAlive, signOut } from './session.js';
import { badge } from './components/badge.js';

// Fills <header id="topbar"> and returns the session. Options go to requireSession.
export async function startPage(options = {}) {
  await initI18n();
  const session = await requireSession(options);
  const bar = document.getElementById('topbar');
  bar.className = 'topbar';
  bar.replaceChildren();
  const product = document.createElement('span');
  product.className = 'product';
  product.dataset.i18n = 'app.name';
  const who = document.createElement('span');
  who.className = 'who';
  who.id = 'who';
  const renderWho = () => {
    who.textContent = t('shell.signedInAs', { name: session.username });
  };
  renderWho();
  onLangChange(renderWho);
  const out = document.createElement('button');
  out.type = 'button';
  out.id = 'sign-out';
  out.dataset.i18n = 'shell.signOut';
  out.addEventListener('click', signOut);
  bar.append(product, who, languageButton(), out);
  applyTexts(bar);
  keepAlive(session);
  return session;
}

// Role badges in the current language (role names from the shared texts).
export function roleBadges(roles) {
  return roles.map((r) => badge(t(`role.${r}`), 'idle'));
}

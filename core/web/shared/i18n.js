// Texts of every page from resource files (docs/web.md, "Texts"):
// /shared/i18n/<lang>.json (the components' words) and the service's own
// /i18n/<lang>.json. Simplified Chinese by default, English one click away;
// the choice is kept in localStorage ("medbox.lang"), per origin.
// In HTML: data-i18n="key" sets the text, data-i18n-attr="placeholder:key,aria-label:key"
// sets attributes. Dates and numbers go through Intl in the user's language
// and the hospital's time zone (GET /api/v1/web/settings, http.time_zone).
export const LANGS = ['zh-CN', 'en'];
const STORE_KEY = 'medbox.lang';

let lang = 'zh-CN';
let texts = {};
let timeZone = 'Asia/Shanghai';
const listeners = [];

export function currentLang() {
  return lang;
}

export function hospitalTimeZone() {
  return timeZone;
}

function storedLang() {
  try {
    const v = localStorage.getItem(STORE_KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null;
  }
}

async function loadJson(url) {
  const r = await fetch(url, { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

// A service's page (<html data-service="...">) has texts of its own; the
// shared pages (the gallery) only the shared ones.
async function loadTexts(which) {
  const own = document.documentElement.dataset.service ? loadJson(`/i18n/${which}.json`) : Promise.resolve({});
  const [shared, mine] = await Promise.all([loadJson(`/shared/i18n/${which}.json`), own]);
  return { ...shared, ...mine };
}

// Loads the texts and the hospital's settings, then fills the page.
export async function initI18n() {
  lang = storedLang() ?? 'zh-CN';
  const [t, settings] = await Promise.all([
    loadTexts(lang),
    loadJson('/api/v1/web/settings').catch(() => ({})),
  ]);
  texts = t;
  if (settings.timeZone) timeZone = settings.timeZone;
  applyTexts();
}

export async function setLang(next) {
  if (!LANGS.includes(next) || next === lang) return;
  texts = await loadTexts(next);
  lang = next;
  try {
    localStorage.setItem(STORE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  applyTexts();
  for (const f of listeners) f(lang);
}

// Calls f(lang) after every language change (pages re-render what they built).
export function onLangChange(f) {
  listeners.push(f);
}

export function hasText(key) {
  return Object.prototype.hasOwnProperty.call(texts, key);
}

// t('signin.title'), t('table.page', {page: 2, pages: 5}): "{page}" is replaced.
export function t(key, params = {}) {
  let s = texts[key];
  if (s === undefined) {
    console.warn(`missing text ${key} (${lang})`);
    s = key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export function applyTexts(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':').map((x) => x.trim());
      el.setAttribute(attr, t(key));
    }
  }
  const title = document.querySelector('title[data-i18n]');
  if (title) document.title = title.textContent;
}

// Date and time in the user's language and the hospital's time zone.
export function formatDateTime(value, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lang, { timeZone, ...options }).format(d);
}

export function formatNumber(n, options = {}) {
  return new Intl.NumberFormat(lang, options).format(n);
}

// A button that switches to the other language; its label is that language's own name.
export function languageButton() {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'lang-switch';
  const label = () => {
    const other = lang === 'zh-CN' ? 'en' : 'zh-CN';
    b.textContent = other === 'en' ? 'English' : '中文';
    b.lang = other;
    b.setAttribute('aria-label', t('lang.switch'));
  };
  label();
  onLangChange(label);
  b.addEventListener('click', () => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN'));
  return b;
}

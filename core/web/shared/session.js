// The staff session as a page sees it (docs/web.md, "Sessions and CSRF").
//   const s = await requireSession();   // or to the sign-in page
// The console's sign-in page is the one front door: every staff service
// accepts the same cookie, so a page of booking (8444) knows its user after
// one sign-in at the console (9443).
import { api, ApiError, setCsrf } from './api.js';

// Where to sign in: the console on this host (its default port, or the
// page's own origin when the page is the console's).
export function signInUrl() {
  const { protocol, hostname, port } = window.location;
  const own = document.documentElement.dataset.service === 'console';
  return own ? '/' : `${protocol}//${hostname}:${document.documentElement.dataset.consolePort || '9443'}/`;
}

// GET /api/v1/session, or null when nobody is signed in (401).
export async function currentSession() {
  try {
    const s = await api('GET', '/api/v1/session');
    setCsrf(s.csrfToken);
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

// The session, or a redirect to the sign-in page (a user whose password
// must change first goes to that page).
export async function requireSession({ allowMustChange = false } = {}) {
  const s = await currentSession();
  if (!s) {
    window.location.assign(signInUrl());
    return new Promise(() => {});
  }
  if (s.mustChangePassword && !allowMustChange) {
    window.location.assign(document.documentElement.dataset.service === 'console' ? '/password.html' : signInUrl());
    return new Promise(() => {});
  }
  return s;
}

// Idle limit: the token lives console.token_ttl_seconds; while the user
// works (a key or a click) the console's page refreshes it once it is half
// spent. Left alone, it expires and the next call asks for a sign-in. The
// absolute limit (console.session_max_seconds) stops refreshes for good.
// Pages of other services renew through their own service
// (POST /api/v1/session/refresh), which asks the console server to server.
export function keepAlive(session) {
  const path = document.documentElement.dataset.service === 'console' ? '/api/v1/auth/refresh' : '/api/v1/session/refresh';
  let expires = Date.parse(session.expiresAt);
  let issued = Date.now();
  let busy = false;
  const onActivity = async () => {
    const now = Date.now();
    if (busy || now < issued + (expires - issued) / 2 || now >= expires) return;
    busy = true;
    try {
      const r = await api('POST', path);
      setCsrf(r.csrfToken);
      expires = Date.parse(r.expiresAt);
      issued = now;
    } catch {
      // expired or at its maximum age: the next call leads to the sign-in
    } finally {
      busy = false;
    }
  };
  for (const ev of ['keydown', 'pointerdown']) document.addEventListener(ev, onActivity, { passive: true });
}

// Signing out ends the token on every service (the console's revocation
// list). Another service's page hands over to the console's sign-out page,
// which holds the only logout endpoint.
export async function signOut() {
  if (document.documentElement.dataset.service !== 'console') {
    window.location.assign(`${signInUrl()}signout.html`);
    return;
  }
  try {
    await api('POST', '/api/v1/auth/logout');
  } finally {
    setCsrf(null);
    window.location.assign('/?signedOut=1');
  }
}

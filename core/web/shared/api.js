// Calls to the service's own API from a page (docs/web.md, "Sessions and CSRF").
// The staff cookie goes along by itself (same origin); every change carries
// X-CSRF-Token, the value the sign-in (or GET /api/v1/session) answered,
// kept in sessionStorage for this origin. Errors arrive as ApiError with the
// API's one shape: {error: {code, message, field}}.
const CSRF_KEY = 'medbox.csrf';

export class ApiError extends Error {
  constructor(status, body) {
    const e = body?.error ?? {};
    super(e.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = e.code ?? 'http_error';
    this.field = e.field ?? null;
    this.details = e;
  }
}

export function setCsrf(token) {
  try {
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch {
    // storage refused: changes will ask GET /api/v1/session again
  }
}

function csrf() {
  try {
    return sessionStorage.getItem(CSRF_KEY);
  } catch {
    return null;
  }
}

// api('POST', '/api/v1/auth/logout'), api('GET', '/api/v1/me') -> parsed JSON (null for 204).
// { anonymous: true }: a public call (the sign-in itself) that needs no CSRF value.
// { headers }: extra request headers (booking's Idempotency-Key).
// A Blob body is sent as raw bytes with its own type (booking's photo) or
// application/octet-stream (a slice of a file: the update page's pieces).
export async function api(method, path, body, { anonymous = false, headers: extra = {} } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  const blob = typeof Blob !== 'undefined' && body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = blob ? body.type || 'application/octet-stream' : 'application/json';
  if (!anonymous && method !== 'GET' && method !== 'HEAD') {
    let token = csrf();
    if (!token) {
      // A page of another service, opened after the sign-in: its own
      // origin answers the CSRF value of the shared cookie.
      const s = await fetch('/api/v1/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (s.ok) {
        token = (await s.json()).csrfToken;
        setCsrf(token);
      }
    }
    if (token) headers['X-CSRF-Token'] = token;
  }
  const r = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined || blob ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

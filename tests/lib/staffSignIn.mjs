// Staff sign-in for browser tests, as a person does it on the console's page.
//
// Admins must have a second factor: the sign-in page sends one without it to
// /totp.html. staffWithTotp() makes an account with TOTP on and hands out
// codes one time step apart (the console takes each step once).

import { totp } from './totp.mjs';

const LOGIN = /\/api\/v1\/auth\/login$/;
const UNITS = /\/api\/v1\/appliance\/units$/;
const STEP = 30;

export async function staffWithTotp(suite, roles, options = {}) {
  const s = await suite.createStaff(roles, options);
  const e = await suite.api('console', 'POST', '/api/v1/auth/totp/enroll', { token: s.token });
  if (e.status !== 200) throw new Error(`TOTP enrolment failed: ${e.status} ${e.text}`);
  let last = Math.floor(Date.now() / 1000 / STEP);
  const c = await suite.api('console', 'POST', '/api/v1/auth/totp/confirm', { token: s.token, body: { code: totp(e.json.secret, last * STEP) } });
  if (c.status !== 200) throw new Error(`TOTP confirm failed: ${c.status} ${c.text}`);
  return {
    ...s,
    totpSecret: e.json.secret,
    // The next unused step, at most one ahead of now (the console's window);
    // waits for the clock when every step in the window is used.
    async nextCode() {
      for (;;) {
        const now = Math.floor(Date.now() / 1000 / STEP);
        const step = Math.max(now, last + 1);
        if (step <= now + 1) {
          last = step;
          return totp(e.json.secret, step * STEP);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
  };
}

// The overview asks systemd for the units; a build machine has none and the
// page shows a note instead (503), which is not a defect here.
export function allowNoSystemd(watch) {
  watch.allowHttpError(UNITS, 503);
}

// Signs in on the page and waits for the overview. A user from
// staffWithTotp() answers the second step with its next code.
export async function signInOnPage(page, watch, base, user) {
  allowNoSystemd(watch);
  if (user.nextCode) watch.allowHttpError(LOGIN, 401); // the password alone asks for the code
  await page.goto(`${base}/`);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await page.click('#submit');
  if (user.nextCode) {
    await page.locator('#totp').waitFor({ state: 'visible' });
    await page.fill('#totp', await user.nextCode());
    await page.click('#submit');
  }
  await page.waitForURL(`${base}/overview.html`);
}

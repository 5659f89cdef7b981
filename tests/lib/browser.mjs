// Browser-test harness (docs/web.md, "Browser tests"): Debian's chromium
// driven by playwright-core (npm, pinned in package.json; it never downloads
// a browser of its own), one browser per test file, a fresh context per
// page, phone / tablet / desktop viewports, screenshots, and a watcher that
// fails the test on any console error, uncaught exception, CSP violation or
// failed request the test did not declare.
//
//   const browser = await launchBrowser();
//   const { page, watch } = await openPage(browser, { viewport: 'phone' });
//   watch.allowHttpError(/\/api\/v1\/auth\/login$/, 401);   // an expected refusal
//   await page.goto(suite.url('console') + '/');
//   await screenshot(page, 'console-signin-phone-zh');
//   watch.assertClean();
//
// Environment:
//   MEDBOX_CHROMIUM            the browser (default /usr/bin/chromium)
//   MEDBOX_SCREENSHOTS=docs    save screenshots into docs/screenshots/ (the
//                              README links them); otherwise <build>/screenshots/
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDir } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDir = path.resolve(here, '..', '..');

export const VIEWPORTS = {
  phone: { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  tablet: { width: 820, height: 1180, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
  desktop: { width: 1280, height: 800, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
  // The TV on a waiting-room wall (booking's screen).
  tv: { width: 1920, height: 1080, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
};

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core is not installed (npm ci in ${sourceDir}, or scripts/deps.sh): ${e.message}`);
  }
}

export async function launchBrowser() {
  const executablePath = process.env.MEDBOX_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: install Debian's chromium (scripts/deps.sh, .ci/packages-browser.txt)`);
  }
  const { chromium } = await loadPlaywright();
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in CI has no user namespace sandbox; the pages are our own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Watches one page: every problem is recorded with where it came from.
class Watch {
  constructor(page) {
    this.page = page;
    this.problems = [];
    this.allowed = []; // {pattern, status}
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      // A failed HTTP answer is logged by the browser too; the response
      // check below decides about it (allowed or not).
      if (/^Failed to load resource: the server responded with a status of \d+/.test(text)) return;
      this.problems.push(`console error: ${text} (${msg.location()?.url ?? ''})`);
    });
    page.on('pageerror', (err) => this.problems.push(`uncaught exception: ${err.message}`));
    page.on('requestfailed', (rq) => {
      const why = rq.failure()?.errorText ?? '';
      // A navigation away aborts requests still running: not a failure of the page.
      if (why === 'net::ERR_ABORTED') return;
      this.problems.push(`request failed: ${rq.method()} ${rq.url()} ${why}`);
    });
    page.on('response', (r) => {
      const status = r.status();
      if (status < 400) return;
      const url = r.url();
      if (this.allowed.some((a) => a.pattern.test(url) && a.status === status)) return;
      this.problems.push(`HTTP ${status}: ${r.request().method()} ${url}`);
    });
  }

  // A refusal the test expects (a wrong password's 401, a lock's 423).
  allowHttpError(pattern, status) {
    this.allowed.push({ pattern, status });
  }

  assertClean() {
    if (this.problems.length) throw new Error(`the page had problems:\n  ${this.problems.join('\n  ')}`);
  }
}

// A page in a fresh context (own cookies and storage). The services'
// certificates are self-signed per test run: the browser is told to accept
// them (the API harness verifies them properly; here the pages are tested).
export async function openPage(browser, { viewport = 'desktop', locale = 'zh-CN', timezoneId = 'Asia/Shanghai' } = {}) {
  const vp = VIEWPORTS[viewport];
  if (!vp) throw new Error(`unknown viewport ${viewport} (${Object.keys(VIEWPORTS).join(', ')})`);
  const context = await browser.newContext({
    viewport: { width: vp.width, height: vp.height },
    deviceScaleFactor: vp.deviceScaleFactor,
    isMobile: vp.isMobile,
    hasTouch: vp.hasTouch,
    ignoreHTTPSErrors: true,
    locale,
    timezoneId,
  });
  // CSP violations are logged as console errors by Chromium; the event is
  // reported too, in case a message is suppressed (added outside the page's
  // CSP by the DevTools protocol).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page, watch: new Watch(page) };
}

export function screenshotDir() {
  return process.env.MEDBOX_SCREENSHOTS === 'docs'
    ? path.join(sourceDir, 'docs', 'screenshots')
    : path.join(buildDir(), 'screenshots');
}

// Saves <dir>/<name>.png of the whole page (fullPage: false, the viewport
// only: a modal dialog's backdrop covers the viewport); returns the file.
export async function screenshot(page, name, { fullPage = true } = {}) {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name ${name}: use a-z, 0-9 and -`);
  const dir = screenshotDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// Fails when the page scrolls sideways (a layout broken on a phone).
export async function assertNoHorizontalScroll(page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (over > 1) throw new Error(`the page is ${over}px wider than the viewport`);
}

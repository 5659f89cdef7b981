// The set-up of a console browser test: before the tests, a suite with the
// console (startSuite options, the console by default) and one headless
// Chromium; after them, both stopped. Call inside describe(); the returned
// object's suite, base (the console's URL) and browser are set once before()
// has run.
import { before, after } from 'node:test';
import { startSuite } from './harness.mjs';
import { launchBrowser } from './browser.mjs';

export function consoleInBrowser(suiteOptions = { services: ['console'] }) {
  const t = { suite: null, base: '', browser: null };
  before(async () => {
    t.suite = await startSuite(suiteOptions);
    t.base = t.suite.url('console');
    t.browser = await launchBrowser();
  });
  after(async () => {
    await t.browser?.close();
    await t.suite?.stop();
  });
  return t;
}

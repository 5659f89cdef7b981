// Test harness for API tests (node:test, Node 20, ESM, no npm dependencies).
//
// Starts real service binaries on a fresh data folder, talks to them over
// HTTPS with real certificate verification (each service's self-signed
// certificate is trusted through the `ca` option, never by turning checks
// off), and mints the tokens tests need:
//   - staff tokens come from the real console API (a test of the console in
//     itself: nothing here can mint a staff token the console did not sign);
//   - service tokens are ES256 JWTs signed by a key pair the harness creates
//     and publishes in the shared trust folder, exactly as a peer service does.
// When the console is part of the suite it starts first, and every other
// service is told where it answers (auth.console_url), so that services
// follow its list of revoked staff tokens as on the appliance.
//
// Usage:
//   const suite = await startSuite({ services: ['console', 'booking'] });
//   after(() => suite.stop());
//   const token = await suite.staffToken(['scheduler']);
//   const r = await suite.api('booking', 'GET', '/api/v1/departments', { token });
//
// Environment:
//   MEDBOX_BUILD_DIR   build folder holding services/<name>/medbox-<name> (default ./build)
//   MEDBOX_KEEP_DATA=1 keep the temporary data folder after stop()
//   MEDBOX_SERVICE_LOG=1 echo each service's stderr to this process's stderr
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

// The rows of cmake/services.cmake ({name, port, user, folder, summary}), as
// CMake writes them into the build folder at configure time.
export function serviceTable() {
  const file = path.join(buildDir(), 'medbox-services.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the table of services ${file} (configure the build first): ${e.message}`);
  }
}

// Every service of the suite: those a test does not start get a harness key
// pair published in the trust folder before anything starts, so that verifiers
// know them from their first read (a verifier re-reads the folder for an
// unknown key at most once per 5 s).
export const KNOWN_SERVICES = serviceTable().map((row) => row.name);

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;
const STDERR_KEEP_BYTES = 1 << 20; // last 1 MiB of each service's stderr

export function buildDir() {
  return path.resolve(process.env.MEDBOX_BUILD_DIR ?? 'build');
}

export function serviceBinary(name) {
  return path.join(buildDir(), 'services', name, `medbox-${name}`);
}

// True when the service's binary has been built (lets a test skip, and say
// so, for a service that does not exist yet).
export function hasService(name) {
  try {
    fs.accessSync(serviceBinary(name), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// A password that satisfies any sane staff policy: long, all four classes.
export function strongPassword() {
  return `Mb7!${crypto.randomBytes(18).toString('base64url')}xQ2#`;
}

// A user name matching the console's rule [a-z][a-z0-9._-]{2,31}.
export function randomUsername(prefix = 't') {
  return `${prefix}${crypto.randomBytes(6).toString('hex')}`.slice(0, 32);
}

function b64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

// ES256 JWS; the signature is r||s (ieee-p1363), as JOSE requires, not DER.
export function signJwt(header, claims, privateKey) {
  const input = `${b64url(header)}.${b64url(claims)}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}

// Child processes still running when this test process exits (a failed
// assertion before stop()) would outlive it and hold ports; kill them.
const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

class Service {
  constructor(suite, name) {
    this.suite = suite;
    this.name = name;
    this.child = null;
    this.port = null;
    this.agent = null;
    this.protocol = 'https:';
    this.stderrText = '';
    this.exit = null; // { code, signal } of the last run
    this.exited = null; // promise resolved on exit
    this.killedByHarness = false; // a SIGKILL we sent is not a crash to report again
    this.lastPort = null; // the console keeps its port across restarts: peers were given its URL
  }

  args() {
    const set = {
      'data.dir': this.suite.dataDir,
      'http.port': this.name === 'console' && this.lastPort ? String(this.lastPort) : '0',
      'log.level': 'warning',
    };
    if (this.name === 'console') {
      set['console.bootstrap_admin_password'] = this.suite.adminPassword;
      // Where the suite's privileged helper listens once a vendor window is
      // needed (Suite.openVendorWindow); nothing asks it before.
      set['console.setup_helper_socket'] = this.suite.helperSocket();
    }
    const consoleService = this.suite.services.get('console');
    if (this.name !== 'console' && consoleService?.port) set['auth.console_url'] = consoleService.url();
    const extra = this.suite.settings[this.name] ?? {};
    const entries = Array.isArray(extra)
      ? extra.map((kv) => {
          const i = String(kv).indexOf('=');
          if (i < 1) throw new Error(`settings.${this.name}: "${kv}" is not key=value`);
          return [kv.slice(0, i), kv.slice(i + 1)];
        })
      : Object.entries(extra);
    for (const [k, v] of entries) set[k] = String(v);
    const args = [];
    for (const [k, v] of Object.entries(set)) args.push('--set', `${k}=${v}`);
    return args;
  }

  env() {
    const env = { ...process.env };
    // Keep a developer's own MEDBOX_* settings out of hermetic tests; this
    // includes the harness's own MEDBOX_BUILD_DIR, which a service would take
    // for the (unknown, so fatal) configuration key "build_dir".
    for (const k of Object.keys(env)) if (k.startsWith('MEDBOX_')) delete env[k];
    delete env.NOTIFY_SOCKET;
    delete env.WATCHDOG_USEC;
    for (const [k, v] of Object.entries(this.suite.envVars)) {
      if (v !== null && typeof v === 'object') {
        if (k === this.name) Object.assign(env, Object.fromEntries(Object.entries(v).map(([a, b]) => [a, String(b)])));
      } else {
        env[k] = String(v);
      }
    }
    return env;
  }

  portFile() {
    return path.join(this.suite.dataDir, 'run', `${this.name}.port`);
  }

  async start() {
    if (this.child) throw new Error(`${this.name} is already running`);
    const bin = serviceBinary(this.name);
    if (!hasService(this.name)) {
      throw new Error(`${this.name}: binary ${bin} not found or not executable (build it, or set MEDBOX_BUILD_DIR)`);
    }
    // A port file left by the previous run would point at a dead port.
    await fsp.rm(this.portFile(), { force: true });
    // The harness already signs tokens as this service: hand the service that
    // key, so its published public key stays the one the harness signs with.
    const harnessKey = this.suite.serviceKeys.get(this.name);
    const keyFile = path.join(this.suite.dataDir, 'keys', `${this.name}.key.pem`);
    if (harnessKey && !fs.existsSync(keyFile)) {
      await fsp.mkdir(path.dirname(keyFile), { recursive: true });
      await fsp.writeFile(keyFile, harnessKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 });
    }
    this.port = null;
    this.agent?.destroy();
    this.agent = null;
    this.stderrText = '';
    this.exit = null;
    this.killedByHarness = false;

    const child = spawn(bin, this.args(), {
      cwd: this.suite.dataDir,
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    liveChildren.add(child);
    const logFile = fs.createWriteStream(path.join(this.suite.dataDir, 'logs', `${this.name}.log`), { flags: 'a' });
    const capture = (chunk) => {
      this.stderrText += chunk.toString('utf8');
      if (this.stderrText.length > STDERR_KEEP_BYTES) this.stderrText = this.stderrText.slice(-STDERR_KEEP_BYTES);
      logFile.write(chunk);
      if (process.env.MEDBOX_SERVICE_LOG === '1') process.stderr.write(`[${this.name}] ${chunk}`);
    };
    child.stdout.on('data', capture);
    child.stderr.on('data', capture);
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.stderrText += `\n[harness] spawn error: ${err.message}\n`;
      });
      child.on('close', (code, signal) => {
        liveChildren.delete(child);
        logFile.end();
        this.exit = { code, signal };
        this.child = null;
        resolve(this.exit);
      });
    });

    try {
      await this.waitReady();
    } catch (e) {
      if (this.child) {
        this.killedByHarness = true;
        this.child.kill('SIGKILL');
        await this.exited;
      }
      throw new Error(`${e.message}\n--- ${this.name} stderr ---\n${this.stderrText.slice(-8000)}`);
    }
  }

  async waitReady() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    // 1. The core writes the port file once it listens.
    while (this.port === null) {
      if (this.exit) throw new Error(`${this.name} exited during start (code ${this.exit.code}, signal ${this.exit.signal})`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no port file ${this.portFile()} after ${START_TIMEOUT_MS} ms`);
      const text = readIfExists(this.portFile())?.toString('utf8').trim();
      const port = Number.parseInt(text ?? '', 10);
      if (Number.isInteger(port) && port > 0 && port < 65536 && String(port) === text) this.port = this.lastPort = port;
      else await sleep(50);
    }
    // 2. TLS: trust the certificate the service made for itself.
    const ca = this.certificate();
    this.protocol = ca ? 'https:' : 'http:';
    this.agent = ca
      ? new https.Agent({ keepAlive: true, maxSockets: 16, ca })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
    // 3. Ready means migrations ran and dependencies are reachable.
    let last = '';
    while (true) {
      if (this.exit) throw new Error(`${this.name} exited during start (code ${this.exit.code}, signal ${this.exit.signal})`);
      if (Date.now() > deadline) throw new Error(`${this.name}: GET /readyz not 200 after ${START_TIMEOUT_MS} ms (last: ${last})`);
      try {
        const r = await this.request('GET', '/readyz', {});
        if (r.status === 200) return;
        last = `${r.status} ${r.text.slice(0, 200)}`;
      } catch (e) {
        last = e.message;
        // A TLS error will not fix itself: fail now with the reason.
        if (/certificate|self.signed|altname|SSL|TLS/i.test(e.message)) throw new Error(`${this.name}: TLS failure: ${e.message}`);
      }
      await sleep(100);
    }
  }

  certificate() {
    const dir = this.suite.dataDir;
    return readIfExists(path.join(dir, 'tls', `${this.name}.crt`)) ?? readIfExists(path.join(dir, 'trust', `${this.name}.crt`));
  }

  url() {
    if (this.port === null) throw new Error(`${this.name} is not running`);
    return `${this.protocol}//127.0.0.1:${this.port}`;
  }

  request(method, urlPath, { token, body, headers, rawBody } = {}) {
    if (this.port === null || !this.agent) throw new Error(`${this.name} is not running`);
    const h = {};
    let payload = null;
    if (rawBody !== undefined) {
      payload = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(String(rawBody));
      h['content-type'] = 'application/json';
    } else if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      h['content-type'] = 'application/json';
    }
    if (payload) h['content-length'] = String(payload.length);
    if (token) h.authorization = `Bearer ${token}`;
    h.accept = 'application/json';
    // Caller's headers win; a null value removes a default (e.g. content-type).
    for (const [k, v] of Object.entries(headers ?? {})) {
      const key = k.toLowerCase();
      if (v === null || v === undefined) delete h[key];
      else h[key] = String(v);
    }
    const lib = this.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path: urlPath,
          headers: h,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json;
            try {
              json = text.length ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode, json, text, headers: res.headers, raw: Buffer.concat(chunks) });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer from ${this.name} in ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  // SIGTERM, wait; the service must exit 0 (a crash or a hang is a failure).
  async stop() {
    if (!this.child) {
      // Not running: fine if never started or stopped cleanly; a crash since
      // start is reported here, so stop() in after() catches it.
      if (this.exit && this.exit.code !== 0 && !this.killedByHarness) {
        throw new Error(
          `${this.name} had exited on its own with code ${this.exit.code}, signal ${this.exit.signal}\n--- stderr ---\n${this.stderrText.slice(-8000)}`,
        );
      }
      return this.exit;
    }
    const child = this.child;
    child.kill('SIGTERM');
    const timer = sleep(STOP_TIMEOUT_MS).then(() => 'timeout');
    const outcome = await Promise.race([this.exited, timer]);
    this.agent?.destroy();
    this.agent = null;
    this.port = null;
    if (outcome === 'timeout') {
      this.killedByHarness = true;
      child.kill('SIGKILL');
      await this.exited;
      throw new Error(`${this.name} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n--- stderr ---\n${this.stderrText.slice(-8000)}`);
    }
    if (this.exit.code !== 0) {
      throw new Error(
        `${this.name} exited with code ${this.exit.code}, signal ${this.exit.signal}\n--- stderr ---\n${this.stderrText.slice(-8000)}`,
      );
    }
    return this.exit;
  }
}

export async function startSuite({ services = ['console', 'booking'], settings = {}, env = {} } = {}) {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'medbox-test-'));
  await fsp.mkdir(path.join(dataDir, 'logs'), { recursive: true });
  const suite = new Suite(dataDir, services, settings, env);
  for (const name of KNOWN_SERVICES) if (!services.includes(name)) suite.serviceKey(name);
  try {
    // The console first: the others are given its URL (auth.console_url).
    // Then the rest together (a verifier re-reads the trust folder when it
    // meets a key it does not know yet).
    if (services.includes('console')) await suite.services.get('console').start();
    await Promise.all(services.filter((n) => n !== 'console').map((n) => suite.services.get(n).start()));
  } catch (e) {
    // The start error (with the service's stderr) is the one to report; the
    // others' exit is secondary, and the folder has nothing left to inspect
    // beyond what the error quotes.
    await Promise.allSettled([...suite.services.values()].map((s) => s.stop()));
    if (process.env.MEDBOX_KEEP_DATA === '1') e.message += `\n(data kept in ${dataDir})`;
    else await fsp.rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  return suite;
}

class Suite {
  constructor(dataDir, names, settings, env) {
    this.dataDir = dataDir;
    this.settings = settings;
    this.envVars = env;
    this.adminUsername = 'admin';
    this.adminPassword = strongPassword();
    this.services = new Map(names.map((n) => [n, new Service(this, n)]));
    this.serviceKeys = new Map();
    this.adminCache = null;
    this.staffCount = 0;
    this.vendorHelper = null;
  }

  helperSocket() {
    return path.join(this.dataDir, 'setup-helper.sock');
  }

  // Vendor accounts sign in only inside a vendor window (docs/console.md,
  // "Vendor access"): the suite's first vendor account opens one for the
  // suite's lifetime, through the real helper (files only, a fake
  // medbox-firewall that records its arguments in ROOT/firewall.log).
  async openVendorWindow() {
    const admin = await this.adminToken();
    const s = await this.api('console', 'GET', '/api/v1/vendor', { token: admin });
    if (s.status === 200 && s.json.window?.state === 'open') return;
    if (!this.vendorHelper) {
      const { startSetupHelper } = await import('./setupHelper.mjs');
      this.vendorHelper = await startSetupHelper({ socket: this.helperSocket() });
    }
    const peer = await this.api('console', 'PUT', '/api/v1/vendor/peer', {
      token: admin,
      body: { publicKey: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=', address: '10.8.0.2' },
    });
    if (peer.status !== 200) throw new Error(`registering the vendor key failed: ${peer.status} ${peer.text}`);
    const w = await this.api('console', 'POST', '/api/v1/vendor/windows', {
      token: admin,
      body: { minutes: 240, reason: 'test suite vendor account', ticket: 'TEST-1' },
    });
    if (w.status !== 200 || w.json.window?.state !== 'open') throw new Error(`opening a vendor window failed: ${w.status} ${w.text}`);
  }

  service(name) {
    const s = this.services.get(name);
    if (!s) throw new Error(`service ${name} is not part of this suite (${[...this.services.keys()].join(', ')})`);
    return s;
  }

  url(name) {
    return this.service(name).url();
  }

  port(name) {
    return this.service(name).port;
  }

  api(name, method, urlPath, options = {}) {
    return this.service(name).request(method, urlPath, options);
  }

  stderr(name) {
    return this.service(name).stderrText;
  }

  running(name) {
    return Boolean(this.services.get(name)?.child);
  }

  // A service token for `serviceName`. When that service runs in this suite,
  // its own key (data/keys/<name>.key.pem) signs, so the harness never
  // replaces a running service's public key; otherwise the harness makes a
  // key pair and publishes the public half as trust/<name>.pub.pem (done at
  // startSuite for KNOWN_SERVICES; another name may take up to 5 s to be
  // trusted by a service that has already read the folder).
  serviceToken(serviceName, { ttlSeconds = 300, roles = ['service'], audience = 'medbox' } = {}) {
    const key = this.serviceKey(serviceName);
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { alg: 'ES256', typ: 'JWT', kid: serviceName },
      { iss: serviceName, sub: serviceName, aud: audience, typ: 'service', roles, iat: now, exp: now + ttlSeconds, jti: crypto.randomBytes(16).toString('hex') },
      key,
    );
  }

  serviceKey(serviceName) {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(serviceName)) throw new Error(`bad service name ${serviceName}`);
    let key = this.serviceKeys.get(serviceName);
    if (key) return key;
    const own = readIfExists(path.join(this.dataDir, 'keys', `${serviceName}.key.pem`));
    if (own) {
      key = crypto.createPrivateKey(own);
    } else {
      const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const trust = path.join(this.dataDir, 'trust');
      fs.mkdirSync(trust, { recursive: true });
      const file = path.join(trust, `${serviceName}.pub.pem`);
      // Write-then-rename: a verifier re-reading the folder never sees half a key.
      fs.writeFileSync(`${file}.tmp`, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
      fs.renameSync(`${file}.tmp`, file);
      key = pair.privateKey;
    }
    this.serviceKeys.set(serviceName, key);
    return key;
  }

  async login(username, password, totp) {
    const body = { username, password };
    if (totp !== undefined) body.totp = totp;
    const r = await this.api('console', 'POST', '/api/v1/auth/login', { body });
    if (r.status !== 200 || !r.json?.token) throw new Error(`login as ${username} failed: ${r.status} ${r.text}`);
    return r.json.token;
  }

  // The bootstrap admin's token, re-used while it has more than 2 minutes
  // left and the console still accepts it (a test may have revoked it, e.g.
  // by changing the admin's roles).
  async adminToken() {
    const nowMs = Date.now();
    if (this.adminCache && this.adminCache.until > nowMs + 120_000) {
      const me = await this.api('console', 'GET', '/api/v1/me', { token: this.adminCache.token });
      if (me.status === 200) return this.adminCache.token;
    }
    const r = await this.api('console', 'POST', '/api/v1/auth/login', {
      body: { username: this.adminUsername, password: this.adminPassword },
    });
    if (r.status !== 200 || !r.json?.token) throw new Error(`admin login failed: ${r.status} ${r.text}`);
    const until = Date.parse(r.json.expiresAt);
    this.adminCache = { token: r.json.token, until: Number.isFinite(until) ? until : nowMs + 300_000 };
    return r.json.token;
  }

  // Creates a staff user through the console's admin API and logs in.
  // Returns { id, username, password, token, user }.
  async createStaff(roles, { username, password, displayName } = {}) {
    if (!Array.isArray(roles)) throw new Error('roles must be an array');
    this.staffCount += 1;
    const name = username ?? randomUsername(`t${this.staffCount}`);
    const pw = password ?? strongPassword();
    const admin = await this.adminToken();
    if (roles.includes('vendor')) await this.openVendorWindow();
    const r = await this.api('console', 'POST', '/api/v1/users', {
      token: admin,
      body: { username: name, displayName: displayName ?? `Test ${name}`, password: pw, roles, mustChangePassword: false },
    });
    if (r.status !== 201) throw new Error(`creating staff ${name} (${roles.join(',')}) failed: ${r.status} ${r.text}`);
    const token = await this.login(name, pw);
    return { id: r.json.id, username: name, password: pw, token, user: r.json };
  }

  async staffToken(roles, { username } = {}) {
    return (await this.createStaff(roles, { username })).token;
  }

  // Starts a service: one stopped earlier, or one not in the startSuite()
  // list (joins the same data folder and trust).
  async start(name) {
    if (!this.services.has(name)) this.services.set(name, new Service(this, name));
    await this.services.get(name).start();
  }

  async restart(name) {
    const s = this.service(name);
    await s.stop();
    await s.start();
  }

  // stop(name): that service only. stop(): all, then the data folder is
  // removed unless a service failed or MEDBOX_KEEP_DATA=1 (stop services by
  // name first if a test must look at their files afterwards).
  async stop(name) {
    if (name !== undefined) {
      await this.service(name).stop();
      return;
    }
    const results = await Promise.allSettled([...this.services.values()].map((s) => s.stop()));
    await this.vendorHelper?.stop();
    const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason?.message ?? String(r.reason));
    if (failures.length) {
      throw new Error(`${failures.join('\n')}\n(data kept in ${this.dataDir})`);
    }
    if (process.env.MEDBOX_KEEP_DATA !== '1') await fsp.rm(this.dataDir, { recursive: true, force: true });
  }
}

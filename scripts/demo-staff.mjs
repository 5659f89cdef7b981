// Creates one demo staff account per everyday role through the console's
// API, so that a new user of scripts/up.sh can book, check in, call the
// queue and read the audit log without first learning the role model.
//   node scripts/demo-staff.mjs CONSOLE_URL ADMIN_PASSWORD PASSWORD_FILE
// Passwords are random, kept in PASSWORD_FILE (mode 0600) and reused on the
// next run; an account that exists already is left as it is. Demo only:
// the appliance's image never runs this.
import crypto from 'node:crypto';
import fs from 'node:fs';

const [consoleUrl, adminPassword, passwordFile] = process.argv.slice(2);
if (!consoleUrl || !adminPassword || !passwordFile) {
  console.error('usage: node scripts/demo-staff.mjs CONSOLE_URL ADMIN_PASSWORD PASSWORD_FILE');
  process.exit(2);
}

// user name, display name, roles: what each can do is in docs/security.md, "Roles".
const STAFF = [
  ['registrar', '挂号员 王芳', ['registrar']],
  ['nurse', '分诊护士 李静', ['nurse']],
  ['doctor', '门诊医生 张伟', ['doctor']],
  ['scheduler', '排班员 刘洋', ['scheduler']],
  ['auditor', '审计员 陈敏', ['auditor']],
];

async function call(method, path, { token, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(consoleUrl + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null, text };
}

const saved = new Map();
if (fs.existsSync(passwordFile)) {
  for (const line of fs.readFileSync(passwordFile, 'utf8').split('\n')) {
    const [name, password] = line.split(' ');
    if (name && password) saved.set(name, password);
  }
}

const admin = await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: adminPassword } });
if (admin.status !== 200) {
  console.error(`demo staff: admin login failed: ${admin.status} ${admin.text}`);
  process.exit(1);
}
for (const [username, displayName, roles] of STAFF) {
  if (!saved.has(username)) saved.set(username, `Demo-${crypto.randomBytes(9).toString('base64url')}-7a!`);
  const r = await call('POST', '/api/v1/users', {
    token: admin.json.token,
    body: { username, displayName, password: saved.get(username), roles, mustChangePassword: false },
  });
  if (r.status !== 201 && r.json?.error?.code !== 'conflict') {
    console.error(`demo staff: cannot create ${username}: ${r.status} ${r.text}`);
    process.exit(1);
  }
}
fs.writeFileSync(passwordFile, [...saved].map(([n, p]) => `${n} ${p}`).join('\n') + '\n', { mode: 0o600 });
for (const [username, , roles] of STAFF) console.log(`  ${username.padEnd(10)} ${saved.get(username)}  (${roles.join(', ')})`);

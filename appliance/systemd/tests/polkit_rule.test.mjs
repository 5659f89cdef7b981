// The polkit rule polkit/50-medbox-console.rules, evaluated offline: the file
// is run against a stand-in for polkitd's `polkit` object (addRule, Result)
// and asked the questions systemd asks (action org.freedesktop.systemd1.
// manage-units with the details "unit" and "verb"). polkitd runs it in
// duktape; the rule is plain ES5, which node runs the same way. The real
// polkitd is asked in tests/nspawn/units_test.sh.
//   node --test appliance/systemd/tests/polkit_rule.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ruleFile = path.join(here, '..', 'polkit', '50-medbox-console.rules');

const Result = { NO: 'no', YES: 'yes', AUTH_SELF: 'auth_self', AUTH_ADMIN: 'auth_admin', NOT_HANDLED: null };

function loadRules() {
  const rules = [];
  const polkit = { Result, addRule: (f) => rules.push(f), log: () => {}, addAdminRule: () => {} };
  vm.runInNewContext(fs.readFileSync(ruleFile, 'utf8'), { polkit }, { filename: ruleFile });
  return rules;
}

// What polkitd does with the rules: the first one that answers wins.
function decide(user, actionId, details = {}) {
  const action = { id: actionId, lookup: (k) => (Object.hasOwn(details, k) ? details[k] : undefined) };
  const subject = { user, isInGroup: () => false, active: false, local: false };
  for (const rule of loadRules()) {
    const r = rule(action, subject);
    if (r !== undefined && r !== null) return r;
  }
  return null;
}

const MANAGE = 'org.freedesktop.systemd1.manage-units';

test('the file registers exactly one rule', () => {
  assert.equal(loadRules().length, 1);
});

test('medbox-console may start, stop and restart medbox services and timers', () => {
  for (const unit of ['medbox-booking.service', 'medbox-console.service', 'medbox-backup.timer', 'medbox-x1@a.b:c-d_e.service']) {
    for (const verb of ['start', 'stop', 'restart']) {
      assert.equal(decide('medbox-console', MANAGE, { unit, verb }), Result.YES, `${verb} ${unit}`);
    }
  }
});

test('medbox-console may not touch any other unit', () => {
  for (const unit of [
    'systemd-journald.service',
    'dbus.service',
    'ssh.service',
    'polkit.service',
    'medbox.target',
    'medbox-booking.socket',
    'medbox-.service',
    '-medbox-x.service',
    'medbox-Booking.service',
    'medbox-x@.service',
    'medbox-x@..service',
    'medbox-x@a..b.service',
    'medbox-x@.hidden.service',
    'medbox-a/b.service',
    'medbox-a\\x2fb.service',
    'medbox-booking.service\nssh.service',
    'xmedbox-booking.service',
    'medbox-booking.serviceX',
    '',
  ]) {
    for (const verb of ['start', 'stop', 'restart']) {
      assert.equal(decide('medbox-console', MANAGE, { unit, verb }), Result.NO, `${verb} ${JSON.stringify(unit)}`);
    }
  }
});

test('medbox-console may not reload, kill, or act without the details', () => {
  const unit = 'medbox-booking.service';
  for (const verb of ['reload', 'try-restart', 'reload-or-restart', 'reload-or-try-restart', 'kill', 'freeze', '', undefined]) {
    assert.equal(decide('medbox-console', MANAGE, verb === undefined ? { unit } : { unit, verb }), Result.NO, `verb ${verb}`);
  }
  assert.equal(decide('medbox-console', MANAGE, { verb: 'start' }), Result.NO, 'no unit');
  assert.equal(decide('medbox-console', MANAGE, {}), Result.NO, 'no details');
});

test('every other action of medbox-console is refused', () => {
  for (const id of [
    'org.freedesktop.systemd1.manage-unit-files',
    'org.freedesktop.systemd1.reload-daemon',
    'org.freedesktop.systemd1.set-environment',
    'org.freedesktop.login1.reboot',
    'org.freedesktop.login1.power-off',
    'org.freedesktop.hostname1.set-hostname',
    'org.freedesktop.timedate1.set-time',
    'org.freedesktop.policykit.exec',
  ]) {
    assert.equal(decide('medbox-console', id, { unit: 'medbox-booking.service', verb: 'start' }), Result.NO, id);
  }
});

test('other users are left to the other rules (not handled here)', () => {
  for (const user of ['root', 'medbox-booking', 'medbox-console2', 'admin']) {
    assert.equal(decide(user, MANAGE, { unit: 'medbox-booking.service', verb: 'restart' }), null, user);
  }
});

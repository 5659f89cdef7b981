// The setup wizard's privileged helper for tests on the host
// (appliance/setuphelper): the real binary, serving a socket in a temporary
// folder, writing its files under a temporary root, with a fake
// medbox-firewall that records its arguments in ROOT/firewall.log. Also the
// NIC names of a hardware profile as the image writes them (.link files).
// With { rauc: true }: the update verbs run tests/fixtures/rauc/fake-rauc.sh
// (state and argument log in RAUC_DIR; setRauc() plays a reboot), the bundle
// path is shared with the console, and the console's boot id is a file
// (reboot() changes it).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildDir } from './harness.mjs';

// realFirewall: the build's medbox-firewall instead of the fake, with the
// helper in a network namespace of its own so that real nftables rules never
// touch the host: `netns` names one the caller made (ip netns add; its NICs
// are the caller's), otherwise a private one (unshare -n) with NICs named
// `nics`. Its state files stay under the temporary root.
// socket: where to listen (default: in the helper's own temporary folder).
export async function startSetupHelper({ nics = ['mgmt0', 'lan0', 'dmz0'], rauc = false, realFirewall = false, netns = null, socket: socketPath } = {}) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'medbox-setup-'));
  const root = path.join(dir, 'root');
  const links = path.join(dir, 'links');
  await fsp.mkdir(root);
  await fsp.mkdir(links);
  for (const nic of nics) await fsp.writeFile(path.join(links, `10-medbox-${nic}.link`), `[Link]\nName=${nic}\n`);
  let firewall = path.join(dir, 'fake-medbox-firewall');
  if (realFirewall) firewall = path.join(buildDir(), 'appliance/firewall/medbox-firewall');
  else await fsp.writeFile(firewall, `#!/bin/sh\necho "$@" >> '${root}/firewall.log'\n`, { mode: 0o755 });
  const socket = socketPath ?? path.join(dir, 'helper.sock');
  const raucDir = path.join(dir, 'rauc');
  const bundle = path.join(dir, 'updates', 'bundle.raucb');
  const bootId = path.join(raucDir, 'boot_id');
  const updateArgs = [];
  const updateSettings = {};
  if (rauc) {
    await fsp.mkdir(raucDir);
    const fake = fs.readFileSync(new URL('../fixtures/rauc/fake-rauc.sh', import.meta.url), 'utf8');
    await fsp.writeFile(path.join(raucDir, 'rauc'), fake.replace('@RAUC_DIR@', raucDir), { mode: 0o755 });
    await fsp.writeFile(path.join(raucDir, 'rauc.state'), '');
    await fsp.writeFile(bootId, 'boot-1\n');
    updateArgs.push('--rauc', path.join(raucDir, 'rauc'), '--update-bundle', bundle);
    Object.assign(updateSettings, { 'console.update_bundle': bundle, 'console.update_boot_id_file': bootId });
  }
  const bin = path.join(buildDir(), 'appliance/setuphelper/medbox-setup-helper');
  const args = ['--listen', socket, '--root', root, '--files-only', '--firewall', firewall, ...updateArgs];
  let argv = [bin, ...args];
  if (realFirewall && netns) argv = ['ip', 'netns', 'exec', netns, ...argv];
  else if (realFirewall) {
    // veth pairs, the peer left in the namespace: the dummy module is not in every kernel.
    const links = nics.map((n) => `ip link add ${n} type veth peer name ${n}-p && ip link set ${n} up`).join(' && ');
    argv = ['unshare', '-n', 'sh', '-c', `ip link set lo up && ${links} && exec "$0" "$@"`, ...argv];
  }
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`medbox-setup-helper exited ${code}`)));
    child.stdout.once('data', resolve);
  });
  return {
    root,
    settings: {
      'console.setup_wizard': 'required',
      'console.setup_helper_socket': socket,
      'console.setup_link_dir': links,
      ...updateSettings,
    },
    bundle,
    raucLog: () => (fs.existsSync(path.join(raucDir, 'rauc.log')) ? fs.readFileSync(path.join(raucDir, 'rauc.log'), 'utf8') : ''),
    setRauc: (text) => fs.writeFileSync(path.join(raucDir, 'rauc.state'), text),
    reboot: (id) => fs.writeFileSync(bootId, `${id}\n`),
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    exists: (rel) => fs.existsSync(path.join(root, rel)),
    // medbox-firewall run as the helper runs it (same namespace and state).
    firewallArgv: realFirewall ? (netns ? ['ip', 'netns', 'exec', netns, firewall] : null) : null,
    async stop() {
      child.kill('SIGTERM');
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

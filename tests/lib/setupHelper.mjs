// The setup wizard's privileged helper for tests on the host
// (appliance/setuphelper): the real binary, serving a socket in a temporary
// folder, writing its files under a temporary root, with a fake
// medbox-firewall that records its arguments in ROOT/firewall.log. Also the
// NIC names of a hardware profile as the image writes them (.link files).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildDir } from './harness.mjs';

// socket: where to listen (default: in the helper's own temporary folder).
export async function startSetupHelper({ nics = ['mgmt0', 'lan0', 'dmz0'], socket: socketPath } = {}) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'medbox-setup-'));
  const root = path.join(dir, 'root');
  const links = path.join(dir, 'links');
  await fsp.mkdir(root);
  await fsp.mkdir(links);
  for (const nic of nics) await fsp.writeFile(path.join(links, `10-medbox-${nic}.link`), `[Link]\nName=${nic}\n`);
  const firewall = path.join(dir, 'fake-medbox-firewall');
  await fsp.writeFile(firewall, `#!/bin/sh\necho "$@" >> '${root}/firewall.log'\n`, { mode: 0o755 });
  const socket = socketPath ?? path.join(dir, 'helper.sock');
  const bin = path.join(buildDir(), 'appliance/setuphelper/medbox-setup-helper');
  const child = spawn(bin, ['--listen', socket, '--root', root, '--files-only', '--firewall', firewall], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
    },
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    exists: (rel) => fs.existsSync(path.join(root, rel)),
    async stop() {
      child.kill('SIGTERM');
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

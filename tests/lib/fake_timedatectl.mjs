// A fake timedatectl for the time panel's tests on the host (no system bus):
// the three commands the console runs, printed as systemd 252 prints them.
import fs from 'node:fs';
import path from 'node:path';

export function writeFakeTimedatectl(dir, { synchronized = true, stratum = 2, offset = '-1.107ms', poll = '34min 8s', packets = 3, fallback = '' } = {}) {
  const file = path.join(dir, 'timedatectl');
  fs.writeFileSync(file, `#!/bin/sh
case "$1" in
show) printf 'Timezone=Asia/Shanghai\\nNTP=yes\\nNTPSynchronized=${synchronized ? 'yes' : 'no'}\\n';;
show-timesync) printf 'SystemNTPServers=10.10.2.1 ntp.hospital.local\\nFallbackNTPServers=${fallback}\\nLinkNTPServers=\\n';;
timesync-status) printf '       Server: 10.10.2.1 (10.10.2.1)\\nPoll interval: ${poll} (min: 32s; max 34min 8s)\\n      Stratum: ${stratum}\\n       Offset: ${offset}\\n        Delay: 483us\\n       Jitter: 1.025ms\\n Packet count: ${packets}\\n';;
*) exit 1;;
esac
`, { mode: 0o755 });
  return file;
}

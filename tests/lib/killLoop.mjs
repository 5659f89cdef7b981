// SIGKILL one service of a suite `times` times at random moments 40 to 240 ms
// apart, restarting it after each kill, while the test's traffic runs beside.
// beforeKill() runs just before each kill, for the test to note what was
// answered before it. Resolves to the number of kills.
import { setTimeout as sleep } from 'node:timers/promises';

export async function killRepeatedly(suite, name, times, beforeKill = () => {}) {
  const service = suite.services.get(name);
  let kills = 0;
  while (kills < times) {
    await sleep(40 + Math.floor(Math.random() * 200));
    beforeKill();
    service.killedByHarness = true; // not a crash for the harness to report
    service.child.kill('SIGKILL');
    await service.exited;
    kills++;
    await suite.start(name);
  }
  return kills;
}

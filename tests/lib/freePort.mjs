// A TCP port on 127.0.0.1 that nothing listens on right now, for a listener
// a test configures (the HIS bridge's MLLP and HIS socket ports, a simulator).
import net from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

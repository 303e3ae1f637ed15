import { createServer } from 'node:net';

/** A loopback port nothing listens on now: one the system gave out and took back (for a process a test starts). */
export function freePort(): Promise<number> {
  return new Promise((answer, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? answer(address.port) : fail(new Error('no port'))));
    });
  });
}

import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * How fast this box is right now, by two fixed units of work, so runs on different days (and shared
 * machines of the same kind that differ 2–3× in speed) can be compared: ratios within a run hold, absolute
 * figures and CPU ms per operation move with these.
 * - `sha256Ms`: SHA-256 over 64 MiB (pure CPU in one thread).
 * - `loopbackRoundTripUs`: one small write and its echo over loopback TCP (the kernel and event-loop cost
 *   every request and every database or Redis call pays), the mean of 5,000.
 */
export interface BoxSpeed {
  sha256Ms: number;
  loopbackRoundTripUs: number;
}

export async function boxSpeed(): Promise<BoxSpeed> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const hashStart = performance.now();
  const hash = createHash('sha256');
  for (let i = 0; i < 1024; i++) hash.update(chunk);
  hash.digest();
  const sha256Ms = Math.round(performance.now() - hashStart);

  const server = createServer((socket) => socket.on('data', (data) => socket.write(data)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const trips = 5000;
  const tripStart = performance.now();
  await new Promise<void>((resolve) => {
    let left = trips;
    socket.on('data', () => (--left === 0 ? resolve() : socket.write('x')));
    socket.write('x');
  });
  const loopbackRoundTripUs = Math.round(((performance.now() - tripStart) * 1000) / trips);
  socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { sha256Ms, loopbackRoundTripUs };
}

export const boxSpeedNote = (speed: BoxSpeed) => `SHA-256 of 64 MiB ${speed.sha256Ms} ms, loopback TCP round trip ${speed.loopbackRoundTripUs} µs`;

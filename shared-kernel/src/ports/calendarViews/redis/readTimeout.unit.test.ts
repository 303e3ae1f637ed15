import { once } from 'node:events';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { withinReadTimeout } from './readTimeout';

describe('withinReadTimeout', () => {
  let server: Server;
  let client: Socket;
  let peer: Socket;

  beforeEach(async () => {
    server = createServer();
    const accepted = once(server, 'connection');
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = connect((server.address() as { port: number }).port, '127.0.0.1');
    [peer] = (await accepted) as [Socket];
  });

  afterEach(async () => {
    client.destroy();
    peer.destroy();
    server.close();
    await once(server, 'close');
  });

  /** This process's loop held for `ms`, as a saturated process holds it between two turns. */
  const holdLoop = (ms: number) => {
    for (const until = performance.now() + ms; performance.now() < until; );
  };

  it('takes an answer that arrived while the loop was held past the deadline', async () => {
    const answer = once(client, 'data').then(([data]) => String(data));
    const read = withinReadTimeout(answer, 20);
    await new Promise(setImmediate); // the command has gone out and the deadline runs
    peer.write('pong'); // in the client's socket at once; read only in the loop's next poll phase, after the timers
    holdLoop(60);
    await expect(read).resolves.toBe('pong');
  });

  it('counts from when the command went out, not from a turn that held the loop before it', async () => {
    const answer = once(client, 'data').then(([data]) => String(data));
    // A deadline well above any stall of a loaded test box, and a turn held past it before the command goes out.
    const read = withinReadTimeout(answer, 200);
    holdLoop(250); // the rest of this turn, before the command is written in its check phase
    setImmediate(() => setTimeout(() => peer.write('pong'), 5)); // Redis answers 5 ms after the command went out
    await expect(read).resolves.toBe('pong');
  });

  it('gives up when no answer comes, once on time and once after the loop was held', async () => {
    const answer = once(client, 'data').then(([data]) => String(data));
    await expect(withinReadTimeout(answer, 20)).rejects.toThrow('no answer from Redis within 20 ms');
    const held = withinReadTimeout(answer, 20);
    await new Promise(setImmediate);
    holdLoop(60);
    await expect(held).rejects.toThrow('no answer from Redis within 20 ms');
  });
});

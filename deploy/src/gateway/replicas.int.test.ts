import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { gateway } from './gateway';

// Two replicas of the query and command services behind one gateway, as the scale-out profile runs them.
// Each answers with its name and counts what reached it, so a request sent twice would show.
interface Replica {
  name: string;
  port: number;
  server: http.Server;
  received: { method: string; body: string }[];
}

async function startReplica(name: string, port = 0): Promise<Replica> {
  const replica: Replica = { name, port, server: http.createServer(), received: [] };
  replica.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      replica.received.push({ method: req.method ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ replica: name, status: 'ready' }));
    });
  });
  replica.server.listen(port, '127.0.0.1');
  await once(replica.server, 'listening');
  replica.port = (replica.server.address() as AddressInfo).port;
  return replica;
}
async function stopReplica(replica: Replica): Promise<void> {
  replica.server.closeAllConnections();
  await new Promise((done) => replica.server.close(done));
}

describe('the gateway in front of replicas', () => {
  let replicas: Replica[];
  let edge: http.Server;
  let url: string;
  const get = async () => (await (await fetch(`${url}/events?from=2030-01-01T00:00:00Z`)).json()) as { replica: string };
  const post = async (n: number) => {
    const res = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) });
    return { status: res.status, replica: ((await res.json()) as { replica?: string }).replica };
  };

  beforeEach(async () => {
    replicas = [await startReplica('query-1'), await startReplica('query-2'), await startReplica('command-1'), await startReplica('command-2'), await startReplica('notifier-1')];
    const origin = (r: Replica) => `http://127.0.0.1:${r.port}`;
    edge = gateway({
      upstreams: { query: replicas.slice(0, 2).map(origin), command: replicas.slice(2, 4).map(origin), notifier: origin(replicas[4] as Replica) },
      logger: pino({ level: 'silent' }),
    });
    edge.listen(0, '127.0.0.1');
    await once(edge, 'listening');
    url = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    edge.closeAllConnections();
    await new Promise((done) => edge.close(done));
    for (const replica of replicas) if (replica.server.listening) await stopReplica(replica);
  });

  it('spreads requests over the replicas in turn', async () => {
    const answered = [];
    for (let i = 0; i < 4; i++) answered.push((await get()).replica);
    expect(answered).toEqual(['query-1', 'query-2', 'query-1', 'query-2']);
    for (let i = 0; i < 4; i++) answered.push((await post(i)).replica as string);
    expect(answered.slice(4)).toEqual(['command-1', 'command-2', 'command-1', 'command-2']);
  });

  it('skips a replica that is down, sending each write once, and uses it again once it is back', async () => {
    const [, query2, , command2] = replicas as [Replica, Replica, Replica, Replica];
    await stopReplica(query2);
    await stopReplica(command2);
    const reads = [];
    for (let i = 0; i < 4; i++) reads.push((await get()).replica);
    expect(reads).toEqual(['query-1', 'query-1', 'query-1', 'query-1']);
    const writes = [];
    for (let i = 0; i < 4; i++) writes.push(await post(i));
    expect(writes).toEqual([0, 1, 2, 3].map(() => ({ status: 200, replica: 'command-1' })));
    expect((replicas[2] as Replica).received.map((r) => JSON.parse(r.body).n)).toEqual([0, 1, 2, 3]);

    const back = await startReplica('query-2', query2.port);
    replicas.push(back);
    await pollUntil(async () => (await get()).replica === 'query-2', { timeoutMs: 10_000, pollMs: 100, what: 'the restarted replica given requests again' });
  });

  it('reports readiness per replica: degraded while one is down, not ready when none answers', async () => {
    const ready = async () => (await fetch(`${url}/readyz`)).status;
    const body = async () => (await (await fetch(`${url}/readyz`)).json()) as { status: string };
    expect(await ready()).toBe(200);
    expect((await body()).status).toBe('ready');
    await stopReplica(replicas[1] as Replica);
    expect(await ready()).toBe(200);
    expect((await body()).status).toBe('degraded');
    await stopReplica(replicas[0] as Replica);
    expect(await ready()).toBe(503);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtTokenService, requireUser, serviceApp } from '@datebook/shared-kernel/http';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { inMemoryEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { Router } from 'express';
import pino from 'pino';
import { NOTIFIER_SCHEMA } from '../notifierSchema';
import { appendChanges } from './changeFeed';
import { openStream } from './sseTestClient';
import { type SyncHub, syncRoutes } from './sync.routes';
import { SYNC_SCHEMA } from './syncSchema';

describe('/sync/stream: one reader per process, capped per user and in all', () => {
  let base: SqlDatabase;
  let feedQueries = 0;
  let server: Server;
  let port = 0;
  let hub: SyncHub;
  const tokens = jwtTokenService(randomBytes(32).toString('base64url'), 3600, () => new Date());
  const logger = pino({ level: 'silent' });
  const streams: ReturnType<typeof openStream>[] = [];

  /** The notifier's database, counting every query that reads the change feed. */
  function counting(db: SqlDatabase): SqlDatabase {
    return {
      query(text, params) {
        if (/from notifier_changes/.test(text)) feedQueries += 1;
        return db.query(text, params);
      },
      transaction: (work) => db.transaction(work),
      exec: (script) => db.exec(script),
      close: () => db.close(),
    };
  }

  async function start(options: { pollMs: number; streamsPerUser: number; maxStreams: number }) {
    base = await pgliteSqlDatabase();
    await base.exec(NOTIFIER_SCHEMA);
    await base.exec(SYNC_SCHEMA);
    const sync = syncRoutes({ db: counting(base), store: inMemoryEventStore(), clock: () => new Date(), logger, heartbeatMs: 60_000, ...options });
    hub = sync.hub;
    const router = Router();
    router.use('/sync', requireUser(tokens));
    router.use(sync.router);
    const app = serviceApp({ logger, routers: [router], routeDocs: [], ready: async () => undefined });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  }

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await hub.closeAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await base.close();
  });

  const user = () => {
    const userID = randomUUID();
    return { userID, auth: { Authorization: `Bearer ${tokens.issue(userID, new Date()).token}` } };
  };
  const open = (headers: Record<string, string>) => {
    const stream = openStream(port, headers);
    streams.push(stream);
    return stream;
  };
  const change = (userID: string, version: number) => ({ userID, change: { eventID: randomUUID(), cause: 'CalendarEventDetailsChanged', version, occurredAt: new Date().toISOString(), event: null } });

  test('twenty open streams are fed by one query per round, not one each', async () => {
    // Rounds happen only when woken: a commit in this process (hub.notify) or a stream opening.
    await start({ pollMs: 3_600_000, streamsPerUser: 5, maxStreams: 100 });
    const people = [user(), user(), user(), user()];
    const opened = people.flatMap((person) => Array.from({ length: 5 }, () => open(person.auth)));
    expect(await Promise.all(opened.map((s) => s.ready))).toEqual(Array(20).fill(200));
    await pollUntil(() => opened.every((s) => s.body().includes(': position')), { timeoutMs: 10_000, pollMs: 10, what: 'every stream starting' });

    for (let round = 1; round <= 3; round += 1) {
      const before = feedQueries;
      await base.transaction(async (tx) => appendChanges(tx, people.map((p) => change(p.userID, round)), new Date()));
      hub.notify();
      await pollUntil(() => opened.every((s) => s.events.length === round), { timeoutMs: 10_000, pollMs: 10, what: `round ${round} reaching every stream` });
      // One round (sometimes two, when a wake-up was already pending) reads for all twenty streams.
      expect(feedQueries - before).toBeLessThanOrEqual(2);
    }
    for (const stream of opened) expect(stream.events.map((e) => e.data.version)).toEqual([1, 2, 3]);
  });

  test('polling costs one query per interval for all streams together', async () => {
    await start({ pollMs: 50, streamsPerUser: 5, maxStreams: 100 });
    const people = [user(), user(), user(), user()];
    const opened = people.flatMap((person) => Array.from({ length: 5 }, () => open(person.auth)));
    expect(await Promise.all(opened.map((s) => s.ready))).toEqual(Array(20).fill(200));
    await pollUntil(() => opened.every((s) => s.body().includes(': position')), { timeoutMs: 10_000, pollMs: 10, what: 'every stream starting' });
    const before = feedQueries;
    const since = Date.now();
    await pollUntil(() => feedQueries - before >= 20, { timeoutMs: 10_000, pollMs: 10, what: 'twenty polls of the feed' });
    const intervals = (Date.now() - since) / 50;
    // Twenty streams polling on their own would make twenty queries per interval.
    expect(feedQueries - before).toBeLessThanOrEqual(Math.ceil(intervals) + 2);
  });

  test('a sixth stream of one user answers 429 with Retry-After and the five stay open; the process cap answers 503', async () => {
    await start({ pollMs: 3_600_000, streamsPerUser: 5, maxStreams: 7 });
    const ann = user();
    const five = Array.from({ length: 5 }, () => open(ann.auth));
    expect(await Promise.all(five.map((s) => s.ready))).toEqual([200, 200, 200, 200, 200]);
    const sixth = open(ann.auth);
    expect(await sixth.ready).toBe(429);
    expect(sixth.headers()['retry-after']).toBe('30');
    await pollUntil(() => sixth.body().includes('TOO_MANY_STREAMS'), { timeoutMs: 10_000, pollMs: 10, what: 'the problem body arriving' });
    expect(JSON.parse(sixth.body())).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS' });

    // The open five still get changes.
    await base.transaction(async (tx) => appendChanges(tx, [change(ann.userID, 1)], new Date()));
    hub.notify();
    await pollUntil(() => five.every((s) => s.events.length === 1), { timeoutMs: 10_000, pollMs: 10, what: 'the five getting the change' });

    // Closing one frees a place for this user (once the server has seen the connection close).
    five[0]?.close();
    let again = open(ann.auth);
    await pollUntil(async () => {
      if ((await again.ready) !== 429) return true;
      again = open(ann.auth);
      return false;
    }, { timeoutMs: 2_000, pollMs: 20, what: 'a place freed for this user' });
    expect(await again.ready).toBe(200);

    // Two more users fill the process (7), the next is refused whoever it is.
    const ben = user();
    expect(await open(ben.auth).ready).toBe(200);
    expect(await open(ben.auth).ready).toBe(200);
    const cyd = open(user().auth);
    expect(await cyd.ready).toBe(503);
    expect(cyd.headers()['retry-after']).toBe('30');
  });
});

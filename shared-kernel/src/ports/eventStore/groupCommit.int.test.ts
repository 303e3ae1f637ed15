import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { pollUntil } from '../../testing/pollUntil';
import { createTestDatabase, type TestDatabase } from '../../testing/postgresTestDatabase';
import { pgliteSqlDatabase } from '../sql/pgliteSqlDatabase';
import { pgSqlDatabase } from '../sql/pgSqlDatabase';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { newEvent } from './eventStore.contract';
import { type AppendResult, type EventStore, WrongExpectedVersionError } from './eventStore';
import { postgresEventStore } from './postgresEventStore';

const stream = () => `Group-${randomUUID()}`;
const transactionsOf = (results: readonly AppendResult[]) => new Set(results.map((r) => r.logPosition.transactionId));

/** Appends asked for in the same turn of the event loop go out together: the cases below rely on it to build a group. */
function groupCommitCases(where: string, open: () => EventStore) {
  describe(`group commit on ${where}`, () => {
    it('writes concurrent appends to many streams in shared commits, each with its own versions and log position', async () => {
      const store = open();
      const streams = Array.from({ length: 40 }, stream);
      await Promise.all(streams.map((s) => store.appendToStream(s, [newEvent()], 'no_stream')));
      const second = await Promise.all(streams.map((s, i) => store.appendToStream(s, Array.from({ length: 1 + (i % 3) }, () => newEvent()), store.firstVersion)));
      second.forEach((result, i) => expect(result.nextExpectedVersion).toBe(store.firstVersion + 1 + (i % 3)));
      // 40 appends, far fewer commits.
      expect(transactionsOf(second).size).toBeLessThan(second.length / 2);
      for (const [i, s] of streams.entries()) {
        const { events, currentVersion } = await store.readStream(s);
        expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 2 + (i % 3) }, (_, v) => store.firstVersion + v));
        expect(currentVersion).toBe(second[i]!.nextExpectedVersion);
        expect(events.at(-1)!.logPosition).toEqual(second[i]!.logPosition);
      }
    });

    it('lets exactly one of concurrent appends to one stream at the same expected version through', async () => {
      const store = open();
      const s = stream();
      await store.appendToStream(s, [newEvent()], 'no_stream');
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => store.appendToStream(s, [newEvent(), newEvent()], store.firstVersion)));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect((await store.readStream(s)).currentVersion).toBe(store.firstVersion + 2);
    });

    it('keeps the order of appends to one stream that expect any version', async () => {
      const store = open();
      const s = stream();
      const results = await Promise.all(Array.from({ length: 5 }, (_, n) => store.appendToStream(s, [newEvent('Numbered', { n })], 'any')));
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([0, 1, 2, 3, 4].map((v) => store.firstVersion + v));
      expect((await store.readStream(s)).events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    });

    it('fails a conflicting append alone, with the actual version, and writes the rest of its group', async () => {
      const store = open();
      const [taken, ...free] = Array.from({ length: 6 }, stream);
      const before = await store.appendToStream(taken!, [newEvent(), newEvent()], 'no_stream');
      const outcomes = await Promise.allSettled([
        store.appendToStream(taken!, [newEvent(), newEvent(), newEvent()], 'no_stream'),
        ...free.map((s) => store.appendToStream(s, [newEvent(), newEvent()], 'no_stream')),
      ]);
      const [conflict, ...rest] = outcomes;
      expect(conflict).toMatchObject({ status: 'rejected', reason: { name: 'WrongExpectedVersionError', streamName: taken, actual: before.nextExpectedVersion } });
      const written = rest.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
      expect(written.every((r) => r?.nextExpectedVersion === store.firstVersion + 1)).toBe(true);
      // They went together: one commit.
      expect(transactionsOf(written as AppendResult[]).size).toBe(1);
      // Nothing of the refused append was written.
      expect((await store.readStream(taken!)).events).toHaveLength(2);
    });

    it('writes all of an append or none of it: a value PostgreSQL refuses fails only its own append', async () => {
      const store = open();
      const [bad, ...good] = Array.from({ length: 4 }, stream);
      const outcomes = await Promise.allSettled([
        // jsonb cannot hold NUL: the group's statement is refused as a whole, and each append is tried alone.
        store.appendToStream(bad!, [newEvent(), newEvent('Broken', { text: 'nul \u0000 here' }), newEvent()], 'no_stream'),
        ...good.map((s) => store.appendToStream(s, [newEvent(), newEvent()], 'no_stream')),
      ]);
      expect(outcomes[0]!.status).toBe('rejected');
      expect(outcomes.slice(1).every((o) => o.status === 'fulfilled')).toBe(true);
      expect((await store.readStream(bad!)).currentVersion).toBeNull();
      for (const s of good) expect((await store.readStream(s)).events).toHaveLength(2);
    });

    it('fails an append JSON cannot hold alone, before its group is sent', async () => {
      const store = open();
      const [bad, ...good] = Array.from({ length: 3 }, stream);
      const outcomes = await Promise.allSettled([
        store.appendToStream(bad!, [newEvent('Broken', { n: 1n })], 'no_stream'),
        ...good.map((s) => store.appendToStream(s, [newEvent()], 'no_stream')),
      ]);
      expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.any(TypeError) });
      const written = outcomes.slice(1).map((o) => (o.status === 'fulfilled' ? o.value : undefined));
      expect(written.every((r) => r !== undefined)).toBe(true);
      expect(transactionsOf(written as AppendResult[]).size).toBe(1);
      expect((await store.readStream(bad!)).currentVersion).toBeNull();
    });

    it('refuses an append of nothing without holding up the others', async () => {
      const store = open();
      const [empty, full] = [stream(), stream()];
      const outcomes = await Promise.allSettled([store.appendToStream(empty, [], 'any'), store.appendToStream(full, [newEvent()], 'any')]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
    });

    it('signals onAppended once a group commits', async () => {
      const store = open();
      let signals = 0;
      const stop = store.onAppended(() => signals++);
      try {
        await Promise.all(Array.from({ length: 5 }, () => store.appendToStream(stream(), [newEvent()], 'no_stream')));
        expect(signals).toBeGreaterThanOrEqual(1);
      } finally {
        stop();
      }
    });
  });
}

describe('on a PostgreSQL server', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: EventStore;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: database.url, max: 10 });
    store = await postgresEventStore(db);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  groupCommitCases('pg', () => store);

  it('tries each append of a group alone when a writer of another process took a version first', async () => {
    const [raced, ...others] = Array.from({ length: 4 }, stream);
    // Another process holds version 1 of `raced`, uncommitted: the group's statement waits for it, then meets the primary key.
    const racer = new Client({ connectionString: database.url });
    await racer.connect();
    try {
      await racer.query('begin');
      const event = newEvent();
      await racer.query(
        'insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata) values ($1, 1, $2, $3, $4, $5)',
        [raced, event.eventID, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
      );
      const appends = Promise.allSettled([raced!, ...others].map((s) => store.appendToStream(s, [newEvent(), newEvent()], 'no_stream')));
      const waitingForLocks = async () =>
        Number((await db.query<{ n: string }>("select count(*)::text as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rows[0]?.n);
      await pollUntil(async () => (await waitingForLocks()) > 0, { timeoutMs: 5000, what: "the group's statement waiting for the racer's row" });
      await racer.query('commit');
      const [lost, ...won] = await appends;
      expect(lost).toMatchObject({ status: 'rejected', reason: { name: 'WrongExpectedVersionError', streamName: raced } });
      expect(won.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect((await store.readStream(raced!)).events).toHaveLength(1);
      for (const s of others) expect((await store.readStream(s)).events.map((e) => e.streamVersion)).toEqual([1, 2]);
    } finally {
      await racer.end();
    }
  });
});

describe('on embedded PGlite', () => {
  // Starting PGlite takes seconds; one instance serves every case (each uses fresh stream names).
  let db: SqlDatabase;
  let store: EventStore;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    store = await postgresEventStore(db);
  });
  afterAll(async () => {
    await db.close();
  });

  groupCommitCases('PGlite', () => store);
});

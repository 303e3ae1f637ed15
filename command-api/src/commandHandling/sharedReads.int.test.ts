import { randomUUID } from 'node:crypto';
import { type EventStore, postgresEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { countingReads, createTestDatabase, newEvent, type TestDatabase } from '@datebook/shared-kernel/testing';
import { sharedReads } from './sharedReads';

describe('sharedReads on PostgreSQL', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: EventStore;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: database.url, max: 4 });
    store = await postgresEventStore(db);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('answers reads asked together with one statement, each as readStream would', async () => {
    const streams = Array.from({ length: 6 }, () => `Shared-${randomUUID()}`);
    for (const [i, s] of streams.entries()) await store.appendToStream(s, Array.from({ length: i + 1 }, (_, n) => newEvent('Counted', { n: n })), 'no_stream');
    const counting = countingReads(store);
    const shared = sharedReads(counting.store);
    const [a, b, c, absent, many] = await Promise.all([
      shared.readStream(streams[0]!),
      shared.readStream(streams[3]!, 2),
      shared.readStream(streams[5]!, 6),
      shared.readStream(`Shared-${randomUUID()}`),
      shared.readStreams([{ streamName: streams[1]! }, { streamName: streams[2]!, afterVersion: 1 }]),
    ]);
    expect(counting.take()).toBe(1);
    expect(a).toMatchObject({ currentVersion: 1, events: [{ streamVersion: 1 }] });
    expect(b!.events.map((e) => e.streamVersion)).toEqual([3, 4]);
    expect(c).toEqual({ events: [], currentVersion: 6 });
    expect(absent).toEqual({ events: [], currentVersion: null });
    expect(many![0]!.events.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(many![1]!.events.map((e) => e.streamVersion)).toEqual([2, 3]);
  });

  it('reads a stream asked twice from the same version once, and gives each asker its own list', async () => {
    const s = `Shared-${randomUUID()}`;
    await store.appendToStream(s, [newEvent('Counted', { n: 1 }), newEvent('Counted', { n: 2 })], 'no_stream');
    const asked: string[][] = [];
    const shared = sharedReads({
      ...store,
      readStreams(reads) {
        asked.push(reads.map((r) => r.streamName));
        return store.readStreams(reads);
      },
    });
    const [first, second] = await Promise.all([shared.readStream(s), shared.readStream(s)]);
    expect(asked).toEqual([[s]]);
    expect(first).toEqual(second);
    expect(first!.events).not.toBe(second!.events);
  });

  it('sends the reads asked while one is in flight together when it returns, each as of after it was asked', async () => {
    const s = `Shared-${randomUUID()}`;
    await store.appendToStream(s, [newEvent('Counted', { n: 1 })], 'no_stream');
    const asked: number[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const shared = sharedReads({
      ...store,
      async readStreams(reads) {
        asked.push(reads.length);
        // The first statement is held until the test lets it go.
        if (asked.length === 1) await held;
        return store.readStreams(reads);
      },
    });
    const inFlight = shared.readStream(s);
    await new Promise((resolve) => setImmediate(resolve));
    await store.appendToStream(s, [newEvent('Counted', { n: 2 })], 1);
    const later = Promise.all([shared.readStream(s), shared.readStream(s, 1), shared.readStream(`Shared-${randomUUID()}`)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual([1]);
    release();
    const [[whole, after, absent], first] = await Promise.all([later, inFlight]);
    expect(asked).toEqual([1, 3]);
    expect(whole!.currentVersion).toBe(2);
    expect(after!.events.map((e) => e.data)).toEqual([{ n: 2 }]);
    expect(absent!.currentVersion).toBeNull();
    expect(first.currentVersion).toBe(2);
  });

  it('asks each read again alone when their statement fails, so a read the server refuses fails alone', async () => {
    const s = `Shared-${randomUUID()}`;
    await store.appendToStream(s, [newEvent('Counted', { n: 1 })], 'no_stream');
    const shared = sharedReads(store);
    // PostgreSQL cannot hold NUL in text: the shared statement is refused, then only this read is.
    const [refused, fine] = await Promise.allSettled([shared.readStream('Shared-\u0000'), shared.readStream(s)]);
    expect(refused.status).toBe('rejected');
    expect(fine).toMatchObject({ status: 'fulfilled', value: { currentVersion: 1 } });
  });
});

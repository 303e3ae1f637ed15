import { randomUUID } from 'node:crypto';
import { type RecordedEvent, START_OF_LOG, streamName } from '@datebook/shared-kernel';
import {
  type EventBatchHandler,
  type EventStore,
  parkedEvents,
  postgresEventStore,
  READ_MODEL_SCHEMA,
  type SqlDatabase,
  storeTailingEventSource,
  subscribeWithParking,
} from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { calendarViewsRedisClient, redisCalendarViews } from '@datebook/shared-kernel/ports/redis';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { READ_MODEL_CONSUMER_GROUP, readModelProjector } from './readModelProjector';
import { calendarViewsProjector } from './redisViewProjector';
import { catchUpFixture } from './testing/catchUpFixture';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// One clock for every build: a series' kept busy time is placed around it.
const CLOCK = () => Date.parse('2030-06-10T00:00:00Z');

/** The log cut into batches of `size` (1: event by event). */
async function deliver(log: RecordedEvent[], size: number, handler: EventBatchHandler): Promise<void> {
  for (let i = 0; i < log.length; i += size) await handler(log.slice(i, i + size));
}

/**
 * What the read model says, leaving out what depends on how the log was cut into batches by design: the
 * collections' counters, and the rows of collections an event joined and left within one batch.
 */
async function readModelOf(db: SqlDatabase): Promise<Record<string, unknown[]>> {
  const queries = {
    users: 'select * from rm_users order by user_id',
    events: 'select * from rm_events order by event_id',
    eventUsers: 'select * from rm_event_users order by event_id, user_id',
    calendars: 'select * from rm_calendars order by calendar_id',
    rules: 'select * from rm_calendar_rules order by calendar_id, rule_id',
    members: 'select collection_id, event_id, span_start, span_end from rm_collection_members where present order by collection_id, event_id',
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(queries)) out[name] = (await db.query(sql)).rows;
  return out;
}

/**
 * A build of the views, as its keys hold it. Left out: the change stamp (`:bk n`, new with every write by
 * design) and the longest long interval (`:bk l`, a bound that keeps the largest ever written); the entries
 * of a day's busy text are compared as a set, the order they were filed in meaning nothing to a reader.
 */
async function viewsOf(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${prefix}*`)).sort()) {
    const type = await redis.type(key);
    let value: unknown = type === 'hash' ? await redis.hgetall(key) : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES') : await redis.get(key);
    if (key.endsWith(':bk')) {
      const { n: _stamp, l: _longest, ...rest } = value as Record<string, string>;
      value = rest;
    }
    if (key.endsWith(':bh')) value = Object.fromEntries(Object.entries(value as Record<string, string>).map(([day, text]) => [day, text.split(' ').sort().join(' ')]));
    out[key.slice(prefix.length)] = value;
  }
  return out;
}

describe('projecting batches that mix many streams, several events of each', () => {
  let store: EventStore;
  let storeDb: SqlDatabase;
  let redis: Redis;
  let log: RecordedEvent[];
  const databases: SqlDatabase[] = [];
  const prefixes: string[] = [];

  const readModel = async () => {
    const db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
    databases.push(db);
    return db;
  };
  const views = () => {
    const prefix = `test:${randomUUID()}:cal:`;
    prefixes.push(prefix);
    return { prefix, project: calendarViewsProjector({ store, views: redisCalendarViews(redis, { keyPrefix: prefix, clock: CLOCK }) }) };
  };

  beforeAll(async () => {
    redis = calendarViewsRedisClient(TEST_REDIS_URL);
    await new Promise((resolve) => redis.once('ready', resolve));
    storeDb = await pgliteSqlDatabase();
    store = await postgresEventStore(storeDb);
    // Sign-ups, a shared calendar, bookings with 1–3 guests and series, then answers, moves, cancellations,
    // late invitations and occurrence changes interleaved with newer bookings, as a live log has them.
    for (const append of catchUpFixture({ bookings: 150, users: 12, seed: 7 })) await store.appendToStream(append.streamName, append.events, 'any');
    log = await store.readAll(START_OF_LOG, 100_000);
  }, 60_000);
  afterAll(async () => {
    for (const prefix of prefixes) await redisCalendarViews(redis, { keyPrefix: prefix }).clear();
    await redis.quit();
    for (const db of databases) await db.close();
    await storeDb.close();
  });

  it('gives the read model that projecting event by event gives, and a redelivery in other cuts changes nothing', async () => {
    expect(new Set(log.map((e) => e.streamName.split('-')[0])).size).toBeGreaterThanOrEqual(3);
    const oneByOne = await readModel();
    await deliver(log, 1, readModelProjector(oneByOne));
    const expected = await readModelOf(oneByOne);
    expect(expected.events!.length).toBe(150);

    for (const size of [log.length, 37]) {
      const batched = await readModel();
      await deliver(log, size, readModelProjector(batched));
      expect(await readModelOf(batched)).toEqual(expected);
      // Again, cut differently: every write is guarded by its stream's version.
      const counters = (await batched.query('select * from rm_collections order by collection_id')).rows;
      await deliver(log, 7, readModelProjector(batched));
      expect(await readModelOf(batched)).toEqual(expected);
      expect((await batched.query('select * from rm_collections order by collection_id')).rows).toEqual(counters);
    }
  }, 60_000);

  it('gives the views that projecting event by event gives, and a redelivery in other cuts changes nothing', async () => {
    const oneByOne = views();
    await deliver(log, 1, oneByOne.project);
    const expected = await viewsOf(redis, oneByOne.prefix);
    expect(Object.keys(expected).length).toBeGreaterThan(12 * 4);

    for (const size of [log.length, 37]) {
      const batched = views();
      await deliver(log, size, batched.project);
      expect(await viewsOf(redis, batched.prefix)).toEqual(expected);
      await deliver(log, 7, batched.project);
      expect(await viewsOf(redis, batched.prefix)).toEqual(expected);
    }
  }, 60_000);

  it('parks an unreadable event alone and projects the rest of its batch', async () => {
    // An event no version of the schema reads (no title), then more bookings after it.
    const poisoned = randomUUID();
    const metadata = { actorID: poisoned, occurredAt: '2030-06-01T00:00:00.000Z', correlationId: randomUUID(), schemaVersion: 3 };
    await store.appendToStream(streamName('CalendarEvent', poisoned), [{ eventID: randomUUID(), type: 'CalendarEventScheduled', data: { eventID: poisoned }, metadata }], 'no_stream');
    for (const append of catchUpFixture({ bookings: 20, users: 3, seed: 8 })) await store.appendToStream(append.streamName, append.events, 'any');
    const all = await store.readAll(START_OF_LOG, 100_000);
    const readable = all.filter((e) => e.streamName !== streamName('CalendarEvent', poisoned));
    const expected = await readModel();
    await deliver(readable, 1, readModelProjector(expected));

    // The whole log in one batch, through the store's tail and the parking the projector's main uses.
    const db = await readModel();
    const source = await storeTailingEventSource(store, storeDb, { batchSize: 100_000 });
    let delivered = 0;
    const counting: EventBatchHandler = async (batch) => {
      await readModelProjector(db)(batch);
      delivered += batch.length;
    };
    const subscription = await subscribeWithParking(READ_MODEL_CONSUMER_GROUP, counting, { source, store, parked: parkedEvents(storeDb), logger: pino({ level: 'silent' }) });
    await pollUntil(() => delivered >= readable.length, { timeoutMs: 30_000, pollMs: 20, what: 'the readable events projected' });
    await subscription.stop();
    expect(subscription.parkedCount()).toBe(1);
    expect((await storeDb.query('select stream_name from parked_events')).rows).toEqual([{ stream_name: streamName('CalendarEvent', poisoned) }]);
    expect(await readModelOf(db)).toEqual(await readModelOf(expected));
  }, 60_000);
});

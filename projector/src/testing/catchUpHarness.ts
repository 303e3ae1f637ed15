import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RecordedEvent } from '@datebook/shared-kernel';
import {
  calendarViewChecksum,
  type EventBatchHandler,
  type EventSource,
  type EventStore,
  inMemoryCalendarViews,
  parkedEvents,
  postgresEventStore,
  READ_MODEL_SCHEMA,
  readModelViewEntries,
  type SqlDatabase,
  storeTailingEventSource,
  subscribeWithParking,
} from '@datebook/shared-kernel/ports';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { calendarViewsRedisClient, redisAccessStamps, redisCalendarViews } from '@datebook/shared-kernel/ports/redis';
import { kafkaEventSource, kafkaRelay } from '@datebook/shared-kernel/ports/kafka';
import { createTestDatabase, pollUntil } from '@datebook/shared-kernel/testing';
import type { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { READ_MODEL_CONSUMER_GROUP, readModelProjector } from '../readModelProjector';
import { CALENDAR_VIEWS_CONSUMER_GROUP, calendarViewsProjector } from '../redisViewProjector';
import { replayReadModel } from '../replay/readModelReplay';
import { catchUpFixture, withVersions } from './catchUpFixture';

/*
 * Times the projections catching up on a backlog (issue 15): a realistic log (catchUpFixture.ts) is appended to
 * a fresh PostgreSQL database, then each consumer group is subscribed as the projector's main does (the store
 * tail as event source, subscribeWithParking) and timed until it has handled the last event; then a blue/green
 * replay of the read model. For each: events/s, and CPU ms per event of this process and of the PostgreSQL
 * backends serving it (read from /proc; Redis's CPU is the whole server's, which others may share). Checks that
 * the replay's checksum equals the live read model's and that sampled users' views equal the read model.
 *
 *   node --import tsx projector/src/testing/catchUpHarness.ts [--bookings 14000] [--users 1000] [--only read-model,views,replay]
 *     [--profile DIR] [--batch N] [--redis URL] [--kafka 127.0.0.1:9092]
 *
 * With --kafka the log is first relayed to a new topic (kafkaRelay, not timed) and the groups read it through
 * kafkaEventSource with 4 partitions in parallel, as projector/src/main.ts does; the time then runs from the
 * first delivered batch (the group join before it is left out).
 *
 * Not a test: it measures, on a shared box, and its figures go into reports, not assertions.
 */

const { values: args } = parseArgs({
  options: {
    bookings: { type: 'string', default: '14000' },
    users: { type: 'string', default: '1000' },
    only: { type: 'string', default: 'read-model,views,replay' },
    profile: { type: 'string' },
    redis: { type: 'string', default: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
    /** The store tail's batch size (its default when left out). */
    batch: { type: 'string' },
    /** Brokers (`host:port`): the log is relayed to a fresh topic and each group consumes it as production does (4 partitions in parallel). */
    kafka: { type: 'string' },
  },
});

/** The unit of utime and stime in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds of a process so far (utime + stime), or undefined once it is gone. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Samples the CPU of this database's backends while work runs: a pool may end a connection before the end. */
function backendCpuMeter(db: SqlDatabase, database: string) {
  const seen = new Map<number, number>();
  const sample = async () => {
    const { rows } = await db.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
    for (const { pid } of rows) {
      const cpu = processCpuSeconds(pid);
      if (cpu !== undefined) seen.set(pid, cpu);
    }
  };
  const timer = setInterval(() => void sample().catch(() => undefined), 250);
  return async (): Promise<number> => {
    clearInterval(timer);
    await sample();
    return [...seen.values()].reduce((a, b) => a + b, 0) * 1000;
  };
}

/** The Redis server's CPU so far (all its clients: others may share it). */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

interface Measured {
  phase: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  processCpuMsPerEvent: number;
  postgresCpuMsPerEvent: number;
  redisCpuMsPerEvent?: number;
}

async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!args.profile) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(args.profile, { recursive: true });
    writeFileSync(join(args.profile, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

async function measure(phase: string, url: string, database: string, redis: Redis | undefined, work: (db: SqlDatabase) => Promise<number>): Promise<Measured> {
  // A fresh pool per phase: every backend it opens serves this phase alone.
  const db = pgSqlDatabase({ connectionString: url, max: 4 });
  const backendCpu = backendCpuMeter(db, database);
  const redisBefore = redis ? await redisCpuMs(redis) : 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const events = await profiled(phase, () => work(db));
  const seconds = Number(process.hrtime.bigint() - (kafkaTopic && firstBatchAt ? firstBatchAt : started)) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresMs = await backendCpu();
  const redisMs = redis ? (await redisCpuMs(redis)) - redisBefore : undefined;
  await db.close();
  const perEvent = (ms: number) => Math.round((ms / events) * 1000) / 1000;
  return {
    phase, events, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(events / seconds),
    processCpuMsPerEvent: perEvent((cpu.user + cpu.system) / 1000), postgresCpuMsPerEvent: perEvent(postgresMs),
    ...(redisMs !== undefined ? { redisCpuMsPerEvent: perEvent(redisMs) } : {}),
  };
}

/** Where the groups read the log: the store's tail, or the topic the log was relayed to. */
async function sourceOf(store: EventStore, db: SqlDatabase, logger: Logger): Promise<EventSource> {
  const batchSize = args.batch ? Number(args.batch) : undefined;
  if (!kafkaTopic) return storeTailingEventSource(store, db, batchSize ? { batchSize } : {});
  return kafkaEventSource({ connection: { brokers: brokers() }, topic: kafkaTopic, logger, partitionsInParallel: 4, ...(batchSize ? { maxBatchSize: batchSize } : {}) });
}

/** When the first batch came: a Kafka group joins before anything is delivered, which is not catching up. */
let firstBatchAt: bigint | undefined;

/** Subscribes a consumer group as main.ts does and resolves with the events handled once the last one is in. */
async function catchUp(db: SqlDatabase, group: string, handlerOf: (db: SqlDatabase, store: EventStore) => EventBatchHandler, total: number): Promise<number> {
  const store = await postgresEventStore(db);
  const logger = pino({ level: 'error' });
  const source = await sourceOf(store, db, logger);
  const handler = handlerOf(db, store);
  let handled = 0;
  let batches = 0;
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  firstBatchAt = undefined;
  const counting: EventBatchHandler = async (batch: RecordedEvent[]) => {
    firstBatchAt ??= process.hrtime.bigint();
    await handler(batch);
    handled += batch.length;
    batches += 1;
    // Each group starts at the beginning of the log, and nothing fails here: the last event is handled once all are.
    if (handled >= total) reached();
  };
  const subscription = await subscribeWithParking(group, counting, { source, store, parked: parkedEvents(db), logger });
  await done;
  console.log(`${group}: ${batches} batches of ${Math.round(handled / batches)} events on average`);
  await subscription.stop();
  if (subscription.parkedCount() > 0) throw new Error(`${group} parked ${subscription.parkedCount()} event(s)`);
  return handled;
}

const brokers = () => (args.kafka ?? '').split(',').map((b) => b.trim()).filter(Boolean);
let kafkaTopic: string | undefined;

/** Publishes the whole log to a new topic of 4 partitions, as the relay does in production; not timed. */
async function relayToNewTopic(url: string, events: number): Promise<void> {
  kafkaTopic = `datebook.catchup.${Date.now()}`;
  const db = pgSqlDatabase({ connectionString: url, max: 2 });
  const relay = kafkaRelay(await postgresEventStore(db), db, { connection: { brokers: brokers() }, topic: kafkaTopic, partitions: 4, logger: pino({ level: 'error' }) });
  const started = Date.now();
  await relay.start();
  await pollUntil(() => relay.status().publishedEvents >= events, { timeoutMs: 600_000, pollMs: 100, what: 'the relay publishing the log' });
  await relay.stop();
  await db.close();
  console.log(`relayed ${events} events to ${kafkaTopic} in ${Date.now() - started} ms`);
}

async function appendFixture(db: SqlDatabase): Promise<number> {
  let events = 0;
  let rows: unknown[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await db.query(
      `insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata)
       select s, v, e, t, d, m from jsonb_to_recordset($1::jsonb) as x(n int, s text, v bigint, e uuid, t text, d jsonb, m jsonb) order by n`,
      [JSON.stringify(rows)],
    );
    rows = [];
  };
  for (const append of withVersions(catchUpFixture({ bookings: Number(args.bookings), users: Number(args.users) }))) {
    append.events.forEach((e, i) => rows.push({ n: rows.length, s: append.streamName, v: append.firstVersion + i, e: e.eventID, t: e.type, d: e.data, m: e.metadata }));
    events += append.events.length;
    // Appends land in the log in many transactions, as commands would.
    if (rows.length >= 1000) await flush();
  }
  await flush();
  return events;
}

async function main(): Promise<void> {
  const phases = new Set(args.only.split(','));
  const testDatabase = await createTestDatabase();
  const database = new URL(testDatabase.url).pathname.slice(1);
  const redis = calendarViewsRedisClient(args.redis);
  const prefix = `catchup:${Date.now()}:cal:`;
  const results: Measured[] = [];
  try {
    const loader = pgSqlDatabase({ connectionString: testDatabase.url, max: 2 });
    await postgresEventStore(loader);
    await loader.exec(READ_MODEL_SCHEMA);
    const appendStarted = Date.now();
    const events = await appendFixture(loader);
    await loader.query('analyze es_events');
    await loader.close();
    console.log(`appended ${events} events (${args.bookings} bookings, ${args.users} users) in ${Date.now() - appendStarted} ms`);
    if (args.kafka) await relayToNewTopic(testDatabase.url, events);

    // The replay compares its checksum with the live read model's, which this builds.
    if (phases.has('read-model') || phases.has('replay')) {
      const accessStamps = redisAccessStamps(redis, { keyPrefix: prefix });
      results.push(await measure('read model catch-up', testDatabase.url, database, undefined, (db) =>
        catchUp(db, READ_MODEL_CONSUMER_GROUP, (d) => readModelProjector(d, { accessStamps }), events)));
    }
    const views = redisCalendarViews(redis, { keyPrefix: prefix });
    if (phases.has('views')) {
      results.push(await measure('views catch-up', testDatabase.url, database, redis, (db) =>
        catchUp(db, CALENDAR_VIEWS_CONSUMER_GROUP, (_d, store) => calendarViewsProjector({ store, views }), events)));
    }
    if (phases.has('replay')) {
      let replayed: Awaited<ReturnType<typeof replayReadModel>> | undefined;
      results.push(await measure('read model replay', testDatabase.url, database, undefined, async (db) => {
        replayed = await replayReadModel(await postgresEventStore(db), db, { switchOver: false });
        return replayed.events;
      }));
      if (replayed && replayed.checksum !== replayed.liveChecksum) throw new Error(`the replayed read model differs from the live one: ${replayed.checksum} vs ${replayed.liveChecksum}`);
      console.log(`replay: build phase ${replayed?.eventsPerSecond} events/s; checksum equals the live read model's`);
    }
    if (phases.has('views') && phases.has('read-model')) {
      // Every sampled user's view equals what the read model says of them.
      const checkDb = pgSqlDatabase({ connectionString: testDatabase.url, max: 2 });
      const { rows } = await checkDb.query<{ user_id: string }>('select user_id from rm_users order by user_id limit 60');
      for (const { user_id: user } of rows) {
        const fromReadModel = inMemoryCalendarViews();
        await fromReadModel.backfill(user, (await readModelViewEntries(checkDb, user, new Date(0), 100_000)) ?? [], new Date(0));
        if ((await calendarViewChecksum(views, user)) !== (await calendarViewChecksum(fromReadModel, user))) throw new Error(`the view of ${user} differs from the read model`);
      }
      await checkDb.close();
      console.log(`views of ${rows.length} users equal the read model`);
    }
    console.table(results);
  } finally {
    await redisCalendarViews(redis, { keyPrefix: prefix }).clear().catch(() => undefined);
    for (let cursor = '0'; ; ) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      if ((cursor = next) === '0') break;
    }
    await redis.quit();
    if (kafkaTopic) {
      const admin = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [kafkaTopic] }).catch(() => undefined);
      await admin.disconnect();
    }
    await testDatabase.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../../testing/postgresTestDatabase';
import { postgresEventStore } from '../eventStore/postgresEventStore';
import { type KafkaRelay, kafkaRelay } from '../relay/kafkaRelay';
import { pgSqlDatabase } from '../sql/pgSqlDatabase';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { eventSourceContract } from './eventSource.contract';
import { kafkaEventSource } from './kafkaEventSource';
import type { RecordedEvent } from '../../events/recordedEvent';
import { newEvent } from '../eventStore/eventStore.contract';
import { pollUntil } from '../../testing/pollUntil';

// CI starts the default broker before the tests (deploy/scripts/kafka-start.sh).
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
// A topic of its own, so runs never see each other's events.
// The contract fails handlers on purpose; only errors are worth showing (TEST_LOG_LEVEL=debug to see all).
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' });

// Once handling one partition at a time, once four at a time (as the projector runs it).
describe.each([1, 4])('kafkaEventSource fed by kafkaRelay, %i partition(s) handled at once', (partitionsInParallel) => {
  const topic = `datebook.test.${randomUUID()}`;
  let database: TestDatabase;
  let db: SqlDatabase;
  let relay: KafkaRelay;

  eventSourceContract(`kafkaEventSource (${partitionsInParallel} in parallel)`, {
    deliveryTimeoutMs: 15_000,
    async create() {
      database = await createTestDatabase();
      db = pgSqlDatabase({ connectionString: database.url, max: 6 });
      const store = await postgresEventStore(db);
      const connection = { brokers, clientId: 'datebook-contract-test' };
      relay = kafkaRelay(store, db, { connection, topic, partitions: 4, pollIntervalMs: 50, maxRetryDelayMs: 1000, logger });
      await relay.start();
      const source = kafkaEventSource({
        connection,
        topic,
        logger,
        retryDelayMs: 100,
        maxRetryDelayMs: 1000,
        maxWaitMs: 500,
        heartbeatIntervalMs: 1000,
        partitionsInParallel,
      });
      return { store, source };
    },
    async dispose() {
      await relay.stop();
      await db.close();
      await database.drop();
      const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  });
});

describe('kafkaEventSource offset commits', () => {
  const topic = `datebook.test.${randomUUID()}`;
  const connection = { brokers, clientId: 'datebook-commit-test' };
  let database: TestDatabase;
  let db: SqlDatabase;
  let relay: KafkaRelay;
  let store: Awaited<ReturnType<typeof postgresEventStore>>;
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();

  beforeAll(async () => {
    database = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: database.url, max: 4 });
    store = await postgresEventStore(db);
    relay = kafkaRelay(store, db, { connection, topic, partitions: 2, pollIntervalMs: 50, logger });
    await relay.start();
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await relay.stop();
    await db.close();
    await database.drop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const append = async (tag: string, count: number) => {
    for (let i = 0; i < count; i++) await store.appendToStream(`Commit-${randomUUID()}`, [newEvent('Tagged', { tag })], 'no_stream');
  };
  const tagged = (events: RecordedEvent[], tag: string) => events.filter((e) => (e.data as { tag?: string }).tag === tag);
  /** The group's committed offsets, summed over partitions (-1 where none). */
  const committed = async (groupId: string) => {
    const [found] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (found?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };
  const endOffsets = async () => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.offset), 0);

  it('commits what it handled a moment later while it runs, and the rest when it stops: a new member gets none of it again', async () => {
    const groupId = `group-${randomUUID()}`;
    const source = kafkaEventSource({ connection, topic, logger, maxWaitMs: 250, heartbeatIntervalMs: 500, commitEveryMs: 200, partitionsInParallel: 2 });
    const first: RecordedEvent[] = [];
    const subscription = await source.subscribe(groupId, async (batch) => {
      first.push(...batch);
    });
    try {
      await append('first', 6);
      await pollUntil(() => tagged(first, 'first').length >= 6, { timeoutMs: 15_000, pollMs: 20, what: 'the first 6 events' });
      // Committed by the timer, not by a stop.
      const end = await endOffsets();
      await pollUntil(async () => (await committed(groupId)) >= end, { timeoutMs: 5_000, pollMs: 50, what: 'the handled offsets committed while running' });
      await append('second', 3);
      await pollUntil(() => tagged(first, 'second').length >= 3, { timeoutMs: 15_000, pollMs: 20, what: 'the next 3 events' });
    } finally {
      await subscription.stop();
    }
    const again: RecordedEvent[] = [];
    const next = await source.subscribe(groupId, async (batch) => {
      again.push(...batch);
    });
    try {
      await append('third', 2);
      await pollUntil(() => tagged(again, 'third').length >= 2, { timeoutMs: 15_000, pollMs: 20, what: 'the events after the restart' });
      expect(tagged(again, 'first').length + tagged(again, 'second').length).toBe(0);
    } finally {
      await next.stop();
    }
  }, 60_000);

  it('commits the chunk it was handling when stopped, once that chunk is done', async () => {
    const groupId = `group-${randomUUID()}`;
    // What the source logs, to see the stop reach the chunk in hand.
    const lines: string[] = [];
    const seen = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const source = kafkaEventSource({ connection, topic, logger: seen, maxWaitMs: 250, heartbeatIntervalMs: 500, commitEveryMs: 60_000 });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handling = false;
    const subscription = await source.subscribe(groupId, async (batch) => {
      if (tagged(batch, 'held').length === 0) return;
      handling = true;
      await held;
    });
    await append('held', 1);
    await pollUntil(() => handling, { timeoutMs: 15_000, pollMs: 20, what: 'the handler holding its chunk' });
    const stopping = subscription.stop();
    // The handler is released only once the stop waits on it (kafkajs's own stop would drop the commit after it).
    try {
      await pollUntil(() => lines.some((line) => line.includes('committing once the chunks in hand are handled')), { timeoutMs: 15_000, pollMs: 20, what: 'the stop waiting on the chunk in hand' });
    } finally {
      release();
      await stopping;
    }
    const again: RecordedEvent[] = [];
    const next = await source.subscribe(groupId, async (batch) => {
      again.push(...batch);
    });
    try {
      await append('after', 1);
      await pollUntil(() => tagged(again, 'after').length >= 1, { timeoutMs: 15_000, pollMs: 20, what: 'the event after the restart' });
      expect(tagged(again, 'held')).toEqual([]);
    } finally {
      await next.stop();
    }
  }, 60_000);
});

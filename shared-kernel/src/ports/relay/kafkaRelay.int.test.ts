import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { RecordedEvent } from '../../events/recordedEvent';
import { createTestDatabase, type TestDatabase } from '../../testing/postgresTestDatabase';
import type { EventSource, EventSubscription } from '../eventSource/eventSource';
import { kafkaEventSource } from '../eventSource/kafkaEventSource';
import { newEvent } from '../eventStore/eventStore.contract';
import type { EventStore } from '../eventStore/eventStore';
import { postgresEventStore } from '../eventStore/postgresEventStore';
import { pgSqlDatabase } from '../sql/pgSqlDatabase';
import type { SqlDatabase } from '../sql/sqlDatabase';
import { type KafkaRelay, kafkaRelay } from './kafkaRelay';
import { localKafkaBroker } from '../../testing/localKafkaBroker';
import { pollUntil } from '../../testing/pollUntil';

// These tests stop and kill things, so they run against a broker of their own (not the shared 9092 one).
const repoRoot = resolve(__dirname, '../../../..');
const broker = localKafkaBroker({
  repoRoot,
  port: Number(process.env.KAFKA_FAULT_PORT ?? 19092),
  dir: join(repoRoot, '.kafka/fault-broker'),
});
const connection = { brokers: broker.brokers, clientId: 'datebook-relay-fault-test' };
const topic = `datebook.fault.${randomUUID()}`;
// Outages make the adapters complain by design; only errors are worth showing (TEST_LOG_LEVEL=debug to see all).
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' });

/** Every appended event arrived, each stream in its order; returns how many deliveries were duplicates. */
function expectAllInStreamOrder(received: RecordedEvent[], appended: Map<string, string[]>): number {
  let expected = 0;
  for (const [stream, eventIDs] of appended) {
    const firstSeen: string[] = [];
    for (const event of received) if (event.streamName === stream && !firstSeen.includes(event.eventID)) firstSeen.push(event.eventID);
    expect(firstSeen).toEqual(eventIDs);
    expected += eventIDs.length;
  }
  const ours = received.filter((event) => appended.has(event.streamName));
  return ours.length - expected;
}

describe('kafkaRelay under faults (own broker)', () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let store: EventStore;
  let source: EventSource;
  const subscriptions: EventSubscription[] = [];
  const children: ChildProcess[] = [];
  let relay: KafkaRelay | undefined;

  const appendAll = async (streams: string[], perStream: number, appended: Map<string, string[]>) => {
    // One writer per stream, all at once: interleaved, concurrent transactions as in production.
    await Promise.all(
      streams.map(async (stream) => {
        for (let i = 0; i < perStream; i++) {
          const event = newEvent('Tagged', { i });
          await store.appendToStream(stream, [event], 'any');
          appended.set(stream, [...(appended.get(stream) ?? []), event.eventID]);
        }
      }),
    );
  };
  const collect = async (received: RecordedEvent[]) => {
    const subscription = await source.subscribe(`group-${randomUUID()}`, async (batch) => {
      received.push(...batch);
    });
    subscriptions.push(subscription);
    return subscription;
  };

  beforeAll(async () => {
    await broker.start();
    database = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: database.url, max: 8 });
    store = await postgresEventStore(db);
    source = kafkaEventSource({ connection, topic, logger, retryDelayMs: 100, maxRetryDelayMs: 500, maxWaitMs: 250, heartbeatIntervalMs: 500, sessionTimeoutMs: 6000 });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(subscriptions.map((s) => s.stop()));
    await relay?.stop();
    await db?.close();
    await database?.drop();
    const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await broker.stop();
  }, 60_000);

  const startRelayProcess = async (): Promise<ChildProcess> => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'kafkaRelay.fixture.ts'), JSON.stringify({ databaseUrl: database.url, brokers: broker.brokers, topic, batchSize: 25 })],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    await new Promise<void>((ready, failed) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) ready();
      });
      child.once('exit', (code) => failed(new Error(`relay process exited with ${code}`)));
    });
    return child;
  };
  const kill = (child: ChildProcess) =>
    new Promise<void>((exited) => {
      child.once('exit', () => exited());
      child.kill('SIGKILL');
    });

  it('loses nothing when the relay process is killed mid-stream and restarted', async () => {
    const received: RecordedEvent[] = [];
    await collect(received);
    const appended = new Map<string, string[]>();
    const streams = Array.from({ length: 20 }, () => `Fault-${randomUUID()}`);
    const total = streams.length * 40;

    let child = await startRelayProcess();
    const appending = appendAll(streams, 40, appended);
    for (const threshold of [150, 400]) {
      await pollUntil(() => received.length >= threshold, { timeoutMs: 20_000, pollMs: 25, what: `${threshold} deliveries arriving` });
      await kill(child);
      child = await startRelayProcess();
    }
    await appending;
    await pollUntil(() => new Set(received.map((e) => e.eventID)).size >= total, { timeoutMs: 20_000, pollMs: 25, what: `all ${total} events arriving` });
    const duplicates = expectAllInStreamOrder(received, appended);
    await kill(child);
    process.stdout.write(`relay killed twice: ${total} events, ${duplicates} duplicate deliveries\n`);
  }, 60_000);

  it('catches up after a broker outage; appends keep succeeding meanwhile', async () => {
    relay = kafkaRelay(store, db, { connection, topic, pollIntervalMs: 50, retryDelayMs: 100, maxRetryDelayMs: 500, logger });
    await relay.start();
    const running = relay;
    const received: RecordedEvent[] = [];
    const subscription = await collect(received);
    const appended = new Map<string, string[]>();
    const streams = [`Fault-${randomUUID()}`, `Fault-${randomUUID()}`, `Fault-${randomUUID()}`];

    await appendAll(streams, 5, appended);
    await pollUntil(() => received.filter((e) => appended.has(e.streamName)).length >= 15, { timeoutMs: 15_000, pollMs: 25, what: '15 events arriving before the outage' });
    await pollUntil(() => subscription.isHealthy(), { timeoutMs: 10_000, pollMs: 25, what: 'the subscription becoming healthy' });

    await broker.stop();
    await appendAll(streams, 10, appended);
    await pollUntil(() => !running.isHealthy(), { timeoutMs: 15_000, pollMs: 25, what: 'the relay noticing the outage' });
    await pollUntil(() => !subscription.isHealthy(), { timeoutMs: 15_000, pollMs: 25, what: 'the subscription noticing the outage' });
    expect(running.status().pendingEvents).toBeGreaterThan(0);

    await broker.start();
    const restartedAt = Date.now();
    await pollUntil(() => running.isHealthy(), { timeoutMs: 15_000, pollMs: 25, what: 'the relay recovering' });
    const relayRecoveredMs = Date.now() - restartedAt;
    await pollUntil(() => new Set(received.filter((e) => appended.has(e.streamName)).map((e) => e.eventID)).size >= 45, { timeoutMs: 30_000, pollMs: 25, what: 'all 45 events arriving' });
    const caughtUpMs = Date.now() - restartedAt;
    await pollUntil(() => running.isHealthy() && running.status().pendingEvents === 0, { timeoutMs: 10_000, pollMs: 25, what: 'the relay becoming healthy with nothing pending' });
    await pollUntil(() => subscription.isHealthy(), { timeoutMs: 15_000, pollMs: 25, what: 'the subscription becoming healthy again' });
    const duplicates = expectAllInStreamOrder(received, appended);
    process.stdout.write(`broker outage: 45 events, ${duplicates} duplicate deliveries, relay publishing again after ${relayRecoveredMs} ms, all delivered after ${caughtUpMs} ms\n`);
  }, 60_000);

  it('saves its position once the log goes quiet, however long it may wait between saves while busy, and republishes nothing after a restart', async () => {
    const quiet = kafkaRelay(store, db, { connection, topic, name: `quiet-${randomUUID()}`, pollIntervalMs: 50, checkpointEveryMs: 600_000, logger });
    await quiet.start();
    try {
      const received: RecordedEvent[] = [];
      await collect(received);
      const appended = new Map<string, string[]>();
      await appendAll([`Fault-${randomUUID()}`, `Fault-${randomUUID()}`], 10, appended);
      const tail = (await store.readAll(quiet.status().checkpoint, 100_000)).at(-1)!.logPosition;
      await pollUntil(() => quiet.status().checkpoint.position === tail.position && quiet.status().checkpoint.transactionId === tail.transactionId, { timeoutMs: 15_000, pollMs: 25, what: 'the position saved once nothing was left to publish' });
      const published = quiet.status().publishedEvents;
      await quiet.stop();
      await quiet.start();
      // Back from its saved position: a round that finds nothing new publishes nothing.
      await pollUntil(() => quiet.isHealthy(), { timeoutMs: 15_000, pollMs: 25, what: 'the restarted relay healthy' });
      expect(quiet.status().checkpoint).toEqual(tail);
      expect(quiet.status().publishedEvents).toBe(published);
    } finally {
      await quiet.stop();
    }
  }, 60_000);
});

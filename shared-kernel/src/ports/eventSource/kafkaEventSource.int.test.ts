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

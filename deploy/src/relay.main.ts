import { Router } from 'express';
import { kafkaRelay, kafkaSaslOf } from '@datebook/shared-kernel/ports/kafka';
import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { eventStoreConfig, httpEdgeConfig, kafkaSaslConfig, openEventStore, readConfig, runMain, serveService, serviceConfig } from '@datebook/shared-kernel/runtime';
import pino from 'pino';
import { z } from 'zod';

const RelayConfig = z.object({
  ...eventStoreConfig,
  HOST: serviceConfig.HOST,
  DATABASE_URL: serviceConfig.DATABASE_URL,
  LOG_LEVEL: serviceConfig.LOG_LEVEL,
  KAFKA_TOPIC: serviceConfig.KAFKA_TOPIC,
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092').describe('Comma-separated Kafka brokers the log is published to'),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(4).describe('Partitions of the topic (= projector parallelism), when the relay creates it'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3005).describe('HTTP port for health and readiness'),
  ...kafkaSaslConfig(),
  ...httpEdgeConfig(),
});

// Composition root of the relay: the event store's global log → Kafka, checkpointed after each acknowledgement.
// Run exactly one per store; a second would only publish duplicates. A store split over shards (the scale-out
// profile) has one relay per shard, each given that shard as DATABASE_URL, all publishing to the one topic:
// a stream lives in one shard, so its events reach Kafka in order through that shard's relay alone.
runMain(async () => {
  const config = readConfig(RelayConfig, process.env);
  if (config.EVENT_STORE_URLS.length > 0) {
    throw new Error('invalid configuration: EVENT_STORE_URLS: a relay reads one store’s log; run one relay per shard, each with DATABASE_URL set to its shard');
  }
  const logger = pino({ level: config.LOG_LEVEL, name: 'relay' });
  const database = pgSqlDatabase({ connectionString: config.DATABASE_URL, max: 2 });
  // Checkpoints stay in PostgreSQL whichever store the events come from.
  const { store, close: closeStore } = await openEventStore(config, database);
  const brokers = config.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
  const sasl = kafkaSaslOf(config);
  const relay = kafkaRelay(store, database, { connection: { brokers, ...(sasl ? { sasl } : {}) }, topic: config.KAFKA_TOPIC, partitions: config.KAFKA_PARTITIONS, logger });
  await relay.start();
  const statusRoute = Router();
  statusRoute.get('/status', (_req, res) => {
    const status = relay.status();
    res.json({ ...status, checkpoint: { transactionId: status.checkpoint.transactionId.toString(), position: status.checkpoint.position.toString() } });
  });
  serveService(config, {
    name: 'relay',
    logger,
    routers: [statusRoute],
    routeDocs: [],
    // Kafka being down does not make the relay unready: commands still land in the store, and it catches up.
    async ready() {
      await database.query('select 1');
    },
    async shutdown() {
      await relay.stop();
      await closeStore();
      await database.close();
    },
  });
});

import type { Logger } from 'pino';
import type { EventStore } from '../ports/eventStore/eventStore';
import { isShardedEventStore } from '../ports/eventStore/shardedEventStore';
import type { EventSource } from '../ports/eventSource/eventSource';
import type { KafkaSaslSettings } from '../ports/eventSource/kafkaConnection';
import { storeTailingEventSource } from '../ports/eventSource/storeTailingEventSource';
import type { SqlDatabase } from '../ports/sql/sqlDatabase';

/** Kafka when brokers are configured (production), else the store's own log (one process, no broker). */
export async function eventSourceFor(
  config: { KAFKA_BROKERS?: string | undefined; KAFKA_TOPIC: string } & KafkaSaslSettings,
  store: EventStore,
  checkpoints: SqlDatabase,
  logger: Logger,
  options: { partitionsInParallel?: number; gatherMs?: number } = {},
): Promise<EventSource> {
  if (config.KAFKA_BROKERS) {
    // Loaded only when brokers are configured: the embedded default never loads kafkajs.
    const { kafkaEventSource, kafkaSaslOf } = await import('../ports/kafka');
    const brokers = config.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
    const sasl = kafkaSaslOf(config);
    const { gatherMs, ...rest } = options;
    // Gathering: a fetch waits up to gatherMs for 64 KiB, so a steady trickle arrives in batches, not event by event.
    const gathering = gatherMs === undefined ? {} : { maxWaitMs: gatherMs, minFetchBytes: 64 * 1024 };
    return kafkaEventSource({ connection: { brokers, ...(sasl ? { sasl } : {}) }, topic: config.KAFKA_TOPIC, logger, ...gathering, ...rest });
  }
  // A sharded store's log positions span every shard, wider than a tailer's checkpoint column holds.
  if (isShardedEventStore(store)) throw new Error('invalid configuration: EVENT_STORE_URLS: a sharded event store is read through Kafka (one relay per shard); set KAFKA_BROKERS');
  return storeTailingEventSource(store, checkpoints, {
    onError: (err, consumerGroup) => logger.error({ err, consumerGroup }, 'delivery failed; retrying'),
  });
}

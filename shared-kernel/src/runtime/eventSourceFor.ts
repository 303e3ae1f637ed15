import type { Logger } from 'pino';
import type { EventStore } from '../ports/eventStore/eventStore';
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
  options: { partitionsInParallel?: number } = {},
): Promise<EventSource> {
  if (config.KAFKA_BROKERS) {
    // Loaded only when brokers are configured: the embedded default never loads kafkajs.
    const { kafkaEventSource, kafkaSaslOf } = await import('../ports/kafka');
    const brokers = config.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
    const sasl = kafkaSaslOf(config);
    return kafkaEventSource({ connection: { brokers, ...(sasl ? { sasl } : {}) }, topic: config.KAFKA_TOPIC, logger, ...options });
  }
  return storeTailingEventSource(store, checkpoints, {
    onError: (err, consumerGroup) => logger.error({ err, consumerGroup }, 'delivery failed; retrying'),
  });
}

import type { RecordedEvent } from '../../events/recordedEvent';

/** Receives a batch of events; resolves once their effects are durable. A rejection means "deliver again". */
export type EventBatchHandler = (events: RecordedEvent[]) => Promise<void>;

export interface EventSubscription {
  stop(): Promise<void>;
  /** False while deliveries fail or the source is unreachable. */
  isHealthy(): boolean;
}

/**
 * The fan-out of the global log to consumers (the projector, the notifier). Contract (checked by
 * `eventSourceContract`):
 * - every event appended to the store reaches each consumer group at least once;
 * - events of one stream arrive in stream order; there is no order across streams;
 * - a consumer group resumes after the last batch its handler completed, across restarts;
 *   a batch whose handler rejects is delivered again;
 * - two consumer groups progress independently.
 * Consumers must therefore be idempotent (version guards, ledgers).
 */
export interface EventSource {
  subscribe(consumerGroup: string, handler: EventBatchHandler): Promise<EventSubscription>;
}

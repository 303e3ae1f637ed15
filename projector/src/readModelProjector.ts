import type { RecordedEvent } from '@datebook/shared-kernel';
import type { EventBatchHandler, SqlDatabase } from '@datebook/shared-kernel/ports';
import { projectBatch } from './calendarProjection';

/** The consumer group under which the PostgreSQL read model is built. */
export const READ_MODEL_CONSUMER_GROUP = 'projector-read-model';

/**
 * Applies a delivered batch to the PostgreSQL read model in one transaction. Each write is guarded
 * by its stream version, so the at-least-once deliveries of any EventSource change nothing twice.
 */
export function readModelProjector(readModel: SqlDatabase): EventBatchHandler {
  return (events: RecordedEvent[]) =>
    readModel.transaction((tx) => projectBatch(tx, events));
}

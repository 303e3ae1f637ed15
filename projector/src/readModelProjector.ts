import type { RecordedEvent } from '@datebook/shared-kernel';
import type { AccessStamps, EventBatchHandler, SqlDatabase } from '@datebook/shared-kernel/ports';
import { accessStampTouchesOf } from './accessStampTouches';
import { projectBatch } from './calendarProjection';

/** The consumer group under which the PostgreSQL read model is built. */
export const READ_MODEL_CONSUMER_GROUP = 'projector-read-model';

export interface ReadModelProjectorOptions {
  /** Moved once a batch is in the read model, for the principals it changes (see accessStampTouchesOf). */
  accessStamps?: AccessStamps;
  logger?: { warn(obj: object, msg: string): void };
}

/**
 * Applies a delivered batch to the PostgreSQL read model in one transaction. Each write is guarded
 * by its stream version, so the at-least-once deliveries of any EventSource change nothing twice.
 */
export function readModelProjector(readModel: SqlDatabase, options: ReadModelProjectorOptions = {}): EventBatchHandler {
  return async (events: RecordedEvent[]) => {
    const touched = await readModel.transaction(async (tx) => {
      await projectBatch(tx, events);
      return options.accessStamps ? accessStampTouchesOf(tx, events) : [];
    });
    // After the commit: a reader that sees the new stamp reads the new rows. A failing Redis must not stop
    // the read model; readers then build their answers afresh anyway (stamps unreadable), or at worst keep
    // one for ACCESS_STAMP_READER_MAX_AGE_MS.
    if (touched.length > 0) await options.accessStamps?.touch(touched).catch((err: unknown) => options.logger?.warn({ err }, 'access stamps not moved'));
  };
}

import type { RecordedEvent } from '../../events/recordedEvent';
import type { EventStore } from '../eventStore/eventStore';
import { logCheckpoints } from '../sql/logCheckpoints';
import type { SqlDatabase } from '../sql/sqlDatabase';
import type { EventBatchHandler, EventSource, EventSubscription } from './eventSource';
import { wakeableSleep } from '../wakeableSleep';

export interface StoreTailingOptions {
  batchSize?: number;
  /** How often to look for appends by other processes when no in-process append woke the tailer. */
  pollIntervalMs?: number;
  /** Pause after a failed batch before it is delivered again. */
  retryDelayMs?: number;
  onError?(error: unknown, consumerGroup: string): void;
}

/**
 * An EventSource that reads the store's global log directly (the embedded default: no broker).
 * Checkpoints live in `consumer_checkpoints` of `checkpoints` and advance after each handled batch.
 * Behind on the log (a full batch came), it reads the next batch while the handler works on this one.
 */
export async function storeTailingEventSource(store: EventStore, checkpoints: SqlDatabase, options: StoreTailingOptions = {}): Promise<EventSource> {
  const stored = logCheckpoints(checkpoints, 'consumer_checkpoints', 'consumer_group');
  await stored.ensureSchema();
  // Large enough that catching up costs few round trips per event (statements and view scripts are per batch).
  const batchSize = options.batchSize ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const retryDelayMs = options.retryDelayMs ?? 500;

  return {
    async subscribe(consumerGroup: string, handler: EventBatchHandler): Promise<EventSubscription> {
      let running = true;
      let healthy = true;
      let dirty = true;
      const { sleep, wake } = wakeableSleep();
      const stopListening = store.onAppended(() => {
        dirty = true;
        wake();
      });

      const loop = (async () => {
        let position = await stored.load(consumerGroup);
        let next: Promise<RecordedEvent[]> | undefined;
        while (running) {
          dirty = false;
          try {
            const reading = next ?? store.readAll(position, batchSize);
            next = undefined;
            const batch = await reading;
            const last = batch.at(-1);
            if (last) {
              if (batch.length === batchSize) {
                next = store.readAll(last.logPosition, batchSize);
                // Dropped unread when this batch fails or the subscription stops: its failure is no one's to report.
                next.catch(() => undefined);
              }
              await handler(batch);
              await stored.save(consumerGroup, last.logPosition);
              position = last.logPosition;
              dirty = true;
            }
            healthy = true;
          } catch (error) {
            next = undefined;
            healthy = false;
            options.onError?.(error, consumerGroup);
            await sleep(retryDelayMs);
            continue;
          }
          if (running && !dirty) await sleep(pollIntervalMs);
        }
      })();

      return {
        async stop() {
          running = false;
          stopListening();
          wake();
          await loop;
        },
        isHealthy: () => running && healthy,
      };
    },
  };
}

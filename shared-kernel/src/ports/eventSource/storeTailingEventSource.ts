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
 */
export async function storeTailingEventSource(store: EventStore, checkpoints: SqlDatabase, options: StoreTailingOptions = {}): Promise<EventSource> {
  const stored = logCheckpoints(checkpoints, 'consumer_checkpoints', 'consumer_group');
  await stored.ensureSchema();
  const batchSize = options.batchSize ?? 500;
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
        while (running) {
          dirty = false;
          try {
            const batch = await store.readAll(position, batchSize);
            const last = batch.at(-1);
            if (last) {
              await handler(batch);
              await stored.save(consumerGroup, last.logPosition);
              position = last.logPosition;
              dirty = true;
            }
            healthy = true;
          } catch (error) {
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

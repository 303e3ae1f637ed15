import type { RecordedEvent } from '@datebook/shared-kernel';
import { CALENDAR_PROJECTION, type EventStore, readCheckpoint, type SqlDatabase, writeCheckpoint } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { projectEvent } from './calendarProjection';

export interface LogTailerOptions {
  batchSize?: number;
  /** How often to look for appends by other processes when nothing woke the tailer. */
  pollIntervalMs?: number;
}

/**
 * Builds the read model straight from the event store's global log (the embedded profile, and
 * replays). Each batch and its checkpoint commit in one transaction, so a crash repeats nothing.
 */
export function logTailer(store: EventStore, readModel: SqlDatabase, logger: Logger, options: LogTailerOptions = {}) {
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  let running = false;
  let wake: (() => void) | undefined;
  // Set by every append wake-up, so one that lands while a batch runs is not slept through.
  let dirty = false;
  let loop: Promise<void> | undefined;
  let lastError: unknown;

  async function catchUp(): Promise<number> {
    let applied = 0;
    for (;;) {
      const checkpoint = await readCheckpoint(readModel, CALENDAR_PROJECTION);
      const batch: RecordedEvent[] = await store.readAll(checkpoint, batchSize);
      const last = batch.at(-1);
      if (!last) return applied;
      await readModel.transaction(async (tx) => {
        for (const event of batch) await projectEvent(tx, event);
        await writeCheckpoint(tx, CALENDAR_PROJECTION, last.logPosition);
      });
      applied += batch.length;
    }
  }

  async function run(): Promise<void> {
    while (running) {
      dirty = false;
      try {
        await catchUp();
        lastError = undefined;
      } catch (error) {
        lastError = error;
        logger.error({ err: error }, 'projection batch failed; retrying');
      }
      if (!running) return;
      if (dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  const stopListening = store.onAppended(() => {
    dirty = true;
    wake?.();
  });

  return {
    catchUp,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      stopListening();
      await loop;
    },
    isHealthy: () => running && lastError === undefined,
  };
}

export type LogTailer = ReturnType<typeof logTailer>;

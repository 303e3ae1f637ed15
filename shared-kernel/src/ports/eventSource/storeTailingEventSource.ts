import { type LogPosition, START_OF_LOG } from '../../events/recordedEvent';
import type { EventStore } from '../eventStore/eventStore';
import type { SqlDatabase } from '../sql/sqlDatabase';
import type { EventBatchHandler, EventSource, EventSubscription } from './eventSource';

export const CONSUMER_CHECKPOINT_SCHEMA = `
create table if not exists consumer_checkpoints (
  consumer_group text primary key,
  transaction_id numeric(20) not null,
  position bigint not null,
  updated_at timestamptz not null default now()
);`;

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
  await checkpoints.exec(CONSUMER_CHECKPOINT_SCHEMA);
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const retryDelayMs = options.retryDelayMs ?? 500;

  async function load(group: string): Promise<LogPosition> {
    const { rows } = await checkpoints.query<{ t: string; p: string }>(
      'select transaction_id::text as t, position::text as p from consumer_checkpoints where consumer_group = $1',
      [group],
    );
    const row = rows[0];
    return row ? { transactionId: BigInt(row.t), position: BigInt(row.p) } : START_OF_LOG;
  }

  async function save(group: string, position: LogPosition): Promise<void> {
    await checkpoints.query(
      `insert into consumer_checkpoints (consumer_group, transaction_id, position, updated_at) values ($1, $2::numeric, $3::bigint, now())
       on conflict (consumer_group) do update set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()`,
      [group, position.transactionId.toString(), position.position.toString()],
    );
  }

  return {
    async subscribe(consumerGroup: string, handler: EventBatchHandler): Promise<EventSubscription> {
      let running = true;
      let healthy = true;
      let dirty = true;
      let wake: (() => void) | undefined;
      const sleep = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }).finally(() => {
          wake = undefined;
        });
      const stopListening = store.onAppended(() => {
        dirty = true;
        wake?.();
      });

      const loop = (async () => {
        let position = await load(consumerGroup);
        while (running) {
          dirty = false;
          try {
            const batch = await store.readAll(position, batchSize);
            const last = batch.at(-1);
            if (last) {
              await handler(batch);
              await save(consumerGroup, last.logPosition);
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
          wake?.();
          await loop;
        },
        isHealthy: () => running && healthy,
      };
    },
  };
}

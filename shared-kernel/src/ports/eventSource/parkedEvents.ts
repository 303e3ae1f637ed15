import type { RecordedEvent } from '../../events/recordedEvent';
import { applySchema } from '../sql/appliedSchema';
import type { SqlDatabase } from '../sql/sqlDatabase';

/** One event a consumer group could not handle, kept aside so the group goes on with the rest. */
export interface ParkedEvent {
  consumerGroup: string;
  streamName: string;
  streamVersion: number;
  eventType: string;
  error: string;
  parkedAt: string;
  redriveRequested: boolean;
}

export const PARKED_EVENTS_SCHEMA = `
create table if not exists parked_events (
  consumer_group text not null,
  stream_name text not null,
  stream_version bigint not null,
  log_position text not null,
  event_type text not null,
  error text not null,
  parked_at timestamptz not null default now(),
  redrive_requested boolean not null default false,
  primary key (consumer_group, stream_name, stream_version)
);`;

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);

/**
 * The parked-event table of one database (the consumer's own). Rows are keyed by (group, stream,
 * version), so parking the same event twice (a redelivered batch) keeps one row.
 */
export function parkedEvents(db: SqlDatabase) {
  return {
    async ensureSchema(): Promise<void> {
      await applySchema(db, 'parked-events', PARKED_EVENTS_SCHEMA);
    },
    async park(consumerGroup: string, event: RecordedEvent, error: unknown): Promise<void> {
      await db.query(
        `insert into parked_events (consumer_group, stream_name, stream_version, log_position, event_type, error)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (consumer_group, stream_name, stream_version) do update set error = excluded.error, redrive_requested = false`,
        [consumerGroup, event.streamName, event.streamVersion, `${event.logPosition.transactionId}/${event.logPosition.position}`, event.type, describe(error)],
      );
    },
    async count(consumerGroup: string): Promise<number> {
      const { rows } = await db.query<{ n: string }>('select count(*)::text as n from parked_events where consumer_group = $1', [consumerGroup]);
      return Number(rows[0]?.n ?? 0);
    },
    async list(consumerGroup?: string): Promise<ParkedEvent[]> {
      const { rows } = await db.query<{ consumer_group: string; stream_name: string; stream_version: string; event_type: string; error: string; parked_at: Date | string; redrive_requested: boolean }>(
        `select consumer_group, stream_name, stream_version::text, event_type, error, parked_at, redrive_requested from parked_events
         where $1::text is null or consumer_group = $1 order by parked_at, stream_name, stream_version`,
        [consumerGroup ?? null],
      );
      return rows.map((r) => ({
        consumerGroup: r.consumer_group, streamName: r.stream_name, streamVersion: Number(r.stream_version), eventType: r.event_type,
        error: r.error, parkedAt: new Date(r.parked_at).toISOString(), redriveRequested: r.redrive_requested,
      }));
    },
    /** Asks the consumers to try their parked events again (all groups when none is named); how many rows. */
    async requestRedrive(consumerGroup?: string): Promise<number> {
      const { rowCount } = await db.query('update parked_events set redrive_requested = true where $1::text is null or consumer_group = $1', [consumerGroup ?? null]);
      return rowCount;
    },
    async redriveRequests(consumerGroup: string): Promise<{ streamName: string; streamVersion: number }[]> {
      const { rows } = await db.query<{ stream_name: string; stream_version: string }>(
        'select stream_name, stream_version::text from parked_events where consumer_group = $1 and redrive_requested order by parked_at, stream_name, stream_version',
        [consumerGroup],
      );
      return rows.map((r) => ({ streamName: r.stream_name, streamVersion: Number(r.stream_version) }));
    },
    async release(consumerGroup: string, streamName: string, streamVersion: number): Promise<void> {
      await db.query('delete from parked_events where consumer_group = $1 and stream_name = $2 and stream_version = $3', [consumerGroup, streamName, streamVersion]);
    },
  };
}

export type ParkedEvents = ReturnType<typeof parkedEvents>;

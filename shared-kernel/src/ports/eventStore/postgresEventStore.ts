import type { EventMetadata, LogPosition, RecordedEvent } from '../../events/recordedEvent';
import { applySchema } from '../sql/appliedSchema';
import { isUniqueViolation, type SqlDatabase, type SqlExecutor } from '../sql/sqlDatabase';
import { appendSignal } from './appendSignal';
import { type AppendResult, type EventStore, type EventToAppend, type ExpectedVersion, type NewStream, newStreamsTaken, WrongExpectedVersionError } from './eventStore';
import { postgresGroupCommit } from './postgresGroupCommit';

// Emmett / Message DB style: (stream_name, stream_version) is the optimistic-concurrency key; the
// transaction id lets global readers wait for late commits (a bigserial is taken at insert, not commit).
export const EVENT_STORE_SCHEMA = `
create table if not exists es_events (
  global_position bigint generated always as identity,
  transaction_id xid8 not null default pg_current_xact_id(),
  stream_name text not null,
  stream_version bigint not null,
  event_id uuid not null,
  event_type text not null,
  data jsonb not null,
  metadata jsonb not null,
  recorded_at timestamptz not null default now(),
  primary key (stream_name, stream_version)
);
create index if not exists es_events_log on es_events (transaction_id, global_position);
`;

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_name: string;
  stream_version: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date | string;
}

// Qualify ORDER BY columns: these text casts keep the bare names, and text order puts "10" before "9".
const columnsOf = (table: string) => `${table}.global_position::text, ${table}.transaction_id::text, ${table}.stream_name, ${table}.stream_version::text,
  ${table}.event_id::text, ${table}.event_type, ${table}.data, ${table}.metadata, ${table}.recorded_at`;
const SELECT_COLUMNS = columnsOf('es_events');

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventID: row.event_id,
    streamName: row.stream_name,
    streamVersion: Number(row.stream_version),
    logPosition: { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) },
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: new Date(row.recorded_at),
  };
}

/** The EventStore on PostgreSQL; runs unchanged on a server (`pg`) or embedded (PGlite). */
export async function postgresEventStore(db: SqlDatabase, options: { schemaApplied?: boolean } = {}): Promise<EventStore> {
  if (!options.schemaApplied) await applySchema(db, 'event-store', EVENT_STORE_SCHEMA);
  const appended = appendSignal();

  async function currentVersion(tx: SqlExecutor, streamName: string): Promise<number | null> {
    const { rows } = await tx.query<{ version: string | null }>(
      'select max(stream_version)::text as version from es_events where stream_name = $1',
      [streamName],
    );
    const version = rows[0]?.version;
    return version === null || version === undefined ? null : Number(version);
  }

  const store: EventStore = {
    firstVersion: 1,

    async appendToStream(streamName: string, events: EventToAppend[], expected: ExpectedVersion): Promise<AppendResult> {
      if (events.length === 0) throw new Error('appendToStream needs at least one event');
      // One statement, one round trip: the version check and the insert see the same snapshot, and a
      // concurrent writer of the same version hits the primary key. Versions start at 1, so 0 = no stream.
      const params: unknown[] = [streamName, expected === 'any' ? null : expected === 'no_stream' ? 0 : expected];
      const values = events.map((event, index) => {
        params.push(event.eventID, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
        const p = params.length - 3;
        return `(${index + 1}, $${p}::uuid, $${p + 1}, $${p + 2}::jsonb, $${p + 3}::jsonb)`;
      });
      let rows: { transaction_id: string; global_position: string; stream_version: string }[];
      try {
        ({ rows } = await db.query<{ transaction_id: string; global_position: string; stream_version: string }>(
          `with current as (select coalesce(max(stream_version), 0) as version from es_events where stream_name = $1)
           insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata)
           select $1, current.version + e.n, e.event_id, e.event_type, e.data, e.metadata
           from current, (values ${values.join(', ')}) as e(n, event_id, event_type, data, metadata)
           where $2::bigint is null or current.version = $2::bigint
           order by e.n
           returning transaction_id::text, global_position::text, stream_version::text`,
          params,
        ));
      } catch (error) {
        // A concurrent writer inserted the same version first.
        if (isUniqueViolation(error)) throw new WrongExpectedVersionError(streamName, expected, null);
        throw error;
      }
      const last = rows.reduce<(typeof rows)[number] | undefined>((max, row) => (!max || Number(row.stream_version) > Number(max.stream_version) ? row : max), undefined);
      if (!last) throw new WrongExpectedVersionError(streamName, expected, await currentVersion(db, streamName));
      appended.notify();
      return {
        nextExpectedVersion: Number(last.stream_version),
        logPosition: { transactionId: BigInt(last.transaction_id), position: BigInt(last.global_position) },
      };
    },

    async appendNewStreams(streams: NewStream[]): Promise<AppendResult[]> {
      if (streams.some((s) => s.events.length === 0)) throw new Error('appendNewStreams needs at least one event per stream');
      if (streams.length === 0) return [];
      // One statement, one commit: every stream from version 1; an existing stream owns its version 1
      // already, so the primary key refuses the whole statement and nothing is appended.
      let n = 0;
      const rows = streams.flatMap(({ streamName, events }) => events.map((event, index) => ({
        n: n++, stream_name: streamName, stream_version: index + 1, event_id: event.eventID, event_type: event.type, data: event.data, metadata: event.metadata,
      })));
      let inserted: { stream_name: string; transaction_id: string; global_position: string; stream_version: string }[];
      try {
        ({ rows: inserted } = await db.query(
          `insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata)
           select stream_name, stream_version, event_id, event_type, data, metadata
           from jsonb_to_recordset($1::jsonb) as e(n bigint, stream_name text, stream_version bigint, event_id uuid, event_type text, data jsonb, metadata jsonb)
           order by n
           returning stream_name, transaction_id::text, global_position::text, stream_version::text`,
          [JSON.stringify(rows)],
        ));
      } catch (error) {
        if (isUniqueViolation(error)) throw newStreamsTaken(streams);
        throw error;
      }
      appended.notify();
      const last = new Map<string, (typeof inserted)[number]>();
      for (const row of inserted) {
        const seen = last.get(row.stream_name);
        if (!seen || Number(row.stream_version) > Number(seen.stream_version)) last.set(row.stream_name, row);
      }
      return streams.map(({ streamName }) => {
        const row = last.get(streamName);
        if (!row) throw new Error(`stream ${streamName} was not appended`);
        return { nextExpectedVersion: Number(row.stream_version), logPosition: { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) } };
      });
    },

    async readStream(streamName, afterVersion) {
      const { rows } = await db.query<EventRow>(
        `select ${SELECT_COLUMNS} from es_events where stream_name = $1 and es_events.stream_version > $2 order by es_events.stream_version`,
        [streamName, afterVersion ?? -1],
      );
      const events = rows.map(toRecorded);
      const last = events[events.length - 1];
      return { events, currentVersion: last ? last.streamVersion : (afterVersion ?? null) };
    },

    async readStreams(reads) {
      if (reads.length === 0) return [];
      if (reads.length === 1) return [await store.readStream(reads[0]!.streamName, reads[0]!.afterVersion)];
      // One statement: each asked stream (by its place in the list) with its events after the version. LATERAL
      // keeps it one primary-key range per stream: as a plain join, a table with a few long streams (a calendar
      // shared with 10,000 people) looked to the planner like few distinct streams, and it chose to hash-join a
      // sequential scan of the whole log (55 ms instead of 0.1).
      const { rows } = await db.query<EventRow & { asked: string }>(
        `select k.asked::text as asked, ${columnsOf('e')}
         from unnest($1::text[], $2::bigint[]) with ordinality as k(stream_name, after, asked)
         cross join lateral (
           select * from es_events where es_events.stream_name = k.stream_name and es_events.stream_version > k.after order by es_events.stream_version
         ) e
         order by k.asked, e.stream_version`,
        [reads.map((r) => r.streamName), reads.map((r) => r.afterVersion ?? -1)],
      );
      const events: RecordedEvent[][] = reads.map(() => []);
      for (const row of rows) events[Number(row.asked) - 1]!.push(toRecorded(row));
      return reads.map((r, i) => {
        const last = events[i]!.at(-1);
        return { events: events[i]!, currentVersion: last ? last.streamVersion : (r.afterVersion ?? null) };
      });
    },

    async readAll(after: LogPosition, limit: number) {
      // Only rows of transactions older than every running one: nothing can commit before them any more.
      const { rows } = await db.query<EventRow>(
        `select ${SELECT_COLUMNS} from es_events
         where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
           and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         order by es_events.transaction_id, es_events.global_position
         limit $3`,
        [after.transactionId.toString(), after.position.toString(), limit],
      );
      return rows.map(toRecorded);
    },

    onAppended: appended.onAppended,
  };
  // Concurrent appends share one statement and one commit (postgresGroupCommit.ts); an append alone is the statement above.
  const groupCommit = postgresGroupCommit(db, { appendAlone: store.appendToStream, notify: appended.notify });
  return { ...store, appendToStream: groupCommit.append };
}

import { type LogPosition, type RecordedEvent, START_OF_LOG } from '@datebook/shared-kernel';
import { type EventStore, READ_MODEL_SCHEMA, type SqlDatabase, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { projectBatch } from '../calendarProjection';

const TABLES = ['rm_users', 'rm_events', 'rm_event_users', 'rm_calendars', 'rm_calendar_rules', 'rm_collections', 'rm_collection_members'] as const;

/** A content checksum of the read model in a schema: equal checksums mean equal views. */
export async function readModelChecksum(db: SqlExecutor, schema: string): Promise<string> {
  const parts: string[] = [];
  // Columns that say when a row was written, not what it says, are left out.
  const queries = {
    rm_users: `select md5(coalesce(string_agg(t::text, '|' order by user_id), '')) as sum from (select user_id, user_name, email, time_zone, default_reminders, working_hours, version from ${schema}.rm_users) t`,
    rm_events: `select md5(coalesce(string_agg(t::text, '|' order by event_id), '')) as sum from (select event_id, state, version, status from ${schema}.rm_events) t`,
    rm_event_users: `select md5(coalesce(string_agg(t::text, '|' order by event_id, user_id), '')) as sum from (select * from ${schema}.rm_event_users) t`,
    rm_calendars: `select md5(coalesce(string_agg(t::text, '|' order by calendar_id), '')) as sum from (select * from ${schema}.rm_calendars) t`,
    rm_calendar_rules: `select md5(coalesce(string_agg(t::text, '|' order by calendar_id, rule_id), '')) as sum from (select * from ${schema}.rm_calendar_rules) t`,
    // Counters and departures depend on how the log was batched; what each collection holds does not.
    rm_collection_members: `select md5(coalesce(string_agg(t::text, '|' order by collection_id, event_id), '')) as sum from (select collection_id, event_id, span_start, span_end from ${schema}.rm_collection_members where present) t`,
  };
  // rm_collections holds counters only (see the comment above).
  for (const table of Object.keys(queries) as (keyof typeof queries)[]) {
    const { rows } = await db.query<{ sum: string }>(queries[table]);
    parts.push(`${table}:${rows[0]?.sum ?? ''}`);
  }
  return parts.join(' ');
}

export interface ReplayResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  checksum: string;
  liveChecksum: string;
  switched: boolean;
}

/** The shares of a batch projected at once, each in its own transaction: every stream wholly in one, its events in order. */
const SHARES_AT_ONCE = 2;

function sharesOf(batch: RecordedEvent[], count: number): RecordedEvent[][] {
  const shares: RecordedEvent[][] = Array.from({ length: count }, () => []);
  for (const event of batch) {
    let hash = 0;
    for (let i = 0; i < event.streamName.length; i++) hash = (Math.imul(hash, 31) + event.streamName.charCodeAt(i)) | 0;
    shares[Math.abs(hash) % count]!.push(event);
  }
  return shares.filter((share) => share.length > 0);
}

/**
 * Projects the log from `from` into `schema`, reading each batch while the one before is projected, and
 * projecting each batch in SHARES_AT_ONCE transactions at once: streams are disjoint between them and every
 * write is guarded by its stream's version, so they commit in any order (the collections' counters they
 * share are locked in one order by each, see projectCollections).
 */
async function catchUp(store: EventStore, db: SqlDatabase, schema: string, from: LogPosition, batchSize: number): Promise<{ position: LogPosition; events: number }> {
  let position = from;
  let events = 0;
  let next = store.readAll(position, batchSize);
  for (;;) {
    const batch = await next;
    const last = batch.at(-1);
    if (!last) return { position, events };
    next = store.readAll(last.logPosition, batchSize);
    // Awaited on the next turn; a failure of this batch leaves it unread.
    next.catch(() => undefined);
    const outcomes = await Promise.allSettled(sharesOf(batch, SHARES_AT_ONCE).map((share) => db.transaction(async (tx) => {
      await tx.query(`set local search_path to ${schema}, public`);
      await projectBatch(tx, share);
    })));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    position = last.logPosition;
    events += batch.length;
  }
}

/**
 * Rebuilds the PostgreSQL read model from the start of the log into a fresh schema while the live one
 * keeps serving, then, in one transaction that holds the live tables still, applies what arrived
 * meanwhile, compares checksums and swaps the rebuilt tables in (blue/green). A mismatch switches nothing
 * unless forced, and leaves the rebuilt schema for inspection.
 */
export async function replayReadModel(store: EventStore, db: SqlDatabase, options: { batchSize?: number; switchOver?: boolean; force?: boolean } = {}): Promise<ReplayResult> {
  const batchSize = options.batchSize ?? 2000;
  const schema = `rm_rebuild_${Date.now()}`;
  await db.exec(`create schema ${schema}; set search_path to ${schema}; ${READ_MODEL_SCHEMA}; set search_path to public;`);
  const started = process.hrtime.bigint();
  const built = await catchUp(store, db, schema, START_OF_LOG, batchSize);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const outcome = await db.transaction(async (tx) => {
    // Hold the live tables still: the live projector waits, readers keep reading until the swap.
    await tx.query(`lock table ${TABLES.map((t) => `public.${t}`).join(', ')} in exclusive mode`);
    let position = built.position;
    for (;;) {
      const batch = await store.readAll(position, batchSize);
      const last = batch.at(-1);
      if (!last) break;
      await tx.query(`set local search_path to ${schema}, public`);
      await projectBatch(tx, batch);
      await tx.query('set local search_path to public');
      position = last.logPosition;
    }
    const checksum = await readModelChecksum(tx, schema);
    const liveChecksum = await readModelChecksum(tx, 'public');
    // A mismatch means the live view drifted from the log; `force` takes the rebuilt one, which is right by construction.
    if ((checksum !== liveChecksum && !options.force) || options.switchOver === false) return { checksum, liveChecksum, switched: false };
    const retired = `${schema}_retired`;
    await tx.query(`create schema ${retired}`);
    for (const table of TABLES) {
      await tx.query(`alter table public.${table} set schema ${retired}`);
      await tx.query(`alter table ${schema}.${table} set schema public`);
    }
    return { checksum, liveChecksum, switched: true };
  });
  if (outcome.switched) await db.exec(`drop schema ${schema}_retired cascade; drop schema ${schema} cascade;`);
  return { events: built.events, seconds, eventsPerSecond: built.events / Math.max(seconds, 1e-9), ...outcome };
}

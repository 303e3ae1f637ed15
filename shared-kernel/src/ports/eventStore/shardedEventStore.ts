import { createHash } from 'node:crypto';
import type { LogPosition, RecordedEvent } from '../../events/recordedEvent';
import { applySchema } from '../sql/appliedSchema';
import { type SqlDatabase, type SqlExecutor } from '../sql/sqlDatabase';
import { appendSignal } from './appendSignal';
import { type AppendResult, type EventStore, type NewStream, newStreamsTaken, type StreamRead, type StreamReadResult, WrongExpectedVersionError } from './eventStore';
import { postgresEventStore } from './postgresEventStore';

/** An EventStore over several PostgreSQL databases, each stream wholly in one of them. */
export interface ShardedEventStore extends EventStore {
  readonly shardCount: number;
  /** The shard (index into the databases given) a stream lives in: a stable hash of its name. */
  shardOf(streamName: string): number;
}

/** Whether `store` spreads its streams over shards (and so has no single log to tail with one checkpoint). */
export function isShardedEventStore(store: EventStore): store is ShardedEventStore {
  return typeof (store as Partial<ShardedEventStore>).shardOf === 'function';
}

/**
 * The shard a stream name maps to among `shardCount`: the first 32 bits of its SHA-256, so every process
 * and every version agrees. Fixed for the life of the data: another count would look for streams where
 * they are not (each shard records its place, and a store opened with another count refuses to start).
 */
export function shardOfStream(streamName: string, shardCount: number): number {
  return createHash('sha256').update(streamName, 'utf8').digest().readUInt32BE(0) % shardCount;
}

// Which shard a database is, written once, so a list given in another order or length is refused at open.
const SHARD_SCHEMA = `create table if not exists es_shard (
  only_row boolean primary key default true check (only_row),
  shard_index integer not null,
  shard_count integer not null
);`;

/**
 * A log position of the merged log: one 64-bit lane per shard, each that shard's own position (xid8 and
 * bigint both fit 64 bits), lane i at bits 64·i of `transactionId` and of `position`. A reader that
 * checkpoints the last position it was given resumes every shard exactly where it left it. Positions
 * only ever grow along the merged log (each step raises one lane), as `compareLogPositions` expects, and
 * lane 0 alone is the position of a one-shard store, so START_OF_LOG is the start of every shard.
 */
const LANE_BITS = 64n;
const LANE_MASK = (1n << LANE_BITS) - 1n;

function lanesOf(position: LogPosition, shardCount: number): LogPosition[] {
  return Array.from({ length: shardCount }, (_, i) => {
    const shift = LANE_BITS * BigInt(i);
    return { transactionId: (position.transactionId >> shift) & LANE_MASK, position: (position.position >> shift) & LANE_MASK };
  });
}

function packed(lanes: readonly LogPosition[]): LogPosition {
  let transactionId = 0n;
  let position = 0n;
  lanes.forEach((lane, i) => {
    const shift = LANE_BITS * BigInt(i);
    transactionId |= lane.transactionId << shift;
    position |= lane.position << shift;
  });
  return { transactionId, position };
}

/**
 * A shard's open transaction as the SqlDatabase its PostgresEventStore runs on, for the one write that
 * spans shards. The shard's schema exists already (it was opened), so the store is opened without it.
 */
function withinTransaction(tx: SqlExecutor): SqlDatabase {
  return {
    query: (text, params) => tx.query(text, params),
    transaction: (work) => work(tx),
    exec: async () => undefined,
    close: async () => undefined,
  };
}

/** Creates the shard's record on first open and checks it on every later one. */
async function checkShardIdentity(db: SqlDatabase, index: number, count: number): Promise<void> {
  // Two processes creating the table at once take turns (applySchema); the first row written stands.
  await applySchema(db, 'event-store-shard', SHARD_SCHEMA);
  await db.query('insert into es_shard (shard_index, shard_count) values ($1, $2) on conflict do nothing', [index, count]);
  const { rows } = await db.query<{ shard_index: number; shard_count: number }>('select shard_index, shard_count from es_shard');
  const found = rows[0];
  if (!found || found.shard_index !== index || found.shard_count !== count) {
    throw new Error(
      `event store shard ${index + 1} of ${count} is recorded as shard ${(found?.shard_index ?? 0) + 1} of ${found?.shard_count ?? '?'}: ` +
        'give the shards in the order and number they were created with (streams are placed by a hash of their name modulo the count)',
    );
  }
}

/**
 * The event store split over several PostgreSQL databases by stream (the scale-out profile's
 * `EVENT_STORE_URLS`). Each stream lives wholly in the shard `shardOfStream` names, so everything the
 * system relies on per stream holds as on one database: versions, optimistic concurrency, order. What
 * differs, exactly:
 * - `readAll` merges the shards' logs: each shard's events in that shard's own order, shards interleaved
 *   by recording time, positions packed one lane per shard (see `packed`). A reader that checkpoints the
 *   last position it saw skips nothing and sees nothing twice. Across shards there is no order to keep
 *   (nothing relates two streams but time), and on separate servers a transaction held open on one shard
 *   holds back only that shard. The store-tailing event source cannot keep these wide positions in its
 *   checkpoint column: production reads each shard through its own relay (one per shard, into one topic).
 * - Positions returned by appends and `readStream` name the event in its shard (its lane alone).
 * - `appendNewStreams` over streams of several shards inserts into each shard in shard order, each in
 *   a transaction held open until every shard has inserted, then commits them, the last shard first: a
 *   stream that exists, a value a shard refuses, or a shard that is down starts none of them. It is not an
 *   atomic commitment across databases (that is two-phase commit, PREPARE TRANSACTION, which needs
 *   `max_prepared_transactions` > 0 and a recovery step): if a shard fails between its own commit and
 *   the next one's (a crash, a lost connection), the later shards' streams are started and the earlier
 *   ones' are not, and the call throws. Its one caller, the iCalendar import, is idempotent by UID, so
 *   importing the file again completes it. Inserting in shard order is what keeps two such writes from
 *   waiting on each other across databases, where no server could see the deadlock.
 */
export async function shardedEventStore(databases: readonly SqlDatabase[]): Promise<ShardedEventStore> {
  if (databases.length === 0) throw new Error('a sharded event store needs at least one database');
  const shardCount = databases.length;
  for (const [index, db] of databases.entries()) await checkShardIdentity(db, index, shardCount);
  const shards = await Promise.all(databases.map((db) => postgresEventStore(db)));
  const spanningAppends = appendSignal();
  const shardOf = (streamName: string) => shardOfStream(streamName, shardCount);
  const storeOf = (streamName: string) => shards[shardOf(streamName)] as EventStore;

  /** A shard's own position as a position of this store: its lane, the others zero. */
  const onLane = (shard: number, position: LogPosition): LogPosition => packed(Array.from({ length: shardCount }, (_, i) => (i === shard ? position : { transactionId: 0n, position: 0n })));
  const withLane = (shard: number) => (event: RecordedEvent): RecordedEvent => ({ ...event, logPosition: onLane(shard, event.logPosition) });
  const resultOnLane = (shard: number) => (result: AppendResult): AppendResult => ({ ...result, logPosition: onLane(shard, result.logPosition) });
  const readOnLane = (shard: number) => (read: StreamReadResult): StreamReadResult => ({ ...read, events: read.events.map(withLane(shard)) });

  /** Inserts each group into its shard in shard order, every transaction open until the last has inserted. */
  async function insertHolding(groups: { shard: number; streams: NewStream[] }[], from = 0): Promise<AppendResult[][]> {
    const group = groups[from];
    if (!group) return [];
    return (databases[group.shard] as SqlDatabase).transaction(async (tx) => {
      const here = await (await postgresEventStore(withinTransaction(tx), { schemaApplied: true })).appendNewStreams(group.streams);
      // A later shard that refuses, or fails to commit, rolls this one back: its rejection passes through here.
      return [here, ...(await insertHolding(groups, from + 1))];
    });
  }

  const store: ShardedEventStore = {
    firstVersion: 1,
    shardCount,
    shardOf,

    async appendToStream(streamName, events, expected) {
      const shard = shardOf(streamName);
      return resultOnLane(shard)(await storeOf(streamName).appendToStream(streamName, events, expected));
    },

    async appendNewStreams(streams) {
      if (streams.some((s) => s.events.length === 0)) throw new Error('appendNewStreams needs at least one event per stream');
      if (streams.length === 0) return [];
      const byShard = new Map<number, NewStream[]>();
      for (const stream of streams) {
        const shard = shardOf(stream.streamName);
        byShard.set(shard, [...(byShard.get(shard) ?? []), stream]);
      }
      const groups = [...byShard].sort(([a], [b]) => a - b).map(([shard, list]) => ({ shard, streams: list }));
      // One shard: its own single commit, all or none.
      if (groups.length === 1) {
        const only = groups[0] as (typeof groups)[number];
        return (await (shards[only.shard] as EventStore).appendNewStreams(streams)).map(resultOnLane(only.shard));
      }
      const results = await insertHolding(groups).catch((error: unknown) => {
        // Whichever shard found one of them taken, the answer is about the whole call, as on one database.
        throw error instanceof WrongExpectedVersionError ? newStreamsTaken(streams) : error;
      });
      spanningAppends.notify();
      const byName = new Map<string, AppendResult>();
      groups.forEach((group, g) => group.streams.forEach((s, i) => byName.set(s.streamName, resultOnLane(group.shard)((results[g] as AppendResult[])[i] as AppendResult))));
      return streams.map((s) => byName.get(s.streamName) as AppendResult);
    },

    async readStream(streamName, afterVersion) {
      return readOnLane(shardOf(streamName))(await storeOf(streamName).readStream(streamName, afterVersion));
    },

    async readStreams(reads: readonly StreamRead[]) {
      // One round trip per shard asked, all at once; the answers go back in the order asked.
      const asked = new Map<number, { read: StreamRead; at: number }[]>();
      reads.forEach((read, at) => {
        const shard = shardOf(read.streamName);
        asked.set(shard, [...(asked.get(shard) ?? []), { read, at }]);
      });
      const results: StreamReadResult[] = new Array(reads.length);
      await Promise.all([...asked].map(async ([shard, list]) => {
        const found = await (shards[shard] as EventStore).readStreams(list.map((l) => l.read));
        list.forEach((l, i) => {
          results[l.at] = readOnLane(shard)(found[i] as StreamReadResult);
        });
      }));
      return results;
    },

    async readAll(after, limit) {
      const lanes = lanesOf(after, shardCount);
      const pages = await Promise.all(shards.map((shard, i) => shard.readAll(lanes[i] as LogPosition, limit)));
      const next = pages.map(() => 0);
      const merged: RecordedEvent[] = [];
      while (merged.length < limit) {
        let pick = -1;
        let unknownAhead = false;
        pages.forEach((page, i) => {
          const head = page[next[i] as number];
          // A full page read to its end may have more behind it, which could come before any other shard's next.
          if (!head) unknownAhead ||= page.length === limit;
          else if (pick < 0 || head.recordedAt < ((pages[pick] as RecordedEvent[])[next[pick] as number] as RecordedEvent).recordedAt) pick = i;
        });
        if (pick < 0 || unknownAhead) break;
        const event = (pages[pick] as RecordedEvent[])[next[pick] as number] as RecordedEvent;
        next[pick] = (next[pick] as number) + 1;
        lanes[pick] = event.logPosition;
        merged.push({ ...event, logPosition: packed(lanes) });
      }
      return merged;
    },

    onAppended(listener) {
      const stops = [...shards.map((shard) => shard.onAppended(listener)), spanningAppends.onAppended(listener)];
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
  return store;
}

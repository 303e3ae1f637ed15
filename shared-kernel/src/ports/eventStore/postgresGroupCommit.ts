import type { SqlExecutor } from '../sql/sqlDatabase';
import { type AppendResult, type EventToAppend, type ExpectedVersion, WrongExpectedVersionError } from './eventStore';

/** One `appendToStream` call, as the store was asked. */
export type AppendAlone = (streamName: string, events: EventToAppend[], expected: ExpectedVersion) => Promise<AppendResult>;

export interface GroupCommitOptions {
  /** The store's own statement for one append: a group of one, and each append of a group PostgreSQL refused as a whole. */
  appendAlone: AppendAlone;
  /** Told once per group statement that committed anything (the store's `onAppended` signal). */
  notify(): void;
  /** Group statements running at once (default 1: appends arriving meanwhile wait and go together in the next). */
  maxInFlight?: number;
  /** At most this many appends in one statement. */
  maxAppends?: number;
  /** At most this many events in one statement (an append with more goes alone). */
  maxEvents?: number;
}

interface Pending {
  streamName: string;
  events: EventToAppend[];
  expected: ExpectedVersion;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface GroupRow {
  /** An inserted event (its stream, version and place in the log), or the head of a stream whose append was refused. */
  refused: boolean;
  stream_name: string;
  version: string;
  transaction_id: string | null;
  global_position: string | null;
}

// Each append's events after its own stream's head, where its expected version matches; the heads of those
// whose version does not, so they fail with the actual version. A group holds each stream once (see `take`),
// so the stream names the append. Rows go in by stream name: two processes' groups then take their row locks
// in one order and never wait for each other in a cycle.
const GROUP_STATEMENT = `
with input as (
  select * from jsonb_to_recordset($1::jsonb)
    as x(n int, stream_name text, expected bigint, event_id uuid, event_type text, data jsonb, metadata jsonb)
),
heads as (
  select s.stream_name, s.expected,
    coalesce((select max(e.stream_version) from es_events e where e.stream_name = s.stream_name), 0) as version
  from (select distinct stream_name, expected from input) s
),
inserted as (
  insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata)
  select i.stream_name, h.version + i.n, i.event_id, i.event_type, i.data, i.metadata
  from input i join heads h on h.stream_name = i.stream_name
  where h.expected is null or h.version = h.expected
  order by i.stream_name, i.n
  returning stream_name, stream_version, transaction_id, global_position
)
select false as refused, stream_name, stream_version::text as version, transaction_id::text, global_position::text from inserted
union all
select true, stream_name, version::text, null, null from heads where not (expected is null or version = expected)`;

/**
 * PostgreSQL refused the group's statement for what one of its appends carries or met (SQLSTATE classes 22: a
 * value it cannot store, 23: a constraint, the primary key a racing writer took; 40: a deadlock with a racing
 * writer; 54: a limit): rolled back, nothing written, and alone each append meets only its own fault. Anything
 * else (a lost connection, whose commit is unknown; a fault of the statement itself) is every append's.
 */
function refusedAsAWhole(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['22', '23', '40', '54'].includes(code.slice(0, 2));
}

/** An append's events as rows of the group statement's input (JSON, without the array's brackets). */
function rowsOf({ streamName, events, expected }: Pending): string {
  // The version `expected` names (versions start at 1, so no stream is 0); null for 'any'.
  const version = expected === 'any' ? null : expected === 'no_stream' ? 0 : expected;
  return events
    .map((event, index) => JSON.stringify({
      n: index + 1, stream_name: streamName, expected: version, event_id: event.eventID, event_type: event.type, data: event.data, metadata: event.metadata,
    }))
    .join(',');
}

/**
 * Group commit, as EventStoreDB's writer does it: appends that arrive while a commit is in flight are
 * written together, in ONE statement and one commit, when it returns. Under load a commit (and its WAL
 * flush) is shared by many appends; alone, an append goes at once, by the store's own statement.
 *
 * Each append keeps its own contract: its expected version is checked against its own stream, and one that
 * does not match fails alone (WrongExpectedVersionError) while the others are written; its events are all
 * written or none. A stream appears once per group, and never in two statements at once: a second append to
 * it waits for the next group and is checked against what the first wrote, so of concurrent appends with the
 * same expected version exactly one succeeds. When PostgreSQL refuses a group statement as a whole for what
 * one append carries or met (a racing writer of another process took a version first: a unique violation; a
 * value it cannot store), nothing of it was written, and each append is tried again alone, so that fault is
 * one append's only (see `refusedAsAWhole`).
 */
export function postgresGroupCommit(db: SqlExecutor, options: GroupCommitOptions): { append: AppendAlone } {
  const maxInFlight = options.maxInFlight ?? 1;
  const maxAppends = options.maxAppends ?? 200;
  const maxEvents = options.maxEvents ?? 2000;
  const queue: Pending[] = [];
  const busyStreams = new Set<string>();
  let inFlight = 0;
  let drainScheduled = false;

  /** The next group: oldest first, each stream once and none that a running statement writes. */
  function take(): Pending[] {
    const group: Pending[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (let i = 0; i < queue.length && group.length < maxAppends; ) {
      const pending = queue[i]!;
      const fits = group.length === 0 || events + pending.events.length <= maxEvents;
      if (streams.has(pending.streamName) || busyStreams.has(pending.streamName) || !fits) {
        // Later appends to a skipped stream are skipped too, so each stream's appends keep their order.
        streams.add(pending.streamName);
        i++;
        continue;
      }
      queue.splice(i, 1);
      group.push(pending);
      streams.add(pending.streamName);
      events += pending.events.length;
    }
    return group;
  }

  function drain(): void {
    drainScheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const group = take();
      if (group.length === 0) return;
      inFlight++;
      for (const pending of group) busyStreams.add(pending.streamName);
      void commit(group).finally(() => {
        inFlight--;
        for (const pending of group) busyStreams.delete(pending.streamName);
        drain();
      });
    }
  }

  async function alone(pending: Pending): Promise<void> {
    try {
      pending.resolve(await options.appendAlone(pending.streamName, pending.events, pending.expected));
    } catch (error) {
      pending.reject(error);
    }
  }

  async function commit(taken: Pending[]): Promise<void> {
    if (taken.length === 1) return alone(taken[0]!);
    // Each append serialised apart: a value JSON cannot hold (a BigInt, a cycle) fails its own append, not its group.
    const json: string[] = [];
    const group = taken.filter((pending) => {
      try {
        json.push(rowsOf(pending));
        return true;
      } catch (error) {
        pending.reject(error);
        return false;
      }
    });
    if (group.length === 0) return;
    let rows: GroupRow[];
    try {
      ({ rows } = await db.query<GroupRow>(GROUP_STATEMENT, [`[${json.join(',')}]`]));
    } catch (error) {
      if (!refusedAsAWhole(error)) {
        for (const pending of group) pending.reject(error);
        return;
      }
      await Promise.all(group.map(alone));
      return;
    }
    const last = new Map<string, GroupRow>();
    const refused = new Map<string, number>();
    for (const row of rows) {
      if (row.refused) refused.set(row.stream_name, Number(row.version));
      else if (Number(row.version) > Number(last.get(row.stream_name)?.version ?? 0)) last.set(row.stream_name, row);
    }
    if (last.size > 0) options.notify();
    for (const pending of group) {
      const row = last.get(pending.streamName);
      const actual = refused.get(pending.streamName);
      if (row?.transaction_id && row.global_position) {
        pending.resolve({ nextExpectedVersion: Number(row.version), logPosition: { transactionId: BigInt(row.transaction_id), position: BigInt(row.global_position) } });
      } else if (actual !== undefined) {
        pending.reject(new WrongExpectedVersionError(pending.streamName, pending.expected, actual === 0 ? null : actual));
      } else {
        pending.reject(new Error(`the group commit neither wrote nor refused the append to ${pending.streamName}`));
      }
    }
  }

  return {
    append(streamName, events, expected) {
      if (events.length === 0) return Promise.reject(new Error('appendToStream needs at least one event'));
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ streamName, events, expected, resolve, reject });
        // Appends made in the same turn of the event loop go together.
        if (!drainScheduled) {
          drainScheduled = true;
          queueMicrotask(drain);
        }
      });
    },
  };
}

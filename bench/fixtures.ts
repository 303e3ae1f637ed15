import { seededRandom } from '@datebook/shared-kernel/testing';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { streamName } from '@datebook/shared-kernel';
import type { TokenService } from '@datebook/shared-kernel/http';
import type { Pool } from 'pg';
import type { AppendedTail } from './profiles/benchSystem';

/**
 * Test data. Sign-up through the API costs an scrypt hash (tens of ms) per user, so users and bulk
 * calendars are written straight into the event store (`es_events`) with exactly the streams, types,
 * payloads and metadata the command API would append; the system's own projector then builds the read
 * model and the views from them, as it would on a replay. Tokens are signed with the system's secret.
 */

export interface BenchUser {
  userID: string;
  auth: Record<string, string>;
}

export interface StoreRow {
  s: string; // stream_name
  v: number; // stream_version
  e: string; // event_id
  t: string; // event_type
  d: unknown; // data
  m: unknown; // metadata
}

const metadata = (actorID: string, occurredAt: string) => ({ actorID, occurredAt, correlationId: randomUUID(), schemaVersion: 1 });

/** A registered user's two streams, as `userAccounts.register` appends them. */
export function userRows(userID: string, name: string, email: string, timeZone: string, occurredAt: string): StoreRow[] {
  const m = metadata(userID, occurredAt);
  return [
    { s: streamName('UserEmail', email), v: 1, e: randomUUID(), t: 'EmailClaimed', d: { email, userID }, m },
    {
      s: streamName('User', userID), v: 1, e: randomUUID(), t: 'UserRegistered',
      // Never used to sign in (tokens are issued directly), but shaped like the real thing.
      d: { userID, userName: name, email, passwordHash: 'scrypt$16384$8$1$YmVuY2g$YmVuY2g', timeZone },
      m,
    },
  ];
}

export interface BookingSpec {
  eventID: string;
  hostID: string;
  title: string;
  startTime: string; // ISO UTC
  endTime: string;
  timeZone: string;
  recurrence?: string[];
  invitees?: string[];
}

/** A booking's stream, as `decide(ScheduleEvent)` produces it: Scheduled, then one AttendeeInvited per invitee. */
export function bookingRows(b: BookingSpec, occurredAt: string): StoreRow[] {
  const m = metadata(b.hostID, occurredAt);
  const s = streamName('CalendarEvent', b.eventID);
  const rows: StoreRow[] = [
    {
      s, v: 1, e: randomUUID(), t: 'CalendarEventScheduled',
      d: {
        eventID: b.eventID, hostID: b.hostID, title: b.title, description: null, location: 'Room 4', startTime: b.startTime, endTime: b.endTime,
        timeZone: b.timeZone, allDay: false, startDate: null, endDate: null, recurrence: b.recurrence ?? [],
      },
      m,
    },
  ];
  for (const [i, userID] of (b.invitees ?? []).entries()) {
    rows.push({ s, v: i + 2, e: randomUUID(), t: 'AttendeeInvited', d: { eventID: b.eventID, userID, invitedBy: b.hostID }, m });
  }
  return rows;
}

export interface LogPoint {
  transactionId: string;
  position: string;
}

/** Whether a reader at `at` (null: it has not started) has read `wanted`: log order is (transaction id, position). */
export const logPointReached = (at: LogPoint | null, wanted: LogPoint): boolean =>
  at !== null &&
  (BigInt(at.transactionId) > BigInt(wanted.transactionId) ||
    (at.transactionId === wanted.transactionId && BigInt(at.position) >= BigInt(wanted.position)));

/** A stream as of a version, and (CalendarEvent streams) everyone on the event, whose views must show it. */
export interface StreamMark {
  stream: string;
  version: number;
  users: string[];
}

/**
 * How many of the last streams an append remembers. Enough to hold the last stream of each Kafka
 * partition (the relay keys by stream name; 4 partitions): per partition, events are projected in
 * order, so once these are visible everything appended before them is.
 */
const TAIL_STREAMS = 64;

/** Who a row puts on its calendar event: the host of a Scheduled event, the invitee of an AttendeeInvited one. */
function userOnEvent(row: StoreRow): string | undefined {
  const data = row.d as { hostID?: string; userID?: string };
  if (row.t === 'CalendarEventScheduled') return data.hostID;
  if (row.t === 'AttendeeInvited') return data.userID;
  return undefined;
}

const INSERT_SQL = `with appended as (
    insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata)
    select s, v, e::uuid, t, d, m from jsonb_to_recordset($1::jsonb) as x(s text, v bigint, e text, t text, d jsonb, m jsonb)
    returning transaction_id, global_position)
  select transaction_id::text, max(global_position)::text as global_position from appended group by transaction_id`;

/**
 * Appends rows in batches, building the next batch while PostgreSQL inserts the last one.
 * `oneTransaction` holds them back from every reader until all are in (the projector and the relay
 * read only below the oldest running transaction), so a replay can be timed from the commit.
 */
export async function appendRows(pool: Pool, rows: Iterable<StoreRow>, options: { batch?: number; oneTransaction?: boolean } = {}): Promise<{ rows: number; ms: number; tail: AppendedTail }> {
  const batchSize = options.batch ?? 5000;
  const client = await pool.connect();
  const t0 = performance.now();
  let count = 0;
  let last: LogPoint | undefined;
  // Insertion order: the newest stream last (re-inserted on each of its rows), trimmed from the front.
  const tail = new Map<string, StreamMark>();
  let inserting: Promise<void> = Promise.resolve();
  try {
    if (options.oneTransaction) await client.query('begin');
    let batch: StoreRow[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const json = JSON.stringify(batch);
      count += batch.length;
      batch = [];
      await inserting;
      inserting = client.query<{ transaction_id: string; global_position: string }>(INSERT_SQL, [json]).then(({ rows: ret }) => {
        for (const r of ret) {
          if (!last || BigInt(r.global_position) > BigInt(last.position)) last = { transactionId: r.transaction_id, position: r.global_position };
        }
      });
    };
    for (const row of rows) {
      batch.push(row);
      const mark = tail.get(row.s) ?? { stream: row.s, version: 0, users: [] };
      tail.delete(row.s);
      mark.version = Math.max(mark.version, row.v);
      const user = userOnEvent(row);
      if (user && !mark.users.includes(user)) mark.users.push(user);
      tail.set(row.s, mark);
      if (tail.size > TAIL_STREAMS) tail.delete(tail.keys().next().value!);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await inserting;
    if (options.oneTransaction) await client.query('commit');
  } catch (error) {
    await inserting.catch(() => undefined);
    if (options.oneTransaction) await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { rows: count, ms: performance.now() - t0, tail: { last, streams: [...tail.values()] } };
}

/** Deterministic pseudo-random numbers, so two runs load the same shape of data. */
export const rng = seededRandom;

export function makeUsers(count: number, prefix: string, timeZone: string, tokens: TokenService): { users: BenchUser[]; rows: StoreRow[] } {
  const now = new Date();
  const occurredAt = now.toISOString();
  const users: BenchUser[] = [];
  const rows: StoreRow[] = [];
  for (let i = 0; i < count; i++) {
    const userID = randomUUID();
    rows.push(...userRows(userID, `${prefix} ${i}`, `${prefix}-${i}-${userID.slice(0, 8)}@bench.example.com`, timeZone, occurredAt));
    users.push({ userID, auth: { authorization: `Bearer ${tokens.issue(userID, now).token}` } });
  }
  return { users, rows };
}

/** Monday 00:00 of the ISO week holding `date`, as a Berlin wall-clock instant (UTC+2 in summer). */
export const BERLIN_SUMMER_OFFSET_MS = 2 * 3_600_000;
export function berlinSummer(date: string, hour: number, minute = 0): number {
  return Date.parse(`${date}T00:00:00Z`) + hour * 3_600_000 + minute * 60_000 - BERLIN_SUMMER_OFFSET_MS;
}
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * `perUserHosted` timed events per user in the week starting `monday` (Berlin working hours); every
 * `inviteEvery`-th event invites 1–3 other users, so a user's week also holds invitations.
 */
export function* weekBookings(users: BenchUser[], monday: string, perUserHosted: number, inviteEvery: number, random: () => number, days = 5): Generator<BookingSpec> {
  let n = 0;
  for (const host of users) {
    for (let k = 0; k < perUserHosted; k++) {
      const day = addDays(monday, Math.floor(random() * days));
      const start = berlinSummer(day, 8 + Math.floor(random() * 10), Math.floor(random() * 4) * 15);
      const invitees: string[] = [];
      if (++n % inviteEvery === 0) {
        const want = 1 + Math.floor(random() * 3);
        while (invitees.length < want) {
          const other = users[Math.floor(random() * users.length)]!.userID;
          if (other !== host.userID && !invitees.includes(other)) invitees.push(other);
        }
      }
      yield {
        eventID: randomUUID(), hostID: host.userID, title: `Meeting ${n}`,
        startTime: new Date(start).toISOString(), endTime: new Date(start + (30 + 15 * Math.floor(random() * 3)) * 60_000).toISOString(),
        timeZone: 'Europe/Berlin', invitees,
      };
    }
  }
}

export function* rowsOf(bookings: Iterable<BookingSpec>, counter?: { bookings: number; rows: number }): Generator<StoreRow> {
  const occurredAt = new Date().toISOString();
  for (const b of bookings) {
    const rows = bookingRows(b, occurredAt);
    if (counter) {
      counter.bookings += 1;
      counter.rows += rows.length;
    }
    yield* rows;
  }
}

/** The newest row of the store's global log: every consumer reaching it means the backlog is drained. */
export async function storeHead(pool: Pool): Promise<LogPoint | undefined> {
  const { rows } = await pool.query<{ t: string; p: string }>(
    'select transaction_id::text as t, global_position::text as p from es_events order by transaction_id desc, global_position desc limit 1',
  );
  return rows[0] ? { transactionId: rows[0].t, position: rows[0].p } : undefined;
}

/** How many events of the log lie after `at` (an index range count: cheap enough every few seconds). */
export async function eventsAfter(pool: Pool, at: LogPoint): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'select count(*)::text as n from es_events where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)',
    [at.transactionId, at.position],
  );
  return Number(rows[0]?.n ?? 0);
}

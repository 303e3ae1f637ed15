import { seededRandom } from '@datebook/shared-kernel/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calendarEventStreamName, calendarStreamName, userStreamName } from '@datebook/shared-kernel';
import type { EventSource, SqlDatabase } from '@datebook/shared-kernel/ports';
import { NOTIFIER_CONSUMER_GROUP, type NotifierOptions } from '../app';
import { startNotifierHarness } from './notifierHarness';

/** The backlog a catch-up is measured on: bookings as the command API appends them, then later commands on some. */
export interface CatchUpSpec {
  /** Bookings: CalendarEventScheduled and 1–3 AttendeeInvited, one command. */
  bookings: number;
  users: number;
  /** Share of users whose address is verified (the bench's fixture users are not: 0). */
  verifiedShare: number;
  /** Share of bookings that get one later command each: an answer, a move, a rename or a cancellation. */
  followUpShare: number;
  /** The changes were made this long before the notifier sees them (past `staleAfterMs`: recorded as skipped). */
  ageMs: number;
  /** Events per delivery (the store-tailing source's batch size). */
  batchSize: number;
  options?: Partial<NotifierOptions>;
  /** Seed of the pseudo-random shape, so two runs load the same backlog. */
  seed?: number;
  /** Then one calendar shared with this many of the users, one AccessGranted each (timed on its own). */
  grants?: number;
  /** Told when the timed catch-up starts and when it has ended (a CPU profile of just that window). */
  onTimed?: (phase: 'start' | 'end') => Promise<void>;
}

export interface CatchUpResult {
  /** The users' own events (registrations, verifications), handled before the clock starts, and how long they took. */
  userEvents: number;
  usersMs: number;
  calendarEvents: number;
  /** From the commit of the backlog until the notifier's checkpoint reached its end. */
  ms: number;
  eventsPerSecond: number;
  /** Time spent in the notifier's handler of deliveries (the rest: the source reading the log, checkpoints, polls). */
  handlerMs: number;
  handledPerSecond: number;
  /** CPU of this process (the notifier, its sender and timers) per calendar event. */
  nodeCpuMsPerEvent: number;
  /** CPU of the PostgreSQL backends serving the test database per calendar event. */
  postgresCpuMsPerEvent: number;
  ledgerEntries: number;
  reminders: number;
  feedRows: number;
  parked: number;
  /** The grants phase: how many, and how long until the notifier had handled them. */
  grants: number;
  grantsMs: number;
}

interface StoreRow {
  s: string;
  t: string;
  d: unknown;
  m: unknown;
}

const pseudoRandom = seededRandom;

const TICKS_PER_SECOND = 100;
function cpuTicksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** CPU seconds of the database's backends (they come and go with the pool): sampled while it runs. */
function postgresCpuMeter(db: SqlDatabase) {
  const seen = new Map<number, { first: number; last: number }>();
  const sample = async (fresh: boolean) => {
    const { rows } = await db.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()');
    for (const { pid } of rows) {
      const ticks = cpuTicksOf(pid);
      const known = seen.get(pid);
      if (known) known.last = Math.max(known.last, ticks);
      else seen.set(pid, { first: fresh ? ticks : 0, last: ticks });
    }
  };
  return { sample, seconds: () => [...seen.values()].reduce((sum, p) => sum + p.last - p.first, 0) / TICKS_PER_SECOND };
}

/** Appends rows in one transaction, so the notifier sees the whole backlog at once (a replay, a bulk load). */
async function appendInOneTransaction(db: SqlDatabase, rows: StoreRow[], versions: Map<string, number>): Promise<void> {
  const numbered = rows.map((row, i) => {
    const v = (versions.get(row.s) ?? 0) + 1;
    versions.set(row.s, v);
    return { ...row, v, i };
  });
  await db.transaction(async (tx) => {
    for (let offset = 0; offset < numbered.length; offset += 5_000) {
      await tx.query(
        `insert into es_events (stream_name, stream_version, event_id, event_type, data, metadata)
         select x.s, x.v, gen_random_uuid(), x.t, x.d, x.m from jsonb_to_recordset($1::jsonb) as x(s text, v bigint, t text, d jsonb, m jsonb, i int) order by x.i`,
        [JSON.stringify(numbered.slice(offset, offset + 5_000))],
      );
    }
  });
}

/**
 * A whole notifier (real PostgreSQL, SMTP and push processes) catching up on a backlog appended straight
 * into the store: users first (handled before the clock starts), then the bookings and later commands in
 * one commit. Times the notifier from that commit until its checkpoint reaches the last event.
 */
export async function measureCatchUp(spec: CatchUpSpec): Promise<CatchUpResult> {
  // The notifier's handler is timed delivery by delivery: its own rate, without the source's reads and checkpoints.
  let handling = false;
  let handlerMs = 0;
  const timed = (source: EventSource): EventSource => ({
    subscribe: (group, handler) =>
      source.subscribe(group, async (batch) => {
        const t0 = performance.now();
        try {
          await handler(batch);
        } finally {
          if (handling) handlerMs += performance.now() - t0;
        }
      }),
  });
  const h = await startNotifierHarness({ database: 'postgres', options: spec.options ?? {}, batchSize: spec.batchSize, wrapSource: timed });
  try {
    const random = pseudoRandom(spec.seed ?? 42);
    const now = Date.now();
    const occurredAt = new Date(now - spec.ageMs).toISOString();
    const meta = (actorID: string) => ({ actorID, occurredAt, correlationId: randomUUID(), schemaVersion: 1 });

    const users = Array.from({ length: spec.users }, (_, i) => ({ userID: randomUUID(), i }));
    const userRows: StoreRow[] = users.flatMap(({ userID, i }) => {
      const email = `user-${i}-${userID.slice(0, 8)}@bench.example.com`;
      const m = meta(userID);
      const registered = { s: userStreamName(userID), t: 'UserRegistered', d: { userID, userName: `User ${i}`, email, passwordHash: 'scrypt$x', timeZone: 'Europe/Berlin' }, m };
      return random() < spec.verifiedShare ? [registered, { s: userStreamName(userID), t: 'EmailVerified', d: { userID, email }, m }] : [registered];
    });

    const pick = () => users[Math.floor(random() * users.length)]!.userID;
    const bookingRows: StoreRow[] = [];
    const followUps: StoreRow[] = [];
    for (let n = 0; n < spec.bookings; n++) {
      const eventID = randomUUID();
      const hostID = pick();
      const s = calendarEventStreamName(eventID);
      const start = now + (1 + Math.floor(random() * 7 * 24)) * 3_600_000;
      const end = start + (30 + 15 * Math.floor(random() * 3)) * 60_000;
      const m = meta(hostID);
      bookingRows.push({
        s, t: 'CalendarEventScheduled', m,
        d: { eventID, hostID, title: `Meeting ${n}`, description: null, location: 'Room 4', startTime: new Date(start).toISOString(), endTime: new Date(end).toISOString(), timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null, recurrence: [] },
      });
      const invitees: string[] = [];
      const want = 1 + Math.floor(random() * 3);
      while (invitees.length < want) {
        const other = pick();
        if (other !== hostID && !invitees.includes(other)) invitees.push(other);
      }
      for (const userID of invitees) bookingRows.push({ s, t: 'AttendeeInvited', d: { eventID, userID, invitedBy: hostID }, m });
      if (random() >= spec.followUpShare) continue;
      const which = random();
      if (which < 0.4) followUps.push({ s, t: 'InvitationAccepted', d: { eventID, userID: invitees[0] }, m: meta(invitees[0]!) });
      else if (which < 0.65) followUps.push({ s, t: 'CalendarEventRescheduled', d: { eventID, startTime: new Date(start + 3_600_000).toISOString(), endTime: new Date(end + 3_600_000).toISOString(), timeZone: 'Europe/Berlin' }, m: meta(hostID) });
      else if (which < 0.85) followUps.push({ s, t: 'CalendarEventDetailsChanged', d: { eventID, title: `Meeting ${n} (moved)`, description: 'Agenda', location: 'Room 5' }, m: meta(hostID) });
      else followUps.push({ s, t: 'CalendarEventCancelled', d: { eventID, cancelledBy: hostID }, m: meta(hostID) });
    }

    const versions = new Map<string, number>();
    await h.startNotifier();
    await appendInOneTransaction(h.db, userRows, versions);
    const u0 = performance.now();
    // The log's last event, then whether the notifier's checkpoint is at or past it (one row read per poll).
    const checkpointAtHead = async () => {
      const { rows } = await h.db.query<{ done: boolean }>(
        `select coalesce((select (c.transaction_id::text::numeric, c.position) >= (e.transaction_id::text::numeric, e.global_position) from consumer_checkpoints c where c.consumer_group = $1), false) as done
         from (select transaction_id, global_position from es_events order by transaction_id desc, global_position desc limit 1) e`,
        [NOTIFIER_CONSUMER_GROUP],
      );
      return rows[0]?.done === true;
    };
    await h.eventually(checkpointAtHead, (done) => done, 120_000);
    const usersMs = performance.now() - u0;

    const calendarRows = [...bookingRows, ...followUps];
    // Invisible to the notifier until it commits; timed from there.
    await appendInOneTransaction(h.db, calendarRows, versions);
    const pg = postgresCpuMeter(h.db);
    await pg.sample(true);
    const sampler = setInterval(() => void pg.sample(false).catch(() => undefined), 200);
    await spec.onTimed?.('start');
    const cpu0 = process.cpuUsage();
    handling = true;
    const t0 = performance.now();
    await h.eventually(checkpointAtHead, (done) => done, 600_000);
    const ms = performance.now() - t0;
    handling = false;
    const cpu = process.cpuUsage(cpu0);
    await spec.onTimed?.('end');
    clearInterval(sampler);
    await pg.sample(false);

    // A calendar shared with many (a team calendar, a company-wide one): the share reactor and the grant index.
    const grantCount = Math.min(spec.grants ?? 0, users.length - 1);
    let grantsMs = 0;
    if (grantCount > 0) {
      const owner = users[0]!.userID;
      const calendarID = randomUUID();
      const stream = calendarStreamName(calendarID);
      const m = () => ({ ...meta(owner), schemaVersion: 1 });
      await appendInOneTransaction(h.db, [
        { s: stream, t: 'CalendarCreated', d: { calendarID, ownerID: owner, primary: false, summary: 'Everyone', description: null, timeZone: 'Europe/Berlin' }, m: m() },
        ...users.slice(1, grantCount + 1).map(({ userID }) => ({
          s: stream, t: 'AccessGranted', d: { calendarID, ruleID: `user:${userID}`, scope: { type: 'user', userID }, role: 'reader', grantedBy: owner }, m: m(),
        })),
      ], versions);
      const g0 = performance.now();
      await h.eventually(checkpointAtHead, (done) => done, 600_000);
      grantsMs = performance.now() - g0;
    }

    const { rows: [counts] } = await h.db.query<{ ledger: number; reminders: number; feed: number }>(
      `select (select count(*) from notifier_ledger)::int as ledger, (select count(*) from notifier_reminders)::int as reminders, (select count(*) from notifier_changes)::int as feed`,
    );
    const events = calendarRows.length;
    return {
      userEvents: userRows.length,
      usersMs: Math.round(usersMs),
      calendarEvents: events,
      ms: Math.round(ms),
      eventsPerSecond: Math.round(events / (ms / 1000)),
      handlerMs: Math.round(handlerMs),
      handledPerSecond: Math.round(events / (handlerMs / 1000)),
      nodeCpuMsPerEvent: (cpu.user + cpu.system) / 1000 / events,
      postgresCpuMsPerEvent: (pg.seconds() * 1000) / events,
      ledgerEntries: counts?.ledger ?? 0,
      reminders: counts?.reminders ?? 0,
      feedRows: counts?.feed ?? 0,
      parked: h.service?.parkedCount() ?? 0,
      grants: grantCount,
      grantsMs: Math.round(grantsMs),
    };
  } finally {
    await h.close();
  }
}

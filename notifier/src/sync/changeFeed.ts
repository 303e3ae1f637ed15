import type { CalendarEventDetails } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { EventState, RsvpStatus } from '../calendarEvents/eventState';

/** How one event looks to one user after a change; null when it left their calendar. */
export type EventView = Pick<
  CalendarEventDetails,
  'eventID' | 'hostID' | 'title' | 'description' | 'location' | 'startTime' | 'endTime' | 'timeZone' | 'allDay' | 'recurrence'
> & {
  status: 'scheduled' | 'cancelled';
  myResponse: RsvpStatus;
  attendees: Record<string, RsvpStatus>;
};

export interface CalendarChange {
  eventID: string;
  /** The domain event that caused it, e.g. `CalendarEventRescheduled`. */
  cause: string;
  /** Stream version of that event: a device that holds a newer one ignores this change. */
  version: number;
  occurredAt: string;
  event: EventView | null;
}

export function viewFor(userID: string, state: EventState | undefined): EventView | null {
  const mine = state?.attendees[userID];
  if (!state || mine === undefined) return null;
  return {
    eventID: state.eventID,
    hostID: state.hostID,
    title: state.title,
    description: state.description,
    location: state.location,
    startTime: state.startTime,
    endTime: state.endTime,
    timeZone: state.timeZone,
    allDay: state.allDay,
    recurrence: state.recurrence,
    status: state.status,
    myResponse: mine,
    // Without guestsCanSeeOtherGuests a guest's devices learn only of the host and themself.
    attendees: userID === state.hostID || state.guestsCanSeeOtherGuests !== false
      ? state.attendees
      : Object.fromEntries(Object.entries(state.attendees).filter(([id]) => id === state.hostID || id === userID)),
  };
}

// Any constant: the lock only has to be the same in every notifier process.
const FEED_LOCK = 0x6e6f7469;

/**
 * Appends changes to users' feeds. Sequence numbers are taken at insert but become visible at commit;
 * holding a transaction-scoped advisory lock from the insert to the commit makes commit order equal
 * sequence order, so a reader that has seen N never later finds a smaller number appear.
 */
export async function appendChanges(tx: SqlExecutor, rows: { userID: string; change: CalendarChange }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.query('select pg_advisory_xact_lock($1)', [FEED_LOCK]);
  const params: unknown[] = [];
  const tuples = rows.map((row, i) => {
    params.push(row.userID, row.change.eventID, JSON.stringify(row.change), now.toISOString());
    return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}::jsonb, $${i * 4 + 4}::timestamptz)`;
  });
  await tx.query(`insert into notifier_changes (user_id, event_id, change, created_at) values ${tuples.join(', ')}`, params);
}

export interface FeedEntry {
  token: string;
  change: CalendarChange;
}

/** The user's changes after `after`, oldest first. */
export async function changesSince(db: SqlExecutor, userID: string, after: bigint, limit: number): Promise<FeedEntry[]> {
  // Ordered by the bigint column, not by its text form: as text '10' sorts before '9' (a token then
  // skips back and changes are sent again). The output column is named `token` so `seq` here is the table's.
  const { rows } = await db.query<{ token: string; change: CalendarChange }>(
    'select seq::text as token, change from notifier_changes where user_id = $1 and seq > $2::bigint order by notifier_changes.seq limit $3',
    [userID, after.toString(), limit],
  );
  return rows.map((row) => ({ token: row.token, change: row.change }));
}

/** A token for "now": the newest change of anyone, so a new device starts after everything it already loaded. */
export async function currentToken(db: SqlExecutor): Promise<bigint> {
  const { rows } = await db.query<{ seq: string | null }>('select max(seq)::text as seq from notifier_changes');
  const pruned = await prunedThrough(db);
  const latest = BigInt(rows[0]?.seq ?? '0');
  return latest > pruned ? latest : pruned;
}

/** Changes up to this sequence number are gone: a token before it answers 410 and the device resyncs. */
export async function prunedThrough(db: SqlExecutor): Promise<bigint> {
  const { rows } = await db.query<{ value: string }>(`select value #>> '{}' as value from notifier_settings where key = 'sync_pruned_through'`);
  return BigInt(rows[0]?.value ?? '0');
}

/** Drops changes older than `before`, remembering how far the history now reaches back. */
export async function pruneChanges(db: SqlExecutor, before: Date): Promise<number> {
  const { rows } = await db.query<{ seq: string | null; n: string }>(
    `with gone as (delete from notifier_changes where created_at < $1::timestamptz returning seq) select max(seq)::text as seq, count(*)::text as n from gone`,
    [before.toISOString()],
  );
  const highest = rows[0]?.seq;
  if (highest) {
    await db.query(
      `insert into notifier_settings (key, value) values ('sync_pruned_through', to_jsonb($1::text))
       on conflict (key) do update set value = to_jsonb(greatest((notifier_settings.value #>> '{}')::bigint, $1::bigint)::text)`,
      [highest],
    );
  }
  return Number(rows[0]?.n ?? '0');
}

/** The largest sequence number PostgreSQL's bigint holds: a larger token names no position. */
const MAX_TOKEN = 9_223_372_036_854_775_807n;

/** Parses a sync token (a bigint sequence number, 0 or more); undefined when it is not one. */
export function parseToken(token: string): bigint | undefined {
  if (!/^\d{1,19}$/.test(token)) return undefined;
  const value = BigInt(token);
  return value <= MAX_TOKEN ? value : undefined;
}

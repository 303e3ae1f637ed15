import { type CalendarEventDetails, viewAudience } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import type { EventState, RsvpStatus } from '../calendarEvents/eventState';

/**
 * How one event looks to one principal after a change; null when it left their calendar. A principal is
 * a user (their own calendar: what they host on it and what they are invited to) or a calendar (what is
 * on it): the event's view audience (viewAudience.ts). Readers of a calendar are given its principal's
 * view, shaped by their role when it is read (syncItem.ts).
 */
export type EventView = Pick<
  CalendarEventDetails,
  'eventID' | 'hostID' | 'title' | 'description' | 'location' | 'startTime' | 'endTime' | 'timeZone' | 'allDay' | 'recurrence'
> & {
  /** The calendar the event is on (absent in changes recorded before calendars: the host's). */
  calendarID: string;
  /** RFC 5545 CLASS, only when not the default (as GET /events does). */
  visibility?: 'public' | 'private';
  /** All-day events: the dates, end exclusive. */
  startDate?: string;
  endDate?: string;
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

/** The calendar an event is on; states stored before calendars existed are on their host's. */
export const calendarOf = (state: Pick<EventState, 'calendarID' | 'hostID'>): string => state.calendarID ?? state.hostID;

/** Who holds the event in their views (its calendar and its attendees; not the host of an event on another calendar). */
export function holdersOf(state: EventState | undefined): Record<string, RsvpStatus> {
  return state ? viewAudience({ ...state, calendarID: calendarOf(state) }) : {};
}

export function viewFor(principalID: string, state: EventState | undefined, holders: Record<string, RsvpStatus> = holdersOf(state)): EventView | null {
  const mine = holders[principalID];
  if (!state || mine === undefined) return null;
  return {
    eventID: state.eventID,
    hostID: state.hostID,
    calendarID: calendarOf(state),
    ...(state.visibility === 'public' || state.visibility === 'private' ? { visibility: state.visibility } : {}),
    title: state.title,
    description: state.description,
    location: state.location,
    startTime: state.startTime,
    endTime: state.endTime,
    timeZone: state.timeZone,
    allDay: state.allDay,
    ...(state.allDay && state.startDate && state.endDate ? { startDate: state.startDate, endDate: state.endDate } : {}),
    recurrence: state.recurrence,
    status: state.status,
    myResponse: mine,
    // Without guestsCanSeeOtherGuests a guest's devices (and a calendar's readers) learn only of the host and themself.
    attendees: principalID === state.hostID || state.guestsCanSeeOtherGuests !== false
      ? state.attendees
      : Object.fromEntries(Object.entries(state.attendees).filter(([id]) => id === state.hostID || id === principalID)),
  };
}

/**
 * The feed rows of one change: one per principal whose view of the event it may have changed, that is
 * whoever held the event before or holds it after (its calendar, so that every reader of the calendar
 * hears of it through one row, and its attendees). Nobody else: the host of an event on another calendar
 * holds it through that calendar only, and a row of theirs would tell the readers of their own calendar
 * of an event they may not see. A reminders change is its user's own (`syncAudience`: nobody else's view
 * changed). Rows are written in the reactor's transaction (appendChanges), so a change's rows are one
 * contiguous run of sequence numbers.
 */
export function feedRows(change: Omit<CalendarChange, 'event'>, before: EventState | undefined, after: EventState, syncAudience: readonly string[]): { userID: string; change: CalendarChange }[] {
  const holdingAfter = holdersOf(after);
  const holders = new Set([...Object.keys(holdersOf(before)), ...Object.keys(holdingAfter)]);
  const principals = change.cause === 'RemindersChanged' ? syncAudience.filter((id) => holders.has(id)) : [...holders];
  return principals.map((principalID) => ({ userID: principalID, change: { ...change, event: viewFor(principalID, after, holdingAfter) } }));
}

// Any constant: the lock only has to be the same in every notifier process.
const FEED_LOCK = 0x6e6f7469;

/**
 * Appends changes to users' feeds. Sequence numbers are taken at insert but become visible at commit;
 * holding a transaction-scoped advisory lock from the insert to the commit makes commit order equal
 * sequence order, so a reader that has seen N never later finds a smaller number appear. Sent without
 * waiting for the answers, last in the transaction: its commit follows in the same round trip
 * (SqlDatabase.transaction), so every notifier's writers wait on the lock for PostgreSQL's time alone, not
 * while one process answers its other work.
 */
export function appendChanges(tx: SqlExecutor, rows: { userID: string; change: CalendarChange }[], now: Date): void {
  if (rows.length === 0) return;
  void tx.query('select pg_advisory_xact_lock($1)', [FEED_LOCK]);
  // One JSON parameter for all the rows, inserted in their order: a change's rows stay one contiguous run.
  void tx.query(
    `insert into notifier_changes (user_id, event_id, change, created_at)
     select x."userID", x."eventID", x.change, $2::timestamptz
     from rows from (jsonb_to_recordset($1::jsonb) as ("userID" uuid, "eventID" uuid, change jsonb)) with ordinality as x("userID", "eventID", change, n)
     order by x.n`,
    [JSON.stringify(rows.map((row) => ({ userID: row.userID, eventID: row.change.eventID, change: row.change }))), now.toISOString()],
  );
}

export interface FeedEntry {
  token: string;
  change: CalendarChange;
}

/** One feed row: a change as one principal (a user or a calendar) sees it, at its sequence number. */
export interface FeedRow {
  seq: bigint;
  principalID: string;
  change: CalendarChange;
}

/**
 * The rows of several principals, each after its own position, oldest first, in ONE query (the
 * principals of one reader, or of every open stream). `notifier_changes.user_id` holds the principal:
 * a user's id, or a calendar's (a primary calendar's id is its owner's, and so are its rows).
 */
export async function principalRows(db: SqlExecutor, from: ReadonlyMap<string, bigint>, limit: number): Promise<FeedRow[]> {
  if (from.size === 0) return [];
  const principals = [...from.keys()];
  // Ordered by the bigint column, not by its text form: as text '10' sorts before '9' (a token then
  // skips back and changes are sent again). The output column is named `token` so `seq` here is the table's.
  const { rows } = await db.query<{ token: string; principal: string; change: CalendarChange }>(
    `select n.seq::text as token, n.user_id::text as principal, n.change
     from notifier_changes n join unnest($1::uuid[], $2::bigint[]) as p(user_id, after) on n.user_id = p.user_id and n.seq > p.after
     order by n.seq limit $3`,
    [principals, principals.map((id) => (from.get(id) ?? 0n).toString()), limit],
  );
  return rows.map((row) => ({ seq: BigInt(row.token), principalID: row.principal, change: row.change }));
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

import { createHash } from 'node:crypto';
import { occurrenceSpan } from '../../calendar/occurrences';
import type { Logger } from 'pino';
import type { BusyInterval } from '../../intervals';
import type { AttendanceRow } from '../readModel/attendanceRows';

/** A person's row on an event as of a stream version; `row: null` means they are no longer on it (or it was cancelled). */
export interface CalendarViewChange {
  userID: string;
  eventID: string;
  version: number;
  row: AttendanceRow | null;
}

/** What the views and their callers log with: a pino logger, or anything with its `warn(object, message)`. */
export type CalendarViewsLogger = Pick<Logger, 'warn'>;

/** A live row of a view with the stream version it reflects. */
export interface CalendarViewEntry {
  version: number;
  row: AttendanceRow;
}

/**
 * The seed's per-user calendar views: for each user, the rows (see `AttendanceRow`) of the events
 * they are on, indexed by span start so a window is one range read. Written through by the projector,
 * read through by the query API, rebuilt by replay. Contract (checked by `calendarViewsContract`):
 * - every write is guarded per (user, event) by the event's stream version: a change or backfilled
 *   entry applies only when its version is newer than the one seen last, removals included, so
 *   redelivered, reordered or stale writes change nothing and a removed row never comes back;
 * - a view is *complete from* an instant once a backfill said so; only then does `read` answer.
 */
export interface CalendarViews {
  /**
   * Applies the projector's changes, each under the version guard. Resolves once durable; rejects when
   * the backend is unreachable (the batch is then delivered again, which the guard makes harmless).
   */
  applyChanges(changes: CalendarViewChange[]): Promise<void>;

  /**
   * The user's rows whose span overlaps [from, to): live, confirmed events, the endless series included.
   * `undefined` when the view is not known complete for that window (never backfilled, backfilled
   * from a later instant than `from`, expired) or the backend failed: the caller reads the read model.
   * Never rejects.
   */
  read(userID: string, from: Date, to: Date): Promise<AttendanceRow[] | undefined>;

  /**
   * Each user's busy time overlapping [from, to), sorted by start (what `busyTime` counts: opaque
   * events not declined, series expanded, kept as intervals when written; see `keptBusyTime`), for
   * the users whose view can answer that window: complete for it, and every series' kept occurrences
   * covering it. A user missing from the map is to be read from the read model. Never rejects.
   */
  busy(userIDs: string[], from: Date, to: Date): Promise<Map<string, readonly BusyInterval[]>>;

  /** Whether each user has any busy time overlapping [from, to): `busy` without the intervals. Same users answered. */
  whoIsBusy(userIDs: string[], from: Date, to: Date): Promise<Map<string, boolean>>;

  /**
   * Merges rows read from the read model under the same version guard (never overwriting a newer
   * row or reviving a removed one written meanwhile), then records that the view is complete for
   * every window ending after `completeFrom`: `entries` must hold every row of the user whose span
   * ends after it. A row already at its version keeps its content but has its busy time kept anew
   * around the present (so a series' kept occurrences follow the clock). Rejects when the backend
   * fails; the view then stays incomplete.
   */
  backfill(userID: string, entries: CalendarViewEntry[], completeFrom: Date): Promise<void>;

  /**
   * Each user's view change stamp, in the order asked (null for a view never written): it differs after
   * any write to the view (a change applied, a backfill) and never comes back to an earlier value, so an
   * answer built from rows read after the stamp is current for as long as the stamp is. `undefined` when
   * the backend failed. Never rejects.
   */
  changeStamps(userIDs: string[]): Promise<(string | null)[] | undefined>;

  /** Every live row of the view, sorted by event id: for checksums and diagnostics, not for serving. */
  entries(userID: string): Promise<CalendarViewEntry[]>;

  /** Drops every view, before a replay rebuilds them. */
  clear(): Promise<void>;
}

/**
 * Rows whose span is at most this long are indexed for bounded range reads; longer ones (series,
 * multi-day events) sit in a second, small index read from its start. A calendar window thus reads
 * rows starting up to three days before it, enough for all-day events with their ±14 h zone margin.
 */
export const SHORT_SPAN_MS = 3 * 86_400_000;

/** Where a row sits in the view: its span's start (the score) and end (Infinity for an endless series). */
export function viewSpan(row: AttendanceRow): { start: number; end: number } {
  return occurrenceSpan(row.event);
}

/** The JSON of a value with object keys sorted, so rows from PostgreSQL's jsonb and from a fold compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * A digest of one user's view (live rows and their versions), equal for two views holding the same
 * rows however they were built: compare a rebuilt view with the live one after a replay.
 */
export async function calendarViewChecksum(views: CalendarViews, userID: string): Promise<string> {
  const hash = createHash('sha256');
  for (const { version, row } of await views.entries(userID)) hash.update(`${row.event.eventID}\u0000${version}\u0000${canonicalJson(row)}\n`);
  return hash.digest('hex');
}

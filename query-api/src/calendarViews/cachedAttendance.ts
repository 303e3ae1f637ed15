import type { BusyInterval } from '@datebook/shared-kernel';
import {
  type AttendanceRow,
  attendanceRows,
  BUSY_KEPT_AHEAD_MS,
  busyTime,
  type CalendarViews,
  type CalendarViewsLogger,
  readModelViewEntries,
  type SqlExecutor,
} from '@datebook/shared-kernel/ports';

/** Rows of live events of these users whose occurrences may touch [from, to) (see `attendanceRows`). */
export type AttendanceSource = (userIDs: string[], from: Date, to: Date) => Promise<AttendanceRow[]>;

/** Each user's busy time overlapping [from, to) (see `busyTime`), every user asked about present. */
export type BusySource = (userIDs: string[], from: Date, to: Date) => Promise<Map<string, BusyInterval[]>>;

/** Straight from the PostgreSQL read model. */
export const postgresAttendance = (readModel: SqlExecutor): AttendanceSource => (userIDs, from, to) => attendanceRows(readModel, userIDs, from, to);
/** Whether each user has busy time overlapping [from, to): availability's question, without the intervals. */
export type BusyCheck = (userIDs: string[], from: Date, to: Date) => Promise<Map<string, boolean>>;

export const postgresBusyTime = (readModel: SqlExecutor): BusySource => (userIDs, from, to) => busyTime(readModel, userIDs, from, to);

export interface CachedAttendanceOptions {
  readModel: SqlExecutor;
  views: CalendarViews;
  clock: () => Date;
  logger?: CalendarViewsLogger;
  /** A backfill copies rows ending at most this long ago; reads of older windows always go to PostgreSQL. Default 400 days. */
  retentionMs?: number;
  /** A user with more rows than this is not copied and stays served by PostgreSQL. Default 5000. */
  maxBackfillRows?: number;
  /** Backfills running at once in this process; misses beyond it wait for a later read. Default 4. */
  maxBackfillsInFlight?: number;
  /** After a backfill fails, misses go to PostgreSQL alone for this long, so a Redis outage costs no extra queries. Default 30 s. */
  backfillPauseMs?: number;
}

export interface CachedAttendance extends AttendanceSource {
  /** Busy time from the views' kept intervals; users they cannot answer for from PostgreSQL (then copied, as for rows). */
  busy: BusySource;
  /** Whether each user has busy time, from the same places as `busy`. */
  whoIsBusy: BusyCheck;
  /** Resolves once the backfills started so far have ended (tests and shutdown). */
  settled(): Promise<void>;
}

/**
 * Reads each user's rows from the calendar views, and from PostgreSQL for users whose view misses
 * (never copied, expired, a window older than the copy, or Redis failing: a read never fails for
 * Redis). After a miss the user's view is copied from PostgreSQL in the background, off the
 * request's path, so their next read is served from the views.
 */
export function cachedAttendance(options: CachedAttendanceOptions): CachedAttendance {
  const { readModel, views, clock, logger } = options;
  const retentionMs = options.retentionMs ?? 400 * 86_400_000;
  const maxRows = options.maxBackfillRows ?? 5_000;
  const maxInFlight = options.maxBackfillsInFlight ?? 4;
  const pauseMs = options.backfillPauseMs ?? 30_000;
  const inFlight = new Map<string, Promise<void>>();
  /** Users too large to copy, until when; bounded by dropping the lapsed. */
  const tooLarge = new Map<string, number>();
  let pausedUntil = 0;

  async function backfill(userID: string): Promise<void> {
    const since = new Date(clock().getTime() - retentionMs);
    const entries = await readModelViewEntries(readModel, userID, since, maxRows);
    if (!entries) {
      logger?.warn({ userID, maxRows }, 'calendar view too large to copy; served from the read model');
      if (tooLarge.size > 10_000) for (const [id, until] of tooLarge) if (until <= Date.now()) tooLarge.delete(id);
      tooLarge.set(userID, Date.now() + 10 * 60_000);
      return;
    }
    await views.backfill(userID, entries, since);
  }

  function startBackfill(userID: string): void {
    if (inFlight.has(userID) || inFlight.size >= maxInFlight || Date.now() < pausedUntil || (tooLarge.get(userID) ?? 0) > Date.now()) return;
    const job = backfill(userID)
      .catch((err: unknown) => {
        pausedUntil = Date.now() + pauseMs;
        logger?.warn({ err, userID, pauseMs }, 'calendar view backfill failed; pausing backfills');
      })
      .finally(() => inFlight.delete(userID));
    inFlight.set(userID, job);
  }

  const source = async (userIDs: string[], from: Date, to: Date): Promise<AttendanceRow[]> => {
    const unique = [...new Set(userIDs)];
    const cached = await Promise.all(unique.map((userID) => views.read(userID, from, to).catch(() => undefined)));
    const rows: AttendanceRow[] = [];
    const missed: string[] = [];
    unique.forEach((userID, i) => {
      const found = cached[i];
      if (found) rows.push(...found);
      else missed.push(userID);
    });
    if (missed.length === 0) return rows;
    rows.push(...(await attendanceRows(readModel, missed, from, to)));
    // A copy starts `retentionMs` back: it would not make a view complete for an older window (a day of slack for the clock moving on).
    if (from.getTime() >= clock().getTime() - retentionMs + 86_400_000) for (const userID of missed) startBackfill(userID);
    return rows;
  };

  /** Completes the views' answers with PostgreSQL's for the users they could not answer, and has those copied. */
  async function completedFromReadModel<T>(answered: Map<string, T>, userIDs: string[], from: Date, to: Date, fromBusy: (busy: BusyInterval[]) => T): Promise<Map<string, T>> {
    const missed = userIDs.filter((userID) => !answered.has(userID));
    if (missed.length === 0) return answered;
    for (const [userID, intervals] of await busyTime(readModel, missed, from, to)) answered.set(userID, fromBusy(intervals));
    // A copy keeps busy time from the retention instant and series around now: worth making only for windows it will answer.
    const now = clock().getTime();
    if (from.getTime() >= now - retentionMs + 86_400_000 && to.getTime() <= now + BUSY_KEPT_AHEAD_MS - 86_400_000) for (const userID of missed) startBackfill(userID);
    return answered;
  }

  const busy: BusySource = async (userIDs, from, to) => {
    const unique = [...new Set(userIDs)];
    return completedFromReadModel(await views.busy(unique, from, to), unique, from, to, (intervals) => intervals);
  };
  const whoIsBusy: BusyCheck = async (userIDs, from, to) => {
    const unique = [...new Set(userIDs)];
    return completedFromReadModel(await views.whoIsBusy(unique, from, to), unique, from, to, (intervals) => intervals.length > 0);
  };

  return Object.assign(source, {
    busy,
    whoIsBusy,
    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight.values());
    },
  });
}

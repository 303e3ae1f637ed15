import type { BusyInterval } from '@datebook/shared-kernel';
import {
  type AttendanceRow,
  attendanceRows,
  BUSY_KEPT_AHEAD_MS,
  busyTime,
  type CalendarViews,
  type CalendarViewsLogger,
  type SqlExecutor,
  VIEW_COPY_RETENTION_MS,
  type ViewCopyRequests,
} from '@datebook/shared-kernel/ports';

/** Rows of live events of these users whose occurrences may touch [from, to) (see `attendanceRows`). */
export type AttendanceSource = (userIDs: string[], from: Date, to: Date) => Promise<AttendanceRow[]>;

/**
 * Each user's busy time overlapping [from, to) (see `busyTime`), every user asked about present. `ahead`,
 * when a source has it, starts the views' part of a later call now, to be handed to that call: a read begun
 * beside the request's other Redis reads of the same turn shares their round trip. It never rejects.
 */
export type BusySource = ((userIDs: string[], from: Date, to: Date, ahead?: ViewsAhead<readonly BusyInterval[]>) => Promise<Map<string, readonly BusyInterval[]>>) & {
  ahead?: (userIDs: string[], from: Date, to: Date) => ViewsAhead<readonly BusyInterval[]>;
};

/** What the views answered for users asked about ahead (those they could answer). */
export type ViewsAhead<T> = Promise<ReadonlyMap<string, T>>;

/** Straight from the PostgreSQL read model. */
export const postgresAttendance = (readModel: SqlExecutor): AttendanceSource => (userIDs, from, to) => attendanceRows(readModel, userIDs, from, to);
/** Whether each user has busy time overlapping [from, to): availability's question, without the intervals; `ahead` as for BusySource. */
export type BusyCheck = ((userIDs: string[], from: Date, to: Date, ahead?: ViewsAhead<boolean>) => Promise<Map<string, boolean>>) & {
  ahead?: (userIDs: string[], from: Date, to: Date) => ViewsAhead<boolean>;
};

export const postgresBusyTime = (readModel: SqlExecutor): BusySource => (userIDs, from, to) => busyTime(readModel, userIDs, from, to);

export interface CachedAttendanceOptions {
  readModel: SqlExecutor;
  views: CalendarViews;
  /** Where a missed view is asked to be copied: the projector writes the views, the query side only reads. */
  copies: ViewCopyRequests;
  clock: () => Date;
  logger?: CalendarViewsLogger;
  /** How far back a copy reaches (the copier's own setting, `VIEW_COPY_RETENTION_MS` by default): older windows are not worth asking for. */
  retentionMs?: number;
  /** How long a user asked about is not asked about again. Default 10 s. */
  askAgainAfterMs?: number;
}

/** Rows, and whether every one came from a view (an answer built only from views can be kept beside their stamps). */
export interface SourcedRows {
  rows: AttendanceRow[];
  fromViewsOnly: boolean;
}

export interface CachedAttendance extends AttendanceSource {
  /** The same rows, saying whether any view missed (and was read from PostgreSQL instead). */
  sourced(userIDs: string[], from: Date, to: Date): Promise<SourcedRows>;
  /** Busy time from the views' kept intervals; users they cannot answer for from PostgreSQL (then asked to be copied, as for rows). */
  busy: BusySource;
  /** Whether each user has busy time, from the same places as `busy`. */
  whoIsBusy: BusyCheck;
}

/** Users remembered as asked about, at most (past it the memory starts over). */
const ASKED_REMEMBERED = 100_000;

/**
 * Reads each user's rows from the calendar views, and from PostgreSQL for users whose view misses
 * (never copied, expired, a window older than the copy, or Redis failing: a read never fails for
 * Redis). After a miss it asks, once in a while per user, for the view to be copied (`copies`), off
 * the request's path, so the user's next reads are served from the views.
 */
export function cachedAttendance(options: CachedAttendanceOptions): CachedAttendance {
  const { readModel, views, copies, clock, logger } = options;
  const retentionMs = options.retentionMs ?? VIEW_COPY_RETENTION_MS;
  const askAgainAfterMs = options.askAgainAfterMs ?? 10_000;
  /** Users asked about, until when: this process's memory of "user X needs a copy". */
  const asked = new Map<string, number>();

  function askForCopy(userID: string): void {
    const now = clock().getTime();
    if ((asked.get(userID) ?? 0) > now) return;
    if (asked.size >= ASKED_REMEMBERED) asked.clear();
    asked.set(userID, now + askAgainAfterMs);
    copies.request(userID).catch((err: unknown) => logger?.warn({ err, userID }, 'could not ask for a calendar view copy; a later miss asks again'));
  }

  const sourced = async (userIDs: string[], from: Date, to: Date): Promise<SourcedRows> => {
    const unique = [...new Set(userIDs)];
    const cached = await Promise.all(unique.map((userID) => views.read(userID, from, to).catch(() => undefined)));
    const rows: AttendanceRow[] = [];
    const missed: string[] = [];
    unique.forEach((userID, i) => {
      const found = cached[i];
      if (found) rows.push(...found);
      else missed.push(userID);
    });
    if (missed.length === 0) return { rows, fromViewsOnly: true };
    rows.push(...(await attendanceRows(readModel, missed, from, to)));
    // A copy starts `retentionMs` back: it would not make a view complete for an older window (a day of slack for the clock moving on).
    if (from.getTime() >= clock().getTime() - retentionMs + 86_400_000) for (const userID of missed) askForCopy(userID);
    return { rows, fromViewsOnly: false };
  };
  const source = async (userIDs: string[], from: Date, to: Date): Promise<AttendanceRow[]> => (await sourced(userIDs, from, to)).rows;

  /** Completes the views' answers with PostgreSQL's for the users they could not answer, and asks for those to be copied. */
  async function completedFromReadModel<T>(answered: Map<string, T>, userIDs: string[], from: Date, to: Date, fromBusy: (busy: BusyInterval[]) => T): Promise<Map<string, T>> {
    const missed = userIDs.filter((userID) => !answered.has(userID));
    if (missed.length === 0) return answered;
    for (const [userID, intervals] of await busyTime(readModel, missed, from, to)) answered.set(userID, fromBusy(intervals));
    // A copy keeps busy time from the retention instant and series around now: worth making only for windows it will answer.
    const now = clock().getTime();
    if (from.getTime() >= now - retentionMs + 86_400_000 && to.getTime() <= now + BUSY_KEPT_AHEAD_MS - 86_400_000) for (const userID of missed) askForCopy(userID);
    return answered;
  }

  /** The views' answers for `unique` (read now, or ahead for a larger set that holds them). */
  async function answeredBy<T>(unique: string[], read: ViewsAhead<T>): Promise<Map<string, T>> {
    const found = await read;
    const answered = new Map<string, T>();
    for (const userID of unique) if (found.has(userID)) answered.set(userID, found.get(userID)!);
    return answered;
  }
  // Read ahead, a failure answers nothing from the views: the later call completes everyone from PostgreSQL.
  const noneOnFailure = <T>(read: Promise<Map<string, T>>): ViewsAhead<T> => read.catch(() => new Map<string, T>());

  const busy: BusySource = Object.assign(async (userIDs: string[], from: Date, to: Date, ahead?: ViewsAhead<readonly BusyInterval[]>) => {
    const unique = [...new Set(userIDs)];
    return completedFromReadModel(await answeredBy(unique, ahead ?? views.busy(unique, from, to)), unique, from, to, (intervals) => intervals);
  }, { ahead: (userIDs: string[], from: Date, to: Date) => noneOnFailure(views.busy([...new Set(userIDs)], from, to)) });
  const whoIsBusy: BusyCheck = Object.assign(async (userIDs: string[], from: Date, to: Date, ahead?: ViewsAhead<boolean>) => {
    const unique = [...new Set(userIDs)];
    return completedFromReadModel(await answeredBy(unique, ahead ?? views.whoIsBusy(unique, from, to)), unique, from, to, (intervals) => intervals.length > 0);
  }, { ahead: (userIDs: string[], from: Date, to: Date) => noneOnFailure(views.whoIsBusy([...new Set(userIDs)], from, to)) });

  return Object.assign(source, { sourced, busy, whoIsBusy });
}

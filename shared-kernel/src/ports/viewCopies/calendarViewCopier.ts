import type { CalendarViews, CalendarViewsLogger } from '../calendarViews/calendarViews';
import { readModelViewEntries } from '../calendarViews/readModelViewEntries';
import type { SqlExecutor } from '../sql/sqlDatabase';
import { VIEW_COPY_RETENTION_MS, type ViewCopyRequests } from './viewCopyRequests';

export interface CalendarViewCopierOptions {
  readModel: SqlExecutor;
  views: CalendarViews;
  clock: () => Date;
  logger?: CalendarViewsLogger;
  /** A copy holds rows ending at most this long ago (`VIEW_COPY_RETENTION_MS` by default). */
  retentionMs?: number;
  /** A user with more rows than this is not copied and stays served by PostgreSQL. Default 5000. */
  maxRows?: number;
  /** Copies running at once; requests beyond it are left for later (see `room`). Default 4. */
  maxInFlight?: number;
  /** After a copy fails, requests are dropped for this long, so a Redis outage costs no extra queries. Default 30 s. */
  pauseMs?: number;
}

export interface CalendarViewCopier extends ViewCopyRequests {
  /** How many more copies may start now: none while copies are paused after a failure. */
  room(): number;
  /** Resolves once a copy may start: now, or when the first of those running ends. */
  whenRoom(): Promise<void>;
  /** Resolves once the copies started so far have ended (tests and shutdown). */
  settled(): Promise<void>;
}

/**
 * Copies users' calendar views from the PostgreSQL read model into the views, in the background, when
 * asked: the projector's side of a view the query side found missing. One copy per user at a time, a few
 * at once, none of a view too large to copy (for ten minutes) and none for a while after one failed.
 */
export function calendarViewCopier(options: CalendarViewCopierOptions): CalendarViewCopier {
  const { readModel, views, clock, logger } = options;
  const retentionMs = options.retentionMs ?? VIEW_COPY_RETENTION_MS;
  const maxRows = options.maxRows ?? 5_000;
  const maxInFlight = options.maxInFlight ?? 4;
  const pauseMs = options.pauseMs ?? 30_000;
  const inFlight = new Map<string, Promise<void>>();
  /** Users too large to copy, until when; bounded by dropping the lapsed. */
  const tooLarge = new Map<string, number>();
  let pausedUntil = 0;

  async function copy(userID: string): Promise<void> {
    const since = new Date(clock().getTime() - retentionMs);
    const entries = await readModelViewEntries(readModel, userID, since, maxRows);
    if (!entries) {
      logger?.warn({ userID, maxRows }, 'calendar view too large to copy; served from the read model');
      const now = clock().getTime();
      if (tooLarge.size > 10_000) for (const [id, until] of tooLarge) if (until <= now) tooLarge.delete(id);
      tooLarge.set(userID, now + 10 * 60_000);
      return;
    }
    await views.backfill(userID, entries, since);
  }

  return {
    async request(userID) {
      const now = clock().getTime();
      if (inFlight.has(userID) || inFlight.size >= maxInFlight || now < pausedUntil || (tooLarge.get(userID) ?? 0) > now) return;
      const job = copy(userID)
        .catch((err: unknown) => {
          pausedUntil = clock().getTime() + pauseMs;
          logger?.warn({ err, userID, pauseMs }, 'calendar view copy failed; pausing copies');
        })
        .finally(() => inFlight.delete(userID));
      inFlight.set(userID, job);
    },
    room: () => (clock().getTime() < pausedUntil ? 0 : Math.max(0, maxInFlight - inFlight.size)),
    async whenRoom() {
      if (inFlight.size < maxInFlight) return;
      await Promise.race(inFlight.values());
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all(inFlight.values());
    },
  };
}

import { accessRoleOf, atLeast, type CalendarState } from '@datebook/shared-kernel';
import { calendarReaderOf, type EventStore, readCalendar, type SqlExecutor } from '@datebook/shared-kernel/ports';

/** What serving a calendar's secret addresses needs to know of it, read at most once a second per process. */
export interface FeedCalendar {
  calendarID: string;
  summary: string;
  timeZone: string;
  /** The Calendar stream's version (a rename changes what a feed says). */
  version: number;
  /** tokenHash of each live feed whose creator may still read the calendar, by feedID. */
  feeds: ReadonlyMap<string, string>;
  /** The collection's change counter and the epoch of its table (a rebuilt read model restarts counting). */
  seq: string;
  epoch: string;
}

/**
 * How long what was read of a calendar is served from memory: a revoked feed stops answering, and a changed
 * calendar shows, within this. A thousand apps polling the same calendar then cost one read of its stream and
 * one of its collection's counter a second, however often they ask.
 */
export const FEED_CALENDAR_TTL_MS = 1000;
/** Calendars kept in memory; past it the memory starts again (every calendar is still read at most once a second). */
const MAX_CALENDARS = 10_000;

export interface FeedCalendars {
  /** The calendar as of at most FEED_CALENDAR_TTL_MS ago, or undefined when it is absent or deleted. */
  get(calendarID: string): Promise<FeedCalendar | undefined>;
  /**
   * The calendar read again now (joining a read under way): for a feed the kept copy does not know, which may
   * have been made since. A stale copy may serve a revoked feed for up to a second, never refuse a new one.
   */
  refresh(calendarID: string): Promise<FeedCalendar | undefined>;
}

export function feedCalendars(deps: { store: EventStore; readModel: SqlExecutor; clock: () => Date }): FeedCalendars {
  const known = new Map<string, { readAt: number; settled: boolean; calendar: Promise<FeedCalendar | undefined> }>();

  function readNow(calendarID: string, now: number): Promise<FeedCalendar | undefined> {
    if (known.size >= MAX_CALENDARS) known.clear();
    // Concurrent askers share one read (the promise is kept, not its result).
    const entry = { readAt: now, settled: false, calendar: read(calendarID) };
    known.set(calendarID, entry);
    entry.calendar.then(() => { entry.settled = true; }, () => known.delete(calendarID));
    return entry.calendar;
  }

  return {
    get(calendarID) {
      const now = deps.clock().getTime();
      const kept = known.get(calendarID);
      if (kept && now - kept.readAt < FEED_CALENDAR_TTL_MS) return kept.calendar;
      return readNow(calendarID, now);
    },
    refresh(calendarID) {
      const kept = known.get(calendarID);
      if (kept && !kept.settled) return kept.calendar;
      return readNow(calendarID, deps.clock().getTime());
    },
  };

  async function read(calendarID: string): Promise<FeedCalendar | undefined> {
    const [{ state, version }, counter] = await Promise.all([
      readCalendar(deps.store, calendarID),
      deps.readModel.query<{ seq: string; epoch: string }>('select seq::text as seq, epoch::text as epoch from rm_collections where collection_id = $1', [calendarID]),
    ]);
    if (state.status === 'absent' || state.status === 'deleted' || version === null) return undefined;
    const { seq = '0', epoch = 'none' } = counter.rows[0] ?? {};
    return { calendarID, summary: state.summary, timeZone: state.timeZone, version, feeds: await servedFeeds(state), seq, epoch };
  }

  /**
   * A feed shows the calendar as a reader would, so it serves only while its creator may still read it: taking
   * someone off a calendar also closes the secret addresses they made (the other owners see and revoke them too).
   */
  async function servedFeeds(state: Extract<CalendarState, { status: 'active' | 'implicitPrimary' }>): Promise<Map<string, string>> {
    const feeds = Object.values(state.feeds);
    const creators = [...new Set(feeds.map((f) => f.createdBy))];
    const readers = new Map(await Promise.all(creators.map(async (id) => [id, await calendarReaderOf(deps.store, id)] as const)));
    const served = new Map<string, string>();
    for (const feed of feeds) {
      const creator = readers.get(feed.createdBy);
      if (creator && atLeast(accessRoleOf(state, creator), 'reader')) served.set(feed.feedID, feed.tokenHash);
    }
    return served;
  }
}

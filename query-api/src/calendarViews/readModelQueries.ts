import { atLeast, type CalendarEventDetails, type EffectiveRole, externalAttendeesOf, seesBusyTimeOnly } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { personalOccurrences } from '@datebook/shared-kernel/ports';
import { byKeyThenID, type CalendarEntry, entryOf, sortKeyOf } from './calendarEntry';
import type { PageCursor } from './calendarPageToken';
import type { BusyInterval } from '@datebook/shared-kernel';
import { type AttendanceSource, type BusyCheck, type BusySource, type CachedAttendance, postgresAttendance, postgresBusyTime, type SourcedRows, type ViewsAhead } from './cachedAttendance';
import { type OccurrencePage, occurrencePage } from './occurrencePage';
import { asSeenWith, oneRowPerEvent, type SelectedCalendar } from './calendarSelection';

export type { CalendarEntry } from './calendarEntry';

/** An event or series as its attendees see it: the folded state, with the host as `userID`. */
export type EventDetails = Pick<
  CalendarEventDetails,
  'eventID' | 'title' | 'description' | 'location' | 'startTime' | 'endTime' | 'timeZone' | 'allDay' | 'startDate' | 'endDate' | 'recurrence' | 'exceptions' | 'guestsCanSeeOtherGuests'
> & {
  userID: string;
  status: 'confirmed' | 'cancelled';
  version: number;
  /** Guests with accounts by userID; guests invited by address (no account) by their address, as Google lists them. */
  attendees: ({ userID: string; userName: string | null; rsvpStatus: string } | { email: string; rsvpStatus: string; optional: boolean })[];
  calendarID: string;
  visibility: CalendarEventDetails['visibility'];
  /** The reader's role on the event's calendar, when they read it through the calendar rather than being on the event. */
  accessRole?: EffectiveRole;
};

/** A private event as a reader of its calendar who is not on it sees it. */
export interface BusyEventDetails {
  eventID: string;
  calendarID: string;
  busy: true;
  startTime: string;
  endTime: string;
  timeZone: string;
  allDay: boolean;
  version: number;
}

/** The first stretch of a long window a page reads (see `calendarPage`). */
const FIRST_STRETCH_MS = 31 * 86_400_000;

/** Known user ids are remembered this many at most (users are never deleted, so a known id stays true). */
const KNOWN_USERS_REMEMBERED = 200_000;

/** How long a user's zone and invitation setting are remembered, and for how many users at most. */
const SETTINGS_REMEMBERED_MS = 5_000;
const SETTINGS_REMEMBERED = 100_000;

/**
 * The reads the query API makes against the PostgreSQL read model; calendar rows and busy time come
 * from `attendance` and `busy` when given (the cached views), else from PostgreSQL. `clock` ages what is remembered.
 */
export function readModelQueries(db: SqlExecutor, options: { clock: () => Date; attendance?: AttendanceSource & Partial<Pick<CachedAttendance, 'sourced'>>; busy?: BusySource; whoIsBusy?: BusyCheck }) {
  const fromReadModel = postgresAttendance(db);
  const cached = options.attendance ?? fromReadModel;
  const busyFromReadModel = postgresBusyTime(db);
  const busyCached = options.busy ?? busyFromReadModel;
  const whoIsBusyFromReadModel: BusyCheck = async (userIDs, from, to) =>
    new Map([...(await busyFromReadModel(userIDs, from, to))].map(([userID, intervals]) => [userID, intervals.length > 0]));
  const whoIsBusyCached = options.whoIsBusy ?? whoIsBusyFromReadModel;
  const known = new Set<string>();
  const settings = new Map<string, { zone: string; addsEveryInvitation: boolean; until: number }>();

  /**
   * Each user's zone and whether every invitation goes into their calendar (the default). Remembered for a
   * few seconds (every read needs them, and they rarely change); `fresh` reads them from the read model.
   */
  async function settingsOf(userIDs: string[], fresh = false) {
    const now = options.clock().getTime();
    // Full: start again, so that every id of this request is read below (none is dropped by the clear).
    if (settings.size + userIDs.length > SETTINGS_REMEMBERED) settings.clear();
    const asked = fresh ? userIDs : userIDs.filter((id) => (settings.get(id)?.until ?? 0) <= now);
    if (asked.length > 0) {
      const { rows } = await db.query<{ user_id: string; time_zone: string; add_invitations: string }>(
        'select user_id, time_zone, add_invitations from rm_users where user_id = any($1::uuid[])', [asked],
      );
      for (const r of rows) settings.set(r.user_id, { zone: r.time_zone, addsEveryInvitation: r.add_invitations === 'everyone', until: now + SETTINGS_REMEMBERED_MS });
    }
    return settings;
  }

  /**
   * The views hold every invitation; a person who adds only some keeps their calendar and busy time in the
   * read model, which leaves the others out (INVITATION_ADDED). Splits `userIDs` into the two.
   */
  async function byInvitationSetting(userIDs: string[], freshSettings = false, known?: ReadonlyMap<string, boolean>): Promise<{ everyInvitation: string[]; someInvitations: string[] }> {
    const unknown = known ? userIDs.filter((id) => !known.has(id)) : userIDs;
    const remembered = unknown.length > 0 ? await settingsOf(unknown, freshSettings) : settings;
    const someInvitations = userIDs.filter((id) => (known?.get(id) ?? remembered.get(id)?.addsEveryInvitation) === false);
    return { everyInvitation: someInvitations.length === 0 ? userIDs : userIDs.filter((id) => !someInvitations.includes(id)), someInvitations };
  }

  /**
   * Where one person's calendar rows come from: the read model for a read that waited on it (a consistency
   * token) or for someone who adds only some invitations; the views otherwise.
   */
  async function sourceFor(userID: string, fresh: boolean, freshSettings = false): Promise<AttendanceSource> {
    if (fresh) return fromReadModel;
    return (await byInvitationSetting([userID], freshSettings)).someInvitations.length > 0 ? fromReadModel : cached;
  }

  async function merged<T>(
    userIDs: string[], fresh: boolean, cachedRead: (ids: string[]) => Promise<Map<string, T>>, readModelRead: (ids: string[]) => Promise<Map<string, T>>,
    known?: ReadonlyMap<string, boolean>,
  ) {
    if (fresh) return readModelRead(userIDs);
    const { everyInvitation, someInvitations } = await byInvitationSetting(userIDs, false, known);
    if (someInvitations.length === 0) return cachedRead(userIDs);
    const [fromViews, fromReadModel] = await Promise.all([everyInvitation.length > 0 ? cachedRead(everyInvitation) : new Map<string, T>(), readModelRead(someInvitations)]);
    return new Map([...fromViews, ...fromReadModel]);
  }
  return {
    /**
     * What the user hosts or is invited to (not declined, not cancelled) overlapping [from, to): single
     * events and each occurrence of a series as its own item, all-day items on the viewer's dates,
     * sorted by start (all-day items at the start of their day in the viewer's zone).
     */
    async calendar(
      userID: string, from: Date, to: Date, viewerZone: string, fresh = false, calendars?: SelectedCalendar[],
      /** The person's invitation setting read now, not remembered (an answer that may be kept is built only from what stamps cover). */
      freshSettings = false,
    ): Promise<{ events: CalendarEntry[]; truncated: boolean; fromViewsOnly: boolean }> {
      // A read that waited for a consistency token reads the read model it waited on, not the cache, which may lag it.
      const source = await sourceFor(userID, fresh, freshSettings);
      const window = [principalsOf(userID, calendars), new Date(from.getTime() - 14 * 3_600_000), new Date(to.getTime() + 14 * 3_600_000)] as const;
      const { rows, fromViewsOnly }: SourcedRows = source === cached && options.attendance?.sourced ? await options.attendance.sourced(...window) : { rows: await source(...window), fromViewsOnly: false };
      const { occurrences, truncated } = personalOccurrences(oneRowPerEvent(rows, userID), from, to, viewerZone);
      // The same order as the pages (calendarPage): start, then the item's id by code unit.
      const keyed = occurrences.map((o) => { const entry = seenBy(userID, calendars, o.row.userID, entryOf(o)); return { key: sortKeyOf(o, viewerZone), id: entry.eventID, entry }; });
      keyed.sort(byKeyThenID);
      return { events: keyed.map(({ entry }) => entry), truncated, fromViewsOnly };
    },

    /**
     * `calendar`, one page at a time: at most `maxResults` items in (start, id) order, strictly after
     * `after`, reading only rows that reach past the page's position and expanding each series from
     * there (see `occurrencePage`).
     */
    async calendarPage(userID: string, window: { from: Date; to: Date }, viewerZone: string, maxResults: number, after: PageCursor | undefined, fresh = false, calendars?: SelectedCalendar[]): Promise<OccurrencePage> {
      const source = await sourceFor(userID, fresh);
      const from = after ? Math.max(window.from.getTime(), after.start) : window.from.getTime();
      const end = window.to.getTime();
      // A long window is read a stretch at a time from the page's position, widened until a page is
      // full: a page of a two-year window reads the rows near it, not two years of rows. Every item of
      // [window.from, horizon) starts before the horizon, so a page that fills before it is the page.
      let horizon = end - from > 2 * FIRST_STRETCH_MS ? from + FIRST_STRETCH_MS : end;
      for (;;) {
        const rows = oneRowPerEvent(await source(principalsOf(userID, calendars), new Date(from - 14 * 3_600_000), new Date(horizon + 14 * 3_600_000)), userID);
        const page = occurrencePage(rows, { from: window.from, to: new Date(horizon) }, viewerZone, maxResults, after);
        const byRow = new Map(rows.map((row) => [row.event.eventID, row.userID]));
        const seen = { ...page, events: page.events.map((entry) => seenBy(userID, calendars, byRow.get(entry.recurringEventID ?? entry.eventID) ?? userID, entry)) };
        if (horizon >= end || page.next !== undefined) return seen;
        horizon = Math.min(end, from + (horizon - from) * 4);
      }
    },

    /**
     * One event or series with its attendees, if `viewerID` is on it (declined included) or reads its
     * calendar (`roleOn`, from the store): a reader of the calendar sees a private event it is not on only as busy time.
     */
    async event(eventID: string, viewerID: string, roleOn: (calendarID: string) => Promise<EffectiveRole>): Promise<EventDetails | BusyEventDetails | undefined> {
      const { rows } = await db.query<{ state: CalendarEventDetails & { status: 'scheduled' | 'cancelled' }; version: string; on_event: boolean }>(
        `select e.state, e.version::text as version, exists (select 1 from rm_event_users v where v.event_id = e.event_id and v.user_id = $2) as on_event
         from rm_events e where e.event_id = $1`,
        [eventID, viewerID],
      );
      const row = rows[0];
      if (!row) return undefined;
      const s = row.state;
      const calendarID = s.calendarID ?? s.hostID;
      const onEvent = row.on_event || s.hostID === viewerID && calendarID === viewerID;
      const role = onEvent ? undefined : await roleOn(calendarID);
      if (role !== undefined && !atLeast(role, 'reader')) return undefined;
      if (role !== undefined && seesBusyTimeOnly(role, s.visibility, false)) {
        return { eventID: s.eventID, calendarID, busy: true, startTime: s.startTime, endTime: s.endTime, timeZone: s.timeZone, allDay: s.allDay, version: Number(row.version) };
      }
      // With guestsCanSeeOtherGuests off, a guest sees only the host and themself (states folded before the field: on).
      const visible = s.hostID === viewerID || s.guestsCanSeeOtherGuests !== false
        ? s.attendees
        : Object.fromEntries(Object.entries(s.attendees).filter(([id]) => id === s.hostID || id === viewerID));
      const names = await db.query<{ user_id: string; user_name: string }>('select user_id, user_name from rm_users where user_id = any($1::uuid[])', [Object.keys(visible)]);
      const nameOf = new Map(names.rows.map((n) => [n.user_id, n.user_name]));
      return {
        eventID: s.eventID, userID: s.hostID, calendarID, visibility: s.visibility ?? 'default', ...(role ? { accessRole: role } : {}), title: s.title, description: s.description, location: s.location,
        startTime: s.startTime, endTime: s.endTime, timeZone: s.timeZone, allDay: s.allDay, startDate: s.startDate, endDate: s.endDate,
        recurrence: s.recurrence, exceptions: s.exceptions, status: s.status === 'cancelled' ? 'cancelled' : 'confirmed', version: Number(row.version),
        guestsCanSeeOtherGuests: s.guestsCanSeeOtherGuests !== false,
        attendees: [
          ...Object.entries(visible).sort(([a], [b]) => a.localeCompare(b)).map(([userID, rsvpStatus]) => ({ userID, userName: nameOf.get(userID) ?? null, rsvpStatus })),
          // Guests invited by address are other guests: hidden with the guest list (states folded before them have none).
          ...(s.hostID === viewerID || s.guestsCanSeeOtherGuests !== false
            ? Object.entries(externalAttendeesOf(s)).sort(([a], [b]) => a.localeCompare(b)).map(([email, { rsvpStatus, optional }]) => ({ email, rsvpStatus, optional }))
            : []),
        ],
      };
    },

    /**
     * Each user's busy time (see `busyTime`) overlapping [from, to); `fresh` reads the read model, not the cache.
     * `addsEveryInvitation`: the invitation settings the caller read from the store (the others are looked up).
     */
    busyTime(userIDs: string[], from: Date, to: Date, fresh = false, addsEveryInvitation?: ReadonlyMap<string, boolean>, ahead?: ViewsAhead<readonly BusyInterval[]>) {
      return merged(userIDs, fresh, (ids) => busyCached(ids, from, to, ahead), (ids) => busyFromReadModel(ids, from, to), addsEveryInvitation);
    },

    /** Whether each user has busy time overlapping [from, to); `fresh` reads the read model; `addsEveryInvitation` as for busyTime. */
    whoIsBusy(userIDs: string[], from: Date, to: Date, fresh = false, addsEveryInvitation?: ReadonlyMap<string, boolean>, ahead?: ViewsAhead<boolean>) {
      return merged(userIDs, fresh, (ids) => whoIsBusyCached(ids, from, to, ahead), (ids) => whoIsBusyFromReadModel(ids, from, to), addsEveryInvitation);
    },

    /**
     * Starts reading the views' busy time of everyone a request asks about, before their rights are read: the two
     * reads then share one Redis round trip. Hand it to busyTime; who may be seen is still decided by the rights alone.
     */
    busyAhead(userIDs: string[], from: Date, to: Date, fresh = false): ViewsAhead<readonly BusyInterval[]> | undefined {
      return fresh ? undefined : busyCached.ahead?.(userIDs, from, to);
    },

    /** `busyAhead` for whoIsBusy. */
    whoIsBusyAhead(userIDs: string[], from: Date, to: Date, fresh = false): ViewsAhead<boolean> | undefined {
      return fresh ? undefined : whoIsBusyCached.ahead?.(userIDs, from, to);
    },

    /** The ids among `userIDs` that the read model knows (remembered: a user once known stays known). */
    async knownUsers(userIDs: string[]): Promise<Set<string>> {
      const asked = userIDs.filter((id) => !known.has(id));
      if (asked.length > 0) {
        const { rows } = await db.query<{ user_id: string }>('select user_id from rm_users where user_id = any($1::uuid[])', [asked]);
        if (known.size + rows.length > KNOWN_USERS_REMEMBERED) known.clear();
        for (const r of rows) known.add(r.user_id);
      }
      return new Set(userIDs.filter((id) => known.has(id)));
    },

    /** The user's own zone (remembered a few seconds, see settingsOf); `fresh` reads it from the read model. */
    async timeZoneOf(userID: string, fresh = false): Promise<string | undefined> {
      return (await settingsOf([userID], fresh)).get(userID)?.zone;
    },
  };
}

export type ReadModelQueries = ReturnType<typeof readModelQueries>;

/** Whose rows a calendar read reads: the person's own (their primary calendar and their invitations) and each selected calendar's. */
/** Whose views a read takes: the calendars selected (the primary among them unless a request narrowed it away), else the person's own. */
const principalsOf = (userID: string, calendars: SelectedCalendar[] | undefined) => (calendars ? calendars.map((c) => c.calendarID) : [userID]);

/** An item as the reader may see it; without a selection (the read before calendars) it is their own row, as it always was. */
function seenBy(userID: string, calendars: SelectedCalendar[] | undefined, principal: string, entry: CalendarEntry): CalendarEntry {
  if (!calendars) return entry;
  const role = principal === userID ? 'owner' : (calendars.find((c) => c.calendarID === principal)?.role ?? 'none');
  return asSeenWith(entry, principal === userID, role) as CalendarEntry;
}

import { type CalendarEventDetails, isRecurring } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { Temporal } from 'temporal-polyfill';
import { type PersonalOccurrence, personalOccurrences } from '@datebook/shared-kernel/ports';
import { type AttendanceSource, type BusyCheck, type BusySource, postgresAttendance, postgresBusyTime } from './cachedAttendance';

export interface CalendarEntry {
  /** The event's id; for an occurrence of a series `<seriesID>_<original start, basic format>`, as Google Calendar does. */
  eventID: string;
  userID: string;
  title: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  location: string | null;
  rsvpStatus: string;
  allDay: boolean;
  startDate?: string;
  endDate?: string;
  recurringEventID?: string;
  originalStartTime?: string;
}

/** An event or series as its attendees see it: the folded state, with the host as `userID`. */
export type EventDetails = Pick<
  CalendarEventDetails,
  'eventID' | 'title' | 'description' | 'location' | 'startTime' | 'endTime' | 'timeZone' | 'allDay' | 'startDate' | 'endDate' | 'recurrence' | 'exceptions' | 'guestsCanSeeOtherGuests'
> & {
  userID: string;
  status: 'confirmed' | 'cancelled';
  version: number;
  attendees: { userID: string; userName: string | null; rsvpStatus: string }[];
};

const compact = (originalStart: string) => originalStart.replace(/\.\d{3}Z$/, 'Z').replaceAll('-', '').replaceAll(':', '');

function entryOf(o: PersonalOccurrence): CalendarEntry {
  const event = o.row.event;
  return {
    eventID: isRecurring(event) ? `${event.eventID}_${compact(o.originalStart)}` : event.eventID,
    userID: event.hostID, title: o.title, startTime: o.startTime, endTime: o.endTime, timeZone: event.timeZone, location: o.location,
    rsvpStatus: o.rsvpStatus, allDay: event.allDay,
    ...(event.allDay && o.startDate && o.endDate ? { startDate: o.startDate, endDate: o.endDate } : {}),
    ...(isRecurring(event) ? { recurringEventID: event.eventID, originalStartTime: o.originalStart } : {}),
  };
}

/** Known user ids are remembered this many at most (users are never deleted, so a known id stays true). */
const KNOWN_USERS_REMEMBERED = 200_000;

/** How long a user's zone is remembered, and for how many users at most. */
const ZONE_REMEMBERED_MS = 5_000;
const ZONES_REMEMBERED = 100_000;

/**
 * The reads the query API makes against the PostgreSQL read model; calendar rows and busy time come
 * from `attendance` and `busy` when given (the cached views), else from PostgreSQL.
 */
export function readModelQueries(db: SqlExecutor, options: { attendance?: AttendanceSource; busy?: BusySource; whoIsBusy?: BusyCheck } = {}) {
  const fromReadModel = postgresAttendance(db);
  const cached = options.attendance ?? fromReadModel;
  const busyFromReadModel = postgresBusyTime(db);
  const busyCached = options.busy ?? busyFromReadModel;
  const whoIsBusyFromReadModel: BusyCheck = async (userIDs, from, to) =>
    new Map([...(await busyFromReadModel(userIDs, from, to))].map(([userID, intervals]) => [userID, intervals.length > 0]));
  const whoIsBusyCached = options.whoIsBusy ?? whoIsBusyFromReadModel;
  const known = new Set<string>();
  const zones = new Map<string, { zone: string; until: number }>();
  return {
    /**
     * What the user hosts or is invited to (not declined, not cancelled) overlapping [from, to): single
     * events and each occurrence of a series as its own item, all-day items on the viewer's dates,
     * sorted by start (all-day items at the start of their day in the viewer's zone).
     */
    async calendar(userID: string, from: Date, to: Date, viewerZone: string, fresh = false): Promise<{ events: CalendarEntry[]; truncated: boolean }> {
      // A read that waited for a consistency token reads the read model it waited on, not the cache, which may lag it.
      const rows = await (fresh ? fromReadModel : cached)([userID], new Date(from.getTime() - 14 * 3_600_000), new Date(to.getTime() + 14 * 3_600_000));
      const { occurrences, truncated } = personalOccurrences(rows, from, to, viewerZone);
      const sortKey = (o: PersonalOccurrence) =>
        o.startDate !== null && o.row.event.allDay
          ? Temporal.PlainDate.from(o.startDate).toZonedDateTime({ timeZone: viewerZone }).epochMilliseconds
          : Date.parse(o.startTime);
      const keyed = occurrences.map((o) => [sortKey(o), o] as const);
      keyed.sort((a, b) => a[0] - b[0] || a[1].row.event.eventID.localeCompare(b[1].row.event.eventID) || a[1].originalStart.localeCompare(b[1].originalStart));
      return { events: keyed.map(([, o]) => entryOf(o)), truncated };
    },

    /** One event or series with its attendees, if `viewerID` is on it (declined included). */
    async event(eventID: string, viewerID: string): Promise<EventDetails | undefined> {
      const { rows } = await db.query<{ state: CalendarEventDetails & { status: 'scheduled' | 'cancelled' }; version: string }>(
        `select e.state, e.version::text as version from rm_events e
         where e.event_id = $1 and exists (select 1 from rm_event_users v where v.event_id = e.event_id and v.user_id = $2)`,
        [eventID, viewerID],
      );
      const row = rows[0];
      if (!row) return undefined;
      const s = row.state;
      // With guestsCanSeeOtherGuests off, a guest sees only the host and themself (states folded before the field: on).
      const visible = s.hostID === viewerID || s.guestsCanSeeOtherGuests !== false
        ? s.attendees
        : Object.fromEntries(Object.entries(s.attendees).filter(([id]) => id === s.hostID || id === viewerID));
      const names = await db.query<{ user_id: string; user_name: string }>('select user_id, user_name from rm_users where user_id = any($1::uuid[])', [Object.keys(visible)]);
      const nameOf = new Map(names.rows.map((n) => [n.user_id, n.user_name]));
      return {
        eventID: s.eventID, userID: s.hostID, title: s.title, description: s.description, location: s.location,
        startTime: s.startTime, endTime: s.endTime, timeZone: s.timeZone, allDay: s.allDay, startDate: s.startDate, endDate: s.endDate,
        recurrence: s.recurrence, exceptions: s.exceptions, status: s.status === 'cancelled' ? 'cancelled' : 'confirmed', version: Number(row.version),
        guestsCanSeeOtherGuests: s.guestsCanSeeOtherGuests !== false,
        attendees: Object.entries(visible).sort(([a], [b]) => a.localeCompare(b)).map(([userID, rsvpStatus]) => ({ userID, userName: nameOf.get(userID) ?? null, rsvpStatus })),
      };
    },

    /** Each user's busy time (see `busyTime`) overlapping [from, to); `fresh` reads the read model, not the cache. */
    busyTime(userIDs: string[], from: Date, to: Date, fresh = false) {
      return (fresh ? busyFromReadModel : busyCached)(userIDs, from, to);
    },

    /** Whether each user has busy time overlapping [from, to); `fresh` reads the read model. */
    whoIsBusy(userIDs: string[], from: Date, to: Date, fresh = false) {
      return (fresh ? whoIsBusyFromReadModel : whoIsBusyCached)(userIDs, from, to);
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

    /**
     * The user's own zone. Remembered for a few seconds (every calendar read without `timeZone` needs
     * it, and it rarely changes); `fresh` reads it from the read model.
     */
    async timeZoneOf(userID: string, fresh = false): Promise<string | undefined> {
      const now = Date.now();
      const remembered = fresh ? undefined : zones.get(userID);
      if (remembered && remembered.until > now) return remembered.zone;
      const { rows } = await db.query<{ time_zone: string }>('select time_zone from rm_users where user_id = $1', [userID]);
      const zone = rows[0]?.time_zone;
      if (zone !== undefined) {
        if (zones.size >= ZONES_REMEMBERED) zones.clear();
        zones.set(userID, { zone, until: now + ZONE_REMEMBERED_MS });
      }
      return zone;
    },
  };
}

export type ReadModelQueries = ReturnType<typeof readModelQueries>;

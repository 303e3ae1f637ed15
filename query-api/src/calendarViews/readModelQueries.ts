import type { SqlExecutor } from '@datebook/shared-kernel/ports';

export interface CalendarEntry {
  eventID: string;
  userID: string;
  title: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  location: string | null;
  rsvpStatus: string;
}

export interface EventDetails extends Omit<CalendarEntry, 'rsvpStatus'> {
  description: string | null;
  status: 'confirmed' | 'cancelled';
  version: number;
  attendees: { userID: string; userName: string | null; rsvpStatus: string }[];
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** The reads the query API makes against the PostgreSQL read model. */
export function readModelQueries(db: SqlExecutor) {
  return {
    /** Events the user hosts or is invited to (not declined, not cancelled) overlapping [from, to), by start. */
    async calendar(userID: string, from: Date, to: Date): Promise<CalendarEntry[]> {
      const { rows } = await db.query<{
        event_id: string; host_id: string; title: string; start_time: Date; end_time: Date; time_zone: string; location: string | null; rsvp_status: string;
      }>(
        `select e.event_id, e.host_id, e.title, e.start_time, e.end_time, e.time_zone, e.location, eu.rsvp_status
         from rm_event_users eu join rm_events e on e.event_id = eu.event_id
         where eu.user_id = $1 and eu.event_status = 'confirmed' and eu.rsvp_status <> 'DECLINED'
           and eu.start_time < $3 and eu.end_time > $2
         order by eu.start_time, e.event_id`,
        [userID, from.toISOString(), to.toISOString()],
      );
      return rows.map((r) => ({
        eventID: r.event_id, userID: r.host_id, title: r.title, startTime: iso(r.start_time), endTime: iso(r.end_time),
        timeZone: r.time_zone, location: r.location, rsvpStatus: r.rsvp_status,
      }));
    },

    /** One event with its attendees, if `viewerID` is on it (declined included). */
    async event(eventID: string, viewerID: string): Promise<EventDetails | undefined> {
      const { rows } = await db.query<{
        event_id: string; host_id: string; title: string; description: string | null; location: string | null;
        start_time: Date; end_time: Date; time_zone: string; status: 'confirmed' | 'cancelled'; version: string;
      }>(
        `select e.* , e.version::text as version from rm_events e
         where e.event_id = $1 and exists (select 1 from rm_event_users v where v.event_id = e.event_id and v.user_id = $2)`,
        [eventID, viewerID],
      );
      const e = rows[0];
      if (!e) return undefined;
      const attendees = await db.query<{ user_id: string; user_name: string | null; rsvp_status: string }>(
        `select eu.user_id, u.user_name, eu.rsvp_status from rm_event_users eu left join rm_users u on u.user_id = eu.user_id
         where eu.event_id = $1 order by eu.user_id`,
        [eventID],
      );
      return {
        eventID: e.event_id, userID: e.host_id, title: e.title, description: e.description, location: e.location,
        startTime: iso(e.start_time), endTime: iso(e.end_time), timeZone: e.time_zone, status: e.status, version: Number(e.version),
        attendees: attendees.rows.map((a) => ({ userID: a.user_id, userName: a.user_name, rsvpStatus: a.rsvp_status })),
      };
    },

    /** Users among `userIDs` with an accepted, tentative or pending event overlapping [from, to). */
    async busyUsers(userIDs: string[], from: Date, to: Date): Promise<Set<string>> {
      const { rows } = await db.query<{ user_id: string }>(
        `select distinct user_id from rm_event_users
         where user_id = any($1::uuid[]) and event_status = 'confirmed' and rsvp_status <> 'DECLINED'
           and start_time < $3 and end_time > $2`,
        [userIDs, from.toISOString(), to.toISOString()],
      );
      return new Set(rows.map((r) => r.user_id));
    },

    /** The ids among `userIDs` that the read model knows. */
    async knownUsers(userIDs: string[]): Promise<Set<string>> {
      const { rows } = await db.query<{ user_id: string }>('select user_id from rm_users where user_id = any($1::uuid[])', [userIDs]);
      return new Set(rows.map((r) => r.user_id));
    },

    async timeZoneOf(userID: string): Promise<string | undefined> {
      const { rows } = await db.query<{ time_zone: string }>('select time_zone from rm_users where user_id = $1', [userID]);
      return rows[0]?.time_zone;
    },
  };
}

export type ReadModelQueries = ReturnType<typeof readModelQueries>;

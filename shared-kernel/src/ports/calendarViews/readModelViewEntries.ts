import type { CalendarEventDetails, RsvpStatus } from '../../calendar/calendarEventState';
import type { SqlExecutor } from '../sql/sqlDatabase';
import type { CalendarViewEntry } from './calendarViews';

interface Row {
  event_id: string; host_id: string; title: string; description: string | null; location: string | null;
  start_time: Date | string; end_time: Date | string; time_zone: string; all_day: boolean; start_date: string | null; end_date: string | null;
  recurrence: string[]; exceptions: CalendarEventDetails['exceptions']; transparency: 'opaque' | 'transparent';
  rsvp_status: RsvpStatus; occurrence_responses: Record<string, RsvpStatus>; version: string;
}

/**
 * A user's view as the PostgreSQL read model holds it: every row of a live event whose span ends
 * after `since`, each with its event's version, read in one statement so row and version agree.
 * `undefined` when there are more than `limit` rows: too big a view to copy in one go.
 */
export async function readModelViewEntries(db: SqlExecutor, userID: string, since: Date, limit: number): Promise<CalendarViewEntry[] | undefined> {
  const { rows } = await db.query<Row>(
    `select e.event_id, e.host_id, e.title, e.description, e.location, e.start_time, e.end_time, e.time_zone, e.all_day,
       e.start_date::text as start_date, e.end_date::text as end_date, e.recurrence, e.exceptions, e.transparency,
       eu.rsvp_status, eu.occurrence_responses, e.version::text as version
     from rm_event_users eu join rm_events e on e.event_id = eu.event_id
     where eu.user_id = $1 and eu.event_status = 'confirmed' and eu.span_end > $2
     limit $3`,
    [userID, since.toISOString(), limit + 1],
  );
  if (rows.length > limit) return undefined;
  return rows.map((r) => ({
    version: Number(r.version),
    row: {
      userID,
      rsvpStatus: r.rsvp_status,
      occurrenceResponses: r.occurrence_responses,
      event: {
        eventID: r.event_id, hostID: r.host_id, title: r.title, description: r.description, location: r.location,
        startTime: new Date(r.start_time).toISOString(), endTime: new Date(r.end_time).toISOString(), timeZone: r.time_zone,
        allDay: r.all_day, startDate: r.start_date, endDate: r.end_date, recurrence: r.recurrence, exceptions: r.exceptions, transparency: r.transparency,
      },
    },
  }));
}

import { type BusyInterval, type CalendarEventDetails, type EventOccurrence, occurrencesOverlapping, type RsvpStatus, unexpandedBusy } from '../../index';
import type { SqlExecutor } from '../sql/sqlDatabase';
import { Temporal } from 'temporal-polyfill';

/** One person's row on one event (single or series), as the read model holds it. */
export interface AttendanceRow {
  userID: string;
  event: Pick<CalendarEventDetails, 'eventID' | 'hostID' | 'title' | 'description' | 'location' | 'startTime' | 'startLocal' | 'endTime' | 'timeZone' | 'allDay' | 'startDate' | 'endDate' | 'recurrence' | 'exceptions' | 'transparency'>
    /** Absent in views written before calendars: the host's primary calendar, default visibility. */
    & Partial<Pick<CalendarEventDetails, 'calendarID' | 'visibility'>>;
  rsvpStatus: RsvpStatus;
  occurrenceResponses: Record<string, RsvpStatus>;
}

/** An occurrence as one person sees it, with their answer to it. */
export interface PersonalOccurrence extends EventOccurrence {
  row: AttendanceRow;
  rsvpStatus: RsvpStatus;
}

/** A joined rm_event_users × rm_events row, as ATTENDANCE_COLUMNS selects it. */
export interface AttendanceRecord {
  user_id: string; event_id: string; host_id: string; title: string; description: string | null; location: string | null;
  start_time: Date | string; end_time: Date | string; time_zone: string; all_day: boolean; start_date: string | null; end_date: string | null;
  recurrence: string[]; exceptions: CalendarEventDetails['exceptions']; transparency: 'opaque' | 'transparent'; rsvp_status: RsvpStatus; occurrence_responses: Record<string, RsvpStatus>;
  /** The series' nominal start when it has one (see `nominalStart`), read from the folded state. */
  start_local: string | null;
  calendar_id: string | null;
  visibility: CalendarEventDetails['visibility'];
}

/**
 * Every attendance read's rows: a person's rows `eu`, each with its event `e` looked up by key. The lookup
 * is a lateral subquery kept apart (`offset 0`) so it stays a key lookup per row, whatever the statistics:
 * as a plain join, the generic plan of the prepared statement (preparedStatements.ts) turned, once the
 * tables were analyzed, into a hash join over a sequential scan of all of rm_events — per booking, 5 ms
 * instead of 0.1 (it mis-costs the INVITATION_ADDED filter, which runs per row on either plan).
 */
export const ATTENDANCE_FROM = 'rm_event_users eu cross join lateral (select * from rm_events e where e.event_id = eu.event_id offset 0) e';

/**
 * `param` as a value the planner does not look at: the output of a scalar subquery (an InitPlan). Every
 * plan of the statement is then costed as its generic plan is, so PostgreSQL keeps that one after five runs
 * (plancache.c takes the generic plan when it costs no more than the custom ones). Seeing the values, it
 * costed each read's few people and near window below the generic plan's guesses (ten array elements, a
 * third of the table per bound) and planned every call anew: on the booking path 0.5 ms of PostgreSQL CPU
 * per booking, four times what running it costs — for the same plan. The outer cast keeps `any(…)` from
 * reading the subquery as a set of rows.
 */
export const hiddenFromPlanner = (param: string, type: string): string => `(select ${param}::${type})::${type}`;

/** The columns every attendance read selects from ATTENDANCE_FROM. */
export const ATTENDANCE_COLUMNS = `eu.user_id, e.event_id, e.host_id, e.title, e.description, e.location, e.start_time, e.end_time, e.time_zone, e.all_day,
  e.start_date::text as start_date, e.end_date::text as end_date, e.recurrence, e.exceptions, e.transparency, eu.rsvp_status, eu.occurrence_responses,
  e.state->>'startLocal' as start_local, coalesce(e.calendar_id, e.host_id) as calendar_id, e.visibility`;

export function toAttendanceRow(r: AttendanceRecord): AttendanceRow {
  return {
    userID: r.user_id,
    rsvpStatus: r.rsvp_status,
    occurrenceResponses: r.occurrence_responses,
    event: {
      eventID: r.event_id, hostID: r.host_id, title: r.title, description: r.description, location: r.location,
      startTime: new Date(r.start_time).toISOString(), endTime: new Date(r.end_time).toISOString(), timeZone: r.time_zone,
      allDay: r.all_day, startDate: r.start_date, endDate: r.end_date, recurrence: r.recurrence, exceptions: r.exceptions, transparency: r.transparency,
      calendarID: r.calendar_id ?? r.host_id, visibility: r.visibility,
      // Only when set, so rows of events without one stay as they were (views built either way checksum alike).
      ...(r.start_local ? { startLocal: r.start_local } : {}),
    },
  };
}

/**
 * An invitation the person has not answered stays out of their calendar and busy time when their
 * "add invitations" setting says so: `whenResponded`, or `knownSenders` and the host is not known to
 * them (they never answered an invitation of the host's, nor invited the host). SQL over `eu`, `e`.
 */
export const INVITATION_ADDED = `not (eu.rsvp_status = 'PENDING' and e.host_id <> eu.user_id and exists (
  select 1 from rm_users u where u.user_id = eu.user_id and (u.add_invitations = 'whenResponded' or (u.add_invitations = 'knownSenders'
    and not exists (select 1 from rm_event_users k join rm_events ke on ke.event_id = k.event_id
                    where k.user_id = eu.user_id and k.rsvp_status <> 'PENDING' and ke.host_id = e.host_id)
    and not exists (select 1 from rm_event_users k join rm_events ke on ke.event_id = k.event_id
                    where k.user_id = e.host_id and ke.host_id = eu.user_id)))))`;

/** Rows of live events of these users whose occurrences may touch [from, to): one index range scan per user. */
export async function attendanceRows(db: SqlExecutor, userIDs: string[], from: Date, to: Date): Promise<AttendanceRow[]> {
  const { rows } = await db.query<AttendanceRecord>(
    `select ${ATTENDANCE_COLUMNS}
     from ${ATTENDANCE_FROM}
     where eu.user_id = any(${hiddenFromPlanner('$1', 'uuid[]')}) and eu.event_status = 'confirmed'
       and eu.span_start < ${hiddenFromPlanner('$3', 'timestamptz')} and eu.span_end > ${hiddenFromPlanner('$2', 'timestamptz')} and ${INVITATION_ADDED}`,
    [userIDs, from.toISOString(), to.toISOString()],
  );
  return rows.map(toAttendanceRow);
}

/**
 * The window as all-day events compare with it: the viewer's local dates it touches, as 00:00 UTC
 * instants, so an all-day event shows on the same calendar day in every zone.
 */
export function allDayWindow(from: Date, to: Date, viewerZone: string): { from: number; to: number } {
  const dateIn = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(viewerZone).toPlainDate();
  const first = dateIn(from.getTime());
  const last = dateIn(to.getTime() - 1).add({ days: 1 });
  return { from: Date.parse(`${first.toString()}T00:00:00Z`), to: Date.parse(`${last.toString()}T00:00:00Z`) };
}

/** Expands each row over the window and keeps what its person has not declined; `unexpanded`: where each truncated row stopped. */
export function personalOccurrences(rows: AttendanceRow[], from: Date, to: Date, viewerZone: string): { occurrences: PersonalOccurrence[]; truncated: boolean; unexpanded: { row: AttendanceRow; from: number }[] } {
  const timedWindow = { from: from.getTime(), to: to.getTime() };
  // Computed only when an all-day row needs it: zone arithmetic costs more than a week of single events.
  let datesWindow: { from: number; to: number } | undefined;
  const occurrences: PersonalOccurrence[] = [];
  let truncated = false;
  const unexpanded: { row: AttendanceRow; from: number }[] = [];
  for (const row of rows) {
    const window = row.event.allDay ? (datesWindow ??= allDayWindow(from, to, viewerZone)) : timedWindow;
    const expansion = occurrencesOverlapping(row.event, window);
    truncated ||= expansion.truncated;
    if (expansion.truncated) unexpanded.push({ row, from: expansion.completeBefore });
    for (const occurrence of expansion.occurrences) {
      const rsvpStatus = row.occurrenceResponses[occurrence.originalStart] ?? row.rsvpStatus;
      if (rsvpStatus !== 'DECLINED') occurrences.push({ ...occurrence, row, rsvpStatus });
    }
  }
  return { occurrences, truncated, unexpanded };
}

/**
 * Each user's busy time in [from, to), clipped and merged by the caller: occurrences of opaque events
 * they accepted ('busy') or have not declined yet ('tentative'). Declined, cancelled and transparent
 * events block nothing; no title or detail leaves this function.
 */
export type BusyEntry = BusyInterval & { eventID: string };

export async function busyTime(db: SqlExecutor, userIDs: string[], from: Date, to: Date): Promise<Map<string, BusyEntry[]>> {
  const rows = (await attendanceRows(db, userIDs, from, to)).filter((r) => r.event.transparency === 'opaque');
  const { occurrences, unexpanded } = personalOccurrences(rows, from, to, 'UTC');
  const busy = new Map<string, BusyEntry[]>(userIDs.map((id) => [id, []]));
  for (const o of occurrences) {
    const kind = o.rsvpStatus === 'ACCEPTED' ? 'busy' : 'tentative';
    busy.get(o.row.userID)?.push({ start: Date.parse(o.startTime), end: Date.parse(o.endTime), kind, eventID: o.row.event.eventID });
  }
  // A series cut short (cap or expansion budget) is busy for the rest of the window, never free.
  for (const { row, from: stoppedAt } of unexpanded) {
    if (row.rsvpStatus === 'DECLINED' && Object.values(row.occurrenceResponses).every((answer) => answer === 'DECLINED')) continue;
    const kind = row.rsvpStatus === 'ACCEPTED' ? 'busy' : 'tentative';
    for (const interval of unexpandedBusy({ from: stoppedAt, kind }, { start: from.getTime(), end: to.getTime() })) {
      busy.get(row.userID)?.push({ ...interval, eventID: row.event.eventID });
    }
  }
  return busy;
}

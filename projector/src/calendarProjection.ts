import {
  type CalendarEventState,
  evolve,
  iCalUIDOf,
  initialState,
  occurrenceSpan,
  parseCalendarEventEvent,
  parseStreamName,
  isAccountSecurityEvent,
  parseUserEvent,
  type RecordedEvent,
  viewAudience,
} from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { projectCalendars } from './calendarAccessProjection';
import { projectCollections } from './collectionProjection';
import { foldICalSequence, type ICalSequenceFold } from './icalSequenceFold';

/**
 * Projects a batch of CalendarEvent and User events into the read model. Every write is guarded by
 * the stream version it comes from, so a redelivered or replayed event changes nothing. Calendar
 * events are folded in memory per stream and written with one statement per table, so a batch
 * costs a handful of round trips however many events it holds.
 */
export async function projectBatch(tx: SqlExecutor, batch: RecordedEvent[]): Promise<void> {
  const calendarEvents: RecordedEvent[] = [];
  const calendars: RecordedEvent[] = [];
  for (const recorded of batch) {
    const { category } = parseStreamName(recorded.streamName);
    if (category === 'CalendarEvent') calendarEvents.push(recorded);
    else if (category === 'Calendar') calendars.push(recorded);
    else if (category === 'User') await projectUser(tx, recorded);
  }
  if (calendarEvents.length > 0) await projectCalendarEvents(tx, calendarEvents);
  if (calendars.length > 0) await projectCalendars(tx, calendars);
}

async function projectUser(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = parseUserEvent(recorded);
  // Calendar list settings are read from the User stream itself (GET /users/me/calendarList, GET /events): no column.
  if (!event || event.type === 'EmailClaimed' || event.type === 'CalendarListEntryChanged' || isAccountSecurityEvent(event)) return;
  const version = recorded.streamVersion;
  if (event.type === 'UserRegistered') {
    const d = event.data;
    await tx.query(
      `insert into rm_users (user_id, user_name, email, time_zone, version) values ($1, $2, $3, $4, $5) on conflict (user_id) do nothing`,
      [d.userID, d.userName, d.email, d.timeZone, version],
    );
    return;
  }
  const [column, value] =
    event.type === 'PreferredTimeZoneChanged' ? ['time_zone', event.data.timeZone]
    : event.type === 'DefaultRemindersChanged' ? ['default_reminders', JSON.stringify(event.data.reminders)]
    : event.type === 'InvitationsSettingChanged' ? ['add_invitations', event.data.addInvitations]
    : ['working_hours', JSON.stringify(event.data.workingHours)];
  await tx.query(`update rm_users set ${column} = $2, version = $3 where user_id = $1 and version < $3`, [event.data.userID, value, version]);
}

const timestamp = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : ms > 0 ? 'infinity' : '-infinity');

async function projectCalendarEvents(tx: SqlExecutor, batch: RecordedEvent[]): Promise<void> {
  const ids = [...new Set(batch.map((e) => parseStreamName(e.streamName).id))];
  const { rows } = await tx.query<{ event_id: string; state: CalendarEventState; version: string; ical_sequence: ICalSequenceFold | null }>(
    'select event_id, state, version::text, ical_sequence from rm_events where event_id = any($1::uuid[]) for update',
    [ids],
  );
  const folded = new Map<string, { state: CalendarEventState; version: number; at: string; changed: boolean; ical?: ICalSequenceFold }>(
    rows.map((r) => [r.event_id, { state: r.state, version: Number(r.version), at: '', changed: false, ...(r.ical_sequence ? { ical: r.ical_sequence } : {}) }]),
  );
  for (const recorded of batch) {
    const event = parseCalendarEventEvent(recorded);
    const { id } = parseStreamName(recorded.streamName);
    const current = folded.get(id) ?? { state: initialState(), version: 0, at: '', changed: false };
    if (!event || recorded.streamVersion <= current.version) continue;
    const state = evolve(current.state, event);
    // Rows projected before the fold existed have none: their number is known again after a replay.
    const ical = current.ical !== undefined || current.state.status === 'absent' ? foldICalSequence(current.ical, current.state, state, event, recorded) : undefined;
    folded.set(id, { state, version: recorded.streamVersion, at: recorded.metadata.occurredAt, changed: true, ical });
  }

  const eventRows: unknown[] = [];
  const attendeeRows: unknown[] = [];
  for (const [eventID, { state, version, at, changed, ical }] of folded) {
    if (!changed || state.status === 'absent') continue;
    const span = occurrenceSpan(state);
    const status = state.status === 'cancelled' ? 'cancelled' : 'confirmed';
    eventRows.push({
      event_id: eventID, host_id: state.hostID, title: state.title, description: state.description, location: state.location,
      start_time: state.startTime, end_time: state.endTime, time_zone: state.timeZone, all_day: state.allDay, start_date: state.startDate,
      end_date: state.endDate, recurrence: state.recurrence, exceptions: state.exceptions, transparency: state.transparency, calendar_id: state.calendarID, visibility: state.visibility, status, state,
      ical_uid: iCalUIDOf(state), ical_sequence: ical ?? null, version, updated_at: at,
    });
    for (const [userID, rsvpStatus] of Object.entries(viewAudience(state))) {
      attendeeRows.push({
        event_id: eventID, user_id: userID, rsvp_status: rsvpStatus, occurrence_responses: state.occurrenceResponses[userID] ?? {},
        span_start: timestamp(span.start), span_end: timestamp(span.end), all_day: state.allDay, recurring: state.recurrence.length > 0, event_status: status,
      });
    }
  }
  if (eventRows.length === 0) return;

  await tx.query(
    `insert into rm_events (event_id, host_id, title, description, location, start_time, end_time, time_zone, all_day, start_date, end_date,
       recurrence, exceptions, transparency, calendar_id, visibility, status, state, ical_uid, ical_sequence, version, updated_at)
     select event_id, host_id, title, description, location, start_time, end_time, time_zone, all_day, start_date, end_date,
       recurrence, exceptions, transparency, calendar_id, visibility, status, state, ical_uid, ical_sequence, version, updated_at
     from jsonb_to_recordset($1::jsonb) as r(event_id uuid, host_id uuid, title text, description text, location text, start_time timestamptz,
       end_time timestamptz, time_zone text, all_day boolean, start_date date, end_date date, recurrence jsonb, exceptions jsonb,
       transparency text, calendar_id uuid, visibility text, status text, state jsonb, ical_uid text, ical_sequence jsonb, version bigint, updated_at timestamptz)
     on conflict (event_id) do update set host_id = excluded.host_id, title = excluded.title, description = excluded.description,
       location = excluded.location, start_time = excluded.start_time, end_time = excluded.end_time, time_zone = excluded.time_zone,
       all_day = excluded.all_day, start_date = excluded.start_date, end_date = excluded.end_date, recurrence = excluded.recurrence,
       exceptions = excluded.exceptions, transparency = excluded.transparency, calendar_id = excluded.calendar_id, visibility = excluded.visibility, status = excluded.status, state = excluded.state,
       ical_uid = excluded.ical_uid, ical_sequence = excluded.ical_sequence, version = excluded.version, updated_at = excluded.updated_at`,
    [JSON.stringify(eventRows)],
  );
  // People no longer on a changed event lose its row; everyone on it gets theirs rewritten.
  await tx.query(
    `delete from rm_event_users eu
     where eu.event_id = any($1::uuid[])
       and not exists (select 1 from jsonb_to_recordset($2::jsonb) as r(event_id uuid, user_id uuid) where r.event_id = eu.event_id and r.user_id = eu.user_id)`,
    [eventRows.map((r) => (r as { event_id: string }).event_id), JSON.stringify(attendeeRows)],
  );
  await tx.query(
    `insert into rm_event_users (event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status)
     select event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status
     from jsonb_to_recordset($1::jsonb) as r(event_id uuid, user_id uuid, rsvp_status text, occurrence_responses jsonb, span_start timestamptz,
       span_end timestamptz, all_day boolean, recurring boolean, event_status text)
     on conflict (event_id, user_id) do update set rsvp_status = excluded.rsvp_status, occurrence_responses = excluded.occurrence_responses,
       span_start = excluded.span_start, span_end = excluded.span_end, all_day = excluded.all_day, recurring = excluded.recurring,
       event_status = excluded.event_status`,
    [JSON.stringify(attendeeRows)],
  );
  await projectCollections(tx, [...folded].filter(([, f]) => f.changed).map(([eventID, { state }]) => ({ eventID, state })));
}

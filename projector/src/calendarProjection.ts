import {
  type CalendarEventState,
  evolve,
  initialState,
  occurrenceSpan,
  parseCalendarEventEvent,
  parseStreamName,
  parseUserEvent,
  type RecordedEvent,
} from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/**
 * Projects CalendarEvent and User streams into the read model. Every write is guarded by the
 * stream version it comes from, so a redelivered or replayed event changes nothing.
 */
export async function projectEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const { category } = parseStreamName(recorded.streamName);
  if (category === 'CalendarEvent') return projectCalendarEvent(tx, recorded);
  if (category === 'User') return projectUser(tx, recorded);
}

async function projectUser(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = parseUserEvent(recorded.type, recorded.data);
  if (!event || event.type === 'EmailClaimed') return;
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
    : ['working_hours', JSON.stringify(event.data.workingHours)];
  await tx.query(`update rm_users set ${column} = $2, version = $3 where user_id = $1 and version < $3`, [event.data.userID, value, version]);
}

const timestamp = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : ms > 0 ? 'infinity' : '-infinity');

/** Evolves the stored state by one event and rewrites the event's rows from it. */
async function projectCalendarEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = parseCalendarEventEvent(recorded.type, recorded.data);
  if (!event) return;
  const { id: eventID } = parseStreamName(recorded.streamName);
  const { rows } = await tx.query<{ state: CalendarEventState; version: string }>(
    'select state, version::text from rm_events where event_id = $1 for update',
    [eventID],
  );
  const stored = rows[0];
  if (stored && Number(stored.version) >= recorded.streamVersion) return;
  const state = evolve(stored?.state ?? initialState(), event);
  if (state.status === 'absent') return;

  const span = occurrenceSpan(state);
  await tx.query(
    `insert into rm_events (event_id, host_id, title, description, location, start_time, end_time, time_zone, all_day, start_date, end_date,
       recurrence, exceptions, status, state, version, updated_at, transparency)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     on conflict (event_id) do update set host_id = excluded.host_id, title = excluded.title, description = excluded.description,
       location = excluded.location, start_time = excluded.start_time, end_time = excluded.end_time, time_zone = excluded.time_zone,
       all_day = excluded.all_day, start_date = excluded.start_date, end_date = excluded.end_date, recurrence = excluded.recurrence,
       exceptions = excluded.exceptions, transparency = excluded.transparency, status = excluded.status, state = excluded.state, version = excluded.version, updated_at = excluded.updated_at`,
    [
      eventID, state.hostID, state.title, state.description, state.location, state.startTime, state.endTime, state.timeZone, state.allDay,
      state.startDate, state.endDate, JSON.stringify(state.recurrence), JSON.stringify(state.exceptions),
      state.status === 'cancelled' ? 'cancelled' : 'confirmed', JSON.stringify(state), recorded.streamVersion, recorded.metadata.occurredAt,
      state.transparency,
    ],
  );

  const attendees = Object.entries(state.attendees);
  await tx.query('delete from rm_event_users where event_id = $1 and not (user_id = any($2::uuid[]))', [eventID, attendees.map(([id]) => id)]);
  for (const [userID, rsvpStatus] of attendees) {
    await tx.query(
      `insert into rm_event_users (event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (event_id, user_id) do update set rsvp_status = excluded.rsvp_status, occurrence_responses = excluded.occurrence_responses,
         span_start = excluded.span_start, span_end = excluded.span_end, all_day = excluded.all_day, recurring = excluded.recurring,
         event_status = excluded.event_status`,
      [
        eventID, userID, rsvpStatus, JSON.stringify(state.occurrenceResponses[userID] ?? {}), timestamp(span.start), timestamp(span.end),
        state.allDay, state.recurrence.length > 0, state.status === 'cancelled' ? 'cancelled' : 'confirmed',
      ],
    );
  }
}

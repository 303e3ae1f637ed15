import {
  type CalendarEventState,
  evolve,
  iCalUIDOf,
  initialState,
  occurrenceSpan,
  parseCalendarEventEvent,
  parseStreamName,
  type RecordedEvent,
  viewAudience,
} from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { projectCalendars } from './calendarAccessProjection';
import { type ChangedEvent, projectCollections } from './collectionProjection';
import { foldICalSequence, type ICalSequenceFold } from './icalSequenceFold';
import { projectUsers } from './userProjection';

/**
 * Projects a batch of CalendarEvent, Calendar and User events into the read model. Every write is
 * guarded by the stream version it comes from, so a redelivered or replayed event changes nothing.
 * Calendar events are folded in memory per stream and written with one statement per step (the events
 * and their people; the CalDAV collections), people with one statement per kind of change, so a batch
 * costs a handful of round trips however many events it holds.
 */
export async function projectBatch(tx: SqlExecutor, batch: RecordedEvent[]): Promise<void> {
  const calendarEvents: RecordedEvent[] = [];
  const calendars: RecordedEvent[] = [];
  const users: RecordedEvent[] = [];
  for (const recorded of batch) {
    const { category } = parseStreamName(recorded.streamName);
    if (category === 'CalendarEvent') calendarEvents.push(recorded);
    else if (category === 'Calendar') calendars.push(recorded);
    else if (category === 'User') users.push(recorded);
  }
  if (users.length > 0) await projectUsers(tx, users);
  const folded = calendarEvents.length > 0 ? await foldStreams(tx, calendarEvents) : new Map<string, Folded>();
  // The writes that follow need no answer, so they are sent without waiting for one, and the transaction's
  // COMMIT goes out right behind them (SqlDatabase.transaction): the collection counters they lock are held
  // for PostgreSQL's time alone. Waiting for each answer held them across this process's other work, and a
  // batch of another partition touching the same collections waited 10–100 ms for them.
  const changed = writeCalendarEvents(tx, folded);
  if (calendars.length > 0) await projectCalendars(tx, calendars);
  // Last: the counters it raises stay locked until the commit.
  projectCollections(tx, changed);
}

/** An instant as PostgreSQL takes it, the endless ends of a series included. */
const timestampOf = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : ms > 0 ? 'infinity' : '-infinity');

interface Folded {
  /** The state the read model held before this batch (absent for a new stream). */
  before: CalendarEventState;
  state: CalendarEventState;
  version: number;
  at: string;
  changed: boolean;
  ical?: ICalSequenceFold;
}

/** The folded state of each stream the batch touches: its read-model row (locked) evolved by the batch's newer events. */
async function foldStreams(tx: SqlExecutor, batch: RecordedEvent[]): Promise<Map<string, Folded>> {
  const ids = [...new Set(batch.map((e) => parseStreamName(e.streamName).id))];
  const { rows } = await tx.query<{ event_id: string; state: CalendarEventState; version: string; ical_sequence: ICalSequenceFold | null }>(
    'select event_id, state, version::text, ical_sequence from rm_events where event_id = any($1::uuid[]) for update',
    [ids],
  );
  const folded = new Map<string, Folded>(
    rows.map((r) => [r.event_id, { before: r.state, state: r.state, version: Number(r.version), at: '', changed: false, ...(r.ical_sequence ? { ical: r.ical_sequence } : {}) }]),
  );
  for (const recorded of batch) {
    const event = parseCalendarEventEvent(recorded);
    const { id } = parseStreamName(recorded.streamName);
    const current = folded.get(id) ?? { before: initialState(), state: initialState(), version: 0, at: '', changed: false };
    if (!event || recorded.streamVersion <= current.version) continue;
    const state = evolve(current.state, event);
    // Rows projected before the fold existed have none: their number is known again after a replay.
    const ical = current.ical !== undefined || current.state.status === 'absent' ? foldICalSequence(current.ical, current.state, state, event, recorded) : undefined;
    folded.set(id, { before: current.before, state, version: recorded.streamVersion, at: recorded.metadata.occurredAt, changed: true, ical });
  }
  return folded;
}

/**
 * Sends the write of the folded events and their attendees, without waiting for its answer (see projectBatch);
 * answers the events it changed, for their CalDAV collections.
 */
function writeCalendarEvents(tx: SqlExecutor, folded: Map<string, Folded>): ChangedEvent[] {
  const eventRows: object[] = [];
  const attendeeRows: object[] = [];
  const changed: ChangedEvent[] = [];
  for (const [eventID, { before, state, version, at, changed: isChanged, ical }] of folded) {
    if (!isChanged || state.status === 'absent') continue;
    const span = occurrenceSpan(state);
    const spanStart = timestampOf(span.start);
    const spanEnd = timestampOf(span.end);
    const status = state.status === 'cancelled' ? 'cancelled' : 'confirmed';
    // The queried columns are read out of `state` by the statement: each state crosses the wire once.
    eventRows.push({ event_id: eventID, status, state, ical_uid: iCalUIDOf(state), ical_sequence: ical ?? null, version, updated_at: at });
    for (const [userID, rsvpStatus] of Object.entries(viewAudience(state))) {
      attendeeRows.push({
        event_id: eventID, user_id: userID, rsvp_status: rsvpStatus, occurrence_responses: state.occurrenceResponses[userID] ?? {},
        span_start: spanStart, span_end: spanEnd, all_day: state.allDay, recurring: state.recurrence.length > 0, event_status: status,
      });
    }
    changed.push({ eventID, before, state, span: { start: spanStart, end: spanEnd } });
  }
  if (eventRows.length === 0) return changed;

  // One statement: the events, and their people (those no longer on a changed event lose its row, the others
  // get theirs written where it differs).
  void tx.query(
    `with events as (
       insert into rm_events (event_id, host_id, title, description, location, start_time, end_time, time_zone, all_day, start_date, end_date,
         recurrence, exceptions, transparency, calendar_id, visibility, status, state, ical_uid, ical_sequence, version, updated_at)
       select event_id, (state->>'hostID')::uuid, state->>'title', state->>'description', state->>'location', (state->>'startTime')::timestamptz,
         (state->>'endTime')::timestamptz, state->>'timeZone', (state->>'allDay')::boolean, (state->>'startDate')::date, (state->>'endDate')::date,
         state->'recurrence', state->'exceptions', state->>'transparency', (state->>'calendarID')::uuid, state->>'visibility', status, state, ical_uid,
         ical_sequence, version, updated_at
       from jsonb_to_recordset($1::jsonb) as r(event_id uuid, status text, state jsonb, ical_uid text, ical_sequence jsonb, version bigint, updated_at timestamptz)
       on conflict (event_id) do update set host_id = excluded.host_id, title = excluded.title, description = excluded.description,
         location = excluded.location, start_time = excluded.start_time, end_time = excluded.end_time, time_zone = excluded.time_zone,
         all_day = excluded.all_day, start_date = excluded.start_date, end_date = excluded.end_date, recurrence = excluded.recurrence,
         exceptions = excluded.exceptions, transparency = excluded.transparency, calendar_id = excluded.calendar_id, visibility = excluded.visibility, status = excluded.status, state = excluded.state,
         ical_uid = excluded.ical_uid, ical_sequence = excluded.ical_sequence, version = excluded.version, updated_at = excluded.updated_at
     ),
     attendees as materialized (
       select * from jsonb_to_recordset($2::jsonb) as a(event_id uuid, user_id uuid, rsvp_status text, occurrence_responses jsonb, span_start timestamptz,
         span_end timestamptz, all_day boolean, recurring boolean, event_status text)
     ),
     gone as (
       delete from rm_event_users eu
       where eu.event_id = any($3::uuid[]) and not exists (select 1 from attendees a where a.event_id = eu.event_id and a.user_id = eu.user_id)
     )
     insert into rm_event_users (event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status)
     select event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status from attendees
     on conflict (event_id, user_id) do update set rsvp_status = excluded.rsvp_status, occurrence_responses = excluded.occurrence_responses,
       span_start = excluded.span_start, span_end = excluded.span_end, all_day = excluded.all_day, recurring = excluded.recurring,
       event_status = excluded.event_status
     where (rm_event_users.rsvp_status, rm_event_users.occurrence_responses, rm_event_users.span_start, rm_event_users.span_end, rm_event_users.all_day,
         rm_event_users.recurring, rm_event_users.event_status)
       is distinct from (excluded.rsvp_status, excluded.occurrence_responses, excluded.span_start, excluded.span_end, excluded.all_day, excluded.recurring, excluded.event_status)`,
    // Only events the read model held before can have rows to remove (rm_events and rm_event_users are written together).
    [JSON.stringify(eventRows), JSON.stringify(attendeeRows), changed.filter((c) => c.before.status !== 'absent').map((c) => c.eventID)],
  );
  return changed;
}

import {
  type CalendarEventState,
  evolve,
  initialState,
  parseCalendarEventEvent,
  parseStreamName,
  type RecordedEvent,
  viewAudience,
} from '@datebook/shared-kernel';
import type { AttendanceRow, CalendarViewChange, CalendarViews, EventBatchHandler, EventStore } from '@datebook/shared-kernel/ports';

/** The consumer group under which the per-user calendar views are built, apart from the read model's. */
export const CALENDAR_VIEWS_CONSUMER_GROUP = 'projector-calendar-views';

/** Streams read from the store at once while a batch is projected. */
const STREAM_READS_IN_FLIGHT = 8;

function rowOf(state: Extract<CalendarEventState, { status: 'scheduled' }>, userID: string, rsvpStatus: AttendanceRow['rsvpStatus']): AttendanceRow {
  // Shaped exactly as the read model returns it (instants normalised), so views built either way checksum alike.
  return {
    userID,
    rsvpStatus,
    occurrenceResponses: state.occurrenceResponses[userID] ?? {},
    event: {
      eventID: state.eventID, hostID: state.hostID, title: state.title, description: state.description, location: state.location,
      startTime: new Date(state.startTime).toISOString(), endTime: new Date(state.endTime).toISOString(), timeZone: state.timeZone,
      allDay: state.allDay, startDate: state.startDate, endDate: state.endDate, recurrence: state.recurrence, exceptions: state.exceptions,
      transparency: state.transparency, calendarID: state.calendarID, visibility: state.visibility, ...(state.startLocal ? { startLocal: state.startLocal } : {}),
    },
  };
}

/**
 * The views' changes a CalendarEvent stream implies, from its whole history: a row for everyone on
 * the live event (declined included: an occurrence answer may still differ), a removal for everyone
 * who ever was on it but is not now, or for all when it is cancelled. A pure function of the history,
 * so applying it again changes nothing.
 */
export function calendarViewChanges(history: RecordedEvent[]): CalendarViewChange[] {
  let state = initialState();
  let version = -1;
  const everOn = new Set<string>();
  for (const recorded of history) {
    const event = parseCalendarEventEvent(recorded);
    // The read model's version skips events this version cannot parse; the views' versions must match it.
    if (!event) continue;
    state = evolve(state, event);
    version = recorded.streamVersion;
    if (state.status !== 'absent') for (const userID of Object.keys(viewAudience(state))) everOn.add(userID);
  }
  if (state.status === 'absent') return [];
  const audience = viewAudience(state);
  const changes: CalendarViewChange[] = [];
  for (const userID of everOn) {
    const rsvpStatus = audience[userID];
    const row = state.status === 'scheduled' && rsvpStatus !== undefined ? rowOf(state, userID, rsvpStatus) : null;
    changes.push({ userID, eventID: state.eventID, version, row });
  }
  return changes;
}

/** The batch's events of one stream when they are its whole history so far (from the first version, none missing). */
function wholeHistoryIn(events: RecordedEvent[], firstVersion: number): RecordedEvent[] | undefined {
  const sorted = [...events].sort((a, b) => a.streamVersion - b.streamVersion);
  return sorted.every((e, i) => e.streamVersion === firstVersion + i) ? sorted : undefined;
}

/**
 * Projects batches into the calendar views. Each touched CalendarEvent stream is folded whole rather
 * than from state kept beside the views: the store is the truth, so a redelivered, partial or replayed
 * batch (or one after the views were cleared) always yields the stream's latest rows, removals
 * included, with no second copy of every event's state to keep in step. A stream the batch holds from
 * its first event on (a new event, or any during a replay) is folded from the batch; others are
 * re-read from the store. A rejection (views unreachable) has the batch delivered again; the version
 * guard makes that harmless.
 */
export function calendarViewsProjector(deps: { store: EventStore; views: CalendarViews }): EventBatchHandler {
  return async (batch: RecordedEvent[]) => {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of batch) {
      if (parseStreamName(e.streamName).category !== 'CalendarEvent') continue;
      const list = byStream.get(e.streamName);
      if (list) list.push(e);
      else byStream.set(e.streamName, [e]);
    }
    const changes: CalendarViewChange[] = [];
    const toRead: string[] = [];
    for (const [name, events] of byStream) {
      const history = wholeHistoryIn(events, deps.store.firstVersion);
      if (history) changes.push(...calendarViewChanges(history));
      else toRead.push(name);
    }
    for (let i = 0; i < toRead.length; i += STREAM_READS_IN_FLIGHT) {
      const histories = await Promise.all(toRead.slice(i, i + STREAM_READS_IN_FLIGHT).map((name) => deps.store.readStream(name)));
      for (const { events } of histories) changes.push(...calendarViewChanges(events));
    }
    if (changes.length > 0) await deps.views.applyChanges(changes);
  };
}

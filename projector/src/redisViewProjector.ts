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

/** Streams read from the store in one round trip while a batch is projected (readStreams). */
const STREAMS_PER_READ = 200;

type ScheduledState = Extract<CalendarEventState, { status: 'scheduled' }>;

/** The event as every row of it holds it: shaped exactly as the read model returns it (instants normalised), so views built either way checksum alike. */
function rowEventOf(state: ScheduledState): AttendanceRow['event'] {
  return {
    eventID: state.eventID, hostID: state.hostID, title: state.title, description: state.description, location: state.location,
    startTime: new Date(state.startTime).toISOString(), endTime: new Date(state.endTime).toISOString(), timeZone: state.timeZone,
    allDay: state.allDay, startDate: state.startDate, endDate: state.endDate, recurrence: state.recurrence, exceptions: state.exceptions,
    transparency: state.transparency, calendarID: state.calendarID, visibility: state.visibility, ...(state.startLocal ? { startLocal: state.startLocal } : {}),
  };
}

/** A stream folded from its first event up to `seen`: what the views' rows of it follow from. */
interface StreamFold {
  /** The version of the last event folded in. */
  seen: number;
  /** The version of the last event applied: events of types this version cannot read are passed over, as the read model does. */
  version: number;
  state: CalendarEventState;
  /** Everyone who was ever on the event: those no longer on it get a removal. */
  everOn: Set<string>;
}

const emptyFold = (firstVersion: number): StreamFold => ({ seen: firstVersion - 1, version: -1, state: initialState(), everOn: new Set() });

function foldOnto(fold: StreamFold, events: readonly RecordedEvent[]): StreamFold {
  let { state, version, seen } = fold;
  const everOn = new Set(fold.everOn);
  for (const recorded of events) {
    seen = recorded.streamVersion;
    const event = parseCalendarEventEvent(recorded);
    // The read model's version skips events this version cannot parse; the views' versions must match it.
    if (!event) continue;
    state = evolve(state, event);
    version = recorded.streamVersion;
    if (state.status !== 'absent') for (const userID of Object.keys(viewAudience(state))) everOn.add(userID);
  }
  return { seen, version, state, everOn };
}

/**
 * The views' changes a folded stream implies: a row for everyone on the live event (declined included:
 * an occurrence answer may still differ), a removal for everyone who ever was on it but is not now, or
 * for all when it is cancelled.
 */
function changesOf({ state, version, everOn }: StreamFold): CalendarViewChange[] {
  if (state.status === 'absent') return [];
  const audience = viewAudience(state);
  // One event object for all its rows: the view writes encode what depends on the event alone once per object.
  const event = state.status === 'scheduled' ? rowEventOf(state) : undefined;
  const changes: CalendarViewChange[] = [];
  for (const userID of everOn) {
    const rsvpStatus = audience[userID];
    const row: AttendanceRow | null =
      event && rsvpStatus !== undefined ? { userID, rsvpStatus, occurrenceResponses: state.occurrenceResponses[userID] ?? {}, event } : null;
    changes.push({ userID, eventID: state.eventID, version, row });
  }
  return changes;
}

/**
 * The views' changes a CalendarEvent stream implies, from its whole history (see changesOf). A pure
 * function of the history, so applying it again changes nothing.
 */
export function calendarViewChanges(history: RecordedEvent[]): CalendarViewChange[] {
  return changesOf(foldOnto(emptyFold(history[0]?.streamVersion ?? 0), history));
}

/** Streams whose folds a projector keeps, the most recently touched. */
const KEPT_FOLDS = 10_000;

/**
 * The batch's events of a stream that follow `fold`, in order, once each; undefined when one is missing
 * between them (the fold cannot be carried on from the batch alone).
 */
function following(fold: StreamFold, events: readonly RecordedEvent[]): RecordedEvent[] | undefined {
  const fresh: RecordedEvent[] = [];
  let last = fold.seen;
  for (const e of [...events].sort((a, b) => a.streamVersion - b.streamVersion)) {
    if (e.streamVersion <= last) continue;
    if (e.streamVersion !== last + 1) return undefined;
    fresh.push(e);
    last = e.streamVersion;
  }
  return fresh;
}

/**
 * Projects batches into the calendar views. Each touched CalendarEvent stream's rows are written whole,
 * from the fold of its history: the store is the truth, so a redelivered, partial or replayed batch (or
 * one after the views were cleared) always yields the stream's latest rows, removals included. The fold
 * is carried on from the batch when the batch holds what follows one known (the stream's first events, or
 * the next ones after a fold this projector kept of a recently touched stream); otherwise the stream is
 * re-read from the store. A kept fold is never more than a prefix of the stream's history, so carrying it
 * on gives what folding the whole history gives. A rejection (views unreachable) has the batch delivered
 * again; the version guard makes that harmless.
 */
export function calendarViewsProjector(deps: { store: EventStore; views: CalendarViews }): EventBatchHandler {
  const kept = new Map<string, StreamFold>();
  const keep = (name: string, fold: StreamFold) => {
    kept.delete(name);
    kept.set(name, fold);
    if (kept.size > KEPT_FOLDS) kept.delete(kept.keys().next().value as string);
  };
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
      const known = kept.get(name) ?? emptyFold(deps.store.firstVersion);
      const fresh = following(known, events);
      if (!fresh) {
        toRead.push(name);
        continue;
      }
      const fold = foldOnto(known, fresh);
      keep(name, fold);
      changes.push(...changesOf(fold));
    }
    for (let i = 0; i < toRead.length; i += STREAMS_PER_READ) {
      const names = toRead.slice(i, i + STREAMS_PER_READ);
      const histories = await deps.store.readStreams(names.map((streamName) => ({ streamName })));
      histories.forEach(({ events }, k) => {
        const fold = foldOnto(emptyFold(deps.store.firstVersion), events);
        keep(names[k]!, fold);
        changes.push(...changesOf(fold));
      });
    }
    if (changes.length > 0) await deps.views.applyChanges(changes);
  };
}

import { type EventOccurrence, isOccurrenceOf, isRecurring, occurrencesOverlapping } from '../../calendar/occurrences';
import type { OccurrenceValues } from '../../calendar/occurrenceValues';
import { eventTimesProblems } from '../../time/validDomain';
import { DomainError } from '../../errors/domainError';
import { atLeast } from '../calendar/access';
import type { CalendarAccess } from './commands';
import type { CalendarEventDetails, CalendarEventState } from './state';
import { viewAudience } from './viewAudience';

/** The rules a command must meet before `decide` looks at what it asks: existence, who may act, valid times. */
export type Existing = Extract<CalendarEventState, { status: 'scheduled' | 'cancelled' }>;
export type Live = Extract<CalendarEventState, { status: 'scheduled' }>;

export function requireExisting(state: CalendarEventState): Existing {
  if (state.status === 'absent') throw new DomainError('EVENT_NOT_FOUND', 'no such event');
  return state;
}

/** Whoever writes the event's calendar changes the event (Google: events belong to calendars, not to their creator). */
export function requireWriterOfLiveEvent(state: CalendarEventState, actorID: string, access: CalendarAccess): Live {
  const existing = requireWriterOf(state, actorID, access);
  if (existing.status === 'cancelled') throw new DomainError('EVENT_CANCELLED', 'the event was cancelled');
  return existing;
}

/** Whoever writes the event's calendar, cancelled or not (a cancelled event can be brought back). */
export function requireWriterOf(state: CalendarEventState, actorID: string, access: CalendarAccess): Existing {
  const existing = requireExisting(state);
  if (access.calendarID !== existing.calendarID) throw new DomainError('CONCURRENCY_CONFLICT', 'the event moved to another calendar meanwhile; try again');
  if (!atLeast(access.role, 'writer')) {
    // Someone who cannot see the event must not learn that it exists (free/busy readers see no events). Its
    // creator is not on an event of a calendar they lost: the event belongs to the calendar.
    const onEvent = actorID in viewAudience(existing);
    if (!onEvent && !atLeast(access.role, 'reader')) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
    if (onEvent) throw new DomainError('NOT_HOST', 'only the host, or a writer of its calendar, can change this event');
    throw new DomainError('NOT_WRITER', 'only writers of the event’s calendar can change it');
  }
  return existing;
}

/**
 * The most changed or cancelled occurrences a series keeps. Every read folds and expands them (and every change
 * copies them), so a series must not grow them without bound, whichever path writes them (REST, CalDAV, import).
 */
export const MAX_EXCEPTIONS_PER_SERIES = 250;

/** Room for one more exception: an occurrence already changed or cancelled can always change again. */
export function requireRoomForException(event: Pick<CalendarEventDetails, 'exceptions'>, originalStart: string): void {
  if (Object.hasOwn(event.exceptions, originalStart) || Object.keys(event.exceptions).length < MAX_EXCEPTIONS_PER_SERIES) return;
  const message = `a series keeps at most ${MAX_EXCEPTIONS_PER_SERIES} changed or cancelled occurrences; change the series, or split it ("this and following")`;
  throw new DomainError('VALIDATION_FAILED', message, [{ path: 'originalStartTime', message }]);
}

/** Putting an event on a calendar needs writing it; a calendar the actor cannot see answers as absent. */
export function requireWritableCalendar(access: CalendarAccess, path: string): void {
  if (atLeast(access.role, 'writer')) return;
  if (!atLeast(access.role, 'freeBusyReader')) throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar', [{ path, message: 'no such calendar' }]);
  throw new DomainError('NOT_WRITER', 'you may not add events to this calendar', [{ path, message: 'not a writer of this calendar' }]);
}

/** Inside the valid domain (every reader can read it), end after start, not longer than the longest event. */
export function requireValidTimes(startTime: string, endTime: string): void {
  const problems = eventTimesProblems(startTime, endTime);
  if (problems.length === 0) return;
  const ordering = problems.some((p) => p.message === 'must be after the start');
  if (ordering) throw new DomainError('INVALID_TIME_RANGE', 'endTime must be after the start', problems);
  throw new DomainError('VALIDATION_FAILED', 'the event times are outside what Datebook keeps', problems);
}

export function requireOccurrence(event: CalendarEventDetails, originalStart: string): void {
  if (!isRecurring(event)) throw new DomainError('VALIDATION_FAILED', 'this event does not recur', [{ path: 'originalStartTime', message: 'not a recurring event' }]);
  if (!(originalStart in event.exceptions) && !isOccurrenceOf(event, originalStart)) {
    throw new DomainError('EVENT_NOT_FOUND', 'the series has no occurrence at that original start', [{ path: 'originalStartTime', message: 'no such occurrence' }]);
  }
}

/** The occurrence as it stands now (series values, or its exception). */
export function currentOccurrence(event: CalendarEventDetails, originalStart: string): OccurrenceValues {
  const exception = event.exceptions[originalStart];
  if (exception && !exception.cancelled) {
    const { cancelled: _flag, ...values } = exception;
    return values;
  }
  const start = event.allDay ? Date.parse(`${originalStart}T00:00:00Z`) : Date.parse(originalStart);
  const found: EventOccurrence | undefined = occurrencesOverlapping({ ...event, exceptions: {} }, { from: start, to: start + 1 }, 1).occurrences[0];
  if (!found) throw new DomainError('EVENT_NOT_FOUND', 'the series has no occurrence at that original start');
  const { originalStart: _key, ...values } = found;
  return values;
}

import type { EventTiming } from '../../calendar/eventTiming';
import { isOccurrenceOf } from '../../calendar/occurrences';
import type { OccurrenceValues } from '../../calendar/occurrenceValues';
import { DomainError } from '../../errors/domainError';
import type { CalendarAccess, CalendarEventCommand } from './commands';
import { type Live, requireWriterOfLiveEvent } from './invariants';
import { originalStartMs } from './occurrenceTiming';
import { splitRecurrence } from './recurrenceSplit';
import { validateRecurrence } from './recurrenceValidation';
import { type CalendarEventDetails, type CalendarEventState, externalAttendeesOf } from './state';

type ScheduleEventData = Extract<CalendarEventCommand, { type: 'ScheduleEvent' }>['data'];
type EndSeriesAtData = Extract<CalendarEventCommand, { type: 'EndSeriesAt' }>['data'];

/** What "this and following" changes; absent fields keep the series' values, `recurrence` defaults to the rest of the rule. */
export interface SplitChanges {
  timing: EventTiming;
  recurrence?: string[];
  title?: string;
  description?: string | null;
  location?: string | null;
}

/**
 * "This and following" (RFC 5545 §3.8.4.4 RANGE=THISANDFUTURE, done as Google Calendar does: two series):
 * the continuation to schedule under `nextID`, the end of the original, and which exceptions after the
 * split the continuation takes over (`movedExceptions`) or cannot (`droppedExceptions`: no such occurrence).
 */
export interface SplitPlan {
  continuation: ScheduleEventData;
  endOriginal: EndSeriesAtData;
  movedExceptions: string[];
  droppedExceptions: string[];
}

/** Whoever writes the series' calendar splits it, while it is live. */
export function requireSplittable(state: CalendarEventState, actorID: string, access: CalendarAccess): Live {
  return requireWriterOfLiveEvent(state, actorID, access);
}

/**
 * Ends the original just before `originalStart`. Also what a retried split runs: a first try that failed
 * between its two appends must not leave the original running on (a no-op when it did not fail).
 */
export function endSeriesAt(series: Live, originalStart: string, actorID: string, access: CalendarAccess, nextID: string): EndSeriesAtData {
  const { before } = splitRecurrence(series, originalStartMs(series, originalStart));
  return { eventID: series.eventID, actorID, access, originalStart, recurrence: before, newEventID: nextID };
}

/** Pure: how `series` splits at `originalStart` into itself, ended, and the continuation `nextID` carrying `changes`. */
export function planSplit(series: Live, originalStart: string, changes: SplitChanges, nextID: string, actorID: string, access: CalendarAccess): SplitPlan {
  if (!isOccurrenceOf(series, originalStart)) throw new DomainError('EVENT_NOT_FOUND', 'the series has no occurrence at that original start', [{ path: 'originalStartTime', message: 'no such occurrence' }]);
  const splitStart = originalStartMs(series, originalStart);
  const { before, after } = splitRecurrence(series, splitStart);
  const { timing } = changes;
  const recurrence = changes.recurrence ?? after;
  validateRecurrence(recurrence, timing, true);
  const next: CalendarEventDetails = {
    ...series, ...timing, recurrence, eventID: nextID, exceptions: {},
    title: changes.title ?? series.title, description: changes.description === undefined ? series.description : changes.description,
    location: changes.location === undefined ? series.location : changes.location,
  };
  const moved: { originalStart: string; values: OccurrenceValues | null }[] = [];
  const dropped: string[] = [];
  for (const [key, exception] of Object.entries(series.exceptions)) {
    if (originalStartMs(series, key) <= splitStart) continue;
    if (isOccurrenceOf(next, key)) {
      const { cancelled, ...values } = exception as { cancelled: boolean } & Partial<OccurrenceValues>;
      moved.push({ originalStart: key, values: cancelled ? null : (values as OccurrenceValues) });
    } else {
      dropped.push(key);
    }
  }
  const invited = Object.keys(series.attendees).filter((id) => id !== series.hostID);
  return {
    continuation: {
      // The continuation stays on the series' calendar, as visible as it was.
      eventID: nextID, hostID: series.hostID, access, visibility: series.visibility, title: next.title, description: next.description, location: next.location, timing, recurrence,
      invitedUserIDs: invited, externalAttendees: Object.entries(externalAttendeesOf(series)).map(([email, { optional }]) => ({ email, optional })), carriedOver: { answers: series.attendees, exceptions: moved }, guestsCanSeeOtherGuests: series.guestsCanSeeOtherGuests,
      ...(series.reminders[series.hostID] ? { reminders: series.reminders[series.hostID] } : {}),
    },
    endOriginal: { eventID: series.eventID, actorID, access, originalStart, recurrence: before, newEventID: nextID },
    movedExceptions: moved.map((m) => m.originalStart),
    droppedExceptions: dropped,
  };
}

import { type EventTiming, nominalStart } from '@datebook/shared-kernel';

/**
 * Whether two timings are one for iCalendar: the same instants and zone (and, for a timed series, the same
 * nominal wall time, as the decider compares them), or for all-day events the same dates. An all-day
 * event's zone is not written in iCalendar (DATE values have none), so it is not compared.
 */
export function sameTiming(current: EventTiming, next: EventTiming, recurring: boolean): boolean {
  if (current.allDay !== next.allDay) return false;
  if (current.allDay) return current.startDate === next.startDate && current.endDate === next.endDate;
  return (
    Date.parse(current.startTime) === Date.parse(next.startTime) &&
    Date.parse(current.endTime) === Date.parse(next.endTime) &&
    current.timeZone === next.timeZone &&
    // A series repeats its nominal wall time; a single event's is written as its real one (see renderCalendarObject).
    (!recurring || nominalStart(current) === nominalStart(next))
  );
}

/** The timing to write: an all-day event keeps the zone it has (its dates are the same everywhere). */
export function timingToWrite(current: EventTiming, next: EventTiming): EventTiming {
  return next.allDay ? { ...next, timeZone: current.timeZone } : next;
}

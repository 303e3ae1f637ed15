import type { EventTiming } from '../../calendar/eventTiming';
import type { CalendarEventDetails } from './state';

/** Epoch ms of an occurrence's original start: an instant, or a date (all-day series) at 00:00 UTC. */
export function originalStartMs(event: Pick<CalendarEventDetails, 'allDay'>, originalStart: string): number {
  return Date.parse(event.allDay ? `${originalStart}T00:00:00Z` : originalStart);
}

/** The timing one occurrence has now: its exception's, or the series' duration from its original start. */
export function occurrenceTimingOf(event: CalendarEventDetails, originalStart: string): EventTiming {
  const exception = event.exceptions[originalStart];
  const duration = Date.parse(event.endTime) - Date.parse(event.startTime);
  if (exception && !exception.cancelled) {
    return { startTime: exception.startTime, endTime: exception.endTime, timeZone: event.timeZone, allDay: event.allDay, startDate: exception.startDate, endDate: exception.endDate };
  }
  const start = originalStartMs(event, originalStart);
  const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    startTime: new Date(start).toISOString(), endTime: new Date(start + duration).toISOString(), timeZone: event.timeZone, allDay: event.allDay,
    startDate: event.allDay ? dateOf(start) : null, endDate: event.allDay ? dateOf(start + duration) : null,
  };
}

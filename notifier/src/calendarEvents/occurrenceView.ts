import type { EventState } from './eventState';

const DAY_MS = 86_400_000;

/**
 * One occurrence of a series as it stands: its own values when it was changed (an exception), else
 * the series' values at its original start (RFC 5545 §3.8.4.4: `originalStart` is its RECURRENCE-ID,
 * a UTC instant, or a date for all-day series). Times keep the series' duration; all-day dates are
 * at 00:00 UTC, as in the state.
 */
export function occurrenceView(event: EventState, originalStart: string): EventState {
  const exception = event.exceptions[originalStart];
  if (exception && !exception.cancelled) {
    const { cancelled: _cancelled, ...values } = exception;
    return { ...event, ...values, recurrence: [], exceptions: {} };
  }
  const duration = Date.parse(event.endTime) - Date.parse(event.startTime);
  const start = event.allDay ? Date.parse(`${originalStart.slice(0, 10)}T00:00:00.000Z`) : Date.parse(originalStart);
  const end = start + duration;
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    ...event,
    startTime: new Date(start).toISOString(),
    endTime: new Date(end).toISOString(),
    startDate: event.allDay ? date(start) : null,
    endDate: event.allDay ? date(Math.max(end, start + DAY_MS)) : null,
    recurrence: [],
    exceptions: {},
  };
}

import { parseCalendarEventEvent } from '@datebook/shared-kernel';
import { type EventState, evolveEvent } from './eventState';

/** Fixtures are payloads of the first version (`schemaVersion` 1), upcast on read like every stored event. */
const storedV1 = (type: string, data: unknown) => ({ type, data, metadata: { schemaVersion: 1 } });

/**
 * A folded event state for tests, built the way the notifier builds it (a parsed CalendarEventScheduled
 * through the fold), so fields the contract adds later get their defaults here too.
 */
export function scheduledState(
  scheduled: { eventID: string; hostID: string; title: string; startTime: string; endTime: string; timeZone?: string; description?: string | null; location?: string | null; recurrence?: string[]; startLocal?: string },
  more: Partial<Pick<EventState, 'attendees' | 'status' | 'sequence' | 'reminders'>> = {},
): EventState {
  const parsed = parseCalendarEventEvent(storedV1('CalendarEventScheduled', { timeZone: 'UTC', ...scheduled }));
  const state = parsed && evolveEvent(undefined, parsed);
  if (!state) throw new Error('the fixture does not fold');
  return { ...state, ...more, attendees: { ...state.attendees, ...more.attendees } };
}

/** A parsed event of the CalendarEvent stream, defaults filled in as on read. */
export function calendarEvent(type: string, data: Record<string, unknown>) {
  const event = parseCalendarEventEvent(storedV1(type, data));
  if (!event) throw new Error(`unknown event type ${type}`);
  return event;
}

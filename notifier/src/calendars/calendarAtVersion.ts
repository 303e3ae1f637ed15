import { type CalendarState, calendarStreamName, evolveCalendar, initialCalendarState, parseCalendarStreamEvent, type RecordedEvent } from '@datebook/shared-kernel';
import type { EventStore } from '@datebook/shared-kernel/ports';

/**
 * The calendar as it was right after `upTo` (inclusive), folded from its stream with the Calendar
 * aggregate's own fold: a message about a grant names the calendar as it was when access was given,
 * whatever was renamed since and however late the message is recorded. An event that no longer parses
 * is passed over (and reported), as every fold of the notifier does.
 */
export async function calendarAtVersion(store: EventStore, calendarID: string, upTo: number, onUnreadable: (event: RecordedEvent, error: unknown) => void): Promise<CalendarState> {
  const { events } = await store.readStream(calendarStreamName(calendarID));
  let state = initialCalendarState();
  for (const recorded of events) {
    if (recorded.streamVersion > upTo) break;
    try {
      const event = parseCalendarStreamEvent(recorded);
      if (event) state = evolveCalendar(state, event);
    } catch (error) {
      onUnreadable(recorded, error);
    }
  }
  return state;
}

import type { CalendarEventDetails, RsvpStatus } from './state';

/**
 * Whose views an event is in, and with which answer: its calendar (read by everyone that calendar is
 * shared with, so a change costs one write however many read it) and every attendee. A primary
 * calendar's id is its owner's, so the host of an event on their own calendar is that one entry. The
 * host of an event on another calendar is not in it as themselves: the event belongs to that calendar,
 * and whoever loses access to the calendar loses the event (Google: events belong to calendars).
 */
export function viewAudience(event: CalendarEventDetails): Record<string, RsvpStatus> {
  const audience: Record<string, RsvpStatus> = { ...event.attendees };
  if (event.calendarID !== event.hostID) delete audience[event.hostID];
  audience[event.calendarID] = 'ACCEPTED';
  return audience;
}

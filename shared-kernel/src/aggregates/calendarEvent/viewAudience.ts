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

/**
 * The CalDAV collections (RFC 4791) an event is in: the same audience as its views (its calendar, and each
 * guest's primary calendar, whose id is the guest's) while it is scheduled, none once cancelled. A guest who
 * declined has it no more: deleting it in their app is how they decline (RFC 6638 §3.2.3), and their views
 * hide it too.
 */
export function davCollectionsOf(event: CalendarEventDetails & { status: string }): string[] {
  if (event.status !== 'scheduled') return [];
  return Object.entries(viewAudience(event)).filter(([, answer]) => answer !== 'DECLINED').map(([collectionID]) => collectionID);
}

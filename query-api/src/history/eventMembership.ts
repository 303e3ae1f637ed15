import type { RecordedEvent } from '@datebook/shared-kernel';

/** Who is on an event and which calendar it belongs to, as its stream's facts say now. */
export interface EventMembership {
  hostID: string | undefined;
  /** The calendar the event is on; undefined for a stream that never scheduled anything. */
  calendarID: string | undefined;
  /** Its attendees; the host too while the event is on the host's own (primary) calendar. */
  people: Set<string>;
  guestsSeeGuests: boolean;
}

/**
 * Read from the raw facts, not through the parsers, so an event this code cannot parse (parked by the
 * consumers) still shows its history to the people on it. As in the views (`viewAudience`), the host of an
 * event on another calendar is not on it as themself: the event belongs to that calendar, and whoever loses
 * access to the calendar loses the event. Events scheduled before calendars are on the host's primary.
 */
export function eventMembership(events: readonly RecordedEvent[]): EventMembership {
  const people = new Set<string>();
  let hostID: string | undefined;
  let calendarID: string | undefined;
  let guestsSeeGuests = true;
  const dataOf = (data: unknown) => (typeof data === 'object' && data !== null ? data : {}) as { hostID?: unknown; userID?: unknown; calendarID?: unknown; guestsCanSeeOtherGuests?: unknown };
  for (const recorded of events) {
    const data = dataOf(recorded.data);
    if (recorded.type === 'CalendarEventScheduled' && typeof data.hostID === 'string') {
      hostID = data.hostID;
      calendarID = typeof data.calendarID === 'string' ? data.calendarID : data.hostID;
      people.add(data.hostID);
    }
    if (recorded.type === 'CalendarEventMoved' && typeof data.calendarID === 'string') calendarID = data.calendarID;
    if ((recorded.type === 'CalendarEventScheduled' || recorded.type === 'GuestPermissionsChanged') && typeof data.guestsCanSeeOtherGuests === 'boolean') guestsSeeGuests = data.guestsCanSeeOtherGuests;
    if (recorded.type === 'AttendeeInvited' && typeof data.userID === 'string') people.add(data.userID);
    if (recorded.type === 'AttendeeUninvited' && typeof data.userID === 'string') people.delete(data.userID);
  }
  if (hostID !== undefined && calendarID !== hostID) people.delete(hostID);
  return { hostID, calendarID, people, guestsSeeGuests };
}

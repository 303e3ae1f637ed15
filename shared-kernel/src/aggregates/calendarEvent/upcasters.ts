import type { EventPayload } from '../../events/upcasting';

/**
 * CalendarEventScheduled v1 → v2. Version 1 could leave out `guestsCanSeeOtherGuests`, meaning guests see
 * each other (Google Calendar's default), and leave `transparency` null or out, meaning all-day events
 * block no time and timed ones do (RFC 5545 §3.8.2.7 TRANSP; what clients assume of all-day events).
 * Version 2 always carries both, so no reader has to know these defaults.
 */
export function calendarEventScheduledV1ToV2(data: EventPayload): EventPayload {
  return {
    ...data,
    transparency: data.transparency ?? (data.allDay === true ? 'transparent' : 'opaque'),
    guestsCanSeeOtherGuests: data.guestsCanSeeOtherGuests === undefined ? true : data.guestsCanSeeOtherGuests,
  };
}

/**
 * CalendarEventScheduled v2 → v3. Events recorded before calendars existed belong to their host's primary
 * calendar, whose id is the host's userID, and have the default visibility (RFC 5545 §3.8.1.3 CLASS absent).
 */
export function calendarEventScheduledV2ToV3(data: EventPayload): EventPayload {
  return { ...data, calendarID: data.calendarID ?? data.hostID, visibility: data.visibility ?? 'default' };
}

import { v5 as uuidV5 } from 'uuid';

/**
 * The id of the event a client names by its RFC 5545 UID on a calendar (CalDAV PUT, import): a name-based
 * UUID (RFC 9562 §5.5) in the calendar's namespace, so one UID on one calendar is always one stream. Writing
 * it twice is a retry or an update, never a second event, without a lookup that a lagging read model could miss.
 */
export function eventIDForICalUID(calendarID: string, uid: string): string {
  return uuidV5(uid, calendarID);
}

/** The event id an API-made event's UID carries (`<eventID>@datebook`, see iCalUIDOf), or undefined. */
export function eventIDOfDerivedUID(uid: string): string | undefined {
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@datebook$/i.exec(uid);
  return match?.[1]?.toLowerCase();
}

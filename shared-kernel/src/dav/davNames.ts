/** An XML name: its namespace URI ('' for none) and its local part. */
export interface QName {
  ns: string;
  local: string;
}

/** The namespaces CalDAV speaks, with the prefixes every document we write declares on its root. */
export const DAV_NS = 'DAV:';
/** RFC 4791 §4. */
export const CALDAV_NS = 'urn:ietf:params:xml:ns:caldav';
/** Apple's CalendarServer extensions (getctag). */
export const CALENDARSERVER_NS = 'http://calendarserver.org/ns/';
/** Apple's iCal extensions (calendar-color, calendar-order). */
export const APPLE_ICAL_NS = 'http://apple.com/ns/ical/';
/** Datebook's own (a human-readable message inside DAV:error). */
export const DATEBOOK_NS = 'http://datebook.dev/ns/';

export const WELL_KNOWN_PREFIXES: ReadonlyArray<readonly [prefix: string, ns: string]> = [
  ['D', DAV_NS],
  ['C', CALDAV_NS],
  ['CS', CALENDARSERVER_NS],
  ['ICAL', APPLE_ICAL_NS],
  ['DB', DATEBOOK_NS],
];

export const qname = (ns: string, local: string): QName => ({ ns, local });
export const davName = (local: string): QName => qname(DAV_NS, local);
export const caldavName = (local: string): QName => qname(CALDAV_NS, local);
export const calendarServerName = (local: string): QName => qname(CALENDARSERVER_NS, local);
export const appleICalName = (local: string): QName => qname(APPLE_ICAL_NS, local);

/** `{ns}local` (James Clark's notation): a name as a map key. */
export const clarkName = (name: QName): string => `{${name.ns}}${name.local}`;

export const sameName = (a: QName, b: QName): boolean => a.ns === b.ns && a.local === b.local;

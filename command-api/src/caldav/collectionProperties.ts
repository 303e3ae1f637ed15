import { isValidTimeZone } from '@datebook/shared-kernel';
import { appleICalName, caldavName, davName, type QName, sameName, trimmedText, type XmlElement } from '@datebook/shared-kernel/dav';

/** What a client may set on a collection (MKCALENDAR, PROPPATCH): the calendar's details and the person's colour. */
export interface CollectionChanges {
  /** DAV:displayname → the calendar's summary (owners). */
  summary?: string;
  /** CALDAV:calendar-description → its description (owners); null removes it. */
  description?: string | null;
  /** CALDAV:calendar-timezone → its zone (owners). */
  timeZone?: string;
  /** ICAL:calendar-color → the person's own calendar-list colour ('#rrggbb', null: the client's choice). */
  color?: string | null;
}

export type PropertyOutcome =
  /** Applied with the others, or none is. */
  | { name: QName; status: 200 }
  /** 403: a property kept by the server (RFC 4918 §9.2.1: protected), or one this server keeps no value of. 409: a value it cannot take. */
  | { name: QName; status: 403 | 409; reason: string };

const DISPLAYNAME = davName('displayname');
const DESCRIPTION = caldavName('calendar-description');
const TIMEZONE = caldavName('calendar-timezone');
const COLOR = appleICalName('calendar-color');
const COMPONENT_SET = caldavName('supported-calendar-component-set');

/** The details of a calendar only its owners change; the colour is anyone's own who has it on their list. */
export const OWNERS_ONLY: readonly QName[] = [DISPLAYNAME, DESCRIPTION, TIMEZONE];

const MAX_SUMMARY = 200;
const MAX_DESCRIPTION = 8_000;

/** '#RRGGBB' or Apple's '#RRGGBBAA' (the alpha is dropped: the list keeps '#rrggbb'). */
function colorOf(text: string): string | undefined {
  const match = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(text);
  return match?.[1] === undefined ? undefined : `#${match[1].toLowerCase()}`;
}

/**
 * The zone of a CALDAV:calendar-timezone value (RFC 4791 §5.2.2: a VCALENDAR with one VTIMEZONE): its TZID when
 * that names an IANA zone, as every client that writes one (Apple, Thunderbird, DAVx5) names it.
 */
function zoneOf(text: string): string | undefined {
  const tzid = /^TZID[;:](?:[^\r\n:]*:)?([^\r\n]+)$/m.exec(text.replace(/\r?\n[ \t]/g, ''))?.[1]?.trim();
  return tzid !== undefined && isValidTimeZone(tzid) ? tzid : undefined;
}

/** What one `set` (value given) or `remove` (value null) of a property asks for, or why it cannot be. */
export function propertyChange(element: XmlElement, remove: boolean): { changes: CollectionChanges } | { status: 403 | 409; reason: string } {
  const text = trimmedText(element);
  if (sameName(element, DISPLAYNAME)) {
    if (remove || text.length === 0) return { status: 409, reason: 'a calendar keeps a name' };
    return text.length > MAX_SUMMARY ? { status: 409, reason: `at most ${MAX_SUMMARY} characters` } : { changes: { summary: text } };
  }
  if (sameName(element, DESCRIPTION)) {
    if (remove) return { changes: { description: null } };
    return text.length > MAX_DESCRIPTION ? { status: 409, reason: `at most ${MAX_DESCRIPTION} characters` } : { changes: { description: text } };
  }
  if (sameName(element, TIMEZONE)) {
    if (remove) return { status: 409, reason: 'a calendar keeps a time zone' };
    const zone = zoneOf(element.text);
    return zone === undefined ? { status: 409, reason: 'a VTIMEZONE whose TZID is an IANA zone' } : { changes: { timeZone: zone } };
  }
  if (sameName(element, COLOR)) {
    if (remove) return { changes: { color: null } };
    const color = colorOf(text);
    return color === undefined ? { status: 409, reason: 'a colour is #rrggbb (or #rrggbbaa)' } : { changes: { color } };
  }
  if (sameName(element, COMPONENT_SET)) return { status: 403, reason: 'a calendar holds events (VEVENT) only' };
  return { status: 403, reason: 'this server keeps no other property of a calendar' };
}

/** Whether a CALDAV:supported-calendar-component-set asked for at MKCALENDAR allows events (RFC 4791 §5.2.3). */
export function allowsEvents(element: XmlElement): boolean {
  return element.children.some((comp) => sameName(comp, caldavName('comp')) && comp.attributes.name?.toUpperCase() === 'VEVENT');
}

export const isComponentSet = (element: XmlElement): boolean => sameName(element, COMPONENT_SET);

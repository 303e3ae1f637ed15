import { DOMAIN_END_MS, DOMAIN_START_MS, occurrencesOverlapping } from '@datebook/shared-kernel';
import { caldavName, caldavPrecondition, childNamed, childrenNamed, type XmlElement } from '@datebook/shared-kernel/dav';
import { allDayWindow } from '@datebook/shared-kernel/ports';
import type { Member, StoredEvent } from './collectionMembers';

/** A time range as CalDAV gives it (RFC 4791 §9.9): either end may be open. */
export interface TimeRange {
  start: Date | null;
  end: Date | null;
}

/** A text-match on one VEVENT property (RFC 4791 §9.7.5), or a test that it is absent (§9.7.4). */
export interface PropertyTest {
  property: 'UID' | 'SUMMARY' | 'LOCATION' | 'DESCRIPTION';
  isNotDefined: boolean;
  text?: { value: string; caseless: boolean; negate: boolean };
}

/**
 * What a calendar-query's filter asks of an event (RFC 4791 §9.7): collections hold VEVENTs only, so a
 * filter that needs another component, or no VEVENT, matches nothing.
 */
export interface EventFilter {
  matchesNothing: boolean;
  timeRange?: TimeRange;
  properties: PropertyTest[];
}

const invalidFilter = (message: string) => caldavPrecondition(403, 'valid-filter', message);
const unsupportedFilter = (message: string) => caldavPrecondition(403, 'supported-filter', message);

/** `20300603T000000Z` (RFC 4791 §9.9: UTC date-times with time) → a Date. */
function utcOf(value: string | undefined, attribute: string): Date | null {
  if (value === undefined) return null;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))) : null;
  if (!date || Number.isNaN(date.getTime())) throw invalidFilter(`time-range ${attribute} must be a UTC date-time such as 20300603T000000Z`);
  return date;
}

/** A `C:time-range` element (start and/or end), refusing an empty or backwards range. */
export function timeRangeOf(element: XmlElement, options: { bothRequired?: boolean } = {}): TimeRange {
  const start = utcOf(element.attributes.start, 'start');
  const end = utcOf(element.attributes.end, 'end');
  if (start === null && end === null) throw invalidFilter('a time-range needs start, end or both');
  if (options.bothRequired && (start === null || end === null)) throw invalidFilter('this time-range needs both start and end');
  if (start && end && end.getTime() <= start.getTime()) throw invalidFilter('a time-range must end after it starts');
  return { start, end };
}

const TEXT_PROPERTIES = new Set<PropertyTest['property']>(['UID', 'SUMMARY', 'LOCATION', 'DESCRIPTION']);

function propertyTestOf(element: XmlElement): PropertyTest {
  const name = (element.attributes.name ?? '').toUpperCase();
  if (!TEXT_PROPERTIES.has(name as PropertyTest['property'])) throw unsupportedFilter(`filtering on ${name || 'a property without a name'} is not supported (UID, SUMMARY, LOCATION, DESCRIPTION are)`);
  const property = name as PropertyTest['property'];
  if (childNamed(element, caldavName('is-not-defined'))) return { property, isNotDefined: true };
  const match = childNamed(element, caldavName('text-match'));
  if (!match) {
    if (childNamed(element, caldavName('time-range')) || childNamed(element, caldavName('param-filter'))) throw unsupportedFilter(`only text-match and is-not-defined filter ${property}`);
    return { property, isNotDefined: false };
  }
  // RFC 4791 §7.5.1: i;ascii-casemap is the default collation; i;octet compares exactly.
  const collation = match.attributes.collation ?? 'i;ascii-casemap';
  if (collation !== 'i;ascii-casemap' && collation !== 'i;octet' && collation !== 'i;unicode-casemap') {
    throw caldavPrecondition(403, 'supported-collation', `collation ${collation} is not supported`);
  }
  return { property, isNotDefined: false, text: { value: match.text, caseless: collation !== 'i;octet', negate: match.attributes['negate-condition'] === 'yes' } };
}

/** The filter of a calendar-query (RFC 4791 §9.7): one comp-filter VCALENDAR, holding what VEVENTs must meet. */
export function eventFilterOf(filter: XmlElement | undefined): EventFilter {
  if (!filter) throw invalidFilter('a calendar-query needs a filter');
  const calendars = childrenNamed(filter, caldavName('comp-filter'));
  const calendar = calendars[0];
  if (calendars.length !== 1 || !calendar || (calendar.attributes.name ?? '').toUpperCase() !== 'VCALENDAR') throw invalidFilter('the filter holds one comp-filter named VCALENDAR');
  if (childNamed(calendar, caldavName('is-not-defined'))) return { matchesNothing: true, properties: [] };
  if (childNamed(calendar, caldavName('time-range')) || childNamed(calendar, caldavName('prop-filter'))) throw invalidFilter('VCALENDAR is filtered by its components only');
  const result: EventFilter = { matchesNothing: false, properties: [] };
  for (const component of childrenNamed(calendar, caldavName('comp-filter'))) {
    const name = (component.attributes.name ?? '').toUpperCase();
    const absent = childNamed(component, caldavName('is-not-defined')) !== undefined;
    if (name !== 'VEVENT') {
      // No resource holds a VTODO, VJOURNAL, …: asking for one finds nothing, asking for its absence finds all.
      if (!absent) result.matchesNothing = true;
      continue;
    }
    if (absent) {
      result.matchesNothing = true;
      continue;
    }
    const range = childNamed(component, caldavName('time-range'));
    if (range) result.timeRange = timeRangeOf(range);
    for (const property of childrenNamed(component, caldavName('prop-filter'))) result.properties.push(propertyTestOf(property));
    if (childNamed(component, caldavName('comp-filter'))) throw unsupportedFilter('filtering on components inside VEVENT (VALARM) is not supported');
  }
  return result;
}

const START = DOMAIN_START_MS;
const END = DOMAIN_END_MS;

/**
 * Whether an event has an occurrence overlapping the range (RFC 4791 §9.9), exceptions applied. All-day
 * events are floating dates, read in the calendar's zone (§9.9: CALDAV:calendar-timezone). A series whose
 * expansion was cut short matches (it may have an occurrence there; showing it is the safe side).
 */
export function overlapsTimeRange(event: StoredEvent, range: TimeRange, calendarZone: string): boolean {
  const from = new Date(range.start?.getTime() ?? START);
  const to = new Date(range.end?.getTime() ?? END);
  const window = event.allDay ? allDayWindow(from, to, calendarZone) : { from: from.getTime(), to: to.getTime() };
  const found = occurrencesOverlapping(event, window, 16);
  return found.occurrences.length > 0 || found.truncated;
}

/** What a viewer may match on: busy-time-only viewers see no texts, so none of them can match. */
function textOf(member: Member & { state: StoredEvent }, property: PropertyTest['property'], busyOnly: boolean): string | null {
  if (property === 'UID') return member.uid;
  if (busyOnly) return null;
  const s = member.state;
  return property === 'SUMMARY' ? s.title : property === 'LOCATION' ? s.location : s.description;
}

/** Whether a member meets the filter's property tests (its time range is checked by `overlapsTimeRange`). */
export function meetsPropertyTests(member: Member & { state: StoredEvent }, tests: PropertyTest[], busyOnly: boolean): boolean {
  return tests.every((test) => {
    const text = textOf(member, test.property, busyOnly);
    if (test.isNotDefined) return text === null || text === '';
    if (text === null) return false;
    if (!test.text) return true;
    const found = test.text.caseless ? text.toLowerCase().includes(test.text.value.toLowerCase()) : text.includes(test.text.value);
    return found !== test.text.negate;
  });
}

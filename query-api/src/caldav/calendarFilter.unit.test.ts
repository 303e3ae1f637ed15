import { type CalendarEventDetails } from '@datebook/shared-kernel';
import { DavError, parseDavXml } from '@datebook/shared-kernel/dav';
import { eventFilterOf, meetsPropertyTests, overlapsTimeRange } from './calendarFilter';
import type { Member, StoredEvent } from './collectionMembers';

const filterOf = (inner: string) => eventFilterOf(parseDavXml(`<C:filter xmlns:C="urn:ietf:params:xml:ns:caldav"><C:comp-filter name="VCALENDAR">${inner}</C:comp-filter></C:filter>`));
const refusal = (inner: string): DavError => {
  try {
    filterOf(inner);
  } catch (error) {
    if (error instanceof DavError) return error;
    throw error;
  }
  throw new Error('accepted');
};

const event = (overrides: Partial<CalendarEventDetails> = {}): StoredEvent => ({
  status: 'scheduled', eventID: 'e1', hostID: 'h', calendarID: 'c', visibility: 'default', title: 'Stand-up', description: null, location: 'Room 4',
  startTime: '2030-06-03T07:00:00.000Z', endTime: '2030-06-03T07:15:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null, startLocal: null,
  recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true, attendees: { h: 'ACCEPTED' }, reminders: {}, exceptions: {}, occurrenceResponses: {},
  ...overrides,
} as StoredEvent);
const at = (iso: string) => new Date(iso);

describe('calendar-query filters (RFC 4791 §9.7)', () => {
  it('read a VEVENT time range and property tests', () => {
    const filter = filterOf('<C:comp-filter name="VEVENT"><C:time-range start="20300603T000000Z" end="20300610T000000Z"/><C:prop-filter name="SUMMARY"><C:text-match negate-condition="yes">lunch</C:text-match></C:prop-filter></C:comp-filter>');
    expect(filter).toEqual({
      matchesNothing: false,
      timeRange: { start: at('2030-06-03T00:00:00Z'), end: at('2030-06-10T00:00:00Z') },
      properties: [{ property: 'SUMMARY', isNotDefined: false, text: { value: 'lunch', caseless: true, negate: true } }],
    });
    expect(filterOf('')).toEqual({ matchesNothing: false, properties: [] });
  });

  it('match nothing for components the collections never hold, everything for their absence', () => {
    expect(filterOf('<C:comp-filter name="VTODO"/>').matchesNothing).toBe(true);
    expect(filterOf('<C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter>').matchesNothing).toBe(false);
    expect(filterOf('<C:comp-filter name="VEVENT"><C:is-not-defined/></C:comp-filter>').matchesNothing).toBe(true);
  });

  it('refuse what is invalid (valid-filter) or unsupported (supported-filter, supported-collation) with 403', () => {
    expect(refusal('<C:comp-filter name="VEVENT"><C:time-range start="2030-06-03"/></C:comp-filter>').condition?.name.local).toBe('valid-filter');
    expect(refusal('<C:comp-filter name="VEVENT"><C:time-range/></C:comp-filter>').condition?.name.local).toBe('valid-filter');
    expect(refusal('<C:comp-filter name="VEVENT"><C:time-range start="20300610T000000Z" end="20300603T000000Z"/></C:comp-filter>').status).toBe(403);
    expect(refusal('<C:comp-filter name="VEVENT"><C:prop-filter name="X-FOO"/></C:comp-filter>').condition?.name.local).toBe('supported-filter');
    expect(refusal('<C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter></C:comp-filter>').condition?.name.local).toBe('supported-collation');
    expect(() => eventFilterOf(undefined)).toThrow(DavError);
  });

  it('match a series by any occurrence in the range, exceptions applied', () => {
    const series = event({ recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
    expect(overlapsTimeRange(series, { start: at('2030-06-10T00:00:00Z'), end: at('2030-06-11T00:00:00Z') }, 'Europe/Berlin')).toBe(true);
    expect(overlapsTimeRange(series, { start: at('2030-06-24T00:00:00Z'), end: null }, 'Europe/Berlin')).toBe(false);
    const cancelled = { ...series, exceptions: { '2030-06-10T07:00:00.000Z': { cancelled: true as const } } };
    expect(overlapsTimeRange(cancelled, { start: at('2030-06-10T00:00:00Z'), end: at('2030-06-11T00:00:00Z') }, 'Europe/Berlin')).toBe(false);
  });

  it('read all-day dates in the calendar\'s zone (RFC 4791 §9.9)', () => {
    const holiday = event({ allDay: true, startDate: '2030-06-08', endDate: '2030-06-09', startTime: '2030-06-08T00:00:00.000Z', endTime: '2030-06-09T00:00:00.000Z' });
    // The Berlin week from Monday 9 June 00:00 (22:00 UTC the day before) does not hold Sunday 8 June.
    const nextBerlinWeek = { start: at('2030-06-08T22:00:00Z'), end: at('2030-06-15T22:00:00Z') };
    expect(overlapsTimeRange(holiday, nextBerlinWeek, 'Europe/Berlin')).toBe(false);
    expect(overlapsTimeRange(holiday, nextBerlinWeek, 'UTC')).toBe(true);
  });

  it('match texts a viewer may see: UID always, titles not for busy time only', () => {
    const member = { uid: 'abc@example.com', state: event() } as Member & { state: StoredEvent };
    const contains = (property: 'UID' | 'SUMMARY' | 'LOCATION', value: string, caseless = true) => [{ property, isNotDefined: false, text: { value, caseless, negate: false } }];
    expect(meetsPropertyTests(member, contains('UID', 'ABC@'), false)).toBe(true);
    expect(meetsPropertyTests(member, contains('UID', 'ABC@', false), false)).toBe(false);
    expect(meetsPropertyTests(member, contains('SUMMARY', 'stand'), false)).toBe(true);
    expect(meetsPropertyTests(member, contains('SUMMARY', 'stand'), true)).toBe(false);
    expect(meetsPropertyTests(member, [{ property: 'LOCATION', isNotDefined: true }], true)).toBe(true);
    expect(meetsPropertyTests(member, [{ property: 'LOCATION', isNotDefined: true }], false)).toBe(false);
  });
});

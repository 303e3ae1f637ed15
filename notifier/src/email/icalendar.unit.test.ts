import ICAL from 'ical.js';
import type { EventState } from '../calendarEvents/eventState';
import { scheduledState } from '../calendarEvents/testEvents';
import { buildICalendar, escapeText, foldLine } from './icalendar';

const host = { userID: '00000000-0000-4000-8000-000000000001', name: 'Ada Host', email: 'ada@example.com' };
const guest = { userID: '00000000-0000-4000-8000-000000000002', name: 'Bob, the "Guest"', email: 'bob@example.com' };
const event: EventState = scheduledState(
  {
    eventID: '10000000-0000-4000-8000-000000000000',
    hostID: host.userID,
    title: 'Planning; budget, Q1 \\ review',
    description: 'Line one\nLine two with ünïcödé '.repeat(6),
    location: 'Room 1',
    startTime: '2026-03-10T09:00:00.000Z',
    endTime: '2026-03-10T10:30:00.000Z',
    timeZone: 'Europe/Berlin',
  },
  { attendees: { [guest.userID]: 'PENDING' }, sequence: 3 },
);
const stamp = new Date('2026-03-01T12:00:00Z');

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { calendar, vevent };
}

describe('buildICalendar', () => {
  test('a REQUEST parses back with UID, SEQUENCE, times, organizer and attendees with PARTSTAT', () => {
    const { calendar, vevent } = parse(buildICalendar({ method: 'REQUEST', event, organizer: host, attendees: [host, guest], stamp }));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const e = new ICAL.Event(vevent);
    expect(e.uid).toBe(`${event.eventID}@datebook`);
    expect(e.sequence).toBe(3);
    expect(e.summary).toBe(event.title);
    expect(e.description).toBe(event.description);
    expect(e.startDate.toJSDate().toISOString()).toBe(event.startTime);
    expect(e.endDate.toJSDate().toISOString()).toBe(event.endTime);
    expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:ada@example.com');
    const attendees = vevent.getAllProperties('attendee').map((p) => ({ value: p.getFirstValue(), partstat: p.getParameter('partstat'), rsvp: p.getParameter('rsvp'), cn: p.getParameter('cn') }));
    expect(attendees).toEqual([
      { value: 'mailto:ada@example.com', partstat: 'ACCEPTED', rsvp: undefined, cn: 'Ada Host' },
      { value: 'mailto:bob@example.com', partstat: 'NEEDS-ACTION', rsvp: 'TRUE', cn: 'Bob, the Guest' },
    ]);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  test('a CANCEL says STATUS:CANCELLED and a REPLY lists only the answering attendee without RSVP', () => {
    const cancelled = parse(buildICalendar({ method: 'CANCEL', event: { ...event, status: 'cancelled' }, organizer: host, attendees: [guest], stamp }));
    expect(cancelled.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    const accepted = { ...event, attendees: { ...event.attendees, [guest.userID]: 'ACCEPTED' as const } };
    const reply = parse(buildICalendar({ method: 'REPLY', event: accepted, organizer: host, attendees: [guest], stamp }));
    const props = reply.vevent.getAllProperties('attendee');
    expect(props).toHaveLength(1);
    expect(props[0]?.getParameter('partstat')).toBe('ACCEPTED');
    expect(props[0]?.getParameter('rsvp')).toBeUndefined();
  });

  test('every line ends with CRLF and stays within 75 octets (RFC 5545 §3.1)', () => {
    const text = buildICalendar({ method: 'REQUEST', event, organizer: host, attendees: [host, guest], stamp });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  });
});

test('foldLine never splits a multi-byte character and unfolds to the original', () => {
  const line = `SUMMARY:${'€'.repeat(60)}`;
  const folded = foldLine(line);
  expect(folded.split('\r\n ').join('')).toBe(line);
  for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
});

test('escapeText escapes backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)', () => {
  expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
});

describe('series', () => {
  const weekly = scheduledState(
    { eventID: '20000000-0000-4000-8000-000000000000', hostID: host.userID, title: 'Weekly', startTime: '2026-03-10T09:00:00.000Z', endTime: '2026-03-10T10:00:00.000Z', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] },
    { attendees: { [guest.userID]: 'PENDING' } },
  );

  function occurrences(text: string): string[] {
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const [master, ...overrides] = calendar.getAllSubcomponents('vevent');
    if (!master) throw new Error('no VEVENT');
    const event = new ICAL.Event(master);
    for (const override of overrides) event.relateException(override);
    const iterator = event.iterator();
    const starts: string[] = [];
    for (let next = iterator.next(); next && starts.length < 10; next = iterator.next()) starts.push(event.getOccurrenceDetails(next).startDate.toJSDate().toISOString());
    return starts;
  }

  test('a weekly series keeps its Berlin wall time across the change to summer time, with its VTIMEZONE (RFC 5545 §3.6.5)', () => {
    const text = buildICalendar({ method: 'REQUEST', event: weekly, organizer: host, attendees: [host, guest], stamp });
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260310T100000');
    expect(text).toContain('RRULE:FREQ=WEEKLY;COUNT=4');
    expect(occurrences(text)).toEqual(['2026-03-10T09:00:00.000Z', '2026-03-17T09:00:00.000Z', '2026-03-24T09:00:00.000Z', '2026-03-31T08:00:00.000Z']);
  });

  test('a cancelled occurrence becomes an EXDATE and a moved one a VEVENT with RECURRENCE-ID', () => {
    const withExceptions: EventState = {
      ...weekly,
      exceptions: {
        '2026-03-17T09:00:00.000Z': { cancelled: true },
        '2026-03-24T09:00:00.000Z': { cancelled: false, startTime: '2026-03-25T12:00:00.000Z', endTime: '2026-03-25T13:00:00.000Z', startDate: null, endDate: null, title: 'Weekly (moved)', description: null, location: null },
      },
    };
    const text = buildICalendar({ method: 'REQUEST', event: withExceptions, organizer: host, attendees: [host, guest], stamp });
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20260317T100000');
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260324T100000');
    expect(occurrences(text)).toEqual(['2026-03-10T09:00:00.000Z', '2026-03-25T12:00:00.000Z', '2026-03-31T08:00:00.000Z']);
  });

  test('all-day events are DATE values with an exclusive end (RFC 5545 §3.6.1)', () => {
    const allDay = scheduledState({ eventID: '30000000-0000-4000-8000-000000000000', hostID: host.userID, title: 'Offsite', startTime: '2026-03-10T00:00:00.000Z', endTime: '2026-03-12T00:00:00.000Z' });
    const text = buildICalendar({ method: 'REQUEST', event: { ...allDay, allDay: true, startDate: '2026-03-10', endDate: '2026-03-12' }, organizer: host, attendees: [host], stamp });
    expect(text).toContain('DTSTART;VALUE=DATE:20260310');
    expect(text).toContain('DTEND;VALUE=DATE:20260312');
  });

  test('a CANCEL of one occurrence carries only that instance: RECURRENCE-ID in the TZID form, SEQUENCE, STATUS:CANCELLED (RFC 5546 §3.2.5)', () => {
    const originalStart = '2026-03-31T08:00:00.000Z';
    const cancelledOnce: EventState = { ...weekly, sequence: 7, exceptions: { [originalStart]: { cancelled: true } } };
    const text = buildICalendar({ method: 'CANCEL', event: cancelledOnce, organizer: host, attendees: [host, guest], stamp, occurrence: originalStart });
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevents).toHaveLength(1);
    const instance = new ICAL.Event(vevents[0]);
    expect(instance.uid).toBe(`${weekly.eventID}@datebook`);
    expect(instance.sequence).toBe(7);
    expect(instance.recurrenceId?.toJSDate().toISOString()).toBe(originalStart);
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260331T100000');
    expect(instance.startDate.toJSDate().toISOString()).toBe(originalStart);
    expect(vevents[0]?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(text).not.toMatch(/^(RRULE|EXDATE)/m);
  });

  test('a REQUEST for one changed occurrence carries that instance with its new values, not the series (RFC 5546 §3.2.2.3)', () => {
    const originalStart = '2026-03-24T09:00:00.000Z';
    const movedOnce: EventState = {
      ...weekly,
      exceptions: { [originalStart]: { cancelled: false, startTime: '2026-03-25T12:00:00.000Z', endTime: '2026-03-25T13:00:00.000Z', startDate: null, endDate: null, title: 'Weekly (moved)', description: null, location: 'Room 9' } },
    };
    const text = buildICalendar({ method: 'REQUEST', event: movedOnce, organizer: host, attendees: [host, guest], stamp, occurrence: originalStart });
    const calendar = new ICAL.Component(ICAL.parse(text));
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(1);
    const instance = new ICAL.Event(vevents[0]);
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260324T100000');
    expect([instance.startDate.toJSDate().toISOString(), instance.endDate.toJSDate().toISOString(), instance.summary, instance.location]).toEqual(['2026-03-25T12:00:00.000Z', '2026-03-25T13:00:00.000Z', 'Weekly (moved)', 'Room 9']);
    expect(vevents[0]?.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(text).not.toMatch(/^RRULE/m);
  });

  test('one occurrence of an all-day series is named by a DATE RECURRENCE-ID, with its own dates', () => {
    const daily = scheduledState({ eventID: '40000000-0000-4000-8000-000000000000', hostID: host.userID, title: 'Holiday', startTime: '2026-03-10T00:00:00.000Z', endTime: '2026-03-11T00:00:00.000Z', recurrence: ['RRULE:FREQ=YEARLY'] });
    const allDay: EventState = { ...daily, allDay: true, startDate: '2026-03-10', endDate: '2026-03-11', exceptions: { '2027-03-10': { cancelled: true } } };
    const text = buildICalendar({ method: 'CANCEL', event: allDay, organizer: host, attendees: [host], stamp, occurrence: '2027-03-10' });
    expect(text).toContain('RECURRENCE-ID;VALUE=DATE:20270310');
    expect(text).toContain('DTSTART;VALUE=DATE:20270310');
    expect(text).toContain('DTEND;VALUE=DATE:20270311');
    expect(text).not.toContain('VTIMEZONE');
    expect(new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')?.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  test('a REPLY about one occurrence names it by RECURRENCE-ID and carries the answer for it', () => {
    const declinedOnce: EventState = { ...weekly, occurrenceResponses: { [guest.userID]: { '2026-03-31T08:00:00.000Z': 'DECLINED' } } };
    const text = buildICalendar({ method: 'REPLY', event: declinedOnce, organizer: host, attendees: [guest], stamp, occurrence: '2026-03-31T08:00:00.000Z' });
    const vevent = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent');
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260331T100000');
    expect(vevent?.getFirstProperty('attendee')?.getParameter('partstat')).toBe('DECLINED');
    expect(text).not.toContain('RRULE');
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin');
  });
});

describe('a series whose first start falls in a DST gap', () => {
  test('keeps its nominal wall time as DTSTART (RFC 5545 §3.3.10), so every client repeats 02:30', () => {
    // 02:30 on 28 March 2027 does not exist in Berlin: the first instance happens at 03:30 (01:30Z).
    const gap: EventState = scheduledState({
      eventID: '10000000-0000-4000-8000-000000000009', hostID: host.userID, title: 'Night shift', startTime: '2027-03-28T01:30:00.000Z',
      endTime: '2027-03-28T02:00:00.000Z', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=4SU;COUNT=3'], startLocal: '2027-03-28T02:30:00',
    });
    const text = buildICalendar({ method: 'REQUEST', event: gap, organizer: host, attendees: [host], stamp });
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20270328T023000');
    const { vevent } = parse(text);
    const iterator = new ICAL.Event(vevent).iterator();
    iterator.next();
    // The second instance (25 April) is at 02:30 local, 00:30Z, not 03:30.
    expect(iterator.next()?.toJSDate().toISOString()).toBe('2027-04-25T00:30:00.000Z');
  });
});

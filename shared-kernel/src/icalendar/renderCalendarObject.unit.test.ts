import ICAL from 'ical.js';
import { renderCalendarObject } from './renderCalendarObject';
import type { RenderInput } from './renderInput';
import { emailOf, people, scheduledEvent } from './testEvents';

const { ann, bob, cyd } = people;
const input = (event: RenderInput['event'], more: Partial<RenderInput> = {}): RenderInput => ({ event, audience: 'full', viewerID: ann.id, emailOf, ...more });

/** The text as ical.js (an independent parser) reads it, its zones registered. */
function icalOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return { calendar, vevents: calendar.getAllSubcomponents('vevent') };
}

function occurrenceStarts(text: string, limit = 20): string[] {
  const { vevents } = icalOf(text);
  const [master, ...overrides] = vevents;
  if (!master) throw new Error('no VEVENT');
  const event = new ICAL.Event(master);
  for (const override of overrides) event.relateException(override);
  const iterator = event.iterator();
  const starts: string[] = [];
  for (let next = iterator.next(); next && starts.length < limit; next = iterator.next()) starts.push(event.getOccurrenceDetails(next).startDate.toJSDate().toISOString());
  return starts;
}

const attendeesOf = (vevent: ICAL.Component) => vevent.getAllProperties('attendee').map((p) => `${p.getFirstValue()} ${p.getParameter('partstat')} ${p.getParameter('role')}`);

const series = scheduledEvent({
  title: 'Stand-up; daily, ünïcödé ✓',
  description: 'Agenda:\n- one\n- two',
  location: 'Room 4, 2nd floor',
  visibility: 'private',
  startTime: '2030-03-18T08:00:00.000Z', endTime: '2030-03-18T08:15:00.000Z', startLocal: '2030-03-18T09:00:00',
  recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6', 'EXDATE;TZID=Europe/Berlin:20300401T090000'],
  attendees: { [ann.id]: 'ACCEPTED', [bob.id]: 'TENTATIVE', [cyd.id]: 'PENDING' },
  externalAttendees: { 'dan@partner.example': { rsvpStatus: 'PENDING', optional: true } },
  reminders: { [ann.id]: { useDefault: false, overrides: [{ method: 'email', minutes: 30 }, { method: 'push', minutes: 10 }] }, [bob.id]: { useDefault: false, overrides: [{ method: 'push', minutes: 5 }] } },
  exceptions: {
    '2030-03-25T08:00:00.000Z': { cancelled: false, startTime: '2030-03-26T10:00:00.000Z', endTime: '2030-03-26T10:30:00.000Z', startDate: null, endDate: null, title: 'Stand-up (moved)', description: null, location: 'Room 9' },
    '2030-04-08T07:00:00.000Z': { cancelled: true },
  },
  occurrenceResponses: { [bob.id]: { '2030-03-25T08:00:00.000Z': 'DECLINED' } },
  extraProperties: ['X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'CATEGORIES:Work,Team', 'COLOR:crimson'],
});

describe('renderCalendarObject, read back by ical.js', () => {
  const text = renderCalendarObject([input(series)]);

  it('writes CRLF lines of at most 75 octets, and the same bytes every time for the same state', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    for (const line of text.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(renderCalendarObject([input(series)])).toBe(text);
  });

  it('writes the master with UID, texts, CLASS, TRANSP, organizer, attendees with PARTSTAT, kept properties and the viewer’s alarms', () => {
    const { calendar, vevents } = icalOf(text);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Berlin');
    const master = vevents[0] as ICAL.Component;
    const event = new ICAL.Event(master);
    expect(event.uid).toBe(`${series.eventID}@datebook`);
    expect([event.summary, event.description, event.location]).toEqual([series.title, series.description, series.location]);
    expect(event.startDate.toJSDate().toISOString()).toBe(series.startTime);
    expect(event.endDate.toJSDate().toISOString()).toBe(series.endTime);
    expect(master.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(master.getFirstPropertyValue('transp')).toBe('OPAQUE');
    expect(master.getFirstPropertyValue('organizer')).toBe('mailto:ann@example.com');
    expect(attendeesOf(master)).toEqual([
      'mailto:ann@example.com ACCEPTED CHAIR', 'mailto:bob@example.com TENTATIVE REQ-PARTICIPANT', 'mailto:cyd@example.com NEEDS-ACTION REQ-PARTICIPANT',
      'mailto:dan@partner.example NEEDS-ACTION OPT-PARTICIPANT',
    ]);
    expect(master.getFirstPropertyValue('x-apple-travel-advisory-behavior')).toBe('AUTOMATIC');
    expect(master.getFirstProperty('categories')?.getValues()).toEqual(['Work', 'Team']);
    expect(master.getFirstPropertyValue('color')).toBe('crimson');
    const alarms = master.getAllSubcomponents('valarm').map((a) => `${a.getFirstPropertyValue('action')} ${a.getFirstPropertyValue('trigger')?.toString()}`);
    expect(alarms).toEqual(['EMAIL -PT30M', 'DISPLAY -PT10M']);
    expect(master.getAllSubcomponents('valarm')[0]?.getFirstPropertyValue('attendee')).toBe('mailto:ann@example.com');
  });

  it('keeps the series at 09:00 Berlin across the DST change, without the EXDATE and the cancelled occurrence, the moved one moved', () => {
    expect(occurrenceStarts(text)).toEqual(['2030-03-18T08:00:00.000Z', '2030-03-26T10:00:00.000Z', '2030-04-15T07:00:00.000Z', '2030-04-22T07:00:00.000Z']);
    const override = icalOf(text).vevents[1] as ICAL.Component;
    expect(new ICAL.Event(override).recurrenceId?.toJSDate().toISOString()).toBe('2030-03-25T08:00:00.000Z');
    expect(override.getFirstPropertyValue('summary')).toBe('Stand-up (moved)');
    // The occurrence's own answers.
    expect(attendeesOf(override)[1]).toBe('mailto:bob@example.com DECLINED REQ-PARTICIPANT');
  });

  it('writes a busy-only copy: times and recurrence, "Busy", CLASS:PRIVATE, nothing else', () => {
    const busy = renderCalendarObject([input(series, { audience: 'busyOnly' })]);
    for (const hidden of ['Stand-up', 'Agenda', 'Room', 'ATTENDEE', 'ORGANIZER', 'VALARM', 'X-APPLE', 'CATEGORIES', 'COLOR']) expect(busy).not.toContain(hidden);
    const { vevents } = icalOf(busy);
    expect(vevents.map((v) => v.getFirstPropertyValue('summary'))).toEqual(['Busy', 'Busy']);
    expect(vevents[0]?.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(occurrenceStarts(busy)).toEqual(['2030-03-18T08:00:00.000Z', '2030-03-26T10:00:00.000Z', '2030-04-15T07:00:00.000Z', '2030-04-22T07:00:00.000Z']);
  });

  it('shows a guest who may not see the others only the host and themself, with their own alarms', () => {
    const hidden = renderCalendarObject([input({ ...series, guestsCanSeeOtherGuests: false }, { audience: { attendee: bob.id }, viewerID: bob.id })]);
    const master = icalOf(hidden).vevents[0] as ICAL.Component;
    expect(attendeesOf(master)).toEqual(['mailto:ann@example.com ACCEPTED CHAIR', 'mailto:bob@example.com TENTATIVE REQ-PARTICIPANT']);
    expect(master.getAllSubcomponents('valarm').map((a) => a.getFirstPropertyValue('trigger')?.toString())).toEqual(['-PT5M']);
    const open = renderCalendarObject([input(series, { audience: { attendee: bob.id }, viewerID: bob.id })]);
    expect(attendeesOf(icalOf(open).vevents[0] as ICAL.Component)).toHaveLength(4);
  });

  it('expands a series into its occurrences in the window, in UTC, without RRULE (RFC 4791 §9.6.5)', () => {
    const expanded = renderCalendarObject([input(series)], { expand: { start: new Date('2030-03-20T00:00:00Z'), end: new Date('2030-04-20T00:00:00Z') } });
    expect(expanded).not.toMatch(/RRULE|EXDATE|VTIMEZONE|TZID/);
    const { vevents } = icalOf(expanded);
    expect(vevents.map((v) => [v.getFirstProperty('recurrence-id')?.toICALString(), v.getFirstProperty('dtstart')?.toICALString(), v.getFirstPropertyValue('summary')])).toEqual([
      ['RECURRENCE-ID:20300325T080000Z', 'DTSTART:20300326T100000Z', 'Stand-up (moved)'],
      ['RECURRENCE-ID:20300415T070000Z', 'DTSTART:20300415T070000Z', series.title],
    ]);
  });

  it('writes all-day events as DATE values with an exclusive end', () => {
    const holiday = scheduledEvent({ allDay: true, startDate: '2030-07-14', endDate: '2030-07-16', startTime: '2030-07-14T00:00:00.000Z', endTime: '2030-07-16T00:00:00.000Z', transparency: 'transparent', recurrence: ['RRULE:FREQ=YEARLY;COUNT=3'], exceptions: { '2031-07-14': { cancelled: true } } });
    const written = renderCalendarObject([input(holiday)]);
    expect(written).toContain('DTSTART;VALUE=DATE:20300714\r\nDTEND;VALUE=DATE:20300716\r\n');
    expect(written).toContain('EXDATE;VALUE=DATE:20310714\r\n');
    expect(written).not.toContain('VTIMEZONE');
    const event = new ICAL.Event(icalOf(written).vevents[0]);
    expect(event.startDate.isDate).toBe(true);
    expect(event.startDate.toString()).toBe('2030-07-14');
  });

  it('writes a cancelled event with STATUS:CANCELLED, and an imported event’s own ORGANIZER/ATTENDEE lines instead of Datebook’s', () => {
    const imported = scheduledEvent({ status: 'cancelled', attendees: { [ann.id]: 'ACCEPTED' }, extraProperties: ['ORGANIZER;CN=Boss:mailto:boss@corp.example', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.com', 'STATUS:CONFIRMED', 'DTSTART:19990101T000000Z'] });
    const written = renderCalendarObject([input(imported)]);
    const vevent = icalOf(written).vevents[0] as ICAL.Component;
    expect(vevent.getAllProperties('status').map((p) => p.getFirstValue())).toEqual(['CANCELLED']);
    expect(vevent.getAllProperties('organizer').map((p) => p.getFirstValue())).toEqual(['mailto:boss@corp.example']);
    expect(attendeesOf(vevent)).toEqual(['mailto:ann@example.com ACCEPTED undefined']);
    expect(vevent.getAllProperties('dtstart')).toHaveLength(1);
  });

  it('writes a series’ DST-gap start as the wall time it repeats, a single event’s as its real one, and an end in a repeated hour’s second pass in UTC', () => {
    const gapSeries = scheduledEvent({ startTime: '2030-03-31T01:30:00.000Z', startLocal: '2030-03-31T02:30:00', endTime: '2030-03-31T02:00:00.000Z', recurrence: ['RRULE:FREQ=DAILY;COUNT=2'] });
    // RFC 5545 §3.3.5 reads 02:30 in the gap with the offset before it (03:30 CEST); ical.js does not, so only the text is checked.
    expect(renderCalendarObject([input(gapSeries)])).toContain('DTSTART;TZID=Europe/Berlin:20300331T023000\r\n');
    const single = scheduledEvent({ startTime: '2030-03-31T01:30:00.000Z', startLocal: '2030-03-31T02:30:00', endTime: '2030-10-27T01:30:00.000Z' });
    const written = renderCalendarObject([input(single)]);
    expect(written).toContain('DTSTART;TZID=Europe/Berlin:20300331T033000\r\n');
    // 01:30 UTC on 27 October is the second 02:30 in Berlin: only UTC names it alone.
    expect(written).toContain('DTEND:20301027T013000Z\r\n');
    const event = new ICAL.Event(icalOf(written).vevents[0]);
    expect(event.startDate.toJSDate().toISOString()).toBe('2030-03-31T01:30:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2030-10-27T01:30:00.000Z');
  });

  it('writes METHOD when asked, and one VTIMEZONE per zone however many events use it', () => {
    const ny = scheduledEvent({ eventID: '55555555-5555-4555-8555-555555555555', timeZone: 'America/New_York' });
    const written = renderCalendarObject([input(series), input(scheduledEvent()), input(ny)], { method: 'PUBLISH' });
    const { calendar } = icalOf(written);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['America/New_York', 'Europe/Berlin']);
  });
});

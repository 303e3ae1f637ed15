import ICAL from 'ical.js';
import { ICALENDAR_FIXTURES, type ICalendarFixture, readICalendarFixture as fixture } from '../testing/testCorpora';
import { parseCalendarObjects } from './parseCalendarObjects';

const byTitle = (name: ICalendarFixture) => {
  const { drafts, skipped } = parseCalendarObjects(fixture(name), { defaultTimeZone: 'Europe/Berlin' });
  expect(skipped).toEqual([]);
  return new Map(drafts.map((d) => [d.title, d]));
};

describe('files as calendar products export them', () => {
  it.each(ICALENDAR_FIXTURES)('%s is valid for an independent parser too (ical.js)', (name) => {
    expect(new ICAL.Component(ICAL.parse(fixture(name))).getAllSubcomponents('vevent').length).toBeGreaterThan(3);
  });

  it('reads a Google Calendar export: series with EXDATEs, a moved and a cancelled occurrence, all-day, guests, alarms', () => {
    const events = byTitle('google-calendar-export.ics');
    expect([...events.keys()]).toEqual(['Stand-up', 'Bastille Day', 'Conference', 'Dinner with Bob', 'Call across the clock change']);
    const standUp = events.get('Stand-up');
    expect(standUp).toMatchObject({
      uid: '5q0m6k7l1d2f3g4h5j6k7l8m9n@google.com',
      timing: { startTime: '2030-03-18T08:00:00.000Z', endTime: '2030-03-18T08:15:00.000Z', timeZone: 'Europe/Berlin', startLocal: '2030-03-18T09:00:00' },
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE;TZID=Europe/Berlin:20300401T090000,20300415T090000'],
      location: 'Room 4, 2nd floor', organizer: 'ann@example.com', sequence: 1,
      reminders: [{ method: 'push', minutes: 10 }, { method: 'email', minutes: 30 }],
      extraProperties: ['X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij', 'STATUS:CONFIRMED'],
    });
    expect(standUp?.description).toContain('- plans for the week; nothing else, really.\n');
    expect(standUp?.attendees).toEqual([
      { email: 'ann@example.com', partstat: 'ACCEPTED', optional: false },
      { email: 'bob@example.com', partstat: 'NEEDS-ACTION', optional: false },
      { email: 'cyd@example.com', partstat: 'TENTATIVE', optional: true },
    ]);
    expect(standUp?.overrides.map((o) => [o.originalStart, o.values?.startTime ?? 'cancelled', o.values?.title])).toEqual([
      ['2030-03-25T08:00:00.000Z', '2030-03-25T10:00:00.000Z', 'Stand-up (moved)'],
      ['2030-04-08T07:00:00.000Z', 'cancelled', undefined],
    ]);
    expect(events.get('Bastille Day')).toMatchObject({ timing: { allDay: true, startDate: '2030-07-14', endDate: '2030-07-15' }, transparency: 'transparent', visibility: 'public', description: '' });
    expect(events.get('Conference')).toMatchObject({ timing: { allDay: true, startDate: '2030-05-20', endDate: '2030-05-23' }, recurrence: ['RRULE:FREQ=YEARLY;UNTIL=20330519'] });
    expect(events.get('Dinner with Bob')).toMatchObject({ timing: { startTime: '2030-06-05T16:00:00.000Z', timeZone: 'Europe/Berlin', startLocal: null }, visibility: 'private' });
    // 01:30 on the night New York falls back is its first pass (RFC 5545 §3.3.5).
    expect(events.get('Call across the clock change')?.timing).toMatchObject({ startTime: '2030-11-03T05:30:00.000Z', endTime: '2030-11-03T07:30:00.000Z', timeZone: 'America/New_York' });
  });

  it('reads an Outlook export: Windows zone names, customized zones, HTML descriptions kept', () => {
    const events = byTitle('outlook-export.ics');
    expect(events.get('Quarterly review')).toMatchObject({
      timing: { startTime: '2030-06-10T08:00:00.000Z', timeZone: 'Europe/Berlin' }, visibility: 'public',
      description: 'Quarterly numbers, then planning.\n\nAgenda attached.\n', organizer: 'ann@example.com', reminders: [{ method: 'push', minutes: 15 }],
      attendees: [{ email: 'bob@example.com', partstat: 'NEEDS-ACTION', optional: false }, { email: 'dan@partner.example', partstat: 'NEEDS-ACTION', optional: true }],
    });
    expect(events.get('Quarterly review')?.uid).toHaveLength(112);
    expect(events.get('Quarterly review')?.extraProperties.map((line) => line.slice(0, line.search(/[;:]/)))).toEqual([
      'PRIORITY', 'X-ALT-DESC', 'X-MICROSOFT-CDO-BUSYSTATUS', 'X-MICROSOFT-CDO-IMPORTANCE', 'X-MICROSOFT-DISALLOW-COUNTER', 'X-MS-OLK-AUTOFILLLOCATION', 'X-MS-OLK-CONFTYPE',
    ]);
    expect(events.get('1:1 with Erin')).toMatchObject({
      timing: { startTime: '2030-03-05T17:00:00.000Z', timeZone: 'America/Los_Angeles' }, visibility: 'private',
      recurrence: ['RRULE:FREQ=MONTHLY;COUNT=12;BYDAY=1TU', 'EXDATE;TZID=America/Los_Angeles:20300507T090000,20300604T090000'],
      reminders: [{ method: 'push', minutes: 1440 }],
    });
    expect(events.get('Vendor call')?.timing).toMatchObject({ startTime: '2030-09-16T14:00:00.000Z', endTime: '2030-09-16T15:00:00.000Z' });
    expect(events.get('Kathmandu stand-up')?.timing.startTime).toBe('2030-10-02T03:45:00.000Z');
    expect(events.get('Vacation')).toMatchObject({ timing: { allDay: true, startDate: '2030-08-01', endDate: '2030-08-04' }, transparency: 'transparent' });
  });

  it('reads a Thunderbird export: folded UTF-8 text, CONFIDENTIAL, a cancelled occurrence, a vendor TZID, DURATION, alarms', () => {
    const events = byTitle('thunderbird-export.ics');
    const club = events.get('Book club');
    expect(club).toMatchObject({ location: 'Café Müller, Hauptstraße 1', visibility: 'private', recurrence: ['RRULE:FREQ=MONTHLY;BYDAY=2TH'], reminders: [{ method: 'push', minutes: 60 }], overrides: [{ originalStart: '2030-04-11T17:00:00.000Z', values: null }] });
    expect(club?.description).toBe('Bring the book 📚 and your notes. Discussion starts at 19:15 sharp; snacks provided. Наш клуб читает «Мастер и Маргарита» в этом месяце.');
    expect(club?.extraProperties).toEqual(['CATEGORIES:Personal,Books', 'X-MOZ-GENERATION:3']);
    expect(events.get('Trip to Sydney')).toMatchObject({ timing: { allDay: true, startDate: '2030-11-20', endDate: '2030-11-28' } });
    expect(events.get('Dinner at Quay')).toMatchObject({
      timing: { startTime: '2030-11-22T08:30:00.000Z', endTime: '2030-11-22T11:00:00.000Z', timeZone: 'Australia/Sydney' },
      reminders: [{ method: 'email', minutes: 1440 }], organizer: 'ann@example.com',
      attendees: [{ email: 'eve@example.org', partstat: 'TENTATIVE', optional: true }, { email: 'ann@example.com', partstat: 'ACCEPTED', optional: false }],
    });
  });
});

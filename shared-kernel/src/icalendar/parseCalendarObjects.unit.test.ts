import { parseCalendarObjects } from './parseCalendarObjects';
import { ICalendarSyntaxError } from './syntaxError';
import { calendar, vevent } from './testCalendars';

const parse = (...lines: string[]) => parseCalendarObjects(calendar(...lines), { defaultTimeZone: 'Europe/Berlin' });
const only = (...lines: string[]) => {
  const { drafts, skipped } = parse(...lines);
  expect(skipped).toEqual([]);
  expect(drafts).toHaveLength(1);
  return drafts[0] as NonNullable<(typeof drafts)[0]>;
};
const series = ['UID:s', 'DTSTART;TZID=Europe/Berlin:20300318T090000', 'DTEND;TZID=Europe/Berlin:20300318T091500', 'RRULE:FREQ=WEEKLY;COUNT=6', 'SUMMARY:Stand-up'];

describe('a VEVENT as a draft: times', () => {
  it('reads an all-day event without DTEND as one day, in the calendar’s zone', () => {
    expect(only(...vevent('UID:a', 'DTSTART;VALUE=DATE:20300714', 'SUMMARY:Holiday')).timing).toEqual({
      startTime: '2030-07-14T00:00:00.000Z', endTime: '2030-07-15T00:00:00.000Z', timeZone: 'Europe/Berlin', allDay: true, startDate: '2030-07-14', endDate: '2030-07-15', startLocal: null,
    });
    expect(only(...vevent('UID:a', 'DTSTART;VALUE=DATE:20300714', 'DURATION:P1W')).timing).toMatchObject({ endDate: '2030-07-21' });
  });

  it('ends at DTSTART + DURATION, days counted on the wall clock across a DST change (RFC 5545 §3.3.6)', () => {
    // 30 March 12:00 + P1D is 31 March 12:00 in Berlin: 23 hours later.
    expect(only(...vevent('UID:a', 'DTSTART;TZID=Europe/Berlin:20300330T120000', 'DURATION:P1DT30M')).timing).toMatchObject({
      startTime: '2030-03-30T11:00:00.000Z', endTime: '2030-03-31T10:30:00.000Z', timeZone: 'Europe/Berlin', startLocal: '2030-03-30T12:00:00',
    });
  });

  it('reads a floating time in the calendar’s zone; a UTC one keeps the calendar’s zone when single, UTC when it repeats', () => {
    expect(only(...vevent('UID:a', 'DTSTART:20300610T090000', 'DTEND:20300610T100000')).timing).toMatchObject({ startTime: '2030-06-10T07:00:00.000Z', timeZone: 'Europe/Berlin', startLocal: '2030-06-10T09:00:00' });
    expect(only(...vevent('UID:a', 'DTSTART:20300610T090000Z', 'DTEND:20300610T100000Z')).timing).toMatchObject({ startTime: '2030-06-10T09:00:00.000Z', timeZone: 'Europe/Berlin', startLocal: null });
    expect(only(...vevent('UID:a', 'DTSTART:20300610T090000Z', 'DTEND:20300610T100000Z', 'RRULE:FREQ=DAILY')).timing).toMatchObject({ timeZone: 'UTC' });
    expect(parseCalendarObjects(calendar(...vevent('UID:a', 'DTSTART:20300610T090000', 'DURATION:PT1H'))).drafts[0]?.timing).toMatchObject({ startTime: '2030-06-10T09:00:00.000Z', timeZone: 'UTC' });
  });

  it('keeps the wall time a DST gap moved as the nominal start (02:30 on a spring-forward day starts at 03:30)', () => {
    expect(only(...vevent('UID:a', 'DTSTART;TZID=Europe/Berlin:20300331T023000', 'DTEND;TZID=Europe/Berlin:20300331T040000', 'RRULE:FREQ=DAILY;COUNT=2')).timing).toMatchObject({
      startTime: '2030-03-31T01:30:00.000Z', startLocal: '2030-03-31T02:30:00',
    });
  });
});

describe('a VEVENT as a draft: recurrence and overrides', () => {
  it('keeps RRULE, merges EXDATEs per zone, and reads RECURRENCE-IDs as overrides keyed by the original UTC start', () => {
    const draft = only(
      ...vevent(...series, 'EXDATE;TZID=Europe/Berlin:20300401T090000', 'EXDATE;TZID=Europe/Berlin:20300408T090000', 'RDATE;VALUE=DATE:20300420'),
      ...vevent('UID:s', 'RECURRENCE-ID;TZID=Europe/Berlin:20300325T090000', 'DTSTART;TZID=Europe/Berlin:20300325T110000', 'DTEND;TZID=Europe/Berlin:20300325T113000', 'SUMMARY:Moved', 'LOCATION:Room 9'),
      ...vevent('UID:s', 'RECURRENCE-ID:20300415T070000Z', 'DTSTART:20300415T070000Z', 'STATUS:CANCELLED'),
    );
    expect(draft.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=Europe/Berlin:20300401T090000,20300408T090000', 'RDATE;VALUE=DATE:20300420']);
    expect(draft.overrides).toEqual([
      { originalStart: '2030-03-25T08:00:00.000Z', values: { startTime: '2030-03-25T10:00:00.000Z', endTime: '2030-03-25T10:30:00.000Z', startDate: null, endDate: null, title: 'Moved', description: null, location: 'Room 9' } },
      { originalStart: '2030-04-15T07:00:00.000Z', values: null },
    ]);
  });

  it('keys all-day overrides by date, and gives an override without DTEND the series’ length', () => {
    const draft = only(
      ...vevent('UID:d', 'DTSTART;VALUE=DATE:20300701', 'DTEND;VALUE=DATE:20300703', 'RRULE:FREQ=WEEKLY;COUNT=3', 'SUMMARY:Camp'),
      ...vevent('UID:d', 'RECURRENCE-ID;VALUE=DATE:20300708', 'DTSTART;VALUE=DATE:20300709', 'SUMMARY:Camp (late)'),
    );
    expect(draft.overrides).toEqual([{ originalStart: '2030-07-08', values: { startTime: '2030-07-09T00:00:00.000Z', endTime: '2030-07-11T00:00:00.000Z', startDate: '2030-07-09', endDate: '2030-07-11', title: 'Camp (late)', description: null, location: null } }]);
  });

  it('leaves out an override naming no occurrence, listing it with its line, and keeps the event', () => {
    const { drafts, skipped } = parse(...vevent(...series), ...vevent('UID:s', 'RECURRENCE-ID;TZID=Europe/Berlin:20300319T090000', 'DTSTART;TZID=Europe/Berlin:20300319T100000', 'DTEND;TZID=Europe/Berlin:20300319T110000'));
    expect(drafts[0]?.overrides).toEqual([]);
    expect(skipped).toEqual([{ uid: 's', line: 11, reason: 'occurrence left out: RECURRENCE-ID 2030-03-19T08:00:00.000Z names no occurrence of the series' }]);
  });

  it('skips events the domain refuses, each with its reason and line', () => {
    const { drafts, skipped } = parse(
      ...vevent('UID:count', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z', 'RRULE:FREQ=DAILY;COUNT=20000'),
      ...vevent('UID:secondly', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z', 'RRULE:FREQ=SECONDLY'),
      ...vevent('UID:nostart', 'SUMMARY:no start'),
      ...vevent('DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z'),
      ...vevent('UID:zero', 'DTSTART:20300101T090000Z'),
      ...vevent('UID:backwards', 'DTSTART:20300101T090000Z', 'DTEND:20300101T080000Z'),
      ...vevent('UID:orphan', 'RECURRENCE-ID:20300101T090000Z', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z'),
      ...vevent('UID:ok', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z'),
      ...vevent('UID:ok', 'DTSTART:20300102T090000Z', 'DTEND:20300102T100000Z'),
      ...vevent(`UID:${'u'.repeat(1025)}`, 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z'),
      ...vevent('UID:old', 'DTSTART:18000101T090000Z', 'DTEND:18000101T100000Z'),
    );
    expect(drafts.map((d) => d.uid)).toEqual(['ok']);
    expect(skipped.map(({ uid, line, reason }) => [uid?.slice(0, 8) ?? null, line, reason])).toEqual([
      ['count', 8, 'COUNT: 20000 is more than the 10000 instances a series may have; use UNTIL or no end instead'],
      ['secondly', 14, expect.stringContaining('FREQ')],
      ['nostart', 16, 'no DTSTART'],
      [null, 20, 'no UID'],
      ['zero', 24, 'no DTEND or DURATION: an event with times and no length is not kept'],
      ['backward', 28, 'DTEND: must be after the start'],
      ['orphan', 33, 'occurrences (RECURRENCE-ID) without their series'],
      ['ok', 44, 'a second VEVENT with this UID and no RECURRENCE-ID'],
      ['uuuuuuuu', 49, 'UID longer than 1024 characters'],
      ['old', 54, 'DTSTART: must be between 1900-01-01 and 2200-01-01'],
    ]);
  });

  it('skips a series listing more than 1000 RDATE/EXDATE values (each may cost an expansion when written)', () => {
    const dates = (from: number, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2030, 0, 1) + (from + i) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')).join(',');
    const daily = ['DTSTART;VALUE=DATE:20300101', 'RRULE:FREQ=DAILY;COUNT=3000'];
    expect(parse(...vevent('UID:a', ...daily, `EXDATE;VALUE=DATE:${dates(0, 600)}`, `EXDATE;VALUE=DATE:${dates(600, 400)}`)).drafts).toHaveLength(1);
    expect(parse(...vevent('UID:a', ...daily, `EXDATE;VALUE=DATE:${dates(0, 600)}`, `EXDATE;VALUE=DATE:${dates(600, 401)}`)).skipped).toEqual([
      { uid: 'a', line: 4, reason: 'EXDATE: more than 1000 RDATE and EXDATE values' },
    ]);
  });

  it('throws a syntax error (with its line) instead of skipping when the text cannot be read', () => {
    expect(() => parse(...vevent('UID:a', 'DTSTART:20300101T090000Z'), 'BEGIN:VEVENT', 'UID:b', 'END:VTODO')).toThrow(new ICalendarSyntaxError(10, 'END:VTODO does not close BEGIN:VEVENT of line 8'));
  });

  it('bounds the expansion work of a file: series past the budget are skipped, the others kept', () => {
    const many = Array.from({ length: 5 }, (_, i) => vevent(`UID:s${i}`, 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z', 'RRULE:FREQ=DAILY;COUNT=9000')).flat();
    const { drafts, skipped } = parseCalendarObjects(calendar(...many), { maxRecurrenceSteps: 120_000 });
    expect(drafts.length).toBeGreaterThanOrEqual(1);
    expect(drafts.length + skipped.length).toBe(5);
    expect(skipped[0]?.reason).toContain('more expansion work than one file may');
  });
});

describe('a VEVENT as a draft: everything else', () => {
  it('maps CLASS, TRANSP, STATUS and SEQUENCE', () => {
    const draft = (...lines: string[]) => only(...vevent('UID:a', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z', ...lines));
    expect(draft()).toMatchObject({ visibility: 'default', transparency: 'opaque', cancelled: false, sequence: 0 });
    expect(draft('CLASS:PUBLIC', 'TRANSP:TRANSPARENT', 'SEQUENCE:4')).toMatchObject({ visibility: 'public', transparency: 'transparent', sequence: 4 });
    expect(draft('CLASS:CONFIDENTIAL')).toMatchObject({ visibility: 'private' });
    expect(draft('CLASS:PRIVATE', 'STATUS:CANCELLED')).toMatchObject({ visibility: 'private', cancelled: true, extraProperties: [] });
  });

  it('reads TEXT values unescaped (RFC 5545 §3.3.11)', () => {
    expect(only(...vevent('UID:a', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z', 'SUMMARY:Planning\\; budget\\, Q1 \\\\ review', 'DESCRIPTION:one\\ntwo\\Nthree', 'LOCATION:Room 1\\, 2nd floor'))).toMatchObject({
      title: 'Planning; budget, Q1 \\ review', description: 'one\ntwo\nthree', location: 'Room 1, 2nd floor',
    });
  });

  it('reads ORGANIZER and ATTENDEEs with PARTSTAT and ROLE, keeping their lines as written', () => {
    const draft = only(...vevent(
      'UID:a', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z',
      'ORGANIZER;CN=Ann:MAILTO:Ann@Example.com',
      'ATTENDEE;PARTSTAT=ACCEPTED;CN="Bob, B.":mailto:bob@example.com',
      'ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:cyd@example.com',
      'ATTENDEE;PARTSTAT=DELEGATED:mailto:dan@example.com',
      'ATTENDEE:mailto:bob@example.com',
      'ATTENDEE;CUTYPE=ROOM:urn:uuid:7f0c4a8e-1111-4c3e-9f0a-6d2b8e4c1a57',
      'ATTENDEE;EMAIL=Eve@Example.org;PARTSTAT=DECLINED:urn:uuid:0f0c4a8e-1111-4c3e-9f0a-6d2b8e4c1a57',
    ));
    expect(draft.organizer).toBe('ann@example.com');
    expect(draft.attendees).toEqual([
      { email: 'bob@example.com', partstat: 'ACCEPTED', optional: false },
      { email: 'cyd@example.com', partstat: 'TENTATIVE', optional: true },
      { email: 'dan@example.com', partstat: 'NEEDS-ACTION', optional: false },
      { email: 'eve@example.org', partstat: 'DECLINED', optional: false },
    ]);
    expect(draft.participantLines).toHaveLength(7);
    expect(draft.extraProperties).toEqual([]);
  });

  it('turns VALARMs triggered before the start into reminders: EMAIL → email, DISPLAY/AUDIO → push', () => {
    const alarm = (...lines: string[]) => ['BEGIN:VALARM', ...lines, 'END:VALARM'];
    const draft = only(...vevent(
      'UID:a', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z',
      ...alarm('ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:x'),
      ...alarm('ACTION:EMAIL', 'TRIGGER;RELATED=START:-P1D', 'SUMMARY:x', 'DESCRIPTION:x', 'ATTENDEE:mailto:a@example.com'),
      ...alarm('ACTION:AUDIO', 'TRIGGER:-P0DT1H30M0S'),
      ...alarm('ACTION:DISPLAY', 'TRIGGER;VALUE=DATE-TIME:20300101T080000Z', 'DESCRIPTION:absolute'),
      ...alarm('ACTION:DISPLAY', 'TRIGGER:PT5M', 'DESCRIPTION:after the start'),
      ...alarm('ACTION:DISPLAY', 'TRIGGER;RELATED=END:-PT5M', 'DESCRIPTION:before the end'),
      ...alarm('ACTION:NONE', 'TRIGGER;VALUE=DATE-TIME:19760401T005545Z'),
      ...alarm('ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:the same again'),
    ));
    expect(draft.reminders).toEqual([{ method: 'push', minutes: 15 }, { method: 'email', minutes: 1440 }, { method: 'push', minutes: 90 }, { method: 'push', minutes: 60 }]);
    expect(only(...vevent('UID:b', 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z')).reminders).toBeNull();
  });

  it('keeps every other master property verbatim and unfolded, in file order; derived ones are not kept', () => {
    const draft = only(...vevent(
      'UID:a', 'DTSTAMP:20300101T000000Z', 'CREATED:20300101T000000Z', 'LAST-MODIFIED:20300101T000000Z', 'SEQUENCE:2',
      'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z', 'SUMMARY:x',
      'X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-TITLE="Café, Room 1":geo:52.52,13.40',
      'CATEGORIES:Work,Team', 'COLOR:crimson', 'URL:https://example.com/e/1',
      'ATTACH;FMTTYPE=application/pdf:https://example.com/a.pdf', 'GEO:52.52;13.40', 'STATUS:TENTATIVE',
      'X-ALT-DESC;FMTTYPE=text/html:<p>a long html description that is folded by the',
      '  producer</p>',
    ));
    expect(draft.extraProperties).toEqual([
      'X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-TITLE="Café, Room 1":geo:52.52,13.40',
      'CATEGORIES:Work,Team', 'COLOR:crimson', 'URL:https://example.com/e/1',
      'ATTACH;FMTTYPE=application/pdf:https://example.com/a.pdf', 'GEO:52.52;13.40', 'STATUS:TENTATIVE',
      'X-ALT-DESC;FMTTYPE=text/html:<p>a long html description that is folded by the producer</p>',
    ]);
  });
});

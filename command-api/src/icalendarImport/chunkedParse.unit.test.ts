import { ICalendarSyntaxError, parseCalendarObjects } from '@datebook/shared-kernel';
import { MAX_EVENT_LINES, MAX_ZONE_LINES, parseInChunks } from './chunkedParse';

import { readICalendarFixture as fixture } from '@datebook/shared-kernel/testing';

/** A file as exporters write them: the zones last, a series whose overrides come far from it, a long folded UID, tasks, LF and CRLF. */
function mixedFile(newline: string): string {
  const longUID = `040000008200E00074C5B7101A82E00800000000${'A1B2C3D4'.repeat(6)}`;
  const event = (uid: string, extra: string[] = []) => [
    'BEGIN:VEVENT', ...(uid.length > 60 ? [`UID:${uid.slice(0, 60)}`, ` ${uid.slice(60)}`] : [`UID:${uid}`]), 'DTSTAMP:20300101T000000Z',
    'DTSTART;TZID=Custom Berlin:20300610T090000', 'DTEND;TZID=Custom Berlin:20300610T100000', 'SUMMARY:Meeting', ...extra,
    'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT10M', 'END:VALARM', 'END:VEVENT',
  ];
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook tests//EN', 'X-WR-CALNAME:Mixed',
    ' continued',
    ...event('series@example.com', ['RRULE:FREQ=WEEKLY;COUNT=20']),
    ...Array.from({ length: 9 }, (_, i) => event(`single-${i}@example.com`)).flat(),
    'BEGIN:VTODO', 'UID:task@example.com', 'SUMMARY:A task', 'END:VTODO',
    ...event(longUID),
    ...event('series@example.com', ['RECURRENCE-ID;TZID=Custom Berlin:20300617T090000', 'SUMMARY:Moved one']).filter((line) => line !== 'SUMMARY:Meeting'),
    ...event('no-start@example.com').filter((line) => !line.startsWith('DTSTART')),
    '',
    'BEGIN:VTIMEZONE', 'TZID:Custom Berlin', 'BEGIN:STANDARD', 'DTSTART:16011028T030000', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10', 'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0100', 'END:STANDARD', 'BEGIN:DAYLIGHT', 'DTSTART:16010325T020000', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3', 'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0200', 'END:DAYLIGHT', 'END:VTIMEZONE',
    'END:VCALENDAR', '',
  ].join(newline);
}

const options = { defaultTimeZone: 'Europe/Berlin' };
const thrown = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
};

/** Reading a file a few events at a time gives what reading it whole gives: the same drafts, skips and lines. */
describe('parseInChunks', () => {
  it.each([
    ['google-calendar-export.ics', fixture('google-calendar-export.ics')],
    ['outlook-export.ics', fixture('outlook-export.ics')],
    ['thunderbird-export.ics', fixture('thunderbird-export.ics')],
    ['a mixed file (CRLF)', mixedFile('\r\n')],
    ['a mixed file (LF)', mixedFile('\n')],
  ])('reads %s as one reading does, at any chunk size', async (_name, text) => {
    const whole = parseCalendarObjects(text, options);
    for (const size of [1, 2, 3, 1000]) expect(await parseInChunks(text, options, size)).toEqual(whole);
  });

  it('shares the recurrence budget out so that a file of many series reads as it does whole', async () => {
    const series = Array.from({ length: 40 }, (_, i) => [
      'BEGIN:VEVENT', `UID:series-${i}@example.com`, 'DTSTART:20300610T090000Z', 'DURATION:PT1H', 'SUMMARY:Weekly', `RRULE:FREQ=${i % 2 ? 'DAILY' : 'WEEKLY'};COUNT=${50 + i}`, 'END:VEVENT',
    ]).flat();
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', ...series, 'END:VCALENDAR', ''].join('\r\n');
    // A tight file budget: the reader checks a series only with one series' worth (100,000 steps) left.
    const tight = { ...options, maxRecurrenceSteps: 200_000 };
    const whole = parseCalendarObjects(text, tight);
    expect(whole.skipped).toEqual([]);
    for (const size of [1, 7, 40]) expect(await parseInChunks(text, tight, size)).toEqual(whole);
  });

  it('keeps a series and its overrides together, whatever lies between them', async () => {
    const parsed = await parseInChunks(mixedFile('\r\n'), options, 1);
    const series = parsed.drafts.find((draft) => draft.uid === 'series@example.com');
    expect(series?.overrides).toHaveLength(1);
    expect(parsed.skipped.map((skip) => skip.uid)).toContain('no-start@example.com');
  });

  it('names the line of a fault in any part of the file, as one reading does', async () => {
    const lines = mixedFile('\r\n').split('\r\n');
    const broken = [...lines.slice(0, 60), 'not a content line', ...lines.slice(60)].join('\r\n');
    const whole = await thrown(() => parseCalendarObjects(broken, options));
    expect(whole).toBeInstanceOf(ICalendarSyntaxError);
    const chunked = await thrown(() => parseInChunks(broken, options, 1));
    expect(chunked).toBeInstanceOf(ICalendarSyntaxError);
    expect((chunked as ICalendarSyntaxError).line).toBe((whole as ICalendarSyntaxError).line);
    expect((chunked as ICalendarSyntaxError).reason).toBe((whole as ICalendarSyntaxError).reason);
  });

  it('reads a file of two VCALENDARs, and an unbalanced one, as one reading does, faults included', async () => {
    const two = `${mixedFile('\r\n')}${mixedFile('\r\n')}`;
    expect(await parseInChunks(two, options, 1)).toEqual(parseCalendarObjects(two, options));
    const unbalanced = mixedFile('\r\n').replace('END:VTODO\r\n', '');
    expect(await thrown(() => parseInChunks(unbalanced, options, 1))).toEqual(await thrown(() => parseCalendarObjects(unbalanced, options)));
  });

  it('counts the events of the whole file against its limit', async () => {
    const error = await thrown(() => parseInChunks(mixedFile('\r\n'), { ...options, maxEvents: 5 }, 1));
    expect(error).toBeInstanceOf(ICalendarSyntaxError);
    expect((error as ICalendarSyntaxError).reason).toMatch(/5 events/);
  });

  it('reads several VCALENDARs as the parts of one, as one reading does', async () => {
    const events = (from: number) => Array.from({ length: 30 }, (_, i) => ['BEGIN:VEVENT', `UID:e${from + i}`, 'DTSTART:20300610T090000Z', 'DURATION:PT1H', 'END:VEVENT']).flat();
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', ...events(0), 'END:VCALENDAR', 'BEGIN:VCALENDAR', 'VERSION:2.0', ...events(30), 'END:VCALENDAR', ''].join('\r\n');
    const whole = parseCalendarObjects(text, options);
    expect(whole.drafts).toHaveLength(60);
    for (const size of [1, 7]) expect(await parseInChunks(text, options, size)).toEqual(whole);
  });

  it('skips an event longer than any real one unread, and refuses zones longer than any real ones', async () => {
    const alarms = Array.from({ length: MAX_EVENT_LINES / 4 + 1 }, () => ['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'END:VALARM']).flat();
    const ordinary = Array.from({ length: 3 }, (_, i) => ['BEGIN:VEVENT', `UID:ok-${i}`, 'DTSTART:20300610T090000Z', 'DURATION:PT1H', 'END:VEVENT']).flat();
    const long = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:long', 'DTSTART:20300610T090000Z', 'DURATION:PT1H', ...alarms, 'END:VEVENT', ...ordinary, 'END:VCALENDAR', ''].join('\r\n');
    const parsed = await parseInChunks(long, options);
    expect(parsed.drafts.map((d) => d.uid)).toEqual(['ok-0', 'ok-1', 'ok-2']);
    expect(parsed.skipped).toEqual([{ uid: 'long', line: 3, reason: `the event is longer than ${MAX_EVENT_LINES} lines` }]);

    const observances = Array.from({ length: MAX_ZONE_LINES / 5 + 1 }, () => ['BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0100', 'END:STANDARD']).flat();
    const zoned = ['BEGIN:VCALENDAR', 'VERSION:2.0', ...ordinary, 'BEGIN:VTIMEZONE', 'TZID:Long', ...observances, 'END:VTIMEZONE', 'END:VCALENDAR', ''].join('\r\n');
    const error = await thrown(() => parseInChunks(zoned, options));
    expect(error).toEqual(new ICalendarSyntaxError(18, `the VTIMEZONEs are longer than ${MAX_ZONE_LINES} lines in all`));
  });

  it('skips a series with more overrides than the reader keeps without reading it, as the reader skips it', async () => {
    const overrides = Array.from({ length: 4 }, (_, i) => ['BEGIN:VEVENT', 'UID:series', `RECURRENCE-ID:2030061${i + 1}T090000Z`, `DTSTART:2030061${i + 1}T100000Z`, 'DURATION:PT1H', 'END:VEVENT']).flat();
    const padding = Array.from({ length: 300 }, (_, i) => ['BEGIN:VEVENT', `UID:p${i}`, 'DTSTART:20300610T090000Z', 'DURATION:PT1H', 'END:VEVENT']).flat();
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:series', 'DTSTART:20300610T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=9', 'END:VEVENT', ...overrides, ...padding, 'END:VCALENDAR', ''].join('\r\n');
    const tight = { ...options, maxOverridesPerEvent: 3 };
    const whole = parseCalendarObjects(text, tight);
    expect(whole.skipped).toEqual([{ uid: 'series', line: 3, reason: 'more than 3 changed or cancelled occurrences (RECURRENCE-ID)' }]);
    expect(await parseInChunks(text, tight)).toEqual(whole);
  });
});

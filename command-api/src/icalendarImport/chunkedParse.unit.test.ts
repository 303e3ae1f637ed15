import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ICalendarSyntaxError, parseCalendarObjects } from '@datebook/shared-kernel';
import { parseInChunks } from './chunkedParse';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../shared-kernel/src/icalendar/testdata', name), 'utf8');

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

  it('reads a file that is not one plain VCALENDAR whole, faults included', async () => {
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
});

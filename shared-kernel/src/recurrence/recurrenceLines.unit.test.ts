import { expandSeries } from './expand';
import { parseRecurrenceLines } from './recurrenceLines';
import type { RecurrencePart } from './recurrenceError';

describe('parseRecurrenceLines', () => {
  it('reads the RRULE, and EXDATE/RDATE in the series zone, another zone, UTC and as dates', () => {
    const lines = parseRecurrenceLines(
      [
        'RRULE:FREQ=WEEKLY;BYDAY=MO',
        'EXDATE;TZID=Europe/Berlin:20240610T090000,20240617T090000',
        'EXDATE;TZID=America/New_York:20240624T030000',
        'RDATE;TZID="Europe/Berlin":20240612T090000',
        'EXDATE;VALUE=DATE:20240701',
        'EXDATE:20240708T070000Z',
        'RDATE:20240714T100000',
      ],
      'Europe/Berlin',
    );
    expect(lines.rrule?.freq).toBe('WEEKLY');
    expect(lines.rrule?.byDay).toEqual([{ weekday: 'MO' }]);
    expect(lines.exdates).toEqual(['2024-06-10T09:00:00', '2024-06-17T09:00:00', '2024-06-24T09:00:00', '2024-07-01', '2024-07-08T09:00:00']);
    expect(lines.rdates).toEqual(['2024-06-12T09:00:00', '2024-07-14T10:00:00']);
  });

  it('keeps an instant no wall time of the series zone names (the repeated hour) as UTC', () => {
    const lines = parseRecurrenceLines(['RDATE:20241103T053000Z', 'RDATE:20241103T063000Z'], 'America/New_York');
    expect(lines.rdates).toEqual(['2024-11-03T01:30:00', '2024-11-03T06:30:00Z']);
    const { occurrences } = expandSeries(
      { timeZone: 'America/New_York', dtstart: '2024-11-02T01:30:00', rdates: lines.rdates, exdates: [] },
      { from: Date.parse('2024-11-03T00:00:00Z'), to: Date.parse('2024-11-04T00:00:00Z') },
    );
    expect(occurrences.map((o) => new Date(o.start).toISOString())).toEqual(['2024-11-03T05:30:00.000Z', '2024-11-03T06:30:00.000Z']);
    expect(occurrences.map((o) => o.local)).toEqual(['2024-11-03T01:30:00', '2024-11-03T01:30:00']);
  });

  it('returns no rule and empty lists for no lines', () => {
    expect(parseRecurrenceLines([], 'UTC')).toEqual({ rdates: [], exdates: [] });
  });

  it.each<[string[], RecurrencePart]>([
    [['RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY'], 'RRULE'],
    [['FREQ=DAILY'], 'RRULE'],
    [['EXRULE:FREQ=DAILY'], 'RRULE'],
    [['RRULE:FREQ=DAILY;BYDAY=XX'], 'BYDAY'],
    [['EXDATE:2024-06-10'], 'EXDATE'],
    [['EXDATE;VALUE=DATE:20240610T090000'], 'EXDATE'],
    [['EXDATE:20240230T090000'], 'EXDATE'],
    [['RDATE;VALUE=PERIOD:19960403T020000Z/19960403T040000Z'], 'RDATE'],
    [['RDATE;VALUE=DATE-TIME:20240610'], 'RDATE'],
    [['RDATE;TZID=Mars/Base:20240610T090000'], 'TZID'],
  ])('refuses %j with a RecurrenceError on %s', (lines, part) => {
    expect(() => parseRecurrenceLines(lines, 'Europe/Berlin')).toThrow(expect.objectContaining({ name: 'RecurrenceError', part }));
  });
});

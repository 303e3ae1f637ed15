import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import type { Interval } from '@datebook/shared-kernel';
import { DEFAULT_WORKING_HOURS, workingHoursIntervals, type WorkingHoursEntry } from './workingHours';

const utc = (iso: string) => Date.parse(iso);
const span = (from: string, to: string): Interval => ({ start: utc(from), end: utc(to) });
const iso = (list: Interval[]) =>
  list.map(({ start, end }) => [new Date(start).toISOString().slice(0, 16), new Date(end).toISOString().slice(0, 16)]);
const hours = (list: Interval[]) => list.map(({ start, end }) => (end - start) / 3_600_000);

describe('workingHoursIntervals, default 09:00–17:00 Monday to Friday', () => {
  it('Europe/Berlin: 08:00Z before the spring change, 07:00Z after it', () => {
    // 2024-03-31 (Sunday) Berlin moves from CET (+01) to CEST (+02).
    const result = workingHoursIntervals('Europe/Berlin', span('2024-03-25T00:00:00Z', '2024-04-02T00:00:00Z'));
    expect(iso(result)).toEqual([
      ['2024-03-25T08:00', '2024-03-25T16:00'],
      ['2024-03-26T08:00', '2024-03-26T16:00'],
      ['2024-03-27T08:00', '2024-03-27T16:00'],
      ['2024-03-28T08:00', '2024-03-28T16:00'],
      ['2024-03-29T08:00', '2024-03-29T16:00'],
      ['2024-04-01T07:00', '2024-04-01T15:00'],
    ]);
  });

  it('America/New_York: 13:00Z in summer time, 14:00Z after the autumn change', () => {
    // 2024-11-03 (Sunday) New York moves from EDT (-04) to EST (-05).
    const result = workingHoursIntervals('America/New_York', span('2024-11-01T00:00:00Z', '2024-11-05T00:00:00Z'));
    expect(iso(result)).toEqual([
      ['2024-11-01T13:00', '2024-11-01T21:00'],
      ['2024-11-04T14:00', '2024-11-04T22:00'],
    ]);
  });

  it('Asia/Kolkata (+05:30): 03:30Z–11:30Z, and the window is cut on UTC instants', () => {
    const week = workingHoursIntervals('Asia/Kolkata', span('2024-06-03T00:00:00Z', '2024-06-10T00:00:00Z'));
    expect(iso(week)).toEqual(['03', '04', '05', '06', '07'].map((d) => [`2024-06-${d}T03:30`, `2024-06-${d}T11:30`]));
    // Friday 16:00 IST is 10:30Z.
    expect(iso(workingHoursIntervals('Asia/Kolkata', span('2024-06-07T10:30:00Z', '2024-06-08T00:00:00Z')))).toEqual([
      ['2024-06-07T10:30', '2024-06-07T11:30'],
    ]);
  });

  it('Asia/Kolkata: early Monday hours fall on Sunday in UTC and are found from a UTC-Sunday window', () => {
    const mondayNight: WorkingHoursEntry[] = [{ day: 1, start: '00:00', end: '04:00' }];
    expect(iso(workingHoursIntervals('Asia/Kolkata', span('2024-06-02T00:00:00Z', '2024-06-03T00:00:00Z'), mondayNight))).toEqual([
      ['2024-06-02T18:30', '2024-06-02T22:30'],
    ]);
  });

  it('is 09:00–17:00 on the local wall clock on every weekday of any year, whatever the DST state', () => {
    const zones = fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe');
    const startDay = fc.integer({ min: 0, max: 365 * 3 }).map((d) => Temporal.PlainDate.from('2023-01-01').add({ days: d }));
    fc.assert(
      fc.property(zones, startDay, fc.integer({ min: 1, max: 21 }), (zone, first, days) => {
        const window = {
          start: first.toZonedDateTime({ timeZone: zone }).epochMilliseconds,
          end: first.add({ days }).toZonedDateTime({ timeZone: zone }).epochMilliseconds,
        };
        const result = workingHoursIntervals(zone, window);
        const weekdays = Array.from({ length: days }, (_, d) => first.add({ days: d })).filter((d) => d.dayOfWeek <= 5);
        expect(result).toHaveLength(weekdays.length);
        result.forEach(({ start, end }, k) => {
          const localStart = Temporal.Instant.fromEpochMilliseconds(start).toZonedDateTimeISO(zone).toPlainDateTime();
          const localEnd = Temporal.Instant.fromEpochMilliseconds(end).toZonedDateTimeISO(zone).toPlainDateTime();
          expect(localStart.toString()).toBe(`${weekdays[k]?.toString()}T09:00:00`);
          expect(localEnd.toString()).toBe(`${weekdays[k]?.toString()}T17:00:00`);
        });
      }),
    );
  });
});

describe('workingHoursIntervals, configured hours', () => {
  const sunday = (start: string, end: string): WorkingHoursEntry[] => [{ day: 7, start, end }];

  it('a Berlin DST day: 09:00–17:00 stays 8 hours, 00:00–08:00 lasts 7 hours', () => {
    const window = span('2024-03-30T00:00:00Z', '2024-04-01T00:00:00Z');
    expect(hours(workingHoursIntervals('Europe/Berlin', window, sunday('09:00', '17:00')))).toEqual([8]);
    const early = workingHoursIntervals('Europe/Berlin', window, sunday('00:00', '08:00'));
    expect(iso(early)).toEqual([['2024-03-30T23:00', '2024-03-31T06:00']]);
  });

  it('moves a nonexistent local start forward by the gap (RFC 5545 §3.3.5)', () => {
    // 02:30 does not exist on 2024-03-31 in Berlin nor on 2024-03-10 in New York; both read as 03:30 summer time.
    expect(iso(workingHoursIntervals('Europe/Berlin', span('2024-03-30T00:00:00Z', '2024-04-01T00:00:00Z'), sunday('02:30', '06:00')))).toEqual([
      ['2024-03-31T01:30', '2024-03-31T04:00'],
    ]);
    expect(iso(workingHoursIntervals('America/New_York', span('2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z'), sunday('02:30', '06:00')))).toEqual([
      ['2024-03-10T07:30', '2024-03-10T10:00'],
    ]);
  });

  it('reads an ambiguous local time as the earlier instant', () => {
    // 01:30 happens twice on 2024-11-03 in New York; the first is EDT (05:30Z). 03:00 EST is 08:00Z.
    expect(iso(workingHoursIntervals('America/New_York', span('2024-11-03T00:00:00Z', '2024-11-04T00:00:00Z'), sunday('01:30', '03:00')))).toEqual([
      ['2024-11-03T05:30', '2024-11-03T08:00'],
    ]);
    expect(hours(workingHoursIntervals('Europe/Berlin', span('2024-10-26T00:00:00Z', '2024-10-28T00:00:00Z'), sunday('02:30', '04:00')))).toEqual([2.5]);
  });

  it('runs an entry whose end is not after its start into the next day, even from before the window', () => {
    const nightShift: WorkingHoursEntry[] = [{ day: 5, start: '22:00', end: '06:00' }];
    // Friday 2024-06-07 22:00 → Saturday 06:00 UTC; the window starts on Saturday.
    expect(iso(workingHoursIntervals('UTC', span('2024-06-08T00:00:00Z', '2024-06-09T00:00:00Z'), nightShift))).toEqual([
      ['2024-06-08T00:00', '2024-06-08T06:00'],
    ]);
  });

  it('accepts 24:00 as an end and merges days that touch', () => {
    const allDay: WorkingHoursEntry[] = [
      { day: 1, start: '00:00', end: '24:00' },
      { day: 2, start: '00:00', end: '24:00' },
    ];
    expect(iso(workingHoursIntervals('Asia/Kolkata', span('2024-06-01T00:00:00Z', '2024-06-08T00:00:00Z'), allDay))).toEqual([
      ['2024-06-02T18:30', '2024-06-04T18:30'],
    ]);
  });

  it('supports several entries on one day and different hours per day', () => {
    const split: WorkingHoursEntry[] = [
      { day: 1, start: '08:00', end: '12:00' },
      { day: 1, start: '13:00', end: '17:30' },
      { day: 3, start: '10:00', end: '14:00' },
    ];
    expect(iso(workingHoursIntervals('UTC', span('2024-06-03T00:00:00Z', '2024-06-10T00:00:00Z'), split))).toEqual([
      ['2024-06-03T08:00', '2024-06-03T12:00'],
      ['2024-06-03T13:00', '2024-06-03T17:30'],
      ['2024-06-05T10:00', '2024-06-05T14:00'],
    ]);
  });

  it('gives nothing for no entries or a zero-length window', () => {
    expect(workingHoursIntervals('UTC', span('2024-06-03T00:00:00Z', '2024-06-10T00:00:00Z'), [])).toEqual([]);
    expect(workingHoursIntervals('UTC', span('2024-06-03T10:00:00Z', '2024-06-03T10:00:00Z'))).toEqual([]);
  });

  it('defaults to Monday to Friday', () => {
    expect(DEFAULT_WORKING_HOURS.map((entry) => entry.day)).toEqual([1, 2, 3, 4, 5]);
  });
});

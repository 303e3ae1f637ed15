import { ExpansionBudget } from '../recurrence/expansionBudget';
import { RecurrenceError } from '../recurrence/recurrenceError';
import fc from 'fast-check';
import { isOccurrenceOf, lastOccurrenceEnd, occurrenceSpan, occurrencesAmong, occurrencesOverlapping, plainOccurrenceStarts, seriesOf } from './occurrences';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;

function event(recurrence: string[], startTime = '2030-01-01T09:00:00.000Z', minutes = 30) {
  return {
    startTime,
    endTime: new Date(at(startTime) + minutes * MINUTE).toISOString(),
    timeZone: 'UTC',
    allDay: false,
    startDate: null,
    recurrence,
    title: 'Series',
    description: null,
    location: null,
    exceptions: {},
  };
}

describe('a series’ span and end are bounded and computed once', () => {
  it('ends a COUNT series at its last occurrence’s end', () => {
    const series = event(['RRULE:FREQ=DAILY;COUNT=10000']);
    const lastEnd = at('2030-01-01T09:30:00.000Z') + 9999 * 86_400_000;
    expect(lastOccurrenceEnd(series)).toBe(lastEnd);
    expect(occurrenceSpan(series)).toEqual({ start: at('2030-01-01T09:00:00.000Z'), end: lastEnd });
  });

  it('is endless for a rule without COUNT or UNTIL', () => {
    expect(occurrenceSpan(event(['RRULE:FREQ=MINUTELY'])).end).toBe(Infinity);
  });

  it('keeps a stored COUNT=100000000 series readable: its end, beyond the budget, counts as endless', () => {
    const legacy = event(['RRULE:FREQ=MINUTELY;BYHOUR=9;COUNT=100000000']);
    expect(() => seriesOf(legacy)).toThrow(RecurrenceError);
    const started = performance.now();
    expect(occurrenceSpan(legacy).end).toBe(Infinity);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('does not walk a series for a window after its end once the end is known', () => {
    const series = event(['RRULE:FREQ=HOURLY;BYHOUR=9,10;COUNT=5000']);
    lastOccurrenceEnd(series);
    const budget = new ExpansionBudget();
    const read = occurrencesOverlapping(series, { from: at('2150-01-01T00:00:00Z'), to: at('2150-01-08T00:00:00Z') }, 1000, budget);
    expect(read).toEqual({ occurrences: [], truncated: false, completeBefore: at('2150-01-08T00:00:00Z') });
    expect(budget.spent).toBe(0);
  });
});

describe('occurrencesOverlapping says how far its answer is complete', () => {
  it('is complete to the window’s end when nothing was cut', () => {
    const read = occurrencesOverlapping(event(['RRULE:FREQ=DAILY']), { from: at('2030-02-01T00:00:00Z'), to: at('2030-02-08T00:00:00Z') });
    expect(read.occurrences).toHaveLength(7);
    expect(read.truncated).toBe(false);
    expect(read.completeBefore).toBe(at('2030-02-08T00:00:00Z'));
  });

  it('is complete up to the first occurrence the cap left out', () => {
    const read = occurrencesOverlapping(event(['RRULE:FREQ=MINUTELY'], '2030-01-01T00:00:00.000Z', 1), { from: at('2030-01-02T00:00:00Z'), to: at('2030-01-03T00:00:00Z') });
    expect(read.occurrences).toHaveLength(1000);
    expect(read.truncated).toBe(true);
    expect(read.completeBefore).toBe(at('2030-01-02T00:00:00Z') + 1000 * MINUTE);
  });

  it('is complete up to where the budget stopped a stored series, from the window’s start when it never got there', () => {
    const legacy = event(['RRULE:FREQ=MINUTELY;BYHOUR=9;COUNT=100000000'], '2024-01-01T09:00:00.000Z');
    const window = { from: at('2150-01-01T00:00:00Z'), to: at('2150-01-02T00:00:00Z') };
    const read = occurrencesOverlapping(legacy, window);
    expect(read.truncated).toBe(true);
    expect(read.occurrences).toEqual([]);
    expect(read.completeBefore).toBe(window.from);
  });
});

describe('occurrencesAmong', () => {
  it('answers as isOccurrenceOf does for each start, with one expansion of their span', () => {
    const daily = { startTime: '2030-01-07T08:00:00.000Z', endTime: '2030-01-07T09:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null, recurrence: ['RRULE:FREQ=DAILY;COUNT=1000', 'EXDATE:20300110T080000Z'], exceptions: {} };
    const starts = ['2030-01-08T08:00:00.000Z', '2030-01-10T08:00:00.000Z', '2030-01-08T09:00:00.000Z', '2032-06-01T07:00:00.000Z', '2035-01-01T08:00:00.000Z', 'not a date'];
    expect([...occurrencesAmong(daily, starts)].sort()).toEqual(starts.filter((s) => isOccurrenceOf(daily, s)).sort());
    expect(occurrencesAmong(daily, starts).has('2030-01-08T08:00:00.000Z')).toBe(true);
    const allDay = { ...daily, allDay: true, startDate: '2030-01-07', endDate: '2030-01-08', startTime: '2030-01-07T00:00:00.000Z', endTime: '2030-01-08T00:00:00.000Z', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'] };
    expect([...occurrencesAmong(allDay, ['2030-01-14', '2030-01-15', '2030-03-11', '2030-03-18'])]).toEqual(['2030-01-14', '2030-03-11']);
  });
});

describe('plainOccurrenceStarts', () => {
  const DAY = 86_400_000;
  const rules = [
    [], ['RRULE:FREQ=DAILY'], ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=40'], ['RRULE:FREQ=MONTHLY;BYMONTHDAY=31'], ['RRULE:FREQ=HOURLY;INTERVAL=5'],
    ['RRULE:FREQ=DAILY;UNTIL=20300201T090000Z', 'EXDATE:20300105T090000Z', 'RDATE:20300301T120000Z'], ['RRULE:FREQ=MINUTELY;INTERVAL=7'],
  ];
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'];

  it('finds what occurrencesOverlapping finds for an event without exceptions, as bare instants', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...rules), fc.constantFrom(...zones), fc.boolean(), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.integer({ min: -30, max: 500 }), fc.integer({ min: 1, max: 400 }), fc.constantFrom(undefined, 5, 1000),
        (recurrence, timeZone, allDay, startDay, minutes, fromDay, days, cap) => {
          // An all-day series repeats by day or longer (RFC 5545 §3.3.10: no time of day to repeat).
          fc.pre(!allDay || !recurrence.some((line) => /HOURLY|MINUTELY/.test(line)));
          const start = at('2030-01-01T09:00:00.000Z') + startDay * DAY;
          const shape = allDay
            ? { ...event(recurrence, new Date(Math.floor(start / DAY) * DAY).toISOString(), Math.ceil(minutes / 1440) * 1440), allDay: true, timeZone }
            : { ...event(recurrence, new Date(start).toISOString(), minutes), timeZone };
          const withDate = allDay ? { ...shape, startDate: shape.startTime.slice(0, 10) } : shape;
          const window = { from: at('2030-01-01T00:00:00.000Z') + fromDay * DAY, to: at('2030-01-01T00:00:00.000Z') + (fromDay + days) * DAY };
          const found = occurrencesOverlapping(withDate, window, cap);
          const plain = plainOccurrenceStarts(withDate, window, cap);
          expect(plain && { intervals: plain.starts.map((s) => [s, s + plain.duration]), truncated: plain.truncated, completeBefore: plain.completeBefore }).toEqual({
            intervals: found.occurrences.map((o) => [at(o.startTime), at(o.endTime)]),
            truncated: found.truncated,
            completeBefore: found.completeBefore,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves an event with exceptions to occurrencesOverlapping', () => {
    const series = { ...event(['RRULE:FREQ=DAILY']), exceptions: { '2030-01-02T09:00:00.000Z': { cancelled: true as const } } };
    expect(plainOccurrenceStarts(series, { from: at('2030-01-01T00:00:00Z'), to: at('2030-01-05T00:00:00Z') })).toBeUndefined();
  });
});
